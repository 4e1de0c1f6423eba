// The CLI and the extension estimate the same draft identically: parts, input tokens and credits.
// The CLI runs here through its own module, on the workspace folder, against the extension's estimate
// read through its exported API (the estimate the status bar, Compose, hovers and Send all use).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { classifyKind } from '../../../src/core/estimate/requestKind';
import type { Draft } from '../../../src/send/turnTypes';
import { selectionContext } from '../../../src/extension/statusBar';
import { creditMeter, setUserSetting, until } from './creditMeterApi';

interface CliJson {
  readonly model: string;
  readonly inputTokens: number;
  readonly credits: { low: number; expected: number; high: number };
  readonly parts: readonly { kind: string; label: string; tokens: number; exact: boolean }[];
}

async function runCli(args: string[], cwd: string): Promise<CliJson> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (text) => { out += text; }, err: (text) => { err += text; }, readStdin: () => Promise.resolve(''), cwd };
  const code = await main(['estimate', ...args, '--json'], io);
  assert.equal(code, 0, err);
  return JSON.parse(out) as CliJson;
}

const SOURCE = Array.from({ length: 40 }, (_, line) => `export function step${line}(value: number): number {\n  return value * ${line} + 1; // line ${line}\n}`).join('\n') + '\n';

describe('extension: CLI parity', () => {
  let folder: string;
  let file: vscode.Uri;

  before(() => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(root, 'the test workbench opens a folder');
    folder = root;
    fs.mkdirSync(path.join(folder, 'parity'), { recursive: true });
    file = vscode.Uri.file(path.join(folder, 'parity', 'steps.ts'));
    fs.writeFileSync(file.fsPath, SOURCE);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(folder, 'parity'), { recursive: true, force: true });
  });

  for (const setup of ['default settings', 'a settings.json'] as const) {
    it(`estimates a prompt and a selection exactly as credit-meter estimate does, with ${setup}`, async () => {
      const api = await creditMeter();
      const settingsFile = path.join(folder, 'parity', 'settings.json');
      // Earlier suites may have left a model or system prompt in the user settings.
      await setUserSetting(api, 'defaultModel', undefined);
      await setUserSetting(api, 'systemPrompt', undefined);
      if (setup === 'a settings.json') {
        fs.writeFileSync(settingsFile, '{\n  // as VS Code writes it\n  "creditMeter.defaultModel": "openai:gpt-4.1",\n  "creditMeter.systemPrompt": "Reply in one short paragraph.",\n}\n');
        await setUserSetting(api, 'defaultModel', 'openai:gpt-4.1');
        await setUserSetting(api, 'systemPrompt', 'Reply in one short paragraph.');
      }
      try {
        await until('the settings to apply', () => api.config.settings.defaultModel === (setup === 'a settings.json' ? 'openai:gpt-4.1' : 'anthropic:claude-sonnet-5'));
        const editor = await vscode.window.showTextDocument(file);
        // Lines 5 to 16, whole: what `--context parity/steps.ts:5-16` sends.
        editor.selection = new vscode.Selection(4, 0, 15, editor.document.lineAt(15).text.length);
        const context = await until('the selection as context', () => selectionContext(editor));
        assert.equal(context.label, 'parity/steps.ts:5-16');
        const prompt = 'add an alias to step7 and explain why';
        const draft: Draft = { prompt, contexts: [context], modelRef: api.config.settings.defaultModel, kind: classifyKind(prompt), source: 'compose' };
        const extension = api.liveEstimate.estimateDraft(draft).estimate;
        const cli = await runCli(['--prompt', prompt, '--context', 'parity/steps.ts:5-16', ...(setup === 'a settings.json' ? ['--settings', settingsFile] : [])], folder);
        assert.equal(cli.model, extension.model);
        assert.deepEqual(cli.parts, extension.parts.map(({ kind, label, tokens, exact }) => ({ kind, label, tokens, exact })));
        assert.equal(cli.inputTokens, extension.inputTokens);
        assert.deepEqual(cli.credits, extension.cost.kind === 'priced' ? extension.cost.credits : undefined);
      } finally {
        await setUserSetting(api, 'defaultModel', undefined);
        await setUserSetting(api, 'systemPrompt', undefined);
      }
    });
  }
});
