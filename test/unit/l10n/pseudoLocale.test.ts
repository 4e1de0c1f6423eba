/**
 * Every string the webviews and the core show goes through `@vscode/l10n`: with a pseudo-locale
 * bundle made from the sources (as `npx @vscode/l10n-dev export` finds them, then l10n-dev's pseudo
 * transform), a sample of Compose, History and core text comes out pseudo-localised. The bundle is
 * configured after the modules loaded, so this also proves the words are looked up at use, not at load.
 */
import { strict as assert } from 'node:assert';
import * as l10n from '@vscode/l10n';
import { estimateRequest } from '../../../src/core/estimate';
import { refusalMessage } from '../../../src/core/budget/taskBudget';
import { contextWindowFix, contextWindowWarning, statusText, statusTooltip, type EstimateSummary } from '../../../src/core/format/statusView';
import { taskStatusText } from '../../../src/core/tasks/taskStatus';
import { computeTips, formatSaving } from '../../../src/core/tips';
import { RANGE_LABELS } from '../../../src/protocol/historyFilter';
import { describeWriteError } from '../../../src/views/exportOptions';
import { chargeSummary, estimateHeadline, statusLabel } from '../../../src/webview/compose/format';
import { kindLabel, viewText } from '../../../src/webview/compose/text';
import { formatLatency } from '../../../src/webview/history/format';
import { columns } from '../../../src/webview/history/columns';
import { filterText, historyText, summaryText } from '../../../src/webview/history/text';
import { ledgerNoteLines } from '../../../src/webview/history/viewModel';
import { draft, environment } from '../tips/tipFixtures';
import { pseudoBundle } from '../../support/pseudoBundle';


/** `{0}`-style formatting, as `l10n.t` does it. */
function format(template: string, args: readonly (string | number)[]): string {
  return args.length === 0 ? template : template.replace(/\{(\d+)\}/g, (match, index: string) => (args[Number(index)] === undefined ? match : String(args[Number(index)])));
}

let pseudo: Record<string, string> = {};

/** `actual` is the pseudo-locale's `english`, formatted with `args`; the translation has no English letter left. */
function assertPseudo(actual: string, english: string, ...args: (string | number)[]): void {
  const template = pseudo[english];
  assert.ok(template !== undefined, `not in the exported bundle (not a literal l10n.t message?): ${english}`);
  assert.doesNotMatch(template.replace(/\{\d+\}|\$\([a-z-]+\)/g, ''), /[A-Za-z]/, `not pseudo-localised: ${template}`);
  assert.equal(actual, format(template, args));
}

/** No word of the English text (three letters or more) is left in `text`. */
function assertNoEnglish(text: string, ...english: string[]): void {
  for (const word of english) {
    assert.ok(!text.includes(word), `"${word}" left in English in:\n${text}`);
  }
}

