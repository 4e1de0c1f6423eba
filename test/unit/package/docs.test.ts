/**
 * The documents that ship or set up the project stay true to the manifest: the user README lists
 * every setting and command, the repository README keeps the set-up commands, and every walkthrough
 * step completes on an event the extension really raises.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
/** The manifest as VS Code shows it in English: every `%key%` replaced by its package.nls.json text. */
const manifest = JSON.parse(read('package.json'), (_key, value: unknown) => (typeof value === 'string' && /^%[\w.-]+%$/.test(value) ? nls[value.slice(1, -1)] ?? value : value)) as {
  scripts: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, unknown> }[];
    walkthroughs: { id: string; steps: { id: string; description: string; media: Record<string, string>; completionEvents?: string[] }[] }[];
  };
};

describe('the user README (MARKETPLACE.md)', () => {
  const userReadme = read('MARKETPLACE.md');

  it('is the README the package ships', () => {
    assert.match(manifest.scripts.package, /vsce package .*--readme-path MARKETPLACE\.md/);
  });

  it('lists every setting the manifest declares, and no other', () => {
    const declared = manifest.contributes.configuration.flatMap((group) => Object.keys(group.properties)).sort();
    const listed = [...userReadme.matchAll(/^\| (`creditMeter\.[^|]+) \|/gm)].flatMap((row) => [...row[1].matchAll(/`(creditMeter\.[\w.]+)`/g)].map((key) => key[1])).sort();
    assert.deepEqual(listed, declared);
  });

  it('names every command by the title the command palette shows', () => {
    for (const command of manifest.contributes.commands) {
      const title = `${command.category}: ${command.title}`;
      const shown = userReadme.includes(`**${title}**`) || userReadme.includes(`**${title.replace(/^Credit Meter: /, '')}**`);
      assert.ok(shown, `${command.command} ("${title}") is not in the commands table`);
    }
  });
});

describe('the repository README', () => {
  it('sets a fresh machine up with its first two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    const commands = firstBlock.split('\n').filter((line) => line.trim() !== '').map((line) => line.replace(/\s+#.*$/, '').trim());
    assert.deepEqual(commands.slice(0, 2), ['npm install && npm run package', 'npm test']);
  });
});

describe('the Getting Started walkthrough', () => {
  const walkthrough = manifest.contributes.walkthroughs[0];
  const extensionSource = read('src/extension/walkthrough.ts');

  it('has the seven steps of a first day, each with its media file', () => {
    assert.equal(walkthrough.id, 'gettingStarted');
    assert.deepEqual(walkthrough.steps.map((step) => step.id), ['setApiKey', 'pickModel', 'firstEstimate', 'send', 'history', 'budget', 'connectAssistant']);
    for (const step of walkthrough.steps) {
      assert.ok(step.media.markdown && fs.existsSync(path.join(root, step.media.markdown)), `${step.id}: ${JSON.stringify(step.media)}`);
      assert.match(step.media.markdown, /^media\/walkthrough\//);
    }
  });

  it('completes each step on the event itself: a context key the extension sets, a setting, or a command that is the step', () => {
    for (const step of walkthrough.steps) {
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `${step.id} would complete when its button is clicked`);
      for (const event of events) {
        const [kind, subject] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        switch (kind) {
          case 'onContext':
            assert.ok(extensionSource.includes(`'${subject}'`), `${step.id}: the extension never sets ${subject}`);
            break;
          case 'onSettingChanged':
            assert.ok(manifest.contributes.configuration.some((group) => subject in group.properties), `${step.id}: no setting ${subject}`);
            break;
          case 'onCommand':
            // Running "Show Usage History" is opening the history; any other command could be cancelled.
            assert.equal(subject, 'creditMeter.showHistory', `${step.id}: ${event}`);
            break;
          default:
            assert.fail(`${step.id}: ${event} does not wait for something to happen`);
        }
      }
    }
  });
});
