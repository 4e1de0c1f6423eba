/**
 * Token counting figures: exactness against tiktoken, throughput against js-tiktoken and
 * gpt-tokenizer, encoder-ready time and memory, document edit latency, and long runs of one character
 * (counting them, typing inside them). One process, one corpus
 * (test/support/corpus.ts, the same one the exactness test uses).
 *
 * Speeds are judged on the CPU time of this process, because the machine running the bench is often
 * shared (a loaded 2-core box stretches wall time several-fold); wall-clock figures are shown too.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import { get_encoding } from 'tiktoken';
import { DocumentCounter, ENCODING_NAMES, type EncodingName, warmUp } from '../src/core/tokens';
import { BpeCounter } from '../src/core/tokens/bpeCounter';
import { loadRankTable, rankFilePath } from '../src/core/tokens/loadRankTable';
import { buildCorpus, type Corpus } from '../test/support/corpus';
import { cpuNowMs, ms, settledMemory } from './measure';
import { type BenchRow, mb, percentile } from './table';

const AREA = 'tokens';
const MIN_MB_PER_SECOND = 10;
const MAX_READY_MS = 100;
const MAX_EDIT_P99_MS = 1;
const MAX_RECOUNT_MS = 100;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed<T>(work: () => T): { result: T } & Timing {
  const cpuStart = cpuNowMs();
  const wallStart = performance.now();
  const result = work();
  return { result, wallMs: performance.now() - wallStart, cpuMs: cpuNowMs() - cpuStart };
}

/** MB/s (CPU and wall) of counting every corpus document once with `count`. */
function throughput(corpus: Corpus, count: (text: string) => number): { cpu: number; wall: number } {
  const { wallMs, cpuMs } = timed(() => {
    let tokens = 0;
    for (const document of corpus.documents) {
      tokens += count(document.text);
    }
    return tokens;
  });
  const megabytes = corpus.bytes / (1024 * 1024);
  return { cpu: megabytes / (cpuMs / 1000), wall: megabytes / (wallMs / 1000) };
}

function speedRows(name: string, corpus: Corpus, count: (text: string) => number, target: boolean): BenchRow[] {
  const cold = throughput(corpus, count);
  const warm = throughput(corpus, count);
  const row = (pass: string, figure: { cpu: number; wall: number }): BenchRow => ({
    area: AREA,
    metric: `${name} o200k ${pass} (CPU; wall)`,
    value: `${figure.cpu.toFixed(1)} MB/s; ${figure.wall.toFixed(1)}`,
    ...(target ? { target: `>= ${MIN_MB_PER_SECOND} MB/s`, ok: figure.cpu >= MIN_MB_PER_SECOND } : {}),
  });
  return [row('cold', cold), row('warm', warm)];
}

function mismatchRows(corpus: Corpus): BenchRow[] {
  return ENCODING_NAMES.map((encoding) => {
    const reference = get_encoding(encoding);
    const ours = new BpeCounter(encoding, loadRankTable(encoding));
    let mismatches = 0;
    try {
      for (const document of corpus.documents) {
        if (ours.count(document.text) !== reference.encode_ordinary(document.text).length) {
          mismatches++;
        }
      }
    } finally {
      reference.free();
    }
    return {
      area: AREA,
      metric: `mismatches vs tiktoken, ${encoding} (${corpus.documents.length} docs, ${mb(corpus.bytes)})`,
      value: String(mismatches),
      target: '0',
      ok: mismatches === 0,
    };
  });
}

