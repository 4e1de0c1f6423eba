/**
 * The prompt-cache model: from what a conversation sent before (a `CacheState`) and the next
 * request's blocks, which prefix the provider will read from its cache, which part it will write,
 * which part is fresh input, and until when the cache holds. `recordSend` is the other half: it
 * turns a sent request (and what the provider reported) into the state the next prediction uses.
 *
 * Pure and synchronous; times are epoch milliseconds passed in by the caller. The rules are in
 * README.md with their sources.
 *
 * Anthropic (explicit breakpoints): a breakpoint writes one entry, the hash of the prefix ending at
 * its block, if that prefix is at least the model's minimum. A read walks back from each breakpoint
 * over at most 20 positions (the breakpoint first; a run of `tool_use` or `tool_result` blocks is one
 * position) and takes the longest prefix an earlier request wrote and that has not expired. Tokens up
 * to the read are cache reads, from there to the last breakpoint that writes are cache writes (each
 * stretch at the lifetime of the breakpoint that ends it), the rest is fresh. A read refreshes the
 * entry's lifetime, measured from the start of the request.
 *
 * OpenAI (automatic): every prompt of 1024 tokens or more is cached; the next one reads the longest
 * prefix it shares with a cached prompt, in whole 128-token steps. Nothing is billed as a write.
 * The lifetime is best effort (5-10 minutes of inactivity, up to an hour off-peak), so a prediction
 * in the uncertain window carries the other outcome as `alternative`.
 */
import {
  type AnthropicCacheRules,
  type BlockCacheStatus,
  CACHE_TTL_MS,
  type CacheEntry,
  type CacheNote,
  type CachePrediction,
  type CacheRequest,
  type CacheSplit,
  type CacheState,
  type CacheTtl,
  EMPTY_CACHE_STATE,
  type ObservedCacheUsage,
  type OpenAiCacheRules,
} from './cacheTypes';
import { prefixKeys } from './prefixHash';

/** Expired entries are kept this long after expiry, to say "the cache expired at 14:27". */
export const EXPIRED_ENTRY_KEEP_MS = 24 * 60 * 60_000;
/** The state keeps at most this many entries (newest kept). */
export const MAX_CACHE_ENTRIES = 2048;

/** The request's blocks measured once: prefix keys, cumulative tokens, lookback positions. */
interface Layout {
  readonly keys: readonly string[];
  /** `end[i]`: tokens of blocks 0..i. */
  readonly end: readonly number[];
  readonly total: number;
  /** Lookback position of each block (a run of `tool_use` / `tool_result` blocks shares one). */
  readonly position: readonly number[];
  /** Indexes of blocks that carry a breakpoint, ascending. */
  readonly breakpoints: readonly number[];
}

function layoutOf(request: CacheRequest): Layout {
  const { blocks } = request;
  const keys = prefixKeys(blocks.map((block) => block.hash), request.partition);
  const end = new Array<number>(blocks.length);
  const position = new Array<number>(blocks.length);
  const breakpoints: number[] = [];
  let total = 0;
  let at = -1;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!Number.isFinite(block.tokens) || block.tokens < 0) {
      throw new RangeError(`block ${i} (${block.label ?? block.hash}): tokens must be a number >= 0, got ${block.tokens}`);
    }
    total += block.tokens;
    end[i] = total;
    const run = block.run;
    if (!(run !== undefined && i > 0 && blocks[i - 1].run === run)) {
      at++;
    }
    position[i] = at;
    if (block.breakpoint !== undefined) {
      breakpoints.push(i);
    }
  }
  return { keys, end, total, position, breakpoints };
}

function entriesByKey(state: CacheState, rules: 'anthropic' | 'openai', model: string): Map<string, CacheEntry> {
  const found = new Map<string, CacheEntry>();
  for (const entry of state.entries) {
    if (entry.rules === rules && entry.model === model) {
      found.set(entry.key, entry);
    }
  }
  return found;
}

/** Live entries of the same kind written for other models, by key. */
function aliveElsewhere(state: CacheState, rules: 'anthropic' | 'openai', model: string, at: number): Map<string, CacheEntry> {
  const found = new Map<string, CacheEntry>();
  for (const entry of state.entries) {
    if (entry.rules === rules && entry.model !== model && at < (entry.mayLastUntil ?? entry.expiresAt)) {
      found.set(entry.key, entry);
    }
  }
  return found;
}

function statuses(layout: Layout, read: number, write: number): BlockCacheStatus[] {
  const result = new Array<BlockCacheStatus>(layout.end.length);
  for (let i = 0; i < layout.end.length; i++) {
    const start = i === 0 ? 0 : layout.end[i - 1];
    const stop = layout.end[i];
    if (stop <= read) {
      result[i] = 'read';
    } else if (start >= read && stop <= read + write) {
      result[i] = 'write';
    } else if (start >= read + write || (start >= read && write === 0)) {
      result[i] = 'fresh';
    } else {
      result[i] = 'partial';
    }
  }
  return result;
}

