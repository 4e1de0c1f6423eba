import { strict as assert } from 'node:assert';
import { hostAllowed, newGatewayToken, tokenMatches } from '../../../src/gateway/auth';
import { needsIncludeUsage, withIncludeUsage } from '../../../src/gateway/requestBody';
import { joinUpstream, resolveRoute } from '../../../src/gateway/routes';
import type { GatewayProvider } from '../../../src/gateway/types';

describe('include_usage on streaming Chat Completions', () => {
  // [name, body, body as forwarded]: every byte but the inserted or replaced ones is the client's.
  const cases: [string, string, string][] = [
    ['no stream_options', '{"model":"gpt-4.1","stream":true,"messages":[]}', '{"stream_options":{"include_usage":true},"model":"gpt-4.1","stream":true,"messages":[]}'],
    ['pretty-printed', '{\n  "model": "gpt-4.1",\n  "stream": true\n}', '{"stream_options":{"include_usage":true},\n  "model": "gpt-4.1",\n  "stream": true\n}'],
    ['include_usage false', '{"stream":true,"stream_options":{"include_usage":false},"model":"m"}', '{"stream":true,"stream_options":{"include_usage":true},"model":"m"}'],
    ['other stream options', '{"stream":true,"stream_options":{"include_obfuscation":false},"model":"m"}', '{"stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false},"model":"m"}'],
    ['empty stream options', '{"stream":true,"stream_options":{ },"model":"m"}', '{"stream":true,"stream_options":{"include_usage":true },"model":"m"}'],
    ['null stream options', '{"stream":true,"stream_options":null,"model":"m"}', '{"stream":true,"stream_options":{"include_usage":true},"model":"m"}'],
    ['a key that only looks like it inside a string', '{"model":"m","messages":[{"role":"user","content":"\\"stream_options\\": {} é 🙂"}],"stream":true}', '{"stream_options":{"include_usage":true},"model":"m","messages":[{"role":"user","content":"\\"stream_options\\": {} é 🙂"}],"stream":true}'],
    ['duplicate keys (the last one counts)', '{"stream_options":{"include_usage":true},"stream":true,"stream_options":{}}', '{"stream_options":{"include_usage":true},"stream":true,"stream_options":{"include_usage":true}}'],
    ['an escaped key name', '{"stream":true,"stream\\u005foptions":{"x":1}}', '{"stream":true,"stream\\u005foptions":{"include_usage":true,"x":1}}'],
  ];
  for (const [name, body, forwarded] of cases) {
    it(`adds it touching only what it must: ${name}`, () => {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      assert.equal(needsIncludeUsage(parsed), true);
      const after = withIncludeUsage(Buffer.from(body, 'utf8'));
      assert.equal(after.toString('utf8'), forwarded);
      const result = JSON.parse(forwarded) as Record<string, unknown>;
      assert.deepEqual(result, { ...parsed, stream_options: { ...(parsed.stream_options as object | null), include_usage: true } });
      assert.equal(needsIncludeUsage(result), false);
    });
  }

  it('leaves bodies alone that ask for usage already, do not stream, or are not a JSON object', () => {
    assert.equal(needsIncludeUsage({ stream: true, stream_options: { include_usage: true } }), false);
    assert.equal(needsIncludeUsage({ stream: false }), false);
    assert.equal(needsIncludeUsage({}), false);
    for (const body of [
      '{"stream":true,"stream_options":{"include_usage":true},"model":"m"}',
      '{"stream":false,"model":"m"}',
      '{"stream":"true","model":"m"}',
      '{"model":"m","stream":true "messages":[]}',
      '{"model":"m","stream":true',
      '[{"stream":true}]',
      'not json at all',
      '',
    ]) {
      const bytes = Buffer.from(body);
      assert.equal(withIncludeUsage(bytes), bytes, `unchanged: ${body}`);
    }
  });
});

describe('gateway routes', () => {
  const providers: GatewayProvider[] = [
    { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1' },
    { id: 'router', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1/' },
    { id: 'claude', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' },
    { id: 'claude-v1', kind: 'anthropic', baseUrl: 'https://proxy.example/anthropic/v1' },
  ];
  const route = (method: string, url: string) => {
    const result = resolveRoute(method, url, providers);
    return result.ok ? `${result.route.name} ${result.route.upstream.href}` : `404 ${result.reason}`;
  };

  it('joins each route with the provider base URL, whatever /v1 the client used', () => {
    assert.equal(route('POST', '/openai/chat/completions'), 'chat https://api.openai.com/v1/chat/completions');
    assert.equal(route('POST', '/openai/v1/chat/completions'), 'chat https://api.openai.com/v1/chat/completions');
    assert.equal(route('POST', '/router/responses?x=1'), 'responses https://openrouter.ai/api/v1/responses?x=1');
    assert.equal(route('GET', '/openai/models'), 'models https://api.openai.com/v1/models');
    assert.equal(route('GET', '/openai/models/gpt-4.1'), 'models https://api.openai.com/v1/models/gpt-4.1');
    assert.equal(route('POST', '/claude/v1/messages?beta=true'), 'messages https://api.anthropic.com/v1/messages?beta=true');
    assert.equal(route('POST', '/claude-v1/v1/messages'), 'messages https://proxy.example/anthropic/v1/messages');
    assert.equal(route('POST', '/claude/v1/messages/count_tokens'), 'count_tokens https://api.anthropic.com/v1/messages/count_tokens');
    assert.equal(route('GET', '/claude/v1/models'), 'models https://api.anthropic.com/v1/models');
  });

  it('refuses everything else, naming why', () => {
    assert.match(route('POST', '/openai/embeddings'), /^404 POST \/embeddings is not a route the gateway serves for an OpenAI provider/);
    assert.match(route('POST', '/other/chat/completions'), /^404 no provider 'other' is configured/);
    assert.match(route('POST', '/openai/chat/completions/../../x'), /^404 not a gateway path/);
    assert.match(route('POST', '/openai/chat%2Fcompletions'), /^404 not a gateway path/);
    assert.match(route('POST', 'http://evil/openai/chat/completions'), /^404 not a gateway path/);
    assert.equal(joinUpstream('https://h/a/', '/v1/messages', '').href, 'https://h/a/v1/messages');
  });
});

describe('gateway token and Host', () => {
  it('makes long random tokens and compares them from either header', () => {
    const token = newGatewayToken();
    assert.match(token, /^cmg_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newGatewayToken(), token);
    assert.equal(tokenMatches(token, { authorization: `Bearer ${token}` }), true);
    assert.equal(tokenMatches(token, { authorization: `bearer   ${token}` }), true);
    assert.equal(tokenMatches(token, { 'x-api-key': token }), true);
    assert.equal(tokenMatches(token, { 'x-api-key': 'sk-real', authorization: `Bearer ${token}` }), true);
    assert.equal(tokenMatches(token, { authorization: token }), false, 'a bare Authorization value is not a bearer token');
    assert.equal(tokenMatches(token, { authorization: `Bearer ${token.slice(0, -1)}` }), false);
    assert.equal(tokenMatches(token, {}), false);
  });

  it('accepts only the loopback names with the gateway\'s own port', () => {
    assert.equal(hostAllowed('127.0.0.1:4000', 4000), true);
    assert.equal(hostAllowed('localhost:4000', 4000), true);
    assert.equal(hostAllowed('127.0.0.1', 4000), false);
    assert.equal(hostAllowed('127.0.0.1:4001', 4000), false);
    assert.equal(hostAllowed('attacker.example:4000', 4000), false);
    assert.equal(hostAllowed(undefined, 4000), false);
  });
});
