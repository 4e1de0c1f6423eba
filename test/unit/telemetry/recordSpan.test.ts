import { strict as assert } from 'node:assert';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import type { UsageRecord } from '../../../src/core/ledger';
import {
  CREDIT_METER, GEN_AI, GEN_AI_COST, GENERAL, METRIC, errorTypeOf, isTaskRecord, metricPointsOf, providerNameOf, recordSpan,
  spanIdOf, taskSpan, taskSpanIdOf, traceIdOf, TOKEN_TYPE, TOKEN_USAGE_BUCKETS, OPERATION, SENT_ATTRIBUTES, CONTENT_ATTRIBUTES,
} from '../../../src/core/telemetry';
import { makeRecord, makeRecords } from '../../support/ledgerFixtures';

const NO_CONTENT = { includeContent: false };

function gatewayRound(turnId: string, round: number, startedAt: string, finishedAt: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return makeRecord({
    ...makeRecords(1, { seed: 100 + round })[0],
    turnId, round, startedAt, finishedAt, firstTokenAt: null, source: 'gateway', client: 'claude-cli', threadId: null,
    provider: 'anthropic', baseUrlHost: 'api.anthropic.com', modelRequested: 'claude-sonnet-4-5', modelServed: 'claude-sonnet-4-5-20250929',
    ...overrides,
  });
}