function split(total: number, read: number, write: number, write1h: number): CacheSplit {
  return { cacheReadTokens: read, cacheWriteTokens: write, cacheWrite1hTokens: write1h, freshInputTokens: total - read - write };
}

/** The longest prefix a breakpoint's lookback window finds among `alive` keys; -1 when none. */
function lookback(layout: Layout, rules: AnthropicCacheRules, breakpoint: number, alive: (key: string) => boolean): number {
  const first = layout.position[breakpoint];
  for (let j = breakpoint; j >= 0 && first - layout.position[j] < rules.lookbackPositions; j--) {
    if (alive(layout.keys[j])) {
      return j;
    }
  }
  return -1;
}

interface AnthropicOutcome {
  readonly prediction: CachePrediction;
  /** Block whose entry is read (refreshed), -1 for none. */
  readonly hit: number;
  /** Breakpoints that write an entry. */
  readonly writes: readonly number[];
}

function predictAnthropic(state: CacheState, request: CacheRequest, rules: AnthropicCacheRules, at: number, layout: Layout): AnthropicOutcome {
  const notes: CacheNote[] = [];
  const { breakpoints, end, total } = layout;
  const empty = (valid: boolean): AnthropicOutcome => ({
    prediction: { rules: 'anthropic', inputTokens: total, ...split(total, 0, 0, 0), blocks: statuses(layout, 0, 0), valid, notes },
    hit: -1,
    writes: [],
  });
  if (breakpoints.length > rules.maxBreakpoints) {
    notes.push({ code: 'tooManyBreakpoints', breakpoints: breakpoints.length, maximum: rules.maxBreakpoints });
    return empty(false);
  }
  if (breakpoints.length === 0) {
    notes.push({ code: 'noBreakpoints' });
    return empty(true);
  }
  const mine = entriesByKey(state, 'anthropic', request.model);
  const isAlive = (key: string) => {
    const entry = mine.get(key);
    return entry !== undefined && entry.expiresAt > at;
  };
  let hit = -1;
  for (const breakpoint of breakpoints) {
    hit = Math.max(hit, lookback(layout, rules, breakpoint, isAlive));
  }
  const read = hit >= 0 ? end[hit] : 0;
  const writes = breakpoints.filter((index) => index > hit && end[index] >= rules.minimumTokens);
  let write = 0;
  let write1h = 0;
  let from = read;
  for (const index of writes) {
    const stretch = end[index] - from;
    write += stretch;
    if (request.blocks[index].breakpoint === '1h') {
      write1h += stretch;
    }
    from = end[index];
  }
  if (hit < 0 && writes.length === 0) {
    const last = breakpoints[breakpoints.length - 1];
    notes.push({ code: 'belowMinimum', tokens: end[last], minimum: rules.minimumTokens });
  }
  // Diagnostics: an expired entry, one written for another model, one the lookback cannot reach.
  let expired: CacheEntry | undefined;
  let missed = -1;
  let otherModel: CacheEntry | undefined;
  const others = hit < 0 ? aliveElsewhere(state, 'anthropic', request.model, at) : undefined;
  for (let j = breakpoints[breakpoints.length - 1]; j > hit; j--) {
    const key = layout.keys[j];
    const entry = mine.get(key);
    if (entry !== undefined) {
      if (entry.expiresAt <= at) {
        expired ??= entry;
      } else {
        missed = Math.max(missed, j);
      }
    } else {
      otherModel ??= others?.get(key);
    }
  }
  if (expired) {
    notes.push({ code: 'expired', at: expired.expiresAt, tokens: expired.tokens });
  }
  if (missed >= 0) {
    notes.push({ code: 'lookbackMissed', tokens: end[missed] });
  }
  if (otherModel) {
    notes.push({ code: 'modelChanged', from: otherModel.model, tokens: otherModel.tokens });
  }
  const longest = writes.length > 0 ? writes[writes.length - 1] : hit;
  const ttlAt = (index: number): CacheTtl => request.blocks[index].breakpoint ?? mine.get(layout.keys[index])?.ttl ?? '5m';
  const prediction: CachePrediction = {
    rules: 'anthropic',
    inputTokens: total,
    ...split(total, read, write, write1h),
    blocks: statuses(layout, read, write),
    ...(hit >= 0 ? { readUntil: mine.get(layout.keys[hit])?.expiresAt } : {}),
    ...(longest >= 0 ? { cachedAfter: { tokens: end[longest], until: at + CACHE_TTL_MS[ttlAt(longest)] } } : {}),
    valid: true,
    notes,
  };
  return { prediction, hit, writes };
}

