/**
 * Keystroke re-estimate latency with 200 KB and 1 MB of context already counted, and what pricing
 * costs per call. Context is real text from the machine (TypeScript's lib .d.ts files and package docs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { recordSend } from '../src/core/cache';
import { CLASSIFIED_PREFIX, EstimateSession, REQUEST_KINDS, blockCounting, classifyKind } from '../src/core/estimate';
import { DEFAULT_PROFILE, creditsFor, modelPricing } from '../src/core/pricing';
import { CalibrationTable } from '../src/core/tokens';
import { ZERO_USAGE } from '../src/core/usage';
import { type Thread, ThreadStore, memoryThreadStorage } from '../src/core/threads';
import { type DraftConversation, conversationRequest } from '../src/send/conversationDraft';
import { DraftEstimator } from '../src/send/draftEstimator';
import { TUNING_TABLE, VALIDATION_TABLE, classifierAccuracy, labelledPrompts, share } from '../test/support/kindAccuracy';
import { estimateSeed, seedCases } from '../test/support/seedScale';
import { type BenchRow, percentile } from './table';

const root = path.resolve(__dirname, '..');
const KB = 1024;
const MODEL = 'claude-sonnet-4-5';
const PROMPT = 'Refactor the parser in the selected files so that every error names its field; keep the public API, '
  + 'explain the changes briefly, and add tests for the three cases we discussed (empty input, CJK 漢字, emoji 🙂).';

/** About `bytes` of real text as context items of at most 64 KB each. */
function corpus(bytes: number): { kind: 'file'; label: string; text: string }[] {
  const dir = path.join(root, 'node_modules', 'typescript', 'lib');
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.d.ts')).sort().map((name) => path.join(dir, name));
  const items = [];
  let total = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (let start = 0; start < text.length && total < bytes; start += 64 * KB) {
      const chunk = text.slice(start, Math.min(text.length, start + 64 * KB, start + bytes - total));
      items.push({ kind: 'file' as const, label: `${path.basename(file)}@${start}`, text: chunk });
      total += chunk.length;
    }
    if (total >= bytes) {
      break;
    }
  }
  return items;
}

function timeKeystrokes(session: EstimateSession): number[] {
  const samples: number[] = [];
  const stroke = (offset: number, deleteCount: number, insert: string) => {
    const start = performance.now();
    session.editPrompt(offset, deleteCount, insert);
    session.estimate();
    samples.push(performance.now() - start);
  };
  // Type the prompt, backspace the last 40 characters, delete a word in the middle, type them again.
  for (const char of PROMPT) {
    stroke(session.promptText.length, 0, char);
  }
  for (let i = 0; i < 40; i++) {
    stroke(session.promptText.length - 1, 1, '');
  }
  stroke(9, 7, '');
  for (const char of PROMPT.slice(PROMPT.length - 40)) {
    stroke(session.promptText.length, 0, char);
  }
  return samples;
}

function keystrokeRows(label: string, bytes: number): BenchRow[] {
  const session = new EstimateSession({ model: MODEL });
  const items = corpus(bytes);
  const countStart = performance.now();
  session.setContext(items);
  const countMs = performance.now() - countStart;
  const resetStart = performance.now();
  session.setContext(items);
  const resetMs = performance.now() - resetStart;
  // Warm-up pass (JIT), then three measured passes, each on a fresh prompt.
  timeKeystrokes(session);
  const samples: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    session.setPrompt('');
    samples.push(...timeKeystrokes(session));
  }
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  const estimate = session.estimate();
  return [
    { area: 'estimate', metric: `context ${label}: first count (${estimate.inputTokens} input tokens)`, value: `${countMs.toFixed(0)} ms` },
    { area: 'estimate', metric: `context ${label}: set again (cached)`, value: `${resetMs.toFixed(3)} ms` },
    { area: 'estimate', metric: `keystroke re-estimate p50, ${label} context (${samples.length} edits)`, value: `${(p50 * 1000).toFixed(0)} µs` },
    { area: 'estimate', metric: `keystroke re-estimate p99, ${label} context`, value: `${(p99 * 1000).toFixed(0)} µs`, target: '< 1 ms', ok: p99 < 1 },
  ];
}

/**
 * Times `estimate` on every draft of a prompt typed key by key, backspaced by 40 keys and edited in
 * the middle, four times over (the first pass warms up and is not kept).
 */
