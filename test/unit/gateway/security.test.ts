/**
 * Who gets in, what gets out: token and Host checks, bounded bodies, the route list, no CORS, and
 * the real key never in a response, a log line or the ledger.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { SEGMENTS_DIR } from '../../../src/core/ledger';
import { REAL_KEY, type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { readStreamFixture } from '../../support/protocolServer';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean; rawPath?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = http.request({ host: target.hostname, port: target.port, path: options.rawPath ?? `${target.pathname}${target.search}`, method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.chunked && options.body) {
      const body = Buffer.from(options.body);
      for (let at = 0; at < body.length; at += 4096) {
        req.write(body.subarray(at, at + 4096));
      }
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

const chatBody = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });

describe('gateway security', () => {
  let harness: GatewayHarness;
  const answers: Answer[] = [];

  beforeEach(async () => {
    harness = await startGatewayHarness(() => ({ body: readStreamFixture('openai-chat-completion.json'), headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' } }), { maxBodyBytes: 64 * 1024 });
  });

  afterEach(async () => {
    // Nothing the gateway sent back in any test, nothing it logged, nothing on disk holds the key.
    for (const answer of answers) {
      assert.ok(!answer.body.includes(REAL_KEY) && !JSON.stringify(answer.headers).includes(REAL_KEY), 'the key never reaches the client');
    }
    assert.ok(!harness.logs.join('\n').includes(REAL_KEY), 'the key is never logged');
    const segments = path.join(harness.dir, SEGMENTS_DIR);
    for (const file of fs.existsSync(segments) ? fs.readdirSync(segments) : []) {
      const text = fs.readFileSync(path.join(segments, file), 'utf8');
      assert.ok(!text.includes(REAL_KEY) && !text.includes(harness.token), 'no key or token in the ledger');
    }
    answers.length = 0;
    await harness.close();
  });

  async function send(url: string, options: Parameters<typeof request>[1]): Promise<Answer> {
    const answer = await request(url, options);
    answers.push(answer);
    return answer;
  }

  const auth = (): Record<string, string> => ({ authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' });

  it('refuses a missing or wrong token with 401 in the dialect\'s shape, and sends nothing upstream', async () => {
    const missing = await send(`${harness.openaiBase}/chat/completions`, { headers: { 'content-type': 'application/json' }, body: chatBody });
    assert.equal(missing.status, 401);
    assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'invalid_api_key');
    const wrong = await send(`${harness.anthropicBase}/v1/messages`, { headers: { 'x-api-key': `${harness.token}x`, 'content-type': 'application/json' }, body: chatBody });
    assert.equal(wrong.status, 401);
    assert.deepEqual(JSON.parse(wrong.body), { type: 'error', error: { type: 'authentication_error', message: JSON.parse(wrong.body).error.message } });
    const realKey = await send(`${harness.openaiBase}/chat/completions`, { headers: { authorization: `Bearer ${REAL_KEY}` }, body: chatBody });
    assert.equal(realKey.status, 401, 'the provider key is not the gateway token');
    assert.equal(harness.upstream.requests.length, 0);
  });

  it('refuses a foreign Host with 421 (DNS rebinding), accepts 127.0.0.1 and localhost', async () => {
    for (const host of ['evil.example:80', `evil.example:${harness.gateway.port}`, `127.0.0.1:${harness.gateway.port + 1}`, `127.0.0.1.nip.io:${harness.gateway.port}`]) {
      const answer = await send(`${harness.openaiBase}/chat/completions`, { headers: { ...auth(), host }, body: chatBody });
      assert.equal(answer.status, 421, host);
    }
    assert.equal(harness.upstream.requests.length, 0);
    for (const host of [`127.0.0.1:${harness.gateway.port}`, `LOCALHOST:${harness.gateway.port}`]) {
      assert.equal((await send(`${harness.openaiBase}/chat/completions`, { headers: { ...auth(), host }, body: chatBody })).status, 200, host);
    }
  });

  it('refuses bodies over the limit with 413, declared or chunked', async () => {
    const big = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    const declared = await send(`${harness.openaiBase}/chat/completions`, { headers: auth(), body: big });
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.body) as { error: { code: string } }).error.code, 'request_too_large');
    // No declared length: the gateway counts while reading and answers as soon as the limit is passed.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${harness.anthropicBase}/v1/messages`, { method: 'POST', headers: { ...auth(), 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      let answered = false;
      req.on('response', () => { answered = true; });
      req.on('error', reject);
      const writeMore = (): void => {
        if (!answered) {
          req.write('x'.repeat(8 * 1024));
          setTimeout(writeMore, 2);
        }
      };
      writeMore();
    });
    assert.equal(chunked, 413);
    assert.equal(harness.upstream.requests.length, 0);
  });

  it('serves only the metered and pass-through routes of configured providers', async () => {
    const cases: [string, string][] = [
      ['POST', '/openai/embeddings'],
      ['POST', '/openai/v1/files'],
      ['GET', '/openai/chat/completions'],
      ['POST', '/nope/chat/completions'],
      ['POST', '/openai/../anthropic/v1/messages'],
      ['POST', '/openai/%2e%2e/chat/completions'],
      ['POST', '/openai//chat/completions'],
      ['POST', '/anthropic/chat/completions'],
      ['POST', '/openai/v1/messages'],
      ['POST', '/'],
      ['GET', '/openai/models/a/b'],
    ];
    for (const [method, route] of cases) {
      const answer = await send(harness.gateway.url, { method, headers: auth(), body: method === 'POST' ? chatBody : undefined, rawPath: route });
      assert.equal(answer.status, 404, `${method} ${route}`);
    }
    assert.equal(harness.upstream.requests.length, 0);
    assert.equal((await send(`${harness.openaiBase}/v1/chat/completions`, { headers: auth(), body: chatBody })).status, 200, 'a base URL ending in /v1 works too');
    assert.equal(harness.upstream.requests[0].path, '/v1/chat/completions');
  });

  it('sends no CORS headers, even when the provider does, and answers a preflight like any unknown request', async () => {
    const preflight = await send(`${harness.openaiBase}/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 401);
    const ok = await send(`${harness.openaiBase}/chat/completions`, { headers: { ...auth(), origin: 'https://evil.example' }, body: chatBody });
    assert.equal(ok.status, 200);
    for (const answer of [preflight, ok]) {
      assert.deepEqual(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-')), []);
    }
  });

  it('takes the key out of an error body that echoes it, and out of the record', async () => {
    await harness.close();
    const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${REAL_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    harness = await startGatewayHarness([{ status: 401, body: echo }, { status: 401, body: echo, gzip: true }]);
    const plain = await send(`${harness.openaiBase}/chat/completions`, { headers: auth(), body: chatBody });
    assert.equal(plain.status, 401);
    assert.equal(plain.body, echo.split(REAL_KEY).join('[redacted]'));
    const compressed = await send(`${harness.openaiBase}/chat/completions`, { headers: { ...auth(), 'accept-encoding': 'gzip' }, body: chatBody });
    assert.equal(compressed.body, echo.split(REAL_KEY).join('[redacted]'), 'decompressed to take the key out');
    const records = await harness.records(2);
    assert.ok(records.every((record) => record.outcome.status === 'error' && record.outcome.errorClass === 'auth'));
  });

  it('forwards a body that is not JSON unchanged and passes the provider\'s 400 on', async () => {
    await harness.close();
    const refusal = JSON.stringify({ error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null } });
    harness = await startGatewayHarness([{ status: 400, body: refusal }]);
    const answer = await send(`${harness.openaiBase}/chat/completions`, { headers: auth(), body: '{"model": "gpt-4.1", "stream": tru' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body, refusal);
    assert.equal(harness.upstream.requests[0].body, '{"model": "gpt-4.1", "stream": tru');
    const [record] = await harness.records(1);
    assert.deepEqual([record.outcome.status, record.outcome.httpStatus, record.modelRequested, record.estimate], ['error', 400, 'unknown', null]);
  });

  it('never follows a redirect with the key', async () => {
    await harness.close();
    harness = await startGatewayHarness([{ status: 307, headers: { location: 'https://elsewhere.example/v1/chat/completions' }, body: '' }]);
    const answer = await send(`${harness.openaiBase}/chat/completions`, { headers: auth(), body: chatBody });
    assert.equal(answer.status, 502);
    assert.equal(answer.headers.location, undefined);
    const [record] = await harness.records(1);
    assert.equal(record.outcome.status, 'error');
  });

  it('listens on 127.0.0.1 only', () => {
    assert.match(harness.gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
