// Code blocks of an answer applied to the editor: Insert at the cursor, Replace the selection, and
// Apply as diff (a diff editor, then Accept or Discard). Each change is undone by the editor's Undo,
// and the ledger notes the blocks applied with the request the answer came from (a count, never
// their text), which the thread, the history and exports then show.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApplyResult } from '../../../src/extension/compose/applyCode';
import type { ComposeSnapshot } from '../../../src/extension/compose/composeViewProvider';
import type { TurnResult } from '../../../src/send/turnRunner';
import { type CachingUpstream, startCachingUpstream } from '../../support/cachingUpstream';
import { clearCompose, creditMeter, setUserSetting, until } from '../extension/creditMeterApi';

const KEY = 'sk-integration-apply-0123456789';
const ANSWER = 'Use a constant, then export it:\n\n```ts\nconst limit = 42;\n```\n\nand:\n\n```ts\nexport { limit };\n```\n';
const ORIGINAL = 'let value = 1;\nconsole.log(value);\n';

async function snapshot(): Promise<ComposeSnapshot> {
  return vscode.commands.executeCommand<ComposeSnapshot>('creditMeter.compose.snapshot');
}

function apply(turnId: string, block: number, mode: 'insert' | 'replace' | 'diff'): Thenable<ApplyResult> {
  return vscode.commands.executeCommand<ApplyResult>('creditMeter.compose.applyBlock', { turnId, block, mode });
}

/** The code blocks applied the ledger holds for a record (read through the ledger, as history and exports do). */
async function ledgerApplied(recordId: string): Promise<number | null | undefined> {
  const ledger = await (await creditMeter()).ledger();
  return (await ledger.get(recordId))?.appliedBlocks;
}

function diffTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'credit-meter-proposal');
}

