// A three-message thread sent through Compose to a local server that caches prompts and reports cache
// usage the way Anthropic and OpenAI do (test/support/cachingUpstream.ts, bundled into the extension
// host like the protocol server). Every request is recorded in the ledger with its thread, and the
// send-time estimate of each cached follow-up is within 10 % of what it was charged.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { totalsOf } from '../../../src/core/ledger/aggregate';
import { summarize } from '../../../src/core/ledger/recordSummary';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { type CreditProfile, modelPricing } from '../../../src/core/pricing';
import { CalibrationTable } from '../../../src/core/tokens';
import { summaryText } from '../../../src/views/composeText';
import type { ComposeSnapshot } from '../../../src/extension/compose/composeViewProvider';
import type { TurnResult } from '../../../src/send/turnRunner';
import { type CachingUpstream, startCachingUpstream } from '../../support/cachingUpstream';
import { activeExtension } from '../support/extension';
import { clearCompose, creditMeter, setUserSetting, until } from '../extension/creditMeterApi';

const KEY = 'sk-integration-thread-0123456789';
const PROMPTS = [
  'Explain how this session avoids recounting the context on every keystroke.',
  'Which part would break if two context items had the same label but different text?',
  'Write a mocha test that shows that case.',
];

/** An answer of about `tokens` output tokens as the server counts them (" ok" is one token in both encodings; Claude's stand-in counts ×1.2). */
function answerOf(tokens: number, dialect: 'anthropic' | 'openai'): string {
  const words = Math.max(1, dialect === 'anthropic' ? Math.round(tokens / 1.2) : tokens);
  return `ok${' ok'.repeat(words - 1)}`;
}

async function snapshot(): Promise<ComposeSnapshot> {
  return vscode.commands.executeCommand<ComposeSnapshot>('creditMeter.compose.snapshot');
}

/**
 * The send-time estimate in USD, before credits are rounded: the recorded split (cached, written,
 * fresh input and the predicted answer) priced by the catalogue. Compared with the charge in USD
 * (`cost.usd`, unrounded) because credits are rounded to 0.1 with a 0.1 minimum: a cached follow-up
 * costs a few tenths of a credit, so one rounding step alone can be 30 % of it, whatever the estimate.
 */
function estimateUsd(record: UsageRecord, profile: CreditProfile): number {
  const estimate = record.estimate;
  assert.ok(estimate, 'the record keeps its send-time estimate');
  const pricing = modelPricing(record.modelRequested, profile);
  assert.equal(pricing.kind, 'priced');
  if (pricing.kind !== 'priced') {
    return Number.NaN;
  }
  return pricing.price({
    inputTokens: estimate.inputTokens - estimate.cacheReadTokens - estimate.cacheWriteTokens,
    cacheReadTokens: estimate.cacheReadTokens,
    cacheWriteTokens: estimate.cacheWriteTokens,
    outputTokens: estimate.outputTokens,
    reasoningTokens: 0,
  }).usd;
}