function openAiCached(tokens: number, rules: OpenAiCacheRules): number {
  return tokens >= rules.minimumTokens ? Math.floor(tokens / rules.incrementTokens) * rules.incrementTokens : 0;
}

interface OpenAiOutcome {
  readonly prediction: CachePrediction;
  readonly hit: number;
}

function predictOpenAi(state: CacheState, request: CacheRequest, rules: OpenAiCacheRules, at: number, layout: Layout): OpenAiOutcome {
  const notes: CacheNote[] = [];
  const { end, total, keys } = layout;
  const mine = entriesByKey(state, 'openai', request.model);
  let hit = -1;
  let entry: CacheEntry | undefined;
  for (let i = keys.length - 1; i >= 0; i--) {
    const found = mine.get(keys[i]);
    if (found && at < (found.mayLastUntil ?? found.expiresAt)) {
      hit = i;
      entry = found;
      break;
    }
  }
  const hitTokens = hit >= 0 ? openAiCached(end[hit], rules) : 0;
  const age = entry ? at - entry.usedAt : 0;
  let expected = hitTokens;
  let alternative: CacheSplit | undefined;
  if (entry && hitTokens > 0 && at >= entry.expiresAt) {
    notes.push({ code: 'uncertainLifetime', usedAt: entry.usedAt });
    if (age < rules.typicalMs) {
      alternative = split(total, 0, 0, 0);
    } else {
      expected = 0;
      alternative = split(total, hitTokens, 0, 0);
    }
  }
  if (hit < 0) {
    const others = aliveElsewhere(state, 'openai', request.model, at);
    for (let i = keys.length - 1; i >= 0; i--) {
      const stale = mine.get(keys[i]);
      if (stale) {
        notes.push({ code: 'expired', at: stale.mayLastUntil ?? stale.expiresAt, tokens: openAiCached(stale.tokens, rules) });
        break;
      }
      const other = others.get(keys[i]);
      if (other) {
        notes.push({ code: 'modelChanged', from: other.model, tokens: openAiCached(other.tokens, rules) });
        break;
      }
    }
  }
  const after = openAiCached(total, rules);
  if (after === 0) {
    notes.push({ code: 'belowMinimum', tokens: total, minimum: rules.minimumTokens });
  }
  const prediction: CachePrediction = {
    rules: 'openai',
    inputTokens: total,
    ...split(total, expected, 0, 0),
    blocks: statuses(layout, expected, 0),
    ...(expected > 0 && entry ? { readUntil: entry.expiresAt > at ? entry.expiresAt : entry.usedAt + rules.typicalMs } : {}),
    ...(after > 0 ? { cachedAfter: { tokens: after, until: at + rules.reliableMs, mayLastUntil: at + rules.maxMs } } : {}),
    ...(alternative ? { alternative } : {}),
    valid: true,
    notes,
  };
  return { prediction, hit };
}

function prefixChangedNote(state: CacheState, request: CacheRequest, layout: Layout): CacheNote | undefined {
  const last = state.last;
  if (!last || last.model !== request.model || last.cachedBlocks === 0) {
    return undefined;
  }
  let same = 0;
  while (same < last.keys.length && same < layout.keys.length && last.keys[same] === layout.keys[same]) {
    same++;
  }
  if (same >= last.cachedBlocks || same >= layout.keys.length) {
    return undefined;
  }
  const label = request.blocks[same].label;
  return { code: 'prefixChanged', block: same, ...(label !== undefined ? { label } : {}) };
}

function outcomeOf(state: CacheState, request: CacheRequest, at: number): { prediction: CachePrediction; layout: Layout; hit: number; writes: readonly number[] } {
  const layout = layoutOf(request);
  const { rules } = request;
  if (rules.kind === 'none') {
    const prediction: CachePrediction = {
      rules: 'none',
      inputTokens: layout.total,
      ...split(layout.total, 0, 0, 0),
      blocks: statuses(layout, 0, 0),
      valid: true,
      notes: [{ code: 'noCaching' }],
    };
    return { prediction, layout, hit: -1, writes: [] };
  }
  const outcome = rules.kind === 'anthropic'
    ? predictAnthropic(state, request, rules, at, layout)
    : { ...predictOpenAi(state, request, rules, at, layout), writes: [] };
  const changed = prefixChangedNote(state, request, layout);
  const prediction = changed ? { ...outcome.prediction, notes: [...outcome.prediction.notes, changed] } : outcome.prediction;
  return { prediction, layout, hit: outcome.hit, writes: outcome.writes };
}