function typedDrafts(estimate: (prompt: string) => void): number[] {
  const samples: number[] = [];
  for (let pass = 0; pass < 4; pass++) {
    let prompt = '';
    const stroke = (next: string) => {
      prompt = next;
      const start = performance.now();
      estimate(prompt);
      if (pass > 0) {
        samples.push(performance.now() - start);
      }
    };
    for (const char of PROMPT) {
      stroke(prompt + char);
    }
    for (let i = 0; i < 40; i++) {
      stroke(prompt.slice(0, -1));
    }
    stroke(prompt.slice(0, 9) + prompt.slice(16));
  }
  return samples;
}

/**
 * The extension's path per keystroke: the Compose draft (whole prompt string, contexts as the same
 * objects) through the `DraftEstimator` adapter, which diffs the prompt into the source's session.
 */
function adapterKeystrokeRows(label: string, bytes: number): BenchRow[] {
  const calibration = new CalibrationTable();
  const history: never[] = [];
  // As the extension's services: the same profile, calibration table and history array on every call.
  const estimator = new DraftEstimator({ profile: () => DEFAULT_PROFILE, calibration: () => calibration, history: () => history });
  const contexts = corpus(bytes);
  const draft = (prompt: string) => ({ source: 'compose' as const, model: MODEL, system: 'You are a concise coding assistant.', prompt, contexts, kind: 'refactor' as const });
  estimator.estimate(draft(''));
  const samples = typedDrafts((prompt) => estimator.estimate(draft(prompt)));
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  return [
    { area: 'estimate', metric: `keystroke via the extension adapter p50, ${label} context (${samples.length} edits)`, value: `${(p50 * 1000).toFixed(0)} µs` },
    { area: 'estimate', metric: `keystroke via the extension adapter p99, ${label} context`, value: `${(p99 * 1000).toFixed(0)} µs`, target: '< 1 ms', ok: p99 < 1 },
  ];
}

const THREAD_TURNS = 20;
const SYSTEM = 'You are a concise coding assistant.';

/**
 * A Compose thread of `turns` answered turns (the first with `contextBytes` of context, then ~300
 * character prompts and ~1.5 KB answers), each sent a minute apart and recorded in its cache state.
 */
async function benchThread(turns: number, contextBytes: number): Promise<{ store: ThreadStore; thread: Thread; at: number }> {
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const now = Date.now();
  const { store } = await ThreadStore.open(memoryThreadStorage(), { storeText: true });
  const { id } = await store.create();
  const counting = blockCounting(MODEL);
  for (let turn = 0; turn < turns; turn++) {
    const at = now - (turns - turn) * 60_000;
    const contexts = turn === 0 ? corpus(contextBytes) : [];
    const prompt = `Turn ${turn}: ${prose.slice((turn * 311) % 4000, ((turn * 311) % 4000) + 300)}`;
    const sent = conversationRequest({ thread: store.get(id), threadId: id, dialect: 'anthropic' }, MODEL, SYSTEM, prompt, contexts, counting);
    await store.appendTurn(id, { turnId: `t${turn}`, startedAt: new Date(at), provider: 'anthropic', model: MODEL, prompt, contexts });
    await store.updateTurn(id, `t${turn}`, { status: 'ok', answer: prose.slice((turn * 977) % 6000, ((turn * 977) % 6000) + 1500) });
    await store.setCacheState(id, recordSend(store.get(id)?.cache ?? undefined, sent.send.cacheRequest, at));
  }
  return { store, thread: store.get(id) as Thread, at: now };
}

/**
 * A follow-up in a long thread through the extension adapter: the resent history and the
 * prompt-cache split (cache model, cache prices) re-estimated per keystroke, and the first estimate
 * after the thread grew by a turn (the new texts counted, the request rebuilt).
 */
