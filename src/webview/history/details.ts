/** The details drawer: the whole record of one request, every value set as text. */
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
    text === undefined ? h('p', { className: 'muted', text: 'Not stored (see the creditMeter.storePrompts setting).' }) : h('pre', { text }),
  ]);
}

export class DetailsDrawer {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;
  private readonly title: HTMLElement;

  constructor(onClose: () => void) {
    const close = h('button', { className: 'icon-button', attrs: { title: 'Close (Esc)', 'aria-label': 'Close details' } }, [icon('close')]);
    close.addEventListener('click', onClose);
    this.title = h('h2', { text: 'Request' });
    this.content = h('div', { className: 'drawer-content' });
    this.element = h('aside', { className: 'drawer', attrs: { 'aria-label': 'Request details', tabindex: '-1' } }, [h('header', {}, [this.title, close]), this.content]);
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
    this.content.replaceChildren(h('p', { className: 'muted', text: 'Loading…' }));
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
    const contexts = h('section', {}, [h('h3', { text: `Context (${formatTokens(record.contextTokens)} tokens, ${formatTokens(record.contextBytes)} bytes)` })]);
    if (record.contexts.length === 0) {
      contexts.append(h('p', { className: 'muted', text: 'No context items.' }));
    } else {
      const list = h('ul', { className: 'contexts' });
      for (const item of record.contexts) {
        list.append(h('li', {}, [h('span', { className: 'badge', text: item.kind }), h('span', { text: ` ${item.label} ` }), h('span', { className: 'muted', text: `${formatTokens(item.tokens)} tokens` })]));
      }
      contexts.append(list);
    }
    this.content.replaceChildren(
      section('Request', [
        ['Started', formatTime(Date.parse(record.startedAt))],
        ['First token', record.firstTokenAt === null ? null : formatTime(Date.parse(record.firstTokenAt))],
        ['Finished', formatTime(Date.parse(record.finishedAt))],
        ['Provider', `${record.provider}${record.baseUrlHost ? ` (${record.baseUrlHost})` : ''}`],
        ['Region', record.region],
        ['Thread', thread?.label ?? record.threadId ?? undefined],
        ['Code blocks applied', appliedBlocks ?? undefined],
        ['Turn', record.turnId],
        ['Round / attempt', `${record.round + 1} / ${record.attempt + 1}`],
        ['Id', record.id],
      ]),
      section('Outcome', [
        ['Status', outcome.status],
        ['Latency', formatLatency(outcome.latencyMs)],
        ['Retries', outcome.retries],
        ['HTTP status', outcome.httpStatus],
        ['Error', outcome.errorClass],
        ['Message', outcome.errorMessage],
      ]),
      section('Tokens', [
        ['Input (uncached)', formatTokens(tokens.input)],
        ['Cache read', formatTokens(tokens.cacheRead)],
        ['Cache write', formatTokens(tokens.cacheWrite)],
        ['Output', formatTokens(tokens.output)],
        ['Reasoning', formatTokens(tokens.reasoning)],
        ['System message', formatTokens(tokens.system)],
        ['Tool definitions', formatTokens(tokens.tools)],
        ['Usage source', record.usageSource],
      ]),
      section('Cost', [
        ['Credits charged', formatCredits(cost.credits)],
        ['USD', formatUsd(cost.usd)],
        ['Charge source', cost.chargeSource],
        ['Price profile', cost.profileVersion],
        ['Estimate (low / expected / high)', estimate ? `${formatCredits(estimate.low)} / ${formatCredits(estimate.expected)} / ${formatCredits(estimate.high)}` : null],
        ['Estimated tokens (in / out)', estimate ? `${formatTokens(estimate.inputTokens)} / ${formatTokens(estimate.outputTokens)}` : undefined],
      ]),
      section('Tools', [
        ['Called', record.tools.names.length > 0 ? record.tools.names.join(', ') : 'none'],
        ['Tool calls', record.tools.calls],
        ['External API calls', record.tools.externalCalls],
      ]),
      contexts,
      textBlock('Prompt', record.prompt),
      textBlock('System', record.system),
    );
  }

  hide(): void {
    this.element.hidden = true;
  }
}