function readyRows(encoding: EncodingName): { rows: BenchRow[]; counter: BpeCounter } {
  const file = rankFilePath(encoding);
  const source = file !== undefined && fs.existsSync(file) ? 'rank file' : 'in-memory fallback';
  const before = settledMemory();
  const start = performance.now();
  const counter = new BpeCounter(encoding, loadRankTable(encoding));
  counter.count('warm up the first call');
  const readyMs = performance.now() - start;
  const after = settledMemory();

  const jsBefore = settledMemory();
  const jsStart = performance.now();
  const ranks = createRequire(__filename)(`js-tiktoken/ranks/${encoding}`) as ConstructorParameters<typeof JsTiktoken>[0];
  const jsTiktoken = new JsTiktoken(ranks);
  jsTiktoken.encode('warm up the first call');
  const jsReadyMs = performance.now() - jsStart;
  const jsAfter = settledMemory();

  const rows: BenchRow[] = [
    { area: AREA, metric: `ours ${encoding} encoder ready (${source})`, value: ms(readyMs), target: `< ${MAX_READY_MS} ms`, ok: readyMs < MAX_READY_MS },
    { area: AREA, metric: `ours ${encoding} memory (heap+external / RSS)`, value: `${mb(after.heap - before.heap)} / ${mb(after.rss - before.rss)}` },
    { area: AREA, metric: `js-tiktoken ${encoding} encoder ready`, value: ms(jsReadyMs) },
    { area: AREA, metric: `js-tiktoken ${encoding} memory (heap+external / RSS)`, value: `${mb(jsAfter.heap - jsBefore.heap)} / ${mb(jsAfter.rss - jsBefore.rss)}` },
  ];
  return { rows, counter };
}

async function warmUpRow(): Promise<BenchRow> {
  const start = performance.now();
  const pending = warmUp(['cl100k_base']);
  const blockedMs = performance.now() - start;
  await pending;
  return { area: AREA, metric: 'warmUp(): time on the caller\'s tick', value: ms(blockedMs), target: '< 1 ms', ok: blockedMs < 1 };
}

/** A document of about `size` characters of real text, starting at a different corpus document per size. */
function documentOf(corpus: Corpus, size: number): string {
  let text = '';
  for (let index = size % corpus.documents.length; text.length < size; index = (index + 1) % corpus.documents.length) {
    text += corpus.documents[index].text;
  }
  return text.slice(0, size);
}

/** Typing bursts at random places: 40 characters typed one by one, then 40 backspaces. */
function editRows(counter: BpeCounter, corpus: Corpus, size: number, label: string): BenchRow[] {
  return typingRows(counter, documentOf(corpus, size), label, (random, length) => random(length));
}

/** Typing bursts (40 characters, then 40 backspaces) at offsets chosen by `where`; p50 and p99 per keystroke. */
function typingRows(counter: BpeCounter, text: string, label: string, where: (random: (n: number) => number, length: number) => number, bursts = 50): BenchRow[] {
  const document = new DocumentCounter(counter, text);
  const size = text.length;
  const typed = 'const total = items.reduce((a, b) => a + b, 0);\n';
  let state = size;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const cpu: number[] = [];
  const wall: number[] = [];
  const edit = (offset: number, deleteCount: number, insert: string) => {
    const timing = timed(() => document.applyEdit(offset, deleteCount, insert));
    cpu.push(timing.cpuMs);
    wall.push(timing.wallMs);
  };
  for (let burst = 0; burst < bursts; burst++) {
    const at = where(random, size);
    for (let i = 0; i < 40; i++) {
      edit(at + i, 0, typed[i]);
    }
    for (let i = 40; i > 0; i--) {
      edit(at + i - 1, 1, '');
    }
  }
  if (document.tokens !== counter.count(document.text)) {
    throw new Error(`document counter drifted on the ${label} document`);
  }
  const row = (p: number): BenchRow => {
    const figure = percentile(cpu, p);
    return {
      area: AREA,
      metric: `keystroke edit, ${label}, p${p} (CPU; wall)`,
      value: `${ms(figure)}; ${ms(percentile(wall, p))}`,
      target: `< ${MAX_EDIT_P99_MS} ms`,
      ok: figure < MAX_EDIT_P99_MS,
    };
  };
  return [row(50), row(99)];
}

