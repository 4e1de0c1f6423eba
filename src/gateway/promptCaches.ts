/**
 * What the gateway has sent to each provider, as the core's prompt-cache model keeps it, so that the
 * next request's estimate knows which prefix the provider will read from its cache and which part
 * it will write (the same `cacheAwareCost` / `recordSend` Compose's threads use).
 *
 * A provider's cache belongs to the account, not to one conversation: a new task of an agent reads
 * the system prompt and tools the previous task wrote. So the cached prefixes are kept per gateway
 * provider (entries are per model and prefix, so models never mix), and each task keeps only its
 * last request (which the model uses to say where a prefix changed). Only requests the provider
 * accepted are recorded, with the cache reads and writes it reported, which correct the state when
 * the provider evicted early or ignored the markers.
 */
import { type BlockCounting, type CacheRequest, type CacheState, type ObservedCacheUsage, recordSend } from '../core/cache';
import { blockCounting } from '../core/estimate/cacheCost';
import { type CalibrationTable, tokenizerForModel } from '../core/tokens';

/** Tasks whose last request is remembered (the most recent ones). */
const MAX_TASKS = 512;
/** Models whose block counters are kept (each remembers the counts of its last long texts). */
const MAX_COUNTERS = 16;

export class PromptCaches {
  private readonly providers = new Map<string, CacheState>();
  private readonly lastOfTask = new Map<string, CacheState['last']>();
  private readonly counters = new Map<string, BlockCounting>();

  /** The cache state a request of `taskId` to `providerId` is estimated against (at its send time). */
  stateFor(providerId: string, taskId: string): CacheState | undefined {
    const shared = this.providers.get(providerId);
    const last = this.lastOfTask.get(taskId);
    if (!shared && !last) {
      return undefined;
    }
    return { version: 1, entries: shared?.entries ?? [], ...(last ? { last } : {}) };
  }

  /**
   * After the provider accepted `request` (sent at `at`, ms): the prefixes it wrote and read, corrected
   * by the usage it reported. Later requests of every task to the same provider see them.
   */
  record(providerId: string, taskId: string, request: CacheRequest, at: number, observed: ObservedCacheUsage | undefined): void {
    const after = recordSend(this.stateFor(providerId, taskId), request, at, observed);
    this.providers.set(providerId, { version: 1, entries: after.entries });
    this.lastOfTask.delete(taskId);
    this.lastOfTask.set(taskId, after.last);
    if (this.lastOfTask.size > MAX_TASKS) {
      this.lastOfTask.delete(this.lastOfTask.keys().next().value as string);
    }
  }

  /** One block counter per model and calibration factor, so an agent's resent conversation is counted once. */
  counting(model: string, calibration: CalibrationTable | undefined): BlockCounting {
    const key = `${model}\u0000${tokenizerForModel(model, calibration).calibration}`;
    let counting = this.counters.get(key);
    if (counting) {
      this.counters.delete(key);
    } else {
      counting = blockCounting(model, calibration);
    }
    this.counters.set(key, counting);
    if (this.counters.size > MAX_COUNTERS) {
      this.counters.delete(this.counters.keys().next().value as string);
    }
    return counting;
  }
}
