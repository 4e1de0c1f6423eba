/** The details drawer: the whole record of one request, every value set as text. */
import * as l10n from '@vscode/l10n';
import type { UsageRecord } from '../../core/ledger/usageRecord';
import { h, icon } from './dom';
import { formatCredits, formatLatency, formatTime, formatTokens, formatUsd } from './format';

type Pairs = readonly (readonly [string, string | number | null | undefined])[];

function section(title: string, pairs: Pairs): HTMLElement {
  const list = h('dl');
  for (const [label, value] of pairs) {
    if (value === undefined) {
      continue;
    }
    list.append(h('dt', { text: label }), h('dd', { text: value === null ? '—' : String(value) }));
  }
  return h('section', {}, [h('h3', { text: title }), list]);
}

function textBlock(title: string, text: string | undefined): HTMLElement {
  return h('section', {}, [
    h('h3', { text: title }),
    text === undefined ? h('p', { className: 'muted', text: l10n.t('Not stored (see the creditMeter.storePrompts setting).') }) : h('pre', { text }),
  ]);
}

export class DetailsDrawer {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;
  private readonly title: HTMLElement;

  constructor(onClose: () => void) {
    const close = h('button', { className: 'icon-button', attrs: { title: l10n.t('Close (Esc)'), 'aria-label': l10n.t('Close details') } }, [icon('close')]);
    close.addEventListener('click', onClose);
    this.title = h('h2', { text: l10n.t('Request') });
    this.content = h('div', { className: 'drawer-content' });
    this.element = h('aside', { className: 'drawer', attrs: { 'aria-label': l10n.t('Request details'), tabindex: '-1' } }, [h('header', {}, [this.title, close]), this.content]);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        onClose();
      }
    });
    this.element.hidden = true;
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  showLoading(): void {
    this.element.hidden = false;
    this.content.replaceChildren(h('p', { className: 'muted', text: l10n.t('Loading…') }));
  }

  showError(message: string): void {
    this.element.hidden = false;
    this.content.replaceChildren(h('p', { className: 'error', text: message }));
  }

  /** `thread`: the Compose thread the request belongs to; `appliedBlocks`: its answer's code blocks applied, from the ledger (null: nobody can know). */
  show(record: UsageRecord, thread?: { readonly label: string }, appliedBlocks?: number | null): void {
    this.element.hidden = false;
    const served = record.modelServed && record.modelServed !== record.modelRequested ? ` → ${record.modelServed}` : '';
    this.title.textContent = `${record.kind} · ${record.modelRequested}${served}`;
    const { tokens, cost, estimate, outcome } = record;
    const contexts = h('section', {}, [h('h3', { text: l10n.t('Context ({0} tokens, {1} bytes)', formatTokens(record.contextTokens), formatTokens(record.contextBytes)) })]);
    if (record.contexts.length === 0) {
      contexts.append(h('p', { className: 'muted', text: l10n.t('No context items.') }));
    } else {
      const list = h('ul', { className: 'contexts' });
      for (const item of record.contexts) {
        list.append(h('li', {}, [h('span', { className: 'badge', text: item.kind }), h('span', { text: ` ${item.label} ` }), h('span', { className: 'muted', text: l10n.t('{0} tokens', formatTokens(item.tokens)) })]));
      }
      contexts.append(list);
    }
    this.content.replaceChildren(
      section(l10n.t('Request'), [
        [l10n.t('Started'), formatTime(Date.parse(record.startedAt))],
        [l10n.t('First token'), record.firstTokenAt === null ? null : formatTime(Date.parse(record.firstTokenAt))],
        [l10n.t('Finished'), formatTime(Date.parse(record.finishedAt))],
        [l10n.t('Provider'), `${record.provider}${record.baseUrlHost ? ` (${record.baseUrlHost})` : ''}`],
        [l10n.t('Region'), record.region],
        [l10n.t('Thread'), thread?.label ?? record.threadId ?? undefined],
        [l10n.t('Code blocks applied'), appliedBlocks ?? undefined],
        [l10n.t('Turn'), record.turnId],
        [l10n.t('Round / attempt'), `${record.round + 1} / ${record.attempt + 1}`],
        [l10n.t('Id'), record.id],
      ]),
      section(l10n.t('Outcome'), [
        [l10n.t('Status'), outcome.status],
        [l10n.t('Latency'), formatLatency(outcome.latencyMs)],
        [l10n.t('Retries'), outcome.retries],
        [l10n.t('HTTP status'), outcome.httpStatus],
        [l10n.t('Error'), outcome.errorClass],
        [l10n.t('Message'), outcome.errorMessage],
      ]),
      section(l10n.t('Tokens'), [
        [l10n.t('Input (uncached)'), formatTokens(tokens.input)],
        [l10n.t('Cache read'), formatTokens(tokens.cacheRead)],
        [l10n.t('Cache write'), formatTokens(tokens.cacheWrite)],
        [l10n.t('Output'), formatTokens(tokens.output)],
        [l10n.t('Reasoning'), formatTokens(tokens.reasoning)],
        [l10n.t('System message'), formatTokens(tokens.system)],
        [l10n.t('Tool definitions'), formatTokens(tokens.tools)],
        [l10n.t('Usage source'), record.usageSource],
      ]),
      section(l10n.t('Cost'), [
        [l10n.t('Credits charged'), formatCredits(cost.credits)],
        [l10n.t('USD'), formatUsd(cost.usd)],
        [l10n.t('Charge source'), cost.chargeSource],
        [l10n.t('Price profile'), cost.profileVersion],
        [l10n.t('Estimate (low / expected / high)'), estimate ? `${formatCredits(estimate.low)} / ${formatCredits(estimate.expected)} / ${formatCredits(estimate.high)}` : null],
        [l10n.t('Estimated tokens (in / out)'), estimate ? `${formatTokens(estimate.inputTokens)} / ${formatTokens(estimate.outputTokens)}` : undefined],
      ]),
      section(l10n.t('Tools'), [
        [l10n.t('Called'), record.tools.names.length > 0 ? record.tools.names.join(', ') : l10n.t('none')],
        [l10n.t('Tool calls'), record.tools.calls],
        [l10n.t('External API calls'), record.tools.externalCalls],
      ]),
      contexts,
      textBlock(l10n.t('Prompt'), record.prompt),
      textBlock(l10n.t('System'), record.system),
    );
  }

  hide(): void {
    this.element.hidden = true;
  }
}
