/** Measuring helpers the bench sections share: settled memory, this process's CPU time, durations as text. */
import { runInNewContext } from 'node:vm';
import * as v8 from 'node:v8';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export interface Memory {
  /** V8 heap plus external memory (Buffers and ArrayBuffers are part of `external`). */
  readonly heap: number;
  readonly rss: number;
}

/** Memory after two full collections, so only what is still referenced counts. */
export function settledMemory(): Memory {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

/** CPU ms this process has used (all threads): steadier than wall time on a shared machine. */
export function cpuNowMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function ms(value: number): string {
  return value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}