describe('compose: answers applied to the editor', () => {
  let server: CachingUpstream | undefined;
  let turnId = '';
  /** The record that holds the answer (the turn's last attempt). */
  let answerId = '';
  let document: vscode.TextDocument;

  before(async function () {
    this.timeout(60_000);
    const api = await creditMeter();
    server = await startCachingUpstream({ answer: () => ANSWER });
    await setUserSetting(api, 'providers', [{ id: 'apply-openai', kind: 'openai', baseUrl: `${server.url}/v1`, models: ['gpt-4.1'] }]);
    await setUserSetting(api, 'defaultModel', 'apply-openai:gpt-4.1');
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'apply-openai', KEY);
    await vscode.commands.executeCommand('creditMeter.openCompose');
    await until('the compose view to be ready', async () => (await snapshot()).ready, 30_000);
    await vscode.commands.executeCommand('creditMeter.newThread');
    await vscode.commands.executeCommand('creditMeter.compose.setPrompt', 'How do I name the magic number?');
    await until('the prompt', async () => (await snapshot()).prompt === 'How do I name the magic number?');
    const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.compose.send');
    assert.equal(result?.status, 'ok', result?.error?.message);
    turnId = (result as TurnResult).turnId;
    answerId = (result as TurnResult).records.at(-1)?.id ?? '';
    assert.ok(answerId, 'the answer was recorded');
    assert.equal(await ledgerApplied(answerId), 0, 'nothing applied yet');
  });

  beforeEach(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suites run in a folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'apply-target.ts');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(ORIGINAL, 'utf8'));
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await until('the file as written', () => document.getText() === ORIGINAL);
  });

  afterEach(async () => {
    if (document.isDirty) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(document.uri).then(undefined, () => undefined);
  });

  after(async () => {
    await server?.close();
    const api = await creditMeter();
    await setUserSetting(api, 'providers', undefined);
    await setUserSetting(api, 'defaultModel', undefined);
    await clearCompose();
  });

  async function undo(): Promise<void> {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await until('the document to be as it was', () => document.getText() === ORIGINAL);
  }

  it('inserts a block at the cursor as whole lines, and Undo takes it out', async () => {
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const result = await apply(turnId, 0, 'insert');
    assert.equal(result.kind, 'applied');
    assert.equal(document.getText(), 'let value = 1;\nconst limit = 42;\nconsole.log(value);\n');
    await undo();
    editor.selection = new vscode.Selection(0, 14, 0, 14);
    assert.equal((await apply(turnId, 0, 'insert')).kind, 'applied');
    assert.equal(document.getText(), 'let value = 1;\nconst limit = 42;\nconsole.log(value);\n', 'after the text of a line, on a line of its own');
    await undo();
    await until('the ledger to note block 0 with the answer\'s record', async () => (await ledgerApplied(answerId)) === 1);
  });

  it('replaces the selection with a block, and Undo brings the selection back', async () => {
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    editor.selection = new vscode.Selection(0, 0, 0, 14);
    const result = await apply(turnId, 0, 'replace');
    assert.equal(result.kind, 'applied');
    assert.equal(document.getText(), 'const limit = 42;\nconsole.log(value);\n');
    await undo();
  });

  it('applies a block as a diff: nothing changes until Accept, then Undo restores the document', async () => {
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    editor.selection = new vscode.Selection(1, 0, 1, 19);
    const result = await apply(turnId, 1, 'diff');
    assert.equal(result.kind, 'proposed');
    await until('the diff editor', () => diffTabs().length === 1);
    assert.equal(document.getText(), ORIGINAL, 'a proposal changes nothing by itself');
    if (result.kind === 'proposed') {
      const proposed = await vscode.workspace.openTextDocument(result.proposal);
      assert.equal(proposed.getText(), 'let value = 1;\nexport { limit };\n');
    }
    assert.equal(await vscode.commands.executeCommand('creditMeter.acceptProposal'), true);
    await until('the change applied', () => document.getText() === 'let value = 1;\nexport { limit };\n');
    await until('the diff to close', () => diffTabs().length === 0);
    await until('the ledger to note the accepted block too', async () => (await ledgerApplied(answerId)) === 2);
    await undo();
  });

  it('discards a diff without touching the document', async () => {
    const result = await apply(turnId, 0, 'diff');
    assert.equal(result.kind, 'proposed');
    await until('the diff editor', () => diffTabs().length === 1);
    assert.equal(await vscode.commands.executeCommand('creditMeter.discardProposal'), true);
    await until('the diff to close', () => diffTabs().length === 0);
    assert.equal(document.getText(), ORIGINAL);
  });

  it('counts the blocks applied with the thread\'s turn, each block once', async () => {
    const api = await creditMeter();
    const turn = await until('the applied blocks to be counted', () => {
      const found = api.threads.storeIfOpen?.findTurn(turnId);
      return found && found.turn.appliedBlocks === 2 && found.turn;
    });
    assert.equal(turn.appliedBlocks, 2, 'block 0 (inserted, then replaced) and block 1 (accepted); the discarded diff is not counted');
    const view = await snapshot();
    assert.equal(view.conversation?.turns.find((candidate) => candidate.turnId === turnId)?.appliedBlocks, 2);
    assert.equal(await ledgerApplied(answerId), 2, 'the ledger agrees: block 0 once, block 1 once, the discarded diff not at all');
  });

  it('exports the count with the request: the applied_blocks column and the appliedBlocks field', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-meter-applied-'));
    try {
      const csvPath = path.join(out, 'turn.csv');
      const csv = await vscode.commands.executeCommand<{ rows: number }>('creditMeter.exportUsage', { task: turnId, format: 'csv', targetPath: csvPath });
      assert.ok(csv.rows >= 1);
      const [header, ...lines] = fs.readFileSync(csvPath, 'utf8').trim().split('\r\n');
      const columns = header.split(',');
      assert.equal(columns.at(-1), 'applied_blocks', 'the last column');
      // Ids and the last (numeric) cell never hold a comma.
      const byId = new Map(lines.map((line) => [line.split(',')[columns.indexOf('id')], line.split(',').at(-1)]));
      assert.equal(byId.get(answerId), '2');

      const jsonlPath = path.join(out, 'turn.jsonl');
      await vscode.commands.executeCommand('creditMeter.exportUsage', { task: turnId, format: 'jsonl', targetPath: jsonlPath });
      const records = fs.readFileSync(jsonlPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; appliedBlocks: number | null });
      assert.equal(records.find((record) => record.id === answerId)?.appliedBlocks, 2);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('says why when there is no such block', async () => {
    const result = await apply(turnId, 7, 'insert');
    assert.equal(result.kind, 'notApplied');
    assert.equal(document.getText(), ORIGINAL);
  });
});
