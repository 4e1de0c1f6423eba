// Runs alone, in the pseudo-locale run (VS Code in qps-ploc, the extension's files pseudo-translated
// beside the English ones: scripts/harness/pseudoLocale.ts). Every text checked here, from each
// surface, must be the pseudo-translation: one left hard-coded in English fails.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cacheDialectFor } from '../../../src/send/conversationDraft';
import type { Draft } from '../../../src/send/turnTypes';
import { creditMeter, until } from '../extension/creditMeterApi';
import { activeExtension, extensionId } from '../support/extension';

const LOCALE = 'qps-ploc';

type Messages = Record<string, string | { message: string }>;
/** A command title or category as VS Code loads it when translated. */
type Localised = string | { value: string; original: string };

function readJson(file: string): Messages {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Messages;
}

/** The text of a hover, as VS Code's hover providers return it at a position. */
async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
}

/** Markdown escapes (`\.`, `\(`) removed, to compare a rendered text with the bundle's. */
function unescaped(markdown: string): string {
  return markdown.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

describe('localisation: Credit Meter in the pseudo-locale (qps-ploc)', () => {
  let extensionPath: string;
  let bundle: Messages;
  let manifestNls: Messages;
  let manifestPseudo: Messages;

  /** The pseudo-translation of bundle message `key` with its placeholders filled; never the English text. */
  function t(key: string, ...args: (string | number)[]): string {
    const entry = bundle[key];
    assert.ok(entry !== undefined, `"${key}" is not in l10n/bundle.l10n.${LOCALE}.json`);
    const message = typeof entry === 'string' ? entry : entry.message;
    assert.notEqual(message, key, `"${key}" is not pseudo-translated`);
    return message.replace(/\{(\d+)\}/g, (_match, index: string) => String(args[Number(index)]));
  }

  /** The pseudo-translation of package.nls key `key`; never the English text. */
  function nls(key: string): string {
    const value = manifestPseudo[key];
    assert.equal(typeof value, 'string', `${key} is not in package.nls.${LOCALE}.json`);
    assert.notEqual(value, manifestNls[key]);
    return value as string;
  }

  before(async () => {
    extensionPath = (await activeExtension()).extensionPath;
    bundle = readJson(path.join(extensionPath, 'l10n', `bundle.l10n.${LOCALE}.json`));
    manifestNls = readJson(path.join(extensionPath, 'package.nls.json'));
    manifestPseudo = readJson(path.join(extensionPath, `package.nls.${LOCALE}.json`));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs in VS Code whose display language is qps-ploc, with Credit Meter\'s pseudo bundle loaded', () => {
    assert.equal(vscode.env.language, LOCALE);
    assert.ok(vscode.l10n.bundle, 'VS Code loaded no l10n bundle for Credit Meter');
    assert.match(vscode.l10n.uri?.path ?? '', new RegExp(`/l10n/bundle\\.l10n\\.${LOCALE}\\.json$`));
    assert.equal(vscode.l10n.t('Ask about {0}', 'main.ts'), t('Ask about {0}', 'main.ts'));
  });

  it('reads the manifest as VS Code loaded it: command titles and category, the view, the walkthrough and the settings are pseudo-translated', () => {
    const manifest = vscode.extensions.getExtension(extensionId)?.packageJSON as {
      displayName: string;
      contributes: {
        commands: { command: string; title: Localised; category: Localised }[];
        viewsContainers: { activitybar: { title: string }[] };
        views: { creditMeter: { name: string }[] };
        walkthroughs: { title: string; steps: { id: string; title: string }[] }[];
        configuration: { title: string; properties: Record<string, { markdownDescription?: string }> }[];
      };
    };
    const contributes = manifest.contributes;
    assert.equal(manifest.displayName, nls('displayName'));
    // VS Code keeps a command's English title beside the translated one (the palette searches both).
    for (const command of contributes.commands) {
      const key = `command.${command.command.replace(/^creditMeter\./, '')}.title`;
      assert.deepEqual(command.title, { value: nls(key), original: manifestNls[key] }, command.command);
      assert.deepEqual(command.category, { value: nls('command.category'), original: manifestNls['command.category'] }, command.command);
    }
    assert.equal(contributes.viewsContainers.activitybar[0].title, nls('viewsContainer.creditMeter.title'));
    assert.equal(contributes.views.creditMeter[0].name, nls('view.creditMeter.compose.name'));
    assert.equal(contributes.walkthroughs[0].title, nls('walkthrough.gettingStarted.title'));
    assert.equal(contributes.walkthroughs[0].steps[0].title, nls('walkthrough.gettingStarted.setApiKey.title'));
    const budget = contributes.configuration.find((group) => 'creditMeter.budget.daily' in group.properties);
    assert.equal(budget?.properties['creditMeter.budget.daily'].markdownDescription, nls('config.creditMeter.budget.daily.markdownDescription'));
    // Nothing is left as a key: VS Code resolved every %key% from the pseudo-translation.
    assert.doesNotMatch(JSON.stringify(manifest), /"%[\w.-]+%"/);
  });

  it('shows the error message of a send it refuses, and its button, pseudo-translated', async () => {
    const api = await creditMeter();
    const draft: Draft = { prompt: 'Explain this.', contexts: [], modelRef: 'not-a-model-reference', kind: 'explain', source: 'compose' };
    await assert.rejects(api.send(draft), (error: Error & { action?: { title: string } }) => {
      assert.equal(error.message, t('"{0}" is not a model reference like "openai:gpt-4.1". Pick one with "Credit Meter: Select Model".', 'not-a-model-reference'));
      assert.equal(error.action?.title, t('Select Model'));
      return true;
    });
  });

  it('writes the hover over a prompt file in the pseudo-locale', async () => {
    const document = await vscode.workspace.openTextDocument(path.join(extensionPath, 'test', 'fixtures', 'tips', 'pasted-trace.prompt.md'));
    await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((text) => text.includes('computeLine40'));
    await until('the hover over the pasted trace, pseudo-translated', async () => {
      const text = unescaped(await hoverText(document.uri, new vscode.Position(line, 10)));
      assert.ok(text.includes(`**${t('Credit Meter')}** · ${t('sending this prompt')}`), text);
      return true;
    });
  });

  it('shows the status bar tooltip\'s thread line, from the code outside the extension host (@vscode/l10n, configured at activation), pseudo-translated', async () => {
    const api = await creditMeter();
    const modelRef = 'openai:gpt-4.1';
    const conversation = { thread: undefined, threadId: undefined, dialect: cacheDialectFor(api.config.settings.providers, modelRef) };
    try {
      api.liveEstimate.update({ source: 'compose', prompt: 'Explain what this function does and why.', contexts: [], modelRef, kind: 'explain', conversation });
      await until('the status bar tooltip to hold the thread line', () => {
        const view = api.statusBar();
        assert.equal(view.mode, 'draft');
        assert.ok(unescaped(view.tooltip).includes(t('A new thread: nothing earlier is resent.')), view.tooltip);
        return true;
      });
    } finally {
      api.liveEstimate.clear();
    }
  });

  it('leaves no English word in the status bar item once the core\'s status texts are localised', async function () {
    const english = readJson(path.join(extensionPath, 'l10n', 'bundle.l10n.json'));
    // The idle text ("$(…) 0.00 cr today") is written by src/core/format/statusView.ts; until its
    // words are in the bundle there is nothing for this check to hold the status bar to.
    if (!Object.keys(english).some((key) => /\bcr today\b/.test(key))) {
      this.skip();
    }
    const api = await creditMeter();
    await until('the status bar text without an English word', () => {
      const view = api.statusBar();
      assert.equal(view.mode, 'idle');
      const words = view.text.replace(/\$\([a-z0-9~-]+\)/g, '').match(/[A-Za-z]{2,}/g) ?? [];
      assert.deepEqual(words, [], view.text);
      return true;
    });
  });
});
