/**
 * What "Connect an Assistant…" tells each assistant leads, by that assistant's own documented way of
 * building request URLs, to a metered route of the gateway; and the SDK variables work for real.
 */
import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ASSISTANTS, type AssistantId, CODEX_TOKEN_VARIABLE, assistantSetup, subscriptionWarning, terminalVariables } from '../../../src/gateway/assistants';
import { resolveRoute } from '../../../src/gateway/routes';
import type { GatewayProvider } from '../../../src/gateway/types';
import { type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { readStreamFixture } from '../../support/protocolServer';

const gatewayUrl = 'http://127.0.0.1:4319';
const token = 'cmg_exampletoken';
const providers: GatewayProvider[] = [
  { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
];
const target = (kind: 'openai' | 'anthropic') => ({ gatewayUrl, token, provider: { id: kind, kind, models: kind === 'openai' ? ['gpt-4.1', 'gpt-4.1-mini'] : ['claude-sonnet-4-6'] } });

function routeOf(url: string, method = 'POST'): string {
  const parsed = new URL(url);
  assert.equal(parsed.origin, gatewayUrl);
  const result = resolveRoute(method, `${parsed.pathname}${parsed.search}`, providers);
  return result.ok ? `${result.route.provider.id} ${result.route.name}` : `404 ${result.reason}`;
}

/** The value after `label` in a setup's text (`**Base URL**: \`...\``, `apiBase: ...`, `base_url = "..."`). */
function pasted(markdown: string, label: RegExp): string {
  const match = label.exec(markdown);
  assert.ok(match, `${label} in\n${markdown}`);
  return match[1];
}

describe('connecting assistants', () => {
  it('gives Cline and Roo Code a base URL their OpenAI Compatible and Anthropic providers complete to a metered route', () => {
    for (const assistant of ['cline', 'roo-code'] as const) {
      const openai = assistantSetup(assistant, target('openai'));
      const base = pasted(openai.markdown, /\*\*Base URL\*\*: `([^`]+)`/);
      assert.match(openai.markdown, /\*\*API Provider\*\*: OpenAI Compatible/);
      assert.match(openai.markdown, new RegExp(`\\*\\*API Key\\*\\*: \`${token}\``));
      // The OpenAI client library they use appends /chat/completions to the base URL.
      assert.equal(routeOf(`${base}/chat/completions`), 'openai chat');
      const anthropic = assistantSetup(assistant, target('anthropic'));
      const custom = pasted(anthropic.markdown, /\*\*Use custom base URL\*\*: checked, `([^`]+)`/);
      // The Anthropic SDK appends /v1/messages.
      assert.equal(routeOf(`${custom}/v1/messages`), 'anthropic messages');
      assert.equal(openai.copy, base);
    }
  });

  it('gives Continue an apiBase its providers resolve against, as Continue does (trailing slash, relative path)', () => {
    const openai = assistantSetup('continue', target('openai'));
    const apiBase = pasted(openai.markdown, /apiBase: (\S+)/);
    const withSlash = apiBase.endsWith('/') ? apiBase : `${apiBase}/`;
    assert.equal(routeOf(new URL('chat/completions', withSlash).href), 'openai chat');
    const anthropic = assistantSetup('continue', target('anthropic'));
    const anthropicBase = pasted(anthropic.markdown, /apiBase: (\S+)/);
    assert.equal(routeOf(new URL('messages', anthropicBase.endsWith('/') ? anthropicBase : `${anthropicBase}/`).href), 'anthropic messages');
    assert.match(anthropic.copy, /provider: anthropic/);
    assert.match(anthropic.copy, new RegExp(`apiKey: ${token}`));
  });

  it('gives Claude Code ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN, with the billing warning', () => {
    const setup = assistantSetup('claude-code', target('anthropic'));
    const variables = terminalVariables('claude-code', target('anthropic'));
    assert.deepEqual(variables, { ANTHROPIC_BASE_URL: `${gatewayUrl}/anthropic`, ANTHROPIC_AUTH_TOKEN: token });
    assert.equal(routeOf(`${variables?.ANTHROPIC_BASE_URL}/v1/messages?beta=true`), 'anthropic messages');
    assert.equal(routeOf(`${variables?.ANTHROPIC_BASE_URL}/v1/messages/count_tokens`), 'anthropic count_tokens');
    assert.ok(setup.markdown.includes(subscriptionWarning()));
    assert.equal(setup.copy, `export ANTHROPIC_BASE_URL="${gatewayUrl}/anthropic"\nexport ANTHROPIC_AUTH_TOKEN="${token}"`);
    assert.throws(() => assistantSetup('claude-code', target('openai')), /cannot use the openai provider/);
  });

  it('gives Codex CLI a model provider whose base_url + /responses is metered, reading the token from the environment', () => {
    const setup = assistantSetup('codex', target('openai'));
    const base = pasted(setup.copy, /base_url = "([^"]+)"/);
    assert.equal(routeOf(`${base}/responses`), 'openai responses');
    assert.match(setup.copy, /^model_provider = "credit_meter"$/m);
    assert.match(setup.copy, /^wire_api = "responses"$/m);
    assert.match(setup.copy, new RegExp(`^env_key = "${CODEX_TOKEN_VARIABLE}"$`, 'm'));
    assert.ok(!setup.copy.includes(token), 'the token is not written into config.toml');
    assert.deepEqual(terminalVariables('codex', target('openai')), { [CODEX_TOKEN_VARIABLE]: token });
  });

  it('gives aider the base variables LiteLLM reads', () => {
    const openai = terminalVariables('aider', target('openai'));
    assert.equal(routeOf(`${openai?.OPENAI_API_BASE}/chat/completions`), 'openai chat');
    const anthropic = terminalVariables('aider', target('anthropic'));
    assert.equal(routeOf(`${anthropic?.ANTHROPIC_API_BASE}/v1/messages`), 'anthropic messages');
    assert.match(assistantSetup('aider', target('anthropic')).markdown, /aider --model anthropic\/claude-sonnet-4-6/);
  });

  it('offers every assistant for each provider kind it can use', () => {
    for (const info of ASSISTANTS) {
      for (const kind of info.kinds) {
        const setup = assistantSetup(info.id as AssistantId, target(kind));
        assert.ok(setup.markdown.includes(token) || setup.markdown.includes(CODEX_TOKEN_VARIABLE), info.id);
        assert.ok(setup.copy.length > 0);
      }
    }
  });

  describe('through a running gateway', () => {
    let harness: GatewayHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('the OpenAI and Anthropic SDKs configured from the environment variables alone reach the provider', async () => {
      harness = await startGatewayHarness([
        { body: readStreamFixture('openai-chat-completion.json'), headers: { 'content-type': 'application/json' } },
        { body: readStreamFixture('anthropic-message.json'), headers: { 'content-type': 'application/json' } },
      ]);
      const live = (kind: 'openai' | 'anthropic') => ({ gatewayUrl: harness!.gateway.url, token: harness!.token, provider: { id: kind, kind, models: [] } });
      const saved = { ...process.env };
      try {
        Object.assign(process.env, terminalVariables('openai-sdk', live('openai')), terminalVariables('anthropic-sdk', live('anthropic')));
        const openai = new OpenAI({ maxRetries: 0 });
        await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
        const anthropic = new Anthropic({ maxRetries: 0 });
        await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      } finally {
        for (const name of ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY']) {
          if (saved[name] === undefined) {
            delete process.env[name];
          } else {
            process.env[name] = saved[name];
          }
        }
      }
      const records = await harness.records(2);
      assert.deepEqual(records.map((record) => [record.client, record.outcome.status]), [['openai-node', 'ok'], ['anthropic-sdk-js', 'ok']]);
    });
  });
});
