import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from '../../support/waitFor';
import { activeExtension } from '../support/extension';

/** The text of every hover VS Code's hover providers return at a position (ours included). */
async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Hovers at a position until their text passes `check` (an assertion); returns that text. */
async function hoverUntil(what: string, uri: vscode.Uri, position: vscode.Position, check: (text: string) => void): Promise<string> {
  return until(what, async () => {
    const text = await hoverText(uri, position);
    check(text);
    return text;
  });
}

describe('hover tips', () => {
  let fixtures: string;

  before(async () => {
    const extension = await activeExtension();
    fixtures = path.join(extension.extensionPath, 'test', 'fixtures', 'tips');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the pasted-log tip with its saving over the trace in a prompt file', async () => {
    const document = await vscode.workspace.openTextDocument(path.join(fixtures, 'pasted-trace.prompt.md'));
    await vscode.window.showTextDocument(document);
    const traceLine = document.getText().split('\n').findIndex((line) => line.includes('computeLine40'));
    await hoverUntil('the pasted-log tip over the trace', document.uri, new vscode.Position(traceLine, 10), (text) => {
      assert.match(text, /Trim the pasted log/);
      assert.match(text, /saves ≈ [\d.,]+k? tokens, [\d.]+ cr/);
      assert.match(text, /Keep the first error and the last 5 frames/);
    });
  });

  it('shows nothing of ours over the question part of the prompt file', async () => {
    const document = await vscode.workspace.openTextDocument(path.join(fixtures, 'pasted-trace.prompt.md'));
    await vscode.window.showTextDocument(document);
    const text = await hoverText(document.uri, new vscode.Position(0, 5));
    assert.doesNotMatch(text, /Trim the pasted log/);
  });

  it('shows "send the function, not the file" over a large selection, with its saving', async () => {
    const body = Array.from({ length: 2_500 }, (_, i) => `export function step${i}(value: number): number { return value * ${i} + ${i % 7}; }`).join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: body });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, document.lineCount - 1, 0);
    await hoverUntil('the "send the function" tip over the selection', document.uri, new vscode.Position(10, 5), (text) => {
      assert.match(text, /Send the function, not the file/);
      assert.match(text, /saves ≈ [\d.,]+k? tokens, [\d.]+ cr/);
      assert.match(text, /sending this selection as context ≈ [\d.]+ cr/);
    });
  });

  it('stays quiet over a small selection', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'const answer = 42;\nexport default answer;\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 0);
    const text = await hoverText(document.uri, new vscode.Position(0, 3));
    assert.doesNotMatch(text, /Credit Meter/);
  });

  it('shows no tips when creditMeter.hoverTips.enabled is off', async () => {
    const settings = vscode.workspace.getConfiguration('creditMeter');
    await settings.update('hoverTips.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const document = await vscode.workspace.openTextDocument(path.join(fixtures, 'pasted-trace.prompt.md'));
      await vscode.window.showTextDocument(document);
      const traceLine = document.getText().split('\n').findIndex((line) => line.includes('computeLine40'));
      // The setting reaches the extension through a configuration event: hover until it goes quiet.
      await hoverUntil('the hover to go quiet once tips are off', document.uri, new vscode.Position(traceLine, 10), (text) => {
        assert.doesNotMatch(text, /Trim the pasted log/);
      });
    } finally {
      await settings.update('hoverTips.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