/** What the provider will do with `request` if it is sent at `at` (ms), given what was sent before. */
export function predictCache(state: CacheState | undefined, request: CacheRequest, at: number): CachePrediction {
  return outcomeOf(state ?? EMPTY_CACHE_STATE, request, at).prediction;
}

/**
 * The state after `request` was sent at `at` (the start of the request, which is when the provider
 * starts a lifetime). `observed`, the cache reads and writes the provider reported, corrects the
 * state: reads below the prediction mean entries were evicted early; an Anthropic request with
 * breakpoints that read and wrote nothing was not cached at all (e.g. a proxy dropped the markers).
 */
export function recordSend(state: CacheState | undefined, request: CacheRequest, at: number, observed?: ObservedCacheUsage): CacheState {
  const { rules } = request;
  let before = state ?? EMPTY_CACHE_STATE;
  let outcome = outcomeOf(before, request, at);
  const last = (cachedBlocks: number) => ({ model: request.model, at, keys: outcome.layout.keys, cachedBlocks });
  if (rules.kind === 'none' || !outcome.prediction.valid) {
    return prune({ version: 1, entries: before.entries, last: last(0) }, at);
  }
  const withoutModel = (from: CacheState): CacheState => ({
    ...from,
    entries: from.entries.filter((entry) => !(entry.rules === rules.kind && entry.model === request.model)),
  });
  if (observed && observed.cacheReadTokens < outcome.prediction.cacheReadTokens) {
    // What we thought cached was evicted before its time: the provider read less and wrote again.
    before = withoutModel(before);
    outcome = outcomeOf(before, request, at);
  }
  const { layout, hit, writes, prediction } = outcome;
  if (observed && rules.kind === 'anthropic' && observed.cacheReadTokens === 0 && observed.cacheWriteTokens === 0
    && prediction.cacheReadTokens + prediction.cacheWriteTokens > 0) {
    // The markers were ignored (e.g. a proxy dropped them): nothing of this model is cached.
    return prune({ version: 1, entries: withoutModel(before).entries, last: last(0) }, at);
  }
  const byKey = new Map(before.entries.map((entry) => [entryId(entry), entry] as const));
  const put = (entry: CacheEntry) => {
    byKey.delete(entryId(entry));
    byKey.set(entryId(entry), entry);
  };
  const mine = (index: number) => byKey.get(entryId({ rules: rules.kind, model: request.model, key: layout.keys[index] }));
  let cachedBlocks = 0;
  if (rules.kind === 'anthropic') {
    // The entry read and every breakpoint's own entry at or before it are used, so refreshed.
    const used = new Set<number>(hit >= 0 ? [hit] : []);
    for (const index of layout.breakpoints) {
      if (index <= hit) {
        used.add(index);
      }
    }
    for (const index of used) {
      const existing = mine(index);
      if (existing && existing.expiresAt > at) {
        put({ ...existing, usedAt: at, expiresAt: Math.max(existing.expiresAt, at + CACHE_TTL_MS[existing.ttl ?? '5m']) });
      }
    }
    for (const index of writes) {
      const ttl = request.blocks[index].breakpoint ?? '5m';
      put({ rules: 'anthropic', model: request.model, key: layout.keys[index], tokens: layout.end[index], ttl, usedAt: at, expiresAt: at + CACHE_TTL_MS[ttl] });
    }
    cachedBlocks = (writes.length > 0 ? writes[writes.length - 1] : hit) + 1;
  } else {
    for (let i = 0; i < layout.keys.length; i++) {
      if (layout.end[i] >= rules.minimumTokens) {
        put({ rules: 'openai', model: request.model, key: layout.keys[i], tokens: layout.end[i], usedAt: at, expiresAt: at + rules.reliableMs, mayLastUntil: at + rules.maxMs });
        cachedBlocks = i + 1;
      }
    }
  }
  return prune({ version: 1, entries: [...byKey.values()], last: last(cachedBlocks) }, at);
}

/** Entries are per provider kind and model: the same prefix cached for two models is two entries. */
function entryId(entry: Pick<CacheEntry, 'rules' | 'model' | 'key'>): string {
  return `${entry.rules}\u0000${entry.model}\u0000${entry.key}`;
}

function prune(state: CacheState, at: number): CacheState {
  let entries = state.entries.filter((entry) => (entry.mayLastUntil ?? entry.expiresAt) + EXPIRED_ENTRY_KEEP_MS > at);
  if (entries.length > MAX_CACHE_ENTRIES) {
    entries = [...entries].sort((a, b) => a.usedAt - b.usedAt).slice(entries.length - MAX_CACHE_ENTRIES);
  }
  return { version: 1, entries, ...(state.last ? { last: state.last } : {}) };
}
