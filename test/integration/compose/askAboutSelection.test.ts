import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TurnResult } from '../../../src/send/turnRunner';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { clearCompose, creditMeter, setUserSetting, until } from '../extension/creditMeterApi';
import { activeExtension } from '../support/extension';

const KEY = 'sk-ask-0123456789abcdef';
const MODEL = 'ask-openai:o4-mini';
/** What openai-chat-usage.sse streams. */
const ANSWER = 'Prices in € and ¥ differ 🙂.';

interface Snapshot {
  readonly visible: boolean;
  readonly prompt: string;
  readonly contexts: readonly string[];
  readonly estimate: { readonly inputTokens: number } | null;
  readonly tips: readonly string[];
  readonly turn: {
    readonly turnId: string;
    readonly status: string;
    readonly text: string;
    readonly estimated: { readonly low: number; readonly expected: number; readonly high: number } | null;
    readonly charged: number | null;
    readonly chargeSource: string | null;
  } | null;
}

async function snapshot(): Promise<Snapshot> {
  return vscode.commands.executeCommand<Snapshot>('creditMeter.compose.snapshot');
}

/** About 1,500 tokens: large enough for the "already sent" tip. */
const SOURCE = Array.from({ length: 120 }, (_, i) => `export function step${i}(value: number): number { return value * ${i} + ${i % 7}; }`).join('\n');

async function selectSource(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(0, 0, 119, document.lineAt(119).text.length);
  return editor;
}

async function ask(prompt: string): Promise<TurnResult> {
  const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.askAboutSelection', { prompt, modelRef: MODEL });
  assert.ok(result, 'the command returns the turn');
  return result;
}

describe('compose: Ask About Selection answers in the Compose view', () => {
  let server: ProtocolServer;

  before(async () => {
    const api = await creditMeter();
    const extension = await activeExtension();
    const body = readStreamFixture('openai-chat-usage.sse', path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
    server = await startProtocolServer(() => ({ body }));
    await setUserSetting(api, 'providers', [{ id: 'ask-openai', kind: 'openai', baseUrl: `${server.url}/v1`, models: ['o4-mini'] }]);
    await setUserSetting(api, 'defaultModel', MODEL);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'ask-openai', KEY);
  });

  after(async () => {
    const api = await creditMeter();
    await clearCompose();
    await vscode.commands.executeCommand('creditMeter.clearApiKey', 'ask-openai');
    await setUserSetting(api, 'defaultModel', undefined);
    await setUserSetting(api, 'providers', undefined);
    await server.close();
  });

  it('shows the prompt, the selection chip, the streamed answer and the charge next to the estimate', async () => {
    await selectSource();
    const prompt = 'Why do these steps add the remainder?';
    const result = await ask(prompt);
    assert.equal(result.status, 'ok');
    assert.equal(server.requests.length, 1);
    assert.ok(server.requests[0].body.includes('step119'), 'the selection is sent as context');

    const view = await until('the finished turn in the Compose view, with its prompt, chip, answer and charge', async () => {
      const current = await snapshot();
      assert.equal(current.turn?.status, 'ok', `turn ${JSON.stringify(current.turn)}`);
      assert.equal(current.visible, true, 'the command reveals the Compose view');
      assert.equal(current.prompt, prompt);
      assert.equal(current.contexts.length, 1, `contexts ${JSON.stringify(current.contexts)}`);
      assert.match(current.contexts[0], /:1-120$/, 'the selection chip');
      assert.ok(current.turn);
      assert.equal(current.turn.text, ANSWER);
      assert.equal(current.turn.charged, result.credits);
      assert.ok((current.turn.charged ?? 0) > 0);
      assert.equal(current.turn.chargeSource, 'computed');
      const estimated = current.turn.estimated;
      assert.ok(estimated && estimated.low <= estimated.expected && estimated.expected <= estimated.high, `the estimate made at send time is shown next to the charge: ${JSON.stringify(estimated)}`);
      return current.turn;
    });

    const [record] = await (await (await creditMeter()).ledger()).query({ turnId: result.turnId });
    assert.equal(record.cost.credits, view.charged, 'the view shows what the ledger recorded');
  });

  it('counts its sends for the "already sent" tip of the same selection', async () => {
    await selectSource();
    await ask('And what does step 3 return for 2?');
    await until('the "already sent" tip next to the estimate of the whole selection', async () => {
      const current = await snapshot();
      assert.equal(current.turn?.status, 'ok', `turn ${JSON.stringify(current.turn)}`);
      assert.ok(current.tips.includes('repeatedContext'), `tips ${JSON.stringify(current.tips)}`);
      assert.ok(current.estimate && current.estimate.inputTokens > 1_000, `estimate ${JSON.stringify(current.estimate)}`);
      return true;
    });
  });
});