async function conversationRows(): Promise<BenchRow[]> {
  const { store, thread } = await benchThread(THREAD_TURNS, 30 * KB);
  const calibration = new CalibrationTable();
  const history: never[] = [];
  const estimator = new DraftEstimator({ profile: () => DEFAULT_PROFILE, calibration: () => calibration, history: () => history });
  const conversation: DraftConversation = { thread, threadId: thread.id, dialect: 'anthropic' };
  const draft = (prompt: string, conv = conversation) => ({ source: 'compose' as const, model: MODEL, system: SYSTEM, prompt, contexts: [], kind: 'explain' as const, conversation: conv });
  const first = estimator.estimate(draft(''));
  const samples = typedDrafts((prompt) => estimator.estimate(draft(prompt)));
  // One more turn in the thread: the next estimate counts its texts and rebuilds the request, once.
  const grown: number[] = [];
  for (let turn = 0; turn < 10; turn++) {
    await store.appendTurn(thread.id, { turnId: `more${turn}`, startedAt: new Date(), provider: 'anthropic', model: MODEL, prompt: `More ${turn}: ${PROMPT}`, contexts: [] });
    await store.updateTurn(thread.id, `more${turn}`, { status: 'ok', answer: `${PROMPT} `.repeat(10) + turn });
    const current = store.get(thread.id) as Thread;
    const start = performance.now();
    estimator.estimate(draft(PROMPT, { ...conversation, thread: current }));
    grown.push(performance.now() - start);
  }
  const cache = first.estimate.cache;
  const p99 = percentile(samples, 99);
  return [
    { area: 'estimate', metric: `thread follow-up: ${THREAD_TURNS} earlier turns, ${first.estimate.inputTokens.toLocaleString('en-US')} input tokens, ${cache?.readTokens.toLocaleString('en-US')} cached`, value: '' },
    { area: 'estimate', metric: `keystroke in a thread follow-up (history + cache split) p50 (${samples.length} edits)`, value: `${(percentile(samples, 50) * 1000).toFixed(0)} µs` },
    { area: 'estimate', metric: 'keystroke in a thread follow-up (history + cache split) p99', value: `${(p99 * 1000).toFixed(0)} µs`, target: '< 1 ms', ok: p99 < 1 },
    { area: 'estimate', metric: 'first estimate after the thread grew by a turn (new texts counted, request rebuilt), median of 10', value: `${percentile(grown, 50).toFixed(2)} ms` },
  ];
}

/** The service's published scale: four requests on claude-sonnet-4-5 with the default profile, next to their ranges. */
function seedScaleRows(): BenchRow[] {
  return seedCases().map((seed) => {
    const estimate = estimateSeed(seed);
    const credits = estimate.cost.kind === 'priced' ? estimate.cost.credits : undefined;
    const inRange = credits !== undefined && credits.expected >= seed.expected[0] && credits.expected <= seed.expected[1];
    return {
      area: 'seed scale',
      metric: `${seed.name} (${estimate.kind}, ${estimate.inputTokens.toLocaleString('en-US')} in, ${estimate.outputTokens.p50.toLocaleString('en-US')} out × ${estimate.rounds})`,
      value: credits ? `${credits.expected} cr (${credits.low}–${credits.high})` : 'no price',
      target: `${seed.expected[0]}–${seed.expected[1]} cr`,
      ok: inRange,
    };
  });
}

/**
 * Accuracy of the request-kind classifier on its tuning table and on the validation table it was never
 * tuned on (the honest figure), per kind and overall; and what one classification costs on a 2 KB
 * prompt, which it re-reads whenever the first `CLASSIFIED_PREFIX` characters change.
 */
function classifierRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [name, table, floor] of [['tuning table', TUNING_TABLE, 0.97], ['validation table, never tuned on', VALIDATION_TABLE, 0.85]] as const) {
    const accuracy = classifierAccuracy(labelledPrompts(table));
    rows.push(
      { area: 'classifier', metric: `request kind accuracy, ${name}`, value: share(accuracy.correct, accuracy.total), target: `>= ${floor * 100} %`, ok: accuracy.correct / accuracy.total >= floor },
      ...REQUEST_KINDS.map((kind) => ({ area: 'classifier', metric: `  ${name}: ${kind}`, value: share(accuracy.byKind[kind].correct, accuracy.byKind[kind].total) })),
    );
  }
  const { samples, cpuMicros } = classifierSamples();
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  rows.push(
    { area: 'classifier', metric: `classifyKind on a 2 KB prompt p50 (${samples.length} calls, 5 prompt shapes)`, value: `${(p50 * 1000).toFixed(1)} µs` },
    { area: 'classifier', metric: 'classifyKind on a 2 KB prompt p99', value: `${(p99 * 1000).toFixed(1)} µs`, target: '< 50 µs', ok: p99 * 1000 < 50 },
    { area: 'classifier', metric: 'classifyKind on a 2 KB prompt, CPU time per call (mean; not inflated by waiting for a core)', value: `${cpuMicros.toFixed(1)} µs` },
  );
  return rows;
}

/**
 * Milliseconds per `classifyKind` call on 2 KB prompts of the shapes people send: an instruction with
 * fenced code, unfenced code with the instruction last, a pasted stack trace, and long prose (this
 * repository's README) with and without an instruction. Each call reads a slightly different prompt,
 * as while typing.
 */
