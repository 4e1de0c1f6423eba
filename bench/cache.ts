/**
 * What the prompt-cache model costs for a long conversation: a thread of 50 turns (a 30 KB context in
 * the first, ~1.5 KB prompt + answer per turn), the 51st request placed, turned into blocks and
 * predicted against the state recorded over the 50 before it. The estimate redoes the prediction
 * whenever the draft changes, so it must stay far below a keystroke's budget.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type BlockCounting,
  type CacheRequest,
  type CacheState,
  type ConversationRequest,
  type TextBlock,
  anthropicCacheRequest,
  anthropicCacheRules,
  conversationMessage,
  modelTokenCounter,
  openAiCacheRequest,
  placeBreakpoints,
  predictCache,
  recordSend,
} from '../src/core/cache';
import { anthropicDialect } from '../src/providers/anthropicDialect';
import { openAiDialect } from '../src/providers/openAiDialect';
import type { ChatRequest } from '../src/providers/types';
import { cpuNowMs } from './measure';
import { type BenchRow, percentile } from './table';

const root = path.resolve(__dirname, '..');
const TURNS = 50;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);

function timings(iterations: number, action: () => void): number[] {
  for (let i = 0; i < Math.min(200, iterations); i++) {
    action();
  }
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    action();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * CPU time per call, the worst of `batches` batches of `size` calls: what a call costs the process,
 * steady on a shared machine where wall-time percentiles mostly measure the scheduler.
 */
function worstCpuPerCall(batches: number, size: number, action: () => void): number {
  let worst = 0;
  for (let batch = 0; batch < batches; batch++) {
    const start = cpuNowMs();
    for (let i = 0; i < size; i++) {
      action();
    }
    worst = Math.max(worst, (cpuNowMs() - start) / size);
  }
  return worst;
}

const us = (ms: number) => `${(ms * 1000).toFixed(ms < 0.01 ? 1 : 0)} µs`;

/** The conversation after `turns` answered turns, plus the next prompt. */
function conversation(turns: number): ConversationRequest {
  const source = fs.readFileSync(path.join(root, 'src/core/estimate/estimateSession.ts'), 'utf8').slice(0, 30_000);
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const messages = [];
  for (let turn = 0; turn <= turns; turn++) {
    const prompt = `Turn ${turn}: ${prose.slice((turn * 311) % 4000, ((turn * 311) % 4000) + 300)}`;
    const blocks: TextBlock[] = turn === 0
      ? [{ text: `<context kind="file" label="estimateSession.ts">\n${source}\n</context>\n\n`, kind: 'context', label: 'estimateSession.ts' }, { text: prompt, kind: 'prompt' }]
      : [{ text: prompt, kind: 'prompt' }];
    messages.push(conversationMessage('user', blocks));
    if (turn < turns) {
      messages.push(conversationMessage('assistant', [{ text: prose.slice((turn * 977) % 6000, ((turn * 977) % 6000) + 1200), kind: 'answer' }]));
    }
  }
  return { system: [{ text: 'You are a concise coding assistant.', kind: 'system' }], messages };
}

function chatOf(model: string, request: ConversationRequest): ChatRequest {
  return { model, system: 'You are a concise coding assistant.', systemBlocks: request.system, messages: request.messages };
}

/** The state after 50 turns sent a minute apart, and the 51st request. */
function thread(requestAt: (turns: number) => CacheRequest): { state: CacheState | undefined; next: CacheRequest; at: number } {
  let state: CacheState | undefined;
  for (let turn = 0; turn < TURNS; turn++) {
    state = recordSend(state, requestAt(turn), T0 + turn * MINUTE);
  }
  return { state, next: requestAt(TURNS), at: T0 + TURNS * MINUTE };
}

function predictionRows(label: string, { state, next, at }: ReturnType<typeof thread>): BenchRow[] {
  const prediction = predictCache(state, next, at);
  const predict = timings(2000, () => predictCache(state, next, at));
  const cpu = worstCpuPerCall(50, 40, () => predictCache(state, next, at));
  return [
    { area: 'cache', metric: `${label}, turn ${TURNS + 1} of a thread: ${next.blocks.length} blocks, ${prediction.inputTokens} input tokens, read ${prediction.cacheReadTokens} / written ${prediction.cacheWriteTokens}`, value: '' },
    { area: 'cache', metric: 'predictCache wall p50', value: us(percentile(predict, 50)) },
    { area: 'cache', metric: 'predictCache wall p99 (scheduler included)', value: us(percentile(predict, 99)) },
    { area: 'cache', metric: 'predictCache CPU per call, worst of 50 batches', value: us(cpu), target: '< 1 ms', ok: cpu < 1 },
    { area: 'cache', metric: `state after ${TURNS} turns: ${state?.entries.length ?? 0} entries`, value: `${(JSON.stringify(state).length / 1024).toFixed(1)} KB` },
  ];
}

function anthropicRows(): BenchRow[] {
  const model = 'claude-sonnet-4-5';
  const countTokens = modelTokenCounter(model);
  const counting: BlockCounting = { countTokens, perMessageTokens: 2, replyPrimingTokens: 1 };
  const rules = anthropicCacheRules(model);
  const bodyAt = (turns: number) => {
    const placed = placeBreakpoints(conversation(turns), { rules, countTokens }).request;
    return anthropicDialect().buildRequest(chatOf(model, placed), undefined).body;
  };
  const recorded = thread((turns) => anthropicCacheRequest(bodyAt(turns), counting));
  const { state, next, at } = recorded;
  const full = conversation(TURNS);
  const body = bodyAt(TURNS);
  const record = timings(500, () => recordSend(state, next, at));
  const place = timings(500, () => placeBreakpoints(full, { rules, countTokens }));
  const adapt = timings(200, () => anthropicCacheRequest(body, counting));
  const whole = worstCpuPerCall(20, 20, () => predictCache(state, anthropicCacheRequest(body, counting), at));
  return [
    ...predictionRows('Anthropic', recorded),
    { area: 'cache', metric: 'raw body -> blocks -> prediction, CPU per call, worst of 20 batches', value: us(whole), target: '< 1 ms', ok: whole < 1 },
    { area: 'cache', metric: 'recordSend p50', value: us(percentile(record, 50)) },
    { area: 'cache', metric: 'placeBreakpoints p50 (counts every block, memoised counter)', value: us(percentile(place, 50)) },
    { area: 'cache', metric: 'raw body -> blocks p50 (hash + count every block)', value: us(percentile(adapt, 50)) },
  ];
}

function openAiRows(): BenchRow[] {
  const model = 'gpt-4.1';
  const counting: BlockCounting = { countTokens: modelTokenCounter(model), perMessageTokens: 4, replyPrimingTokens: 3 };
  return predictionRows('OpenAI', thread((turns) => openAiCacheRequest(openAiDialect().buildRequest(chatOf(model, conversation(turns)), undefined).body, counting)));
}

export async function run(): Promise<BenchRow[]> {
  const load = os.loadavg()[0].toFixed(1);
  return [
    { area: 'cache', metric: `machine load average when measured (${os.cpus().length} cores)`, value: load },
    ...anthropicRows(),
    ...openAiRows(),
  ];
}
