import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveValue, ignoredWorkspaceValue } from '../../../src/core/settings/effectiveValue';
import { parseModelRef } from '../../../src/core/settings/modelRef';
import { readSettings, userLevelSettings } from '../../../src/core/settings/readSettings';
import {
  defaultSettingValue, ERROR_BODY_TIMEOUT_SECONDS, MODEL_REF_PATTERN, parseSettings, parseSettingsStrict, REQUEST_TIMEOUT_SECONDS, RESTRICTED_SETTING_KEYS,
  SETTING_KEYS, SettingsError, SYSTEM_PROMPT_MAX_CHARS,
} from '../../../src/core/settings/settings';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> }[] };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const declared = Object.assign({}, ...manifest.contributes.configuration.map((group) => group.properties)) as Record<string, { default?: unknown }>;

describe('settings', () => {
  it('fills every default when nothing is set', () => {
    const { settings, problems } = parseSettings({});
    assert.deepEqual(problems, []);
    assert.equal(settings.defaultModel, 'anthropic:claude-sonnet-5');
    assert.equal(settings.maxRetries, 2);
    assert.deepEqual(settings.budget, { daily: null, monthly: null });
    assert.deepEqual(settings.providers.map((provider) => provider.id), ['anthropic', 'openai']);
  });

  it('declares exactly the keys the manifest declares, with the same defaults', () => {
    assert.deepEqual([...SETTING_KEYS].sort(), Object.keys(declared).map((key) => key.replace(/^creditMeter\./, '')).sort());
    for (const key of SETTING_KEYS) {
      const manifestDefault = declared[`creditMeter.${key}`].default;
      const normalised = key === 'providers'
        ? (manifestDefault as object[]).map((provider) => ({ headers: {}, ...provider }))
        : manifestDefault;
      assert.deepEqual(defaultSettingValue(key), normalised, key);
    }
  });

  it('checks the default model with the pattern the manifest declares, so the Settings editor flags what the parser refuses', () => {
    const pattern = (declared['creditMeter.defaultModel'] as { pattern?: string }).pattern;
    assert.equal(pattern, MODEL_REF_PATTERN.source);
    const values = ['openai:gpt-4.1', 'anthropic:claude-sonnet-5', 'ollama:llama3:8b', 'my.provider_1-x:m', 'vscode-lm:copilot/gpt-4o',
      'gpt-4o', ':gpt-4o', 'openai:', 'open ai:gpt-4o', 'openai:\n', 'ü:model', ''];
    let accepted = 0;
    for (const value of values) {
      const byParser = parseSettings({ defaultModel: value }).problems.length === 0;
      assert.equal(new RegExp(pattern ?? '', 'u').test(value), byParser, JSON.stringify(value));
      assert.equal(new RegExp(pattern ?? '').test(value), byParser, JSON.stringify(value));
      if (byParser) {
        accepted++;
        assert.ok(parseModelRef(value), `${value} is accepted, so it must name a provider and a model`);
      }
    }
    assert.equal(accepted, 5);
  });

  it('restricts the same keys as the manifest', () => {
    assert.deepEqual(
      RESTRICTED_SETTING_KEYS.map((key) => `creditMeter.${key}`).sort(),
      [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
    );
  });

  it('names the offending field and keeps the other settings', () => {
    const { settings, problems } = parseSettings({
      providers: [
        { id: 'local', kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', models: ['m'] },
        { id: 'bad', kind: 'openai', baseUrl: 'not a url' },
      ],
      'budget.daily': 5,
    });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, 'creditMeter.providers[1].baseUrl');
    assert.equal(settings.budget.daily, 5);
    assert.deepEqual(settings.providers.map((provider) => provider.id), ['anthropic', 'openai'], 'an invalid list falls back to the default');
  });

  it('rejects negative budgets, unknown provider kinds, duplicate ids and missing base URLs by name', () => {
    const { problems } = parseSettings({
      'budget.monthly': -1,
      providers: [
        { id: 'a', kind: 'openai', baseUrl: 'https://x.test/v1' },
        { id: 'a', kind: 'vscode-lm' },
        { id: 'b', kind: 'anthropic' },
        { id: 'c', kind: 'gemini', baseUrl: 'https://x.test' },
      ],
    });
    const fields = problems.map((problem) => problem.field).sort();
    assert.ok(fields.includes('creditMeter.budget.monthly'), fields.join());
    assert.ok(fields.includes('creditMeter.providers[3].kind'), fields.join());
  });

  it('reports duplicate ids and missing base URLs with their index', () => {
    const { problems } = parseSettings({
      providers: [
        { id: 'a', kind: 'openai', baseUrl: 'https://x.test/v1' },
        { id: 'a', kind: 'vscode-lm' },
        { id: 'b', kind: 'anthropic' },
      ],
    });
    assert.deepEqual(problems.map((problem) => problem.field), ['creditMeter.providers[1].id', 'creditMeter.providers[2].baseUrl']);
  });

  it('refuses an API key smuggled into a provider entry', () => {
    const { problems } = parseSettings({ providers: [{ id: 'a', kind: 'openai', baseUrl: 'https://x.test', apiKey: 'sk-123' }] });
    assert.equal(problems.length, 1);
    assert.match(problems[0].field, /^creditMeter\.providers\[0\]/);
  });

  it('throws a SettingsError listing each field in strict mode', () => {
    assert.throws(() => parseSettingsStrict({ maxRetries: 99, defaultModel: 'no-colon' }), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.match(error.message, /creditMeter\.maxRetries/);
      assert.match(error.message, /creditMeter\.defaultModel/);
      return true;
    });
  });

  it('splits model references at the first colon', () => {
    assert.deepEqual(parseModelRef('ollama:llama3.1:8b'), { providerId: 'ollama', model: 'llama3.1:8b' });
    assert.equal(parseModelRef('gpt-4o'), undefined);
    assert.equal(parseModelRef(':x'), undefined);
  });
});

