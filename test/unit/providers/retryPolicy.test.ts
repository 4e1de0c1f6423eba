import { strict as assert } from 'node:assert';
import { classifyFailure, parseErrorBody } from '../../../src/providers/errorClassification';
import { redactSecrets } from '../../../src/core/redact';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, systemClock } from '../../../src/providers/retryPolicy';

const context = { host: 'api.example.com', model: 'm', secrets: ['sk-secret-value-123456'] };

describe('retry policy', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('reads retry-after in seconds, as an HTTP date, and retry-after-ms first', () => {
    assert.equal(parseRetryAfter({ 'retry-after': '3' }, now), 3000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }, now), 500);
    assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, now), 7000);
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now), 0);
    assert.equal(parseRetryAfter({ 'retry-after': '3', 'retry-after-ms': '120' }, now), 120);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(parseRetryAfter({}, now), undefined);
  });

  it('doubles the delay per retry, caps it and applies jitter between 50 % and 100 %', () => {
    assert.equal(backoffDelay(1, DEFAULT_RETRY, 0.999999), 500);
    assert.equal(backoffDelay(1, DEFAULT_RETRY, 0), 250);
    assert.equal(backoffDelay(3, DEFAULT_RETRY, 0.999999), 2000);
    assert.equal(backoffDelay(10, DEFAULT_RETRY, 0.999999), DEFAULT_RETRY.maxDelayMs);
  });

  it('the real sleep returns early when cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = systemClock.sleep(10_000, controller.signal);
    controller.abort();
    await sleeping;
    assert.ok(Date.now() - started < 1000);
  });
});

describe('error classification', () => {
  it('reads the error shapes of OpenAI, Anthropic, Ollama and FastAPI servers', () => {
    assert.deepEqual(parseErrorBody('{"error":{"message":"m","type":"invalid_request_error","code":"invalid_api_key"}}'), { type: 'invalid_api_key', message: 'm' });
    assert.deepEqual(parseErrorBody('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'), { type: 'overloaded_error', message: 'Overloaded' });
    assert.deepEqual(parseErrorBody('{"error":"model \\"llama3\\" not found, try pulling it first"}'), { message: 'model "llama3" not found, try pulling it first' });
    assert.deepEqual(parseErrorBody('{"detail":"Not Found"}'), { message: 'Not Found' });
    assert.deepEqual(parseErrorBody('Bad gateway'), { message: 'Bad gateway' });
  });

  it('classifies by status and by provider error type, retrying only what can succeed later', () => {
    const cases: [number | undefined, string | undefined, string, string, boolean][] = [
      [429, 'rate_limit_exceeded', 'Rate limit reached for gpt-4o on tokens per min (TPM)', 'rate_limited', true],
      [429, 'insufficient_quota', 'You exceeded your current quota', 'quota', false],
      [403, undefined, 'Key limit exceeded', 'quota', false],
      [408, undefined, '', 'timeout', true],
      [503, undefined, '', 'server', true],
      [529, 'overloaded_error', 'Overloaded', 'overloaded', true],
      [undefined, 'api_error', 'Internal server error', 'server', true],
      [undefined, 'rate_limit_error', 'Too many', 'rate_limited', true],
      [undefined, 'billing_error', 'x', 'quota', false],
      [422, undefined, 'bad field', 'bad_request', false],
    ];
    for (const [status, type, message, errorClass, retryable] of cases) {
      const error = classifyFailure({ status, type, message }, context);
      assert.equal(error.errorClass, errorClass, `${status} ${type}`);
      assert.equal(error.retryable, retryable, `${status} ${type}`);
    }
  });

  it('says when to try again after a rate limit', () => {
    const error = classifyFailure({ status: 429 }, { ...context, retryAfterMs: 20_000 });
    assert.equal(error.message, 'Rate limited by api.example.com (429). Try again in 20 s.');
  });

  it('redacts keys and bearer tokens from anything a server sends back', () => {
    const text = 'key sk-secret-value-123456 and Bearer abcdefghijklmnop and sk-proj-ABCDEFGHIJKLMNOPQRST';
    const clean = redactSecrets(text, context.secrets);
    assert.equal(clean, 'key [REDACTED] and Bearer [REDACTED] and [REDACTED]');
  });
});