describe('telemetry: records as GenAI spans and metric points', () => {
  it('uses only gen_ai.* names that @opentelemetry/semantic-conventions (incubating) defines, besides the proposed cost attributes', () => {
    const known = new Set<string>(Object.values(semconv as Record<string, unknown>).filter((value): value is string => typeof value === 'string'));
    const ours = Object.values(GEN_AI);
    for (const name of ours) {
      assert.ok(known.has(name), `${name} is not in @opentelemetry/semantic-conventions`);
    }
    assert.equal(GEN_AI.providerName, semconv.ATTR_GEN_AI_PROVIDER_NAME);
    assert.equal(GEN_AI.inputTokens, semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    assert.equal(GEN_AI.cacheReadInputTokens, semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
    assert.equal(GEN_AI.cacheCreationInputTokens, semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
    assert.equal(GEN_AI.tokenType, semconv.ATTR_GEN_AI_TOKEN_TYPE);
    assert.equal(GENERAL.errorType, semconv.ATTR_ERROR_TYPE);
    assert.equal(GENERAL.serverAddress, semconv.ATTR_SERVER_ADDRESS);
    assert.equal(GENERAL.httpStatusCode, semconv.ATTR_HTTP_RESPONSE_STATUS_CODE);
    assert.equal(METRIC.tokenUsage.name, semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    assert.equal(OPERATION.chat, semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT);
    assert.equal(OPERATION.invokeAgent, semconv.GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
    assert.equal(TOKEN_TYPE.input, semconv.GEN_AI_TOKEN_TYPE_VALUE_INPUT);
    assert.equal(TOKEN_TYPE.output, semconv.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT);
    assert.ok(!known.has(GEN_AI_COST.amount), 'cost is still a proposal; when it lands, check it here');
    // gen_ai.system was replaced by gen_ai.provider.name: never send the old name.
    assert.ok(!JSON.stringify(recordSpan(makeRecord(), NO_CONTENT)).includes(semconv.ATTR_GEN_AI_SYSTEM + '"'));
  });

  it('maps a Compose request to a chat span: cached tokens inside input_tokens, cost, credits and the estimate', () => {
    const record = makeRecord({
      tokens: { input: 200, cacheRead: 3000, cacheWrite: 1200, output: 150, reasoning: 40, system: 50, tools: 0 },
      cost: { usd: 0.0123, credits: 0.4, chargeSource: 'computed', profileVersion: '1' },
      firstTokenAt: null, baseUrlHost: 'api.openai.com', provider: 'openai', modelRequested: 'gpt-4.1', modelServed: 'gpt-4.1-2025-04-14',
    });
    const span = recordSpan(record, NO_CONTENT);
    assert.equal(span.name, 'chat gpt-4.1');
    assert.equal(span.kind, 'client');
    assert.equal(span.parentSpanId, undefined);
    assert.equal(span.startMs, Date.parse(record.startedAt));
    assert.equal(span.endMs, Date.parse(record.finishedAt));
    const a = span.attributes;
    assert.equal(a[GEN_AI.operationName], 'chat');
    assert.equal(a[GEN_AI.providerName], 'openai');
    assert.equal(a[GEN_AI.requestModel], 'gpt-4.1');
    assert.equal(a[GEN_AI.responseModel], 'gpt-4.1-2025-04-14');
    assert.equal(a[GEN_AI.inputTokens], 200 + 3000 + 1200);
    assert.equal(a[GEN_AI.cacheReadInputTokens], 3000);
    assert.equal(a[GEN_AI.cacheCreationInputTokens], 1200);
    assert.equal(a[GEN_AI.outputTokens], 150);
    assert.equal(a[GEN_AI.reasoningOutputTokens], 40);
    assert.equal(a[GEN_AI_COST.amount], 0.0123);
    assert.equal(a[GEN_AI_COST.currency], 'USD');
    assert.equal(a[GEN_AI_COST.source], 'local');
    assert.equal(a[CREDIT_METER.credits], 0.4);
    assert.equal(a[CREDIT_METER.estimateExpected], record.estimate?.expected);
    assert.equal(a[CREDIT_METER.requestKind], record.kind);
    assert.equal(a[CREDIT_METER.recordId], record.id);
    assert.equal(a[GENERAL.serverAddress], 'api.openai.com');
    assert.equal(a[GENERAL.errorType], undefined);
    assert.equal(span.status.code, 'unset');
    assert.equal(recordSpan({ ...record, cost: { ...record.cost, chargeSource: 'provider' } }, NO_CONTENT).attributes[GEN_AI_COST.source], 'provider');
  });

  it('gives failures an error.type and an error status', () => {
    const base = makeRecord();
    const cases: Array<[UsageRecord['outcome'], string]> = [
      [{ status: 'timeout', errorClass: 'timeout', latencyMs: 1, retries: 0 }, 'timeout'],
      [{ status: 'blocked', latencyMs: 0, retries: 0 }, 'blocked'],
      [{ status: 'cancelled', errorClass: 'cancelled', latencyMs: 1, retries: 0 }, 'cancelled'],
      [{ status: 'error', errorClass: 'rate_limited', httpStatus: 429, latencyMs: 1, retries: 0 }, 'rate_limited'],
      [{ status: 'error', httpStatus: 500, latencyMs: 1, retries: 0 }, '500'],
      [{ status: 'error', latencyMs: 1, retries: 0 }, '_OTHER'],
      [{ status: 'aborted', latencyMs: 1, retries: 0 }, 'aborted'],
    ];
    for (const [outcome, type] of cases) {
      assert.equal(errorTypeOf(outcome), type);
      const span = recordSpan({ ...base, outcome }, NO_CONTENT);
      assert.equal(span.attributes[GENERAL.errorType], type, outcome.status);
      assert.equal(span.status.code, 'error');
      assert.equal(span.attributes[CREDIT_METER.status], outcome.status);
    }
  });

  it('sends prompt, system text, context labels and error messages only when content is opted in', () => {
    const record = makeRecord({
      prompt: 'Refactor parseHeader, the secret plan', system: 'You are terse.',
      contexts: [{ kind: 'file', label: 'src/secret/plan.ts:1-40', tokens: 10, bytes: 40 }],
      outcome: { status: 'error', errorClass: 'server', errorMessage: 'upstream said no', latencyMs: 5, retries: 0 },
    });
    const without = JSON.stringify(recordSpan(record, NO_CONTENT));
    for (const text of ['parseHeader', 'You are terse', 'src/secret/plan.ts', 'upstream said no']) {
      assert.ok(!without.includes(text), `${text} must not be sent without the opt-in`);
    }
    const withContent = recordSpan(record, { includeContent: true });
    assert.deepEqual(JSON.parse(String(withContent.attributes[GEN_AI.inputMessages])), [{ role: 'user', parts: [{ type: 'text', content: record.prompt }] }]);
    assert.deepEqual(JSON.parse(String(withContent.attributes[GEN_AI.systemInstructions])), [{ type: 'text', content: 'You are terse.' }]);
    assert.deepEqual(withContent.attributes[CREDIT_METER.contextLabels], ['file: src/secret/plan.ts:1-40']);
    assert.equal(withContent.status.message, 'upstream said no');
  });

  it('derives ids from record and turn ids: the same record always gets the same ids', () => {
    const [a, b] = makeRecords(2, { seed: 9 });
    assert.match(traceIdOf(a.turnId), /^[0-9a-f]{32}$/);
    assert.match(spanIdOf(a.id), /^[0-9a-f]{16}$/);
    assert.deepEqual(recordSpan(a, NO_CONTENT), recordSpan(structuredClone(a), NO_CONTENT));
    assert.notEqual(spanIdOf(a.id), spanIdOf(b.id));
    assert.equal(recordSpan(a, NO_CONTENT).traceId, traceIdOf(a.turnId));
    const retry = { ...a, id: b.id, attempt: 1 };
    assert.equal(recordSpan(retry, NO_CONTENT).traceId, recordSpan(a, NO_CONTENT).traceId, 'attempts of one turn share a trace');
    assert.notEqual(taskSpanIdOf(a.turnId), spanIdOf(a.turnId));
  });

  it('makes a gateway task an invoke_agent span over its rounds, which are its children', () => {
    const turnId = '5b0c8d1e-9f3a-4c2b-8e7d-6a5b4c3d2e1f';
    const rounds = [
      gatewayRound(turnId, 1, '2026-03-02T10:00:05.000Z', '2026-03-02T10:00:09.000Z', { outcome: { status: 'error', errorClass: 'overloaded', httpStatus: 529, latencyMs: 4000, retries: 0 } }),
      gatewayRound(turnId, 0, '2026-03-02T10:00:00.000Z', '2026-03-02T10:00:04.000Z'),
      gatewayRound(turnId, 2, '2026-03-02T10:00:10.000Z', '2026-03-02T10:00:30.500Z'),
    ];
    assert.ok(rounds.every(isTaskRecord));
    const parent = taskSpan(rounds);
    assert.equal(parent.name, 'invoke_agent claude-cli');
    assert.equal(parent.kind, 'internal');
    assert.equal(parent.spanId, taskSpanIdOf(turnId));
    assert.equal(parent.traceId, traceIdOf(turnId));
    assert.equal(parent.startMs, Date.parse('2026-03-02T10:00:00.000Z'));
    assert.equal(parent.endMs, Date.parse('2026-03-02T10:00:30.500Z'));
    assert.equal(parent.attributes[GEN_AI.operationName], 'invoke_agent');
    assert.equal(parent.attributes[GEN_AI.agentName], 'claude-cli');
    assert.equal(parent.attributes[GEN_AI.providerName], 'anthropic');
    assert.equal(parent.attributes[CREDIT_METER.taskRounds], 3);
    assert.equal(parent.attributes[GEN_AI.inputTokens], rounds.reduce((sum, r) => sum + r.tokens.input + r.tokens.cacheRead + r.tokens.cacheWrite, 0));
    assert.equal(parent.attributes[GENERAL.errorType], undefined, 'the last round succeeded');
    assert.equal(parent.attributes[CREDIT_METER.credits], undefined, 'credits stay on the rounds: summing never counts twice');
    assert.equal(parent.attributes[GEN_AI_COST.amount], undefined);
    for (const round of rounds) {
      const child = recordSpan(round, NO_CONTENT);
      assert.equal(child.parentSpanId, parent.spanId);
      assert.equal(child.traceId, parent.traceId);
      assert.ok(child.startMs >= parent.startMs && child.endMs <= parent.endMs);
    }
    assert.equal(recordSpan(makeRecord(), NO_CONTENT).parentSpanId, undefined, 'Compose requests have no parent');
    assert.throws(() => taskSpan([rounds[0], gatewayRound('other-task', 0, rounds[0].startedAt, rounds[0].finishedAt)]), /two tasks/);
  });

  it('names the provider from well-known hosts, else from the adapter', () => {
    assert.equal(providerNameOf('openai', 'api.deepseek.com'), 'deepseek');
    assert.equal(providerNameOf('openai', 'myresource.openai.azure.com'), 'azure.ai.openai');
    assert.equal(providerNameOf('openai', 'localhost:11434'), 'openai');
    assert.equal(providerNameOf('vscode-lm', null), 'vscode_lm');
    assert.deepEqual(recordSpan(makeRecord({ baseUrlHost: 'localhost:11434', provider: 'openai' }), NO_CONTENT).attributes[GENERAL.serverPort], 11434);
  });

  it('metric points: input (cached included) and output tokens, credits, low-cardinality attributes; nothing for a blocked request', () => {
    const record = makeRecord({ tokens: { input: 10, cacheRead: 90, cacheWrite: 5, output: 7, reasoning: 0, system: 0, tools: 0 } });
    const points = metricPointsOf(record);
    assert.deepEqual(points.tokens, [{ type: 'input', value: 105 }, { type: 'output', value: 7 }]);
    assert.equal(points.credits, record.cost.credits);
    assert.deepEqual(Object.keys(points.attributes).sort(), [GEN_AI.operationName, GEN_AI.providerName, GEN_AI.requestModel, GEN_AI.responseModel, CREDIT_METER.requestKind, CREDIT_METER.status].sort());
    assert.ok(!Object.values(points.attributes).includes(record.id), 'no per-record ids on metrics');
    const blocked = metricPointsOf({ ...record, outcome: { status: 'blocked', latencyMs: 0, retries: 0 } });
    assert.deepEqual(blocked.tokens, []);
    assert.equal(blocked.attributes[GENERAL.errorType], 'blocked');
    assert.deepEqual(TOKEN_USAGE_BUCKETS.slice(0, 3), [1, 4, 16]);
  });

  it('the disclosure lists every attribute a span can carry', () => {
    const record = makeRecord({ threadId: 'thread-1', region: 'eu', outcome: { status: 'error', errorClass: 'server', httpStatus: 500, latencyMs: 1, retries: 0 } });
    const listed = new Set([...SENT_ATTRIBUTES.flatMap(([, names]) => names), ...CONTENT_ATTRIBUTES]);
    const spans = [recordSpan(record, { includeContent: true }), recordSpan({ ...record, tokens: { ...record.tokens, reasoning: 5 } }, NO_CONTENT), taskSpan([gatewayRound('t', 0, record.startedAt, record.finishedAt)])];
    for (const span of spans) {
      for (const name of Object.keys(span.attributes)) {
        assert.ok(listed.has(name), `${name} is sent but not disclosed`);
      }
    }
  });
});