describe('effective setting values under workspace trust', () => {
  const inspected = {
    defaultValue: 'https://api.default.test',
    globalValue: 'https://user.test',
    workspaceValue: 'https://evil.test',
  };

  it('takes the workspace value in a trusted workspace', () => {
    assert.equal(effectiveValue(inspected, { trusted: true, restricted: true }), 'https://evil.test');
  });

  it('never takes a workspace value of a restricted key in an untrusted workspace', () => {
    assert.equal(effectiveValue(inspected, { trusted: false, restricted: true }), 'https://user.test');
    assert.equal(effectiveValue({ ...inspected, globalValue: undefined }, { trusted: false, restricted: true }), 'https://api.default.test');
    assert.equal(effectiveValue({ ...inspected, workspaceFolderValue: 'https://evil2.test' }, { trusted: false, restricted: true }), 'https://user.test');
    assert.ok(ignoredWorkspaceValue(inspected, { trusted: false, restricted: true }));
  });

  it('still takes workspace values of unrestricted keys in an untrusted workspace', () => {
    assert.equal(effectiveValue(inspected, { trusted: false, restricted: false }), 'https://evil.test');
    assert.ok(!ignoredWorkspaceValue(inspected, { trusted: false, restricted: false }));
  });

  it('prefers the folder value over the workspace value', () => {
    assert.equal(effectiveValue({ ...inspected, workspaceFolderValue: 'f' }, { trusted: true, restricted: true }), 'f');
  });
});