describe('localisation: a pseudo-locale bundle reaches webview and core text', function () {
  before(async () => {
    pseudo = await pseudoBundle();
    l10n.config({ contents: pseudo });
  });

  after(() => {
    // English again for every other test in this process.
    l10n.config({ contents: {} });
  });

  it('exports every message with its English text as the key', () => {
    for (const key of ['Cut the cost', 'Estimate accuracy', 'Send the function, not the file', "{0} tokens: over {1}'s {2} window"]) {
      assert.ok(key in pseudo, key);
    }
    assert.ok(Object.keys(pseudo).length > 200, `only ${Object.keys(pseudo).length} messages found`);
  });

  it('Compose: its own words, status, charge line and estimate headline', () => {
    assertPseudo(viewText.tipsHeading, 'Cut the cost');
    assertPseudo(viewText.promptPlaceholder, 'Ask about your code. Ctrl+Enter sends.');
    assertPseudo(viewText.send, 'Send');
    assertPseudo(viewText.newHere, 'New to Credit Meter? {0}: set an API key, pick a model, see an estimate, send.');
    assertPseudo(viewText.threadCost(1, 0.5, 0), '1 message · {0} cr', '0.5');
    assertPseudo(viewText.threadCost(3, 1.5, 0), '{0} messages · {1} cr', 3, '1.5');
    assertPseudo(viewText.history(2), 'resent history ({0} earlier turns)', 2);
    assertPseudo(viewText.copyLanguageCode('ts'), 'Copy {0} code', 'ts');
    assertPseudo(kindLabel('refactor'), 'Refactor');
    assertPseudo(statusLabel('cancelled'), 'Stopped');
    assertPseudo(estimateHeadline({ credits: { low: 0.2, expected: 0.4, high: 0.9 } } as never).main, '≈ {0} cr', '0.4');
    const turn = { status: 'ok', estimated: { low: 0.2, expected: 0.4, high: 0.9 }, charged: 0.5, chargeSource: 'provider' } as never;
    const estimated = format(pseudo['Estimated {0} cr (≈ {1})'], ['0.2–0.9', '0.4']);
    assertPseudo(chargeSummary(turn), '{0} · charged {1} cr (reported by the provider)', estimated, '0.5');
  });

  it('History: table headers, status line, summary, filter bar, ledger notes, latency', () => {
    assertPseudo(columns[0].title, 'Time');
    assertPseudo(columns[3].tooltip, 'Input tokens billed at the input price (uncached, incl. cache writes)');
    assertPseudo(historyText.rowCount('12', '40', 0, '0'), '{0} of {1} requests', '12', '40');
    assertPseudo(historyText.rowCount('12', '40', 2, '2'), '{0} of {1} requests · {2} assistant tasks', '12', '40', '2');
    assertPseudo(historyText.empty, 'No requests recorded in this workspace yet. Send one from Compose, or connect an assistant to the metering gateway. {0}');
    assertPseudo(summaryText.accuracy, 'Estimate accuracy');
    assertPseudo(filterText.all(filterText.models), '{0}: all', pseudo.Models);
    assertPseudo(RANGE_LABELS.last7, 'Last 7 days');
    assertPseudo(formatLatency(250), '{0} ms', '250');
    const notes = ledgerNoteLines({ damaged: 2, newerSchema: 0, quarantined: 1, indexRebuilt: null });
    assertPseudo(notes[0], '{0} unreadable ledger line(s) skipped, not counted', '2');
    assertPseudo(notes[1], '{0} unreadable line(s) set aside in quarantine.jsonl, not counted', '1');
  });

  it('core: tips, their saving, estimate part labels, the context-window warning and the status bar', () => {
    const tokens = 12_000;
    const tips = computeTips(draft({ contexts: [{ label: 'src/big.ts', kind: 'file', tokens, text: 'x '.repeat(tokens) }] }), environment());
    const huge = tips.find((tip) => tip.id === 'hugeContext');
    assert.ok(huge);
    assertPseudo(huge.title, 'Send the function, not the file');
    assertPseudo(huge.message, '{0} is {1} tokens. Select just the code the question is about (about {2} tokens for a function) instead of the whole file.', 'src/big.ts', '12k', '1k');
    assertNoEnglish(formatSaving(huge), 'saves', 'tokens');

    const estimate = estimateRequest({ model: 'gpt-4o', prompt: 'list the files', context: [{ kind: 'file', label: 'a.ts', text: 'const a = 1;' }] });
    const labels = estimate.parts.map((part) => part.label);
    for (const english of ['prompt', 'message overhead']) {
      assertPseudo(labels.find((label) => label === pseudo[english]) ?? `(no ${english} part in ${labels.join(', ')})`, english);
    }
    assert.ok(labels.includes('a.ts'), 'a context keeps its own label');

    const summary: EstimateSummary = {
      model: 'tiny-model', credits: { low: 1, expected: 2, high: 3 }, inputTokens: 12_000, outputTokens: { p50: 100, p90: 300 },
      parts: estimate.parts, exact: true, contextWindow: 8_000, exceedsContextWindow: true,
    };
    assertPseudo(contextWindowWarning(summary) ?? '', "{0} tokens: over {1}'s {2} window", '12k', 'tiny-model', '8k');
    assertNoEnglish(contextWindowFix(summary), 'Remove', 'least', 'larger');
    const snapshot = { mode: 'draft', estimate: summary, spend: { today: 1, month: 4 }, limits: { daily: 10, monthly: null }, tips: [{ title: huge.title, savedTokens: 10, savedCredits: 0.5 }] } as const;
    assertPseudo(statusText(snapshot), '{0} ≈ {1} cr', '$(credit-card) $(warning)', '2.0');
    assertNoEnglish(statusTooltip(snapshot), 'Draft', 'Today', 'budget', 'Ways', 'Click', 'Part', 'Tokens', 'exact', 'provider', 'refuse');
  });

  it('core, send and views: gateway refusals, task status, write errors', () => {
    const refusal = refusalMessage([{ scope: 'daily', limit: 5, spent: 4.2, after: 6.7 }], { expected: 1.1, high: 2.5 });
    assertNoEnglish(refusal, 'refused', 'budget has', 'wait', 'Raise');
    assert.match(refusal, /creditMeter\.budget\.daily/, 'the setting name is kept as it is');
    assertPseudo(taskStatusText({ client: 'claude-cli', rounds: 3, credits: 1 } as never), '{0} · round {1} · {2} cr', 'Claude Code', 3, '1.0');
    const error = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    assertPseudo(describeWriteError(error, '/tmp/usage.csv'), 'Could not write {0}: the disk is full. Free some space or choose another drive.', 'usage.csv');
  });
});

describe('localisation: English without a bundle', () => {
  it('reads as written when nothing configured @vscode/l10n (the CLI)', () => {
    l10n.config({ contents: {} });
    assert.equal(viewText.tipsHeading, 'Cut the cost');
    assert.equal(columns[0].title, 'Time');
    assert.equal(historyText.rowCount('1', '2', 1, '1'), '1 of 2 requests · 1 assistant task');
  });
});