function classifierSamples(): { samples: number[]; cpuMicros: number } {
  const code = fs.readFileSync(path.join(root, 'test', 'fixtures', 'estimate', 'seed', 'module10k.ts.txt'), 'utf8');
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
  const trace = 'TypeError: Cannot read properties of undefined (reading \'map\')\n    at render (src/list.tsx:41:22)\n    at renderWithHooks (node_modules/react-dom/cjs/react-dom.development.js:14985:18)\n';
  const shapes = [
    'Refactor the tokenizer below so that every error names its field; keep the public API and add tests.\n```ts\n' + code,
    code.slice(0, CLASSIFIED_PREFIX - 120) + '\n\nwhy does `scan` return an empty array when the input ends with a newline?',
    'the list page crashes after the upgrade, what is wrong?\n' + trace.repeat(20),
    prose,
    'Plan the work to add multi-tenancy to this service, then list the files each step touches. ' + prose,
  ].map((shape) => shape.slice(0, CLASSIFIED_PREFIX + 64));
  const calls = 20_000;
  let sink = 0;
  const samples: number[] = [];
  let cpu = process.cpuUsage();
  for (let i = 0; i < calls + 2000; i++) {
    if (i === 2000) {
      cpu = process.cpuUsage();
    }
    const shape = shapes[i % shapes.length];
    const prompt = shape.slice(0, CLASSIFIED_PREFIX - (i % 64)) + String.fromCharCode(97 + (i % 26));
    const start = performance.now();
    sink += classifyKind(prompt).length;
    const elapsed = performance.now() - start;
    if (i >= 2000) {
      samples.push(elapsed);
    }
  }
  const used = process.cpuUsage(cpu);
  if (sink === 0) {
    throw new Error('no classification');
  }
  return { samples, cpuMicros: (used.user + used.system) / calls };
}

function perCall(iterations: number, action: (i: number) => void): number {
  for (let i = 0; i < Math.min(1000, iterations); i++) {
    action(i);
  }
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    action(i);
  }
  return ((performance.now() - start) / iterations) * 1000;
}

function pricingRows(): BenchRow[] {
  const pricing = modelPricing(MODEL, DEFAULT_PROFILE);
  if (pricing.kind !== 'priced') {
    throw new Error(pricing.reason);
  }
  const lookup = perCall(5000, (i) => calcPrice({ input_tokens: 1000 + i, output_tokens: 400 }, 'anthropic/claude-sonnet-4.5', { providerApiUrl: 'https://openrouter.ai/api/v1' }));
  const direct = perCall(20_000, (i) => calcPrice({ input_tokens: 1000 + i, output_tokens: 400 }, MODEL));
  const cached = perCall(20_000, (i) => pricing.price({ ...ZERO_USAGE, inputTokens: 1000 + i, outputTokens: 400 }));
  const fast = perCall(200_000, (i) => pricing.priceUncached(1000 + i, 400));
  const credits = perCall(200_000, (i) => creditsFor(0.001 * (i % 1000), DEFAULT_PROFILE, MODEL, { rounds: 2 }));
  const six = new EstimateSession({ model: MODEL });
  six.setPrompt(PROMPT);
  six.setRounds(6);
  const sixRounds = perCall(5000, () => six.estimate());
  return [
    { area: 'estimate', metric: 'calcPrice, catalogue scan (routed id via URL)', value: `${lookup.toFixed(1)} µs/call` },
    { area: 'estimate', metric: 'calcPrice, plain id', value: `${direct.toFixed(1)} µs/call` },
    { area: 'estimate', metric: 'price via cached model lookup', value: `${cached.toFixed(1)} µs/call` },
    { area: 'estimate', metric: 'price via linear fast path (uncached usage)', value: `${fast.toFixed(2)} µs/call` },
    { area: 'estimate', metric: 'creditsFor', value: `${credits.toFixed(2)} µs/call` },
    { area: 'estimate', metric: 'estimate() with 6 rounds (6 + 6 + 9 round prices)', value: `${sixRounds.toFixed(0)} µs/call` },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const load = os.loadavg()[0].toFixed(1);
  return [
    { area: 'estimate', metric: `machine load average when measured (${os.cpus().length} cores)`, value: load },
    ...keystrokeRows('200 KB', 200 * KB),
    ...keystrokeRows('1 MB', 1024 * KB),
    ...adapterKeystrokeRows('200 KB', 200 * KB),
    ...adapterKeystrokeRows('1 MB', 1024 * KB),
    ...(await conversationRows()),
    ...pricingRows(),
    ...seedScaleRows(),
    ...classifierRows(),
  ];
}
