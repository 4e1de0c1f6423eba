/**
 * The one record builder: its charge precedence and redaction on plain facts, and the same upstream
 * answer recorded alike whether it came through Compose's turn runner or through the gateway with the
 * official SDK clients.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type AttemptFacts, ERROR_MESSAGE_LIMIT, attemptRecord, parseChargedCredits } from '../../../src/core/ledger/attemptRecord';
import { Ledger } from '../../../src/core/ledger/ledger';
import type { UsageRecord } from '../../../src/core/ledger/usageRecord';
import { DEFAULT_PROFILE, creditsFor, quoteCredits } from '../../../src/core/pricing';
import type { TokenUsage } from '../../../src/core/usage';
import { createAnthropicProvider, createOpenAiCompatibleProvider } from '../../../src/providers';
import { TurnRunner } from '../../../src/send/turnRunner';
import type { Draft, SendTimeEstimate } from '../../../src/send/turnTypes';
import { REAL_KEY, type GatewayHarness, startGatewayHarness } from '../../support/gatewayHarness';
import { type ScriptedResponse, readStreamFixture, startProtocolServer } from '../../support/protocolServer';

const USAGE: TokenUsage = { inputTokens: 1200, cacheReadTokens: 300, cacheWriteTokens: 0, outputTokens: 400, reasoningTokens: 0 };

function facts(overrides: Partial<AttemptFacts> = {}): AttemptFacts {
  const startedAt = new Date('2026-05-01T10:00:00.000Z');
  return {
    turnId: 'turn-1',
    round: 0,
    attempt: 0,
    source: 'compose',
    client: null,
    threadId: null,
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4.1',
    kind: 'explain',
    startedAt,
    firstTokenAt: new Date(startedAt.getTime() + 300),
    finishedAt: new Date(startedAt.getTime() + 2000),
    status: 'ok',
    httpStatus: 200,
    errorClass: undefined,
    errorMessage: undefined,
    usage: USAGE,
    usageSource: 'provider',
    modelServed: 'gpt-4.1-2025-04-14',
    region: undefined,
    chargedCredits: undefined,
    providerCostUsd: undefined,
    tools: { names: [], calls: 0, externalCalls: 0 },
    contexts: [],
    texts: undefined,
    partTokens: { system: 10, tools: 0 },
    estimate: null,
    ...overrides,
  };
}

const pricing = { profile: DEFAULT_PROFILE };

describe('attempt record', () => {
  describe('charge', () => {
    const computed = quoteCredits(USAGE, 'gpt-4.1-2025-04-14', DEFAULT_PROFILE, { toolCalls: 0, externalCalls: 0, rounds: 1 });

    it('takes the credits the service reported over a reported USD cost and over usage × price', () => {
      const record = attemptRecord(facts({ chargedCredits: 0.7, providerCostUsd: 0.05 }), pricing);
      assert.deepEqual(record.cost, { usd: 0.7 * DEFAULT_PROFILE.usdPerCredit, credits: 0.7, chargeSource: 'provider', profileVersion: String(DEFAULT_PROFILE.version) });
    });

    it('takes a reported USD cost over usage × price, converted under the profile and the served model', () => {
      const record = attemptRecord(facts({ providerCostUsd: 0.05 }), pricing);
      assert.equal(record.cost.chargeSource, 'provider');
      assert.equal(record.cost.usd, 0.05);
      assert.equal(record.cost.credits, creditsFor(0.05, DEFAULT_PROFILE, 'gpt-4.1-2025-04-14', { toolCalls: 0, externalCalls: 0, rounds: 1 }));
    });

    it('prices usage under the profile when nothing was reported', () => {
      assert.equal(computed.kind, 'priced');
      const record = attemptRecord(facts(), pricing);
      assert.equal(record.cost.chargeSource, 'computed');
      assert.equal(record.cost.credits, computed.credits);
      assert.equal(record.cost.usd, computed.usd);
    });

    it('ignores a reported figure that is not a charge (negative, not finite) and falls to the next rule', () => {
      assert.equal(attemptRecord(facts({ chargedCredits: -1, providerCostUsd: 0.05 }), pricing).cost.usd, 0.05);
      assert.equal(attemptRecord(facts({ chargedCredits: Number.NaN, providerCostUsd: Number.POSITIVE_INFINITY }), pricing).cost.credits, computed.credits);
    });

    it('charges nothing for an attempt that never started an answer', () => {
      const record = attemptRecord(facts({ usage: undefined, status: 'error', httpStatus: 429 }), pricing);
      assert.deepEqual([record.cost.usd, record.cost.credits, record.cost.chargeSource], [0, 0, 'computed']);
      assert.equal(record.tokens.system, 0, 'no usage, no parts of it');
    });

    it('adds the surcharges of tool calls and of every round after the first', () => {
      const first = attemptRecord(facts(), pricing).cost.credits ?? 0;
      const later = attemptRecord(facts({ round: 3, tools: { names: ['read'], calls: 2, externalCalls: 0 } }), pricing).cost.credits ?? 0;
      const expected = quoteCredits(USAGE, 'gpt-4.1-2025-04-14', DEFAULT_PROFILE, { toolCalls: 2, externalCalls: 0, rounds: 2 });
      assert.equal(later, expected.credits);
      assert.ok(later >= first);
    });

    it('reads a credits header only as a plain non-negative number', () => {
      assert.deepEqual(['42', ' 1.5 ', '0'].map(parseChargedCredits), [42, 1.5, 0]);
      assert.deepEqual(['-1', '1e3', 'abc', '', '1.', undefined].map(parseChargedCredits), [undefined, undefined, undefined, undefined, undefined, undefined]);
    });
  });

  describe('redaction and limits', () => {
    const KEY = 'sk-proj-Q2x8Lm4Tn7Vb1Zc9Kd3Rf6Hs0Wy5Pj2Ae8';
    const EXACT = 'gw-token-4f9a2c7e1b';
    const dirty = (what: string): string => `${what} ${KEY} and ${EXACT}`;

    it('takes keys and the exact secrets out of every text field', () => {
      const record = attemptRecord(facts({
        turnId: dirty('turn'),
        threadId: dirty('thread'),
        client: dirty('client'),
        provider: dirty('provider'),
        model: dirty('model'),
        modelServed: dirty('served'),
        region: dirty('region'),
        status: 'error',
        errorClass: dirty('class'),
        errorMessage: dirty('message'),
        tools: { names: [dirty('tool')], calls: 1, externalCalls: 0 },
        contexts: [{ kind: 'file', label: dirty('label'), tokens: 3, bytes: 9 }],
        texts: { prompt: dirty('prompt'), system: dirty('system') },
        secrets: [EXACT],
      }), pricing);
      const text = JSON.stringify(record);
      assert.ok(!text.includes(KEY), text);
      assert.ok(!text.includes(EXACT), text);
      for (const word of ['turn', 'thread', 'client', 'provider', 'model', 'served', 'region', 'class', 'message', 'tool', 'label', 'prompt', 'system']) {
        assert.ok(text.includes(word), `${word} itself is kept`);
      }
    });

    it('cuts texts after redaction, so a key across the cut is never left half in place', () => {
      const prompt = `${'a'.repeat(95)} ${KEY} tail`;
      const record = attemptRecord(facts({ texts: { prompt, system: 'S', limits: { prompt: 100, system: 100 } } }), pricing);
      assert.ok((record.prompt ?? '').length <= 100);
      assert.ok(!(record.prompt ?? '').includes(KEY.slice(0, 6)), record.prompt);
      const message = attemptRecord(facts({ status: 'error', errorMessage: 'x'.repeat(5000) }), pricing).outcome.errorMessage ?? '';
      assert.equal(message.length, ERROR_MESSAGE_LIMIT);
    });

    it('keeps contexts as labels and sizes, and the prompt only when the door passes it', () => {
      const record = attemptRecord(facts({ contexts: [{ kind: 'file', label: 'a.ts', tokens: 12.6, bytes: 40 }, { kind: 'selection', label: 'b.ts:1-3', tokens: 4, bytes: 9 }] }), pricing);
      assert.deepEqual([record.contextTokens, record.contextBytes, record.prompt, record.system], [17, 49, undefined, undefined]);
    });
  });

  describe('the same answer through Compose and through the gateway', () => {
    const API_KEY = 'sk-test-0123456789abcdefghijklmnop';
    const draft: Draft = { prompt: 'Fix the parser bug', contexts: [], modelRef: 'local:model', kind: 'other', source: 'compose' };
    const estimate: SendTimeEstimate = {
      record: null,
      counts: { systemTokens: 0, toolsTokens: 0, contextTokens: [], inputTokens: 10 },
    };
    const CREDITS = 'x-credits-charged';
    let harness: GatewayHarness | undefined;
    let dir: string | undefined;

    afterEach(async () => {
      await harness?.close();
      harness = undefined;
      if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
        dir = undefined;
      }
    });

    async function throughCompose(dialect: 'openai' | 'anthropic', model: string, response: ScriptedResponse): Promise<UsageRecord> {
      const upstream = await startProtocolServer([response]);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-attempt-'));
      const { ledger } = await Ledger.open(dir);
      try {
        const options = { apiKey: API_KEY, chargedCreditsHeader: CREDITS, maxAttempts: 1 };
        const baseUrl = dialect === 'openai' ? `${upstream.url}/v1` : upstream.url;
        const provider = dialect === 'openai' ? createOpenAiCompatibleProvider({ baseUrl, ...options }) : createAnthropicProvider({ baseUrl, ...options });
        const runner = new TurnRunner({ ledger, pricing: () => ({ profile: DEFAULT_PROFILE }) });
        const result = await runner.run({ provider, baseUrl, model, draft, system: '', estimate, storePrompts: true });
        assert.equal(result.records.length, 1);
        return result.records[0];
      } finally {
        await ledger.close();
        await upstream.close();
      }
    }

    async function throughGateway(dialect: 'openai' | 'anthropic', model: string, response: ScriptedResponse): Promise<UsageRecord> {
      harness = await startGatewayHarness([response], {
        providers: (url) => [
          { id: 'openai', kind: 'openai', baseUrl: `${url}/v1`, headers: {}, creditsHeader: CREDITS },
          { id: 'anthropic', kind: 'anthropic', baseUrl: url, headers: {}, creditsHeader: CREDITS },
        ],
      });
      const messages = [{ role: 'user' as const, content: draft.prompt }];
      if (dialect === 'openai') {
        const client = new OpenAI({ baseURL: harness.openaiBase, apiKey: harness.token, maxRetries: 0 });
        await client.chat.completions.create({ model, messages, stream: true }).then(async (stream) => {
          for await (const _chunk of stream) {
            // read to the end
          }
        }, () => undefined);
      } else {
        const client = new Anthropic({ baseURL: harness.anthropicBase, apiKey: harness.token, maxRetries: 0 });
        await client.messages.create({ model, max_tokens: 1024, messages, stream: true }).then(async (stream) => {
          for await (const _event of stream) {
            // read to the end
          }
        }, () => undefined);
      }
      const [record] = await harness.records(1);
      return record;
    }

    /** What the record builder decides from the attempt itself, the same whichever door. */
    function shared(record: UsageRecord): unknown {
      return {
        provider: record.provider,
        modelRequested: record.modelRequested,
        modelServed: record.modelServed,
        region: record.region,
        tokens: [record.tokens.input, record.tokens.cacheRead, record.tokens.cacheWrite, record.tokens.output, record.tokens.reasoning],
        usageSource: record.usageSource,
        cost: record.cost,
        status: record.outcome.status,
        httpStatus: record.outcome.httpStatus,
        retries: record.outcome.retries,
        prompt: record.prompt,
      };
    }

    const cases: ReadonlyArray<{ name: string; dialect: 'openai' | 'anthropic'; model: string; response: ScriptedResponse; chargeSource: string }> = [
      { name: 'usage × price (OpenAI, cached input and reasoning)', dialect: 'openai', model: 'o4-mini', response: { body: readStreamFixture('openai-chat-usage.sse') }, chargeSource: 'computed' },
      { name: 'usage × price (Anthropic, cache reads and writes)', dialect: 'anthropic', model: 'claude-sonnet-4-6', response: { body: readStreamFixture('anthropic-messages-usage.sse') }, chargeSource: 'computed' },
      { name: 'a USD cost the provider reported (OpenRouter)', dialect: 'openai', model: 'anthropic/claude-3.5-haiku', response: { body: readStreamFixture('openrouter-chat-cost.sse') }, chargeSource: 'provider' },
      {
        name: "the service's credits header, with the region",
        dialect: 'openai',
        model: 'o4-mini',
        response: { headers: { 'content-type': 'text/event-stream', [CREDITS]: '0.7', 'x-region': 'eu-west-1' }, body: readStreamFixture('openai-chat-usage.sse') },
        chargeSource: 'provider',
      },
      {
        name: 'a refused request (no charge)',
        dialect: 'openai',
        model: 'gpt-4.1',
        response: { status: 400, body: JSON.stringify({ error: { message: 'bad request', type: 'invalid_request_error' } }) },
        chargeSource: 'computed',
      },
    ];

    for (const item of cases) {
      it(`records ${item.name} with the same fields`, async () => {
        const compose = await throughCompose(item.dialect, item.model, item.response);
        const gateway = await throughGateway(item.dialect, item.model, item.response);
        assert.deepEqual(shared(gateway), shared(compose));
        assert.equal(compose.cost.chargeSource, item.chargeSource);
        assert.deepEqual([compose.source, gateway.source], ['compose', 'gateway']);
        assert.ok(!JSON.stringify([compose, gateway]).includes(REAL_KEY));
        assert.ok(!JSON.stringify(compose).includes(API_KEY));
      });
    }
  });
});