describe('settings read under workspace trust', () => {
  /** What VS Code's inspect() would say with these user and workspace values. */
  function inspector(user: Record<string, unknown>, workspace: Record<string, unknown>) {
    return (key: string) => ({ defaultValue: defaultSettingValue(key as never), globalValue: user[key], workspaceValue: workspace[key] });
  }
  const user = { 'budget.daily': 20, 'budget.monthly': 300, systemPrompt: 'Mine.', maxRetries: 1 };
  const workspace = {
    'budget.daily': null, 'budget.monthly': null, systemPrompt: 'x'.repeat(1000), maxRetries: 6,
    providers: [{ id: 'openai', kind: 'openai', baseUrl: 'https://evil.test/v1' }],
    requestTimeoutSeconds: 30,
  };

  it('keeps your budget, system prompt, retries and providers in Restricted Mode, and says which values it ignored', () => {
    const { settings, problems, ignored } = readSettings(inspector(user, workspace), { trusted: false });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.budget, { daily: 20, monthly: 300 });
    assert.equal(settings.systemPrompt, 'Mine.');
    assert.equal(settings.maxRetries, 1);
    assert.deepEqual(settings.providers.map((p) => p.baseUrl), ['https://api.anthropic.com', 'https://api.openai.com/v1']);
    assert.equal(settings.requestTimeoutSeconds, 30, 'a deadline is not restricted');
    assert.deepEqual([...ignored].sort(), [
      'creditMeter.budget.daily', 'creditMeter.budget.monthly', 'creditMeter.maxRetries', 'creditMeter.providers', 'creditMeter.systemPrompt',
    ]);
  });

  it('takes the workspace values once the workspace is trusted', () => {
    const { settings, ignored } = readSettings(inspector(user, workspace), { trusted: true });
    assert.deepEqual(settings.budget, { daily: null, monthly: null });
    assert.equal(settings.maxRetries, 6);
    assert.deepEqual(ignored, []);
  });

  it('reads the user-level providers whatever the workspace says, for binding keys', () => {
    assert.deepEqual(userLevelSettings(inspector(user, workspace)).providers.map((p) => p.id), ['anthropic', 'openai']);
    assert.equal(userLevelSettings(inspector(user, workspace)).providers[1].baseUrl, 'https://api.openai.com/v1');
  });
});

describe('system prompt and deadline bounds', () => {
  it('refuses a system prompt over the documented maximum, naming the field, and uses the default', () => {
    const { settings, problems } = parseSettings({ systemPrompt: 'y'.repeat(SYSTEM_PROMPT_MAX_CHARS + 1) });
    assert.deepEqual(problems, [{ field: 'creditMeter.systemPrompt', message: 'at most 32,000 characters, got 32,001' }]);
    assert.equal(settings.systemPrompt, defaultSettingValue('systemPrompt'));
    assert.deepEqual(parseSettings({ systemPrompt: 'y'.repeat(SYSTEM_PROMPT_MAX_CHARS) }).problems, []);
  });

  it('bounds both deadlines and names the field', () => {
    for (const [key, bad] of [['requestTimeoutSeconds', 5], ['requestTimeoutSeconds', 3601], ['requestTimeoutSeconds', 12.5], ['errorBodyTimeoutSeconds', 0], ['errorBodyTimeoutSeconds', 121]] as const) {
      const { settings, problems } = parseSettings({ [key]: bad });
      assert.equal(problems.length, 1, `${key} = ${bad}`);
      assert.equal(problems[0].field, `creditMeter.${key}`);
      assert.match(problems[0].message, /expected a whole number of seconds from \d+ to \d+/);
      assert.equal(settings[key], defaultSettingValue(key));
    }
    assert.equal(parseSettings({}).settings.requestTimeoutSeconds, 600);
    assert.equal(parseSettings({}).settings.errorBodyTimeoutSeconds, 10);
  });

  it('declares the same bounds in the manifest', () => {
    const properties = declared as Record<string, { minimum?: number; maximum?: number; maxLength?: number }>;
    assert.equal(properties['creditMeter.systemPrompt'].maxLength, SYSTEM_PROMPT_MAX_CHARS);
    for (const [key, bounds] of [['requestTimeoutSeconds', REQUEST_TIMEOUT_SECONDS], ['errorBodyTimeoutSeconds', ERROR_BODY_TIMEOUT_SECONDS]] as const) {
      assert.deepEqual([properties[`creditMeter.${key}`].minimum, properties[`creditMeter.${key}`].maximum], [bounds.min, bounds.max], key);
    }
  });
});

describe('settings: the current default model', () => {
  it('is priced by the catalogue and not on any retirement list as of today', async () => {
    const { DEFAULT_MODEL_REF } = await import('../../../src/core/settings/settings');
    const { parseModelRef } = await import('../../../src/core/settings/modelRef');
    const { findCatalogueModel } = await import('../../../src/core/pricing');
    const { retirementOf } = await import('../../../src/core/models/modelList');
    const model = parseModelRef(DEFAULT_MODEL_REF)?.model ?? '';
    const found = findCatalogueModel(model);
    assert.ok(found, `${model} is in the price catalogue`);
    assert.notEqual(found.info.deprecated, true);
    assert.equal(retirementOf({ id: model }, new Date('2026-11-28')), undefined);
  });
});