describe('compose: a three-message thread against a caching server', () => {
  let server: CachingUpstream | undefined;
  let nextAnswer = 'ok';
  let editor: vscode.TextEditor | undefined;
  let calibration: ReturnType<CalibrationTable['toJSON']> | undefined;

  before(async function () {
    this.timeout(60_000);
    const api = await creditMeter();
    calibration = api.calibration().toJSON();
    server = await startCachingUpstream({ answer: () => nextAnswer });
    await setUserSetting(api, 'providers', [
      { id: 'cache-anthropic', kind: 'anthropic', baseUrl: server.url, models: ['claude-sonnet-4-5'] },
      { id: 'cache-openai', kind: 'openai', baseUrl: `${server.url}/v1`, models: ['gpt-4.1'] },
    ]);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'cache-anthropic', KEY);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'cache-openai', KEY);
    await vscode.commands.executeCommand('creditMeter.openCompose');
    await until('the compose view to be ready', async () => (await snapshot()).ready, 30_000);
  });

  after(async () => {
    await server?.close();
    const api = await creditMeter();
    // The Anthropic messages taught this window's calibration the caching server's stand-in
    // tokenizer; later suites compare the extension's counts with the CLI's, which starts from the
    // priors. Put back what was learned before this suite (the table and its saved copy).
    if (calibration) {
      await api.restoreCalibration(calibration);
    }
    await setUserSetting(api, 'providers', undefined);
    await setUserSetting(api, 'defaultModel', undefined);
    await clearCompose();
  });

  for (const [dialect, modelRef] of [['anthropic', 'cache-anthropic:claude-sonnet-4-5'], ['openai', 'cache-openai:gpt-4.1']] as const) {
    it(`${dialect}: records each message with its thread, and estimates every cached follow-up within 10 % of its charge`, async function () {
      this.timeout(180_000);
      const api = await creditMeter();
      await setUserSetting(api, 'defaultModel', modelRef);
      await vscode.commands.executeCommand('creditMeter.newThread');
      await until('no active thread', async () => (await snapshot()).threads.activeId === null);

      // The first message asks about a whole source file: the selection chip attaches it.
      const extension = await activeExtension();
      const document = await vscode.workspace.openTextDocument(path.join(extension.extensionPath, 'src', 'core', 'estimate', 'estimateSession.ts'));
      editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
      await until('the selection chip', async () => (await snapshot()).contexts.length === 1);

      const results: TurnResult[] = [];
      for (const [index, prompt] of PROMPTS.entries()) {
        if (index === 1) {
          // Follow-ups ask about what was already sent: the file is not attached again.
          editor.selection = new vscode.Selection(0, 0, 0, 0);
          await until('the chip to go', async () => (await snapshot()).contexts.length === 0);
        }
        await vscode.commands.executeCommand('creditMeter.compose.setPrompt', prompt);
        const shown = await until('the live estimate of the message', () => {
          const live = api.liveEstimate.state;
          return live?.draft.prompt === prompt && live.estimate.estimate.historyTurns === index && live.estimate.estimate.cache !== undefined && live.estimate.estimate;
        }, 30_000);
        await until('the view to show it', async () => (await snapshot()).estimate?.cache !== undefined);
        // The answer is as long as the estimate predicted, so what is measured is the input side:
        // token counts and the split into cached, written and fresh input (the output model has its own tests).
        nextAnswer = answerOf(shown.outputTokens.p50, dialect);
        const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
        assert.ok(result, 'the message was sent');
        assert.equal(result.status, 'ok', result.error?.message);
        results.push(result);
      }

      const state = await snapshot();
      const threadId = state.threads.activeId;
      assert.ok(threadId, 'the first message started a thread, the follow-ups continued it');
      const ledger = await api.ledger();
      const records = (await Promise.all(results.map((result) => ledger.query({ turnId: result.turnId })))).map((found) => {
        assert.equal(found.length, 1, 'one attempt per message');
        return found[0];
      });
      assert.deepEqual(records.map((record) => record.threadId), [threadId, threadId, threadId]);
      assert.deepEqual(records.map((record) => record.source), ['compose', 'compose', 'compose']);

      // What the server received: each follow-up resends the earlier turns.
      const sent = server?.requests.slice(-3).map((request) => (request.json as { messages: unknown[] }).messages.length) ?? [];
      assert.deepEqual(sent, dialect === 'anthropic' ? [1, 3, 5] : [2, 4, 6]);

      const thread = api.threads.get(threadId);
      assert.deepEqual(thread?.turns.map((turn) => [turn.turnId, turn.status]), results.map((result) => [result.turnId, 'ok']));
      assert.deepEqual(thread?.turns.map((turn) => turn.charge?.credits), records.map((record) => record.cost.credits));
      assert.ok(thread?.cache && thread.cache.entries.length > 0, 'the thread keeps what the provider caches');
      // Kept per workspace, beside the ledger, one file per thread: a reload reads it back.
      assert.equal(path.dirname(api.threads.dir), path.dirname(api.ledgerDir()));
      const onDisk = JSON.parse(fs.readFileSync(path.join(api.threads.dir, `${threadId}.json`), 'utf8')) as { turns: { turnId: string }[] };
      assert.deepEqual(onDisk.turns.map((turn) => turn.turnId), results.map((result) => result.turnId));
      const item = state.threads.items.find((candidate) => candidate.id === threadId);
      assert.ok(item && Math.abs(item.credits - records.reduce((sum, record) => sum + (record.cost.credits ?? 0), 0)) < 1e-9, 'the thread shows its total cost');

      const lines: string[] = [];
      for (const [index, record] of records.entries()) {
        const estimate = record.estimate;
        assert.ok(estimate && record.cost.usd !== null);
        const predicted = estimateUsd(record, api.profile());
        const error = (predicted - record.cost.usd) / record.cost.usd;
        lines.push(`      ${dialect} message ${index + 1}: estimated read/write/fresh ${estimate.cacheReadTokens}/${estimate.cacheWriteTokens}/${estimate.inputTokens - estimate.cacheReadTokens - estimate.cacheWriteTokens}, `
          + `reported ${record.tokens.cacheRead}/${record.tokens.cacheWrite}/${record.tokens.input}; estimate $${predicted.toFixed(5)} vs charge $${record.cost.usd.toFixed(5)}: ${(error * 100).toFixed(1)} %`);
        if (index > 0) {
          assert.ok(record.tokens.cacheRead > 0, `message ${index + 1} read from the cache`);
          assert.ok(estimate.cacheReadTokens > 0, `message ${index + 1}'s estimate counted on the cache`);
          assert.ok(Math.abs(error) < 0.1, `message ${index + 1}: ${(error * 100).toFixed(1)} % off`);
        } else {
          assert.equal(estimate.cacheReadTokens, 0, 'nothing to read on the first message');
        }
      }
      process.stdout.write(lines.join('\n') + '\n');

      // The history view's accuracy figures are the ledger's sums over these records: the cached ones count.
      const totals = totalsOf(records.map(summarize));
      assert.equal(totals.accuracy.samples, 3);
      assert.ok(totals.cacheReadTokens > 0);
    });
  }

  it('starts a new thread from a summary: the old history read from the cache once, then only the summary resent', async function () {
    this.timeout(180_000);
    const api = await creditMeter();
    await setUserSetting(api, 'defaultModel', 'cache-anthropic:claude-sonnet-4-5');
    await vscode.commands.executeCommand('creditMeter.newThread');
    await until('no active thread', async () => (await snapshot()).threads.activeId === null);
    const extension = await activeExtension();
    const document = await vscode.workspace.openTextDocument(path.join(extension.extensionPath, 'src', 'core', 'pricing', 'price.ts'));
    editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
    await until('the selection chip', async () => (await snapshot()).contexts.length === 1);
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'What does priceFast do differently from price?');
    await until('the prompt', async () => (await snapshot()).prompt === 'What does priceFast do differently from price?');
    nextAnswer = 'It derives the rates once per tier band and checks them, so a keystroke costs no allocation.';
    const first = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
    assert.equal(first?.status, 'ok', first?.error?.message);
    const oldId = (await snapshot()).threads.activeId;
    assert.ok(oldId);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await until('the chip to go', async () => (await snapshot()).contexts.length === 0);

    nextAnswer = 'Summary: priceFast prices any usage split from rates derived per tier band; price asks the catalogue each time.';
    const requestsBefore = server?.requests.length ?? 0;
    const summary = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.newThreadFromSummary', true);
    assert.equal(summary?.status, 'ok', summary?.error?.message);
    const state = await until('the new thread to be active', async () => {
      const view = await snapshot();
      return view.threads.activeId !== oldId && view.threads.activeId !== null && view;
    });
    const newId = state.threads.activeId as string;
    const created = api.threads.get(newId);
    assert.equal(created?.title, `Summary: ${api.threads.list().find((thread) => thread.id === oldId)?.title}`);
    assert.deepEqual(created?.turns.map((turn) => [turn.prompt, turn.answer]), [[summaryText.prompt, nextAnswer]]);
    assert.equal(api.threads.get(oldId)?.turns.length, 1, 'the old thread stays as it was');
    const [record] = await (await api.ledger()).query({ turnId: (summary as TurnResult).turnId });
    assert.equal(record.threadId, newId, 'the summary request is the new thread\'s first');
    assert.ok(record.tokens.cacheRead > 0, 'the old thread\'s history was read from the cache');
    const sent = server?.requests[requestsBefore]?.json as { messages: unknown[] };
    assert.equal(sent.messages.length, 3, 'the old turn, then the request for a summary');

    nextAnswer = 'ok';
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'Go on from there.');
    await until('the estimate of the follow-up', () => api.liveEstimate.state?.draft.prompt === 'Go on from there.' && api.liveEstimate.state.estimate.estimate.historyTurns === 1);
    const next = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
    assert.equal(next?.status, 'ok', next?.error?.message);
    const followUp = JSON.stringify(server?.requests.at(-1)?.json);
    assert.ok(followUp.includes('Summary: priceFast') && !followUp.includes('export function modelPricing'), 'the new thread resends the summary, not the file');
  });

  it('with storePrompts off, keeps only the metering on disk, and still resends this session\'s turns', async function () {
    this.timeout(180_000);
    const api = await creditMeter();
    await setUserSetting(api, 'defaultModel', 'cache-openai:gpt-4.1');
    await setUserSetting(api, 'storePrompts', false);
    try {
      await vscode.commands.executeCommand('creditMeter.newThread');
      await until('no active thread', async () => (await snapshot()).threads.activeId === null);
      const secret = 'Why does the parser drop PORT-7731-SECRET?';
      nextAnswer = 'Because ANSWER-4411-SECRET is never copied.';
      await vscode.commands.executeCommand('creditMeter.compose.setPrompt', secret);
      await until('the prompt', async () => (await snapshot()).prompt === secret);
      const first = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
      assert.equal(first?.status, 'ok', first?.error?.message);
      await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'And how do I fix it?');
      await until('the follow-up estimate', () => api.liveEstimate.state?.draft.prompt === 'And how do I fix it?' && api.liveEstimate.state.estimate.estimate.historyTurns === 1);
      const second = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
      assert.equal(second?.status, 'ok', second?.error?.message);
      assert.ok(JSON.stringify(server?.requests.at(-1)?.json).includes('PORT-7731-SECRET'), 'this session still resends the earlier turn');
      const threadId = (await snapshot()).threads.activeId as string;
      const file = await until('the thread on disk', () => {
        const text = fs.existsSync(path.join(api.threads.dir, `${threadId}.json`)) && fs.readFileSync(path.join(api.threads.dir, `${threadId}.json`), 'utf8');
        return text && (JSON.parse(text) as { turns: { status: string }[] }).turns.every((turn) => turn.status === 'ok') && text;
      });
      assert.ok(!file.includes('PORT-7731-SECRET') && !file.includes('ANSWER-4411-SECRET'), 'no prompt or answer text on disk');
      const saved = JSON.parse(file) as { turns: { prompt: unknown; charge: { credits: number | null } | null }[] };
      assert.deepEqual(saved.turns.map((turn) => turn.prompt), [null, null]);
      assert.ok(saved.turns.every((turn) => turn.charge !== null && turn.charge.credits !== null), 'the charges are kept');
    } finally {
      await setUserSetting(api, 'storePrompts', undefined);
    }
  });
});
