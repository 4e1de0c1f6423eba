/**
 * Seeded generator of realistic usage records, for ledger / export tests, the history view, e2e
 * and the bench. Same seed, same records. Credits follow the service's scale: ~0.1 for a micro
 * edit, ~0.5–1 for a quick explain/fix, 1–5 for a plan or module refactor, rarely up to ~20.
 */
import { appliedBlocksOf, Ledger, type LedgerRecord, REQUEST_KINDS, type RequestKind, SCHEMA_VERSION, type UsageRecord } from '../../src/core/ledger';

export interface MakeRecordsOptions {
  readonly seed?: number;
  /** First `startedAt` (default 2026-01-05T08:00:00Z); records advance in time from there. */
  readonly startDate?: string | Date;
  /** How many days the records spread over (default 30). */
  readonly days?: number;
  readonly models?: readonly string[];
  readonly kinds?: readonly RequestKind[];
  /** Share of records that end in error / cancelled (default 0.04 / 0.03). */
  readonly errorRate?: number;
  readonly cancelRate?: number;
  /** Include local prompt and system text (default true). */
  readonly withPrompts?: boolean;
  /** USD per credit used to derive `cost.usd` (default 0.01). */
  readonly usdPerCredit?: number;
}

export const DEFAULT_MODELS = ['gpt-4.1-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'o4-mini'] as const;

const typicalCredits: Record<RequestKind, number> = { explain: 0.6, edit: 0.1, fix: 0.8, refactor: 2.2, generate: 1.2, plan: 3, other: 0.3 };
const modelWeight: Record<string, number> = { 'gpt-4.1-mini': 0.4, 'gpt-4.1': 1.6, 'claude-sonnet-4-5': 2, 'claude-haiku-4-5': 0.5, 'o4-mini': 1.1 };
const prompts: Record<RequestKind, readonly string[]> = {
  explain: ['Explain what this reducer does', 'Why does this regex backtrack?', 'What is the complexity of mergeRanges?'],
  edit: ['Add an alias to this function on line 126', 'Rename this variable to totalCredits', 'Add a type annotation to parseHeader'],
  fix: ['Fix the off-by-one in paginate()', 'Tests fail with "undefined is not a function", fix it', 'Fix the race in the cache warmup'],
  refactor: ['Refactor the billing module into smaller files', 'Extract the retry logic into a helper', 'Convert this class to hooks'],
  generate: ['Write unit tests for parseHeader', 'Add a retry helper with backoff', 'Generate a CSV exporter, with quoting'],
  plan: ['Plan the migration to the new auth API', 'Draft a plan: 1) skeleton 2) storage 3) UI', 'How should we split the monolith?'],
  other: ['Thanks!', 'Looks good', 'Summarise the diff'],
};
const files = ['src/app.ts', 'src/billing/invoice.ts', 'src/util/strings.ts', 'test/app.test.ts', 'README.md', 'src/server/routes.ts'];
const errorClasses = [['RateLimitError', 429, 'Rate limit reached, retry after 20s'], ['ServerError', 500, 'Internal server error'], ['NetworkError', undefined, 'socket hang up']] as const;

/** Small fast PRNG (mulberry32); deterministic across platforms. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RFC 4122 v4-shaped UUID from the generator, so fixtures are reproducible. */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)];
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

/** Log-normal around `typical`, clamped to the service's 0.1–20 credit range. */
function creditsAround(random: () => number, typical: number): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.min(20, Math.max(0.1, typical * Math.exp(0.6 * gaussian))) * 1000) / 1000;
}

export function makeRecords(n: number, options: MakeRecordsOptions = {}): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (const record of generateRecords(n, options)) {
    out.push(record);
  }
  return out;
}