/** Counting long runs of one character, against natural text; typing inside long runs of spaces. */
function runRows(corpus: Corpus): BenchRow[] {
  const size = 1024 * 1024;
  const texts: Array<[string, string]> = [
    ['1 MB of natural text', documentOf(corpus, size)],
    ['1 MB of spaces', ' '.repeat(size)],
    ['1 MB of one letter', 'a'.repeat(size)],
    ['1 MB of "ab"', 'ab'.repeat(size / 2)],
    ['1 MB of newlines', '\n'.repeat(size)],
  ];
  const rows: BenchRow[] = [];
  for (const [label, text] of texts) {
    // A fresh counter per text: nothing memoised from an earlier row.
    const counter = new BpeCounter('o200k_base', loadRankTable('o200k_base'));
    const timing = timed(() => counter.count(text));
    const megabytes = text.length / (1024 * 1024);
    const cpu = megabytes / (timing.cpuMs / 1000);
    rows.push({
      area: AREA,
      metric: `count ${label}, o200k, cold (CPU; wall)`,
      value: `${cpu.toFixed(1)} MB/s; ${(megabytes / (timing.wallMs / 1000)).toFixed(1)}`,
      target: `>= ${MIN_MB_PER_SECOND} MB/s`,
      ok: cpu >= MIN_MB_PER_SECOND,
    });
  }
  const counter = new BpeCounter('o200k_base', loadRankTable('o200k_base'));
  const code = documentOf(corpus, 4096);
  for (const [spaces, label] of [[size, '1 MB'], [500_000, '500k']] as const) {
    const text = code + ' '.repeat(spaces) + code;
    rows.push(...typingRows(counter, text, `inside a ${label}-space run`, (random) => code.length + 1 + random(spaces - 2), 10));
  }
  return rows;
}

function recountRows(encoding: EncodingName, corpus: Corpus): BenchRow[] {
  const text = documentOf(corpus, 1024 * 1024);
  const fresh = new BpeCounter(encoding, loadRankTable(encoding));
  const cold = timed(() => fresh.count(text));
  const warm = timed(() => new DocumentCounter(fresh, text));
  if (warm.result.tokens !== cold.result) {
    throw new Error('document counter disagrees with count');
  }
  const row = (metric: string, timing: Timing): BenchRow => ({
    area: AREA,
    metric: `${metric} (CPU; wall)`,
    value: `${ms(timing.cpuMs)}; ${ms(timing.wallMs)}`,
    target: `< ${MAX_RECOUNT_MS} ms`,
    ok: timing.cpuMs < MAX_RECOUNT_MS,
  });
  return [row('full recount of 1 MB, empty piece memo', cold), row('full recount of 1 MB into a DocumentCounter, warm', warm)];
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ready = readyRows('o200k_base');
  rows.push(...ready.rows);
  rows.push(...readyRows('cl100k_base').rows);
  rows.push(await warmUpRow());

  const corpus = buildCorpus();
  rows.push(...mismatchRows(corpus));

  rows.push(...speedRows('ours', corpus, (text) => ready.counter.count(text), true));
  const jsTiktoken = new JsTiktoken(createRequire(__filename)('js-tiktoken/ranks/o200k_base') as ConstructorParameters<typeof JsTiktoken>[0]);
  rows.push(...speedRows('js-tiktoken', corpus, (text) => jsTiktoken.encode(text, [], []).length, false));
  const plainText = { disallowedSpecial: new Set<string>() };
  const gptBefore = settledMemory();
  const gptStart = performance.now();
  const gptTokenizer = (await import('gpt-tokenizer/encoding/o200k_base')) as { countTokens(text: string, options: { disallowedSpecial: Set<string> }): number };
  gptTokenizer.countTokens('warm up the first call', plainText);
  const gptReadyMs = performance.now() - gptStart;
  const gptAfter = settledMemory();
  rows.push(
    { area: AREA, metric: 'gpt-tokenizer o200k_base encoder ready (module load)', value: ms(gptReadyMs) },
    { area: AREA, metric: 'gpt-tokenizer o200k_base memory (heap+external / RSS)', value: `${mb(gptAfter.heap - gptBefore.heap)} / ${mb(gptAfter.rss - gptBefore.rss)}` },
  );
  rows.push(...speedRows('gpt-tokenizer', corpus, (text) => gptTokenizer.countTokens(text, plainText), false));

  rows.push(...editRows(ready.counter, corpus, 200 * 1024, '200 KB document'));
  rows.push(...editRows(ready.counter, corpus, 1024 * 1024, '1 MB document'));
  rows.push(...runRows(corpus));
  rows.push(...recountRows('o200k_base', corpus));
  return rows;
}