/** The same records as `makeRecords`, one at a time (for 100k+ without holding them all). */
export function* generateRecords(n: number, options: MakeRecordsOptions = {}): Generator<UsageRecord> {
  const random = seededRandom(options.seed ?? 1);
  const models = options.models ?? DEFAULT_MODELS;
  const kinds = options.kinds ?? REQUEST_KINDS;
  const start = new Date(options.startDate ?? '2026-01-05T08:00:00Z').getTime();
  const span = (options.days ?? 30) * 86_400_000;
  const errorRate = options.errorRate ?? 0.04;
  const cancelRate = options.cancelRate ?? 0.03;
  const usdPerCredit = options.usdPerCredit ?? 0.01;
  const withPrompts = options.withPrompts ?? true;
  let turnId = seededUuid(random);
  let round = 0;
  for (let i = 0; i < n; i++) {
    if (round > 0 && random() < 0.6) {
      turnId = seededUuid(random);
      round = 0;
    }
    const startedMs = start + Math.floor((i / Math.max(1, n)) * span + random() * 1000);
    const kind = pick(random, kinds);
    const model = pick(random, models);
    const weight = modelWeight[model] ?? 1;
    const roll = random();
    const status = roll < errorRate ? 'error' : roll < errorRate + cancelRate ? 'cancelled' : 'ok';
    const charged = creditsAround(random, typicalCredits[kind] * weight);
    const credits = status === 'error' ? 0 : status === 'cancelled' ? Math.round(charged * 0.4 * 1000) / 1000 : charged;
    const outputTokens = status === 'error' ? 0 : Math.round(charged * 700 * (0.5 + random()));
    const cacheRead = random() < 0.5 ? Math.round(random() * 8000) : 0;
    const system = 300 + Math.floor(random() * 1200);
    const toolDefs = random() < 0.3 ? 200 + Math.floor(random() * 2000) : 0;
    const contexts = Array.from({ length: Math.floor(random() * 4) }, () => {
      const from = 1 + Math.floor(random() * 400);
      const tokens = 50 + Math.floor(random() * 3000);
      return { kind: random() < 0.7 ? 'file' : 'selection', label: `${pick(random, files)}:${from}-${from + Math.floor(tokens / 12)}`, tokens, bytes: tokens * 4 };
    });
    const contextTokens = contexts.reduce((sum, item) => sum + item.tokens, 0);
    const input = system + toolDefs + contextTokens + 20 + Math.floor(random() * 400);
    const latencyMs = status === 'error' ? 200 + Math.floor(random() * 2000) : 600 + Math.floor(outputTokens * (8 + random() * 10));
    // Most estimates land within ±25%; about one in eight misses badly (under- or over-estimate).
    const miss = random();
    const ratio = miss < 0.06 ? 0.3 + random() * 0.25 : miss < 0.12 ? 1.7 + random() * 1.3 : 0.75 + random() * 0.5;
    const expected = Math.max(0.05, Math.round(charged * ratio * 1000) / 1000);
    const toolCalls = toolDefs > 0 ? Math.floor(random() * 4) : 0;
    const error = status === 'error' ? pick(random, errorClasses) : undefined;
    const firstTokenMs = startedMs + 250 + Math.floor(random() * 900);
    const record: UsageRecord = {
      schemaVersion: SCHEMA_VERSION,
      id: seededUuid(random),
      turnId,
      round,
      attempt: 0,
      startedAt: new Date(startedMs).toISOString(),
      firstTokenAt: status === 'error' ? null : new Date(firstTokenMs).toISOString(),
      finishedAt: new Date(startedMs + latencyMs).toISOString(),
      source: 'compose',
      client: null,
      threadId: null,
      provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      baseUrlHost: model.startsWith('claude') ? 'api.anthropic.com' : 'api.openai.com',
      modelRequested: model,
      modelServed: status === 'error' ? null : model.startsWith('claude') ? `${model}-20250929` : model,
      kind,
      region: random() < 0.5 ? pick(random, ['us-east-1', 'eu-west-1']) : null,
      tokens: { input, cacheRead, cacheWrite: 0, output: outputTokens, reasoning: model === 'o4-mini' ? Math.floor(outputTokens / 2) : 0, system, tools: toolDefs },
      usageSource: status === 'cancelled' ? 'estimated' : 'provider',
      contexts,
      contextTokens,
      contextBytes: contextTokens * 4,
      tools: { names: toolCalls > 0 ? ['readFile', 'runTests', 'search'].slice(0, toolCalls) : [], calls: toolCalls, externalCalls: toolCalls > 2 ? 1 : 0 },
      cost: { usd: Math.round(credits * usdPerCredit * 1e6) / 1e6, credits, chargeSource: random() < 0.3 ? 'provider' : 'computed', profileVersion: '2026-01' },
      estimate: { low: Math.round(expected * 0.6 * 1000) / 1000, expected, high: Math.round(expected * 1.6 * 1000) / 1000, inputTokens: input, outputTokens: Math.round(expected * 700), cacheReadTokens: 0, cacheWriteTokens: 0 },
      outcome: {
        status,
        ...(error ? { errorClass: error[0], errorMessage: error[2], ...(error[1] !== undefined ? { httpStatus: error[1] } : {}) } : {}),
        latencyMs,
        retries: 0,
      },
    };
    if (withPrompts) {
      record.prompt = pick(random, prompts[kind]);
      record.system = 'You are a careful coding assistant. Answer concisely.';
    }
    yield record;
    round += 1;
  }
}

/** One record with chosen fields overridden (nested objects replaced whole). */
export function makeRecord(overrides: Partial<UsageRecord> = {}, seed = 7): UsageRecord {
  return { ...makeRecords(1, { seed, errorRate: 0, cancelRate: 0 })[0], ...overrides };
}

/** Writes the records into a ledger folder through the real `Ledger` (fsynced segments, index snapshot). */
export async function writeLedger(dir: string, records: Iterable<UsageRecord>): Promise<void> {
  const { ledger } = await Ledger.open(dir);
  try {
    for (const record of records) {
      await ledger.append(record);
    }
  } finally {
    await ledger.close();
  }
}

/** `record` as the ledger reads it back: with the code blocks applied its notes add up to (none by default). */
export function asRead(record: UsageRecord, notedBlocks = 0): LedgerRecord {
  return { ...record, appliedBlocks: appliedBlocksOf(record.source, notedBlocks) };
}
