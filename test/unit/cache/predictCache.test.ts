import { strict as assert } from 'node:assert';
import {
  type CacheRequest,
  type CacheState,
  type CacheTtl,
  OPENAI_CACHE_RULES,
  type PromptBlock,
  anthropicCacheRules,
  anthropicMinimumTokens,
  claudeModelKey,
  predictCache,
  recordSend,
} from '../../../src/core/cache';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);
const SONNET = 'claude-sonnet-4-5';

function block(hash: string, tokens: number, extra: Partial<PromptBlock> = {}): PromptBlock {
  return { hash, tokens, label: hash, ...extra };
}

function bp(hash: string, tokens: number, ttl: CacheTtl = '5m', extra: Partial<PromptBlock> = {}): PromptBlock {
  return block(hash, tokens, { breakpoint: ttl, ...extra });
}

function anthropic(blocks: PromptBlock[], model = SONNET): CacheRequest {
  return { rules: anthropicCacheRules(model), model, blocks };
}

function openai(blocks: PromptBlock[], model = 'gpt-4.1'): CacheRequest {
  return { rules: OPENAI_CACHE_RULES, model, blocks };
}

/** Sends the requests one after another at the given minutes, returning the state after the last. */
function sent(...steps: [CacheRequest, number][]): CacheState {
  let state: CacheState | undefined;
  for (const [request, minute] of steps) {
    state = recordSend(state, request, T0 + minute * MIN);
  }
  return state as CacheState;
}

describe('prompt-cache model: Anthropic', () => {
  const first = anthropic([bp('system', 2000), block('prompt-1', 50)]);
  const followUp = anthropic([bp('system', 2000), block('prompt-2', 80)]);

  it('writes the prefix up to a breakpoint on the first request and reads it on the next', () => {
    const cold = predictCache(undefined, first, T0);
    assert.deepEqual(
      [cold.cacheReadTokens, cold.cacheWriteTokens, cold.freshInputTokens, cold.inputTokens],
      [0, 2000, 50, 2050],
    );
    assert.deepEqual(cold.blocks, ['write', 'fresh']);
    assert.deepEqual(cold.cachedAfter, { tokens: 2000, until: T0 + 5 * MIN });

    const warm = predictCache(sent([first, 0]), followUp, T0 + 2 * MIN);
    assert.deepEqual([warm.cacheReadTokens, warm.cacheWriteTokens, warm.freshInputTokens], [2000, 0, 80]);
    assert.equal(warm.readUntil, T0 + 5 * MIN, 'cached until five minutes after the write');
    assert.deepEqual(warm.blocks, ['read', 'fresh']);
  });

  it('expires five minutes after the last use, and each read refreshes the lifetime', () => {
    assert.equal(predictCache(sent([first, 0]), followUp, T0 + 5 * MIN).cacheReadTokens, 0, 'expired exactly at five minutes');
    // A read at minute 4 keeps it until minute 9: at minute 8 it is still there.
    const refreshed = sent([first, 0], [followUp, 4]);
    const atEight = predictCache(refreshed, followUp, T0 + 8 * MIN);
    assert.equal(atEight.cacheReadTokens, 2000);
    assert.equal(atEight.readUntil, T0 + 9 * MIN);
    const late = predictCache(refreshed, followUp, T0 + 10 * MIN);
    assert.deepEqual([late.cacheReadTokens, late.cacheWriteTokens], [0, 2000], 'written again');
    assert.deepEqual(late.notes.find((note) => note.code === 'expired'), { code: 'expired', at: T0 + 9 * MIN, tokens: 2000 });
  });

  it('keeps a one-hour entry for an hour and prices its write apart', () => {
    const hour = anthropic([bp('system', 3000, '1h'), bp('context', 1000), block('prompt', 40)]);
    const cold = predictCache(undefined, hour, T0);
    assert.deepEqual([cold.cacheWriteTokens, cold.cacheWrite1hTokens], [4000, 3000]);
    const later = predictCache(sent([hour, 0]), anthropic([bp('system', 3000, '1h'), block('other', 40)]), T0 + 50 * MIN);
    assert.equal(later.cacheReadTokens, 3000, 'the one-hour entry outlives the five-minute one');
    assert.equal(later.readUntil, T0 + 60 * MIN);
  });

  it('caches nothing below the model minimum, and knows the minimum of each model', () => {
    const short = predictCache(undefined, anthropic([bp('system', 1000), block('prompt', 20)]), T0);
    assert.deepEqual([short.cacheReadTokens, short.cacheWriteTokens, short.freshInputTokens], [0, 0, 1020]);
    assert.deepEqual(short.notes, [{ code: 'belowMinimum', tokens: 1000, minimum: 1024 }]);
    assert.equal(predictCache(undefined, anthropic([bp('system', 1024)]), T0).cacheWriteTokens, 1024, 'exactly the minimum is cached');

    const haiku = 'claude-haiku-4-5-20251001';
    assert.equal(predictCache(undefined, anthropic([bp('system', 3000)], haiku), T0).cacheWriteTokens, 0);
    assert.equal(predictCache(undefined, anthropic([bp('system', 4100)], haiku), T0).cacheWriteTokens, 4100);
    // The minimum is the whole prefix up to the breakpoint, not the marked block alone.
    assert.equal(predictCache(undefined, anthropic([block('tools', 900), bp('system', 200)]), T0).cacheWriteTokens, 1100);

    assert.deepEqual(
      ['claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-3-5-haiku-latest', 'claude-opus-4-1-20250805', 'anthropic/claude-sonnet-4.5',
        'us.anthropic.claude-opus-4-5-20251101-v1:0', 'claude-sonnet-4-20250514', 'claude-3-opus-20240229', 'claude-next-thing'].map(anthropicMinimumTokens),
      [1024, 4096, 2048, 1024, 1024, 4096, 1024, 1024, 1024],
    );
    assert.equal(claudeModelKey('claude-haiku-4-5@20251001'), 'haiku-4.5');
    assert.equal(claudeModelKey('gpt-4.1'), undefined);
  });

  it('refuses more than four breakpoints, as the API does, and records nothing for it', () => {
    const five = anthropic([1, 2, 3, 4, 5].map((n) => bp(`b${n}`, 500)));
    const prediction = predictCache(undefined, five, T0);
    assert.equal(prediction.valid, false);
    assert.deepEqual(prediction.notes, [{ code: 'tooManyBreakpoints', breakpoints: 5, maximum: 4 }]);
    assert.deepEqual([prediction.cacheWriteTokens, prediction.freshInputTokens], [0, 2500]);
    assert.equal(recordSend(undefined, five, T0).entries.length, 0);
    assert.equal(predictCache(undefined, anthropic([1, 2, 3, 4].map((n) => bp(`b${n}`, 500))), T0).valid, true);
  });

  it('finds an earlier entry only within 20 positions of a breakpoint', () => {
    const base = [bp('system', 2000)];
    const state = sent([anthropic([...base, block('q', 10)]), 0]);
    const grown = (extra: number) => anthropic([block('system', 2000), ...Array.from({ length: extra }, (_, i) => block(`m${i}`, 10)), bp('last', 10)]);
    // Breakpoint at block 19: it checks blocks 19..0, the entry at block 0 is the 20th position.
    const within = predictCache(state, grown(18), T0 + MIN);
    assert.equal(within.cacheReadTokens, 2000);
    assert.equal(within.cacheWriteTokens, 190);
    // Breakpoint at block 20: blocks 20..1, one position short.
    const beyond = predictCache(state, grown(19), T0 + MIN);
    assert.deepEqual([beyond.cacheReadTokens, beyond.cacheWriteTokens], [0, 2200]);
    assert.ok(beyond.notes.some((note) => note.code === 'lookbackMissed' && note.tokens === 2000));
    // A second breakpoint nearer the entry starts its own window.
    const second = anthropic([bp('system', 2000), ...grown(19).blocks.slice(1)]);
    assert.equal(predictCache(state, second, T0 + MIN).cacheReadTokens, 2000);
  });

  it('counts a run of tool_use blocks (and of tool_result blocks) as one lookback position', () => {
    const state = sent([anthropic([bp('system', 2000), block('q', 10)]), 0]);
    const uses = Array.from({ length: 15 }, (_, i) => block(`use${i}`, 20, { run: 'tool_use' }));
    const results = Array.from({ length: 15 }, (_, i) => block(`result${i}`, 30, { run: 'tool_result' }));
    const agent = anthropic([block('system', 2000), block('q', 10), ...uses, ...results, bp('next', 10)]);
    const prediction = predictCache(state, agent, T0 + MIN);
    assert.equal(prediction.cacheReadTokens, 2000, '33 blocks, but only 5 positions back to the entry');
  });

  it('an edited early block invalidates everything after it', () => {
    const turn1 = anthropic([bp('system', 1500), block('ctx', 3000), bp('prompt-1', 100)]);
    const state = sent([turn1, 0]);
    const same = predictCache(state, anthropic([bp('system', 1500), block('ctx', 3000), bp('prompt-1', 100), block('answer-1', 300), bp('prompt-2', 60)]), T0 + MIN);
    assert.equal(same.cacheReadTokens, 4600);
    const edited = predictCache(state, anthropic([bp('system', 1500), block('ctx-edited', 3000), bp('prompt-1', 100), block('answer-1', 300), bp('prompt-2', 60)]), T0 + MIN);
    assert.equal(edited.cacheReadTokens, 1500, 'only the system prompt before the edit is still read');
    assert.equal(edited.cacheWriteTokens, 3460);
    assert.deepEqual(edited.notes.find((note) => note.code === 'prefixChanged'), { code: 'prefixChanged', block: 1, label: 'ctx-edited' });
  });

  it('a model switch invalidates the cache; switching back within the lifetime reads it again', () => {
    const request = (model: string) => anthropic([bp('system', 2000), block('q', 10)], model);
    const state = sent([request(SONNET), 0]);
    const opus = predictCache(state, request('claude-opus-4-1'), T0 + MIN);
    assert.deepEqual([opus.cacheReadTokens, opus.cacheWriteTokens], [0, 2000]);
    assert.deepEqual(opus.notes.find((note) => note.code === 'modelChanged'), { code: 'modelChanged', from: SONNET, tokens: 2000 });
    const back = recordSend(state, request('claude-opus-4-1'), T0 + MIN);
    assert.equal(predictCache(back, request(SONNET), T0 + 2 * MIN).cacheReadTokens, 2000);
  });

  it('bills the stretch to each breakpoint at that breakpoint\'s lifetime, from the entry it reads', () => {
    const state = sent([anthropic([bp('system', 2000, '1h'), block('q', 10)]), 0]);
    const next = anthropic([bp('system', 2000, '1h'), bp('ctx', 3000, '1h'), bp('prompt', 500), block('tail', 5)]);
    const prediction = predictCache(state, next, T0 + 20 * MIN);
    assert.deepEqual(
      [prediction.cacheReadTokens, prediction.cacheWriteTokens, prediction.cacheWrite1hTokens, prediction.freshInputTokens],
      [2000, 3500, 3000, 5],
    );
    assert.deepEqual(prediction.cachedAfter, { tokens: 5500, until: T0 + 25 * MIN });
  });

  it('corrects the state from what the provider reported', () => {
    const request = anthropic([bp('system', 2000), block('q', 10)]);
    const state = sent([request, 0]);
    // Evicted early: predicted a read, the provider read nothing and wrote the prefix again.
    const evicted = recordSend(state, request, T0 + MIN, { cacheReadTokens: 0, cacheWriteTokens: 2000 });
    assert.equal(predictCache(evicted, request, T0 + 2 * MIN).readUntil, T0 + 6 * MIN, 'the new write, not the old entry');
    // Markers ignored (a proxy dropped them): nothing was read or written, so nothing is cached.
    const ignored = recordSend(undefined, request, T0, { cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.equal(ignored.entries.length, 0);
    assert.equal(predictCache(ignored, request, T0 + MIN).cacheReadTokens, 0);
  });

  it('a request without breakpoints caches nothing', () => {
    const prediction = predictCache(undefined, anthropic([block('system', 5000), block('q', 10)]), T0);
    assert.deepEqual([prediction.cacheWriteTokens, prediction.freshInputTokens], [0, 5010]);
    assert.deepEqual(prediction.notes, [{ code: 'noBreakpoints' }]);
  });

  it('rejects a block with a negative or non-finite token count', () => {
    assert.throws(() => predictCache(undefined, anthropic([block('x', -1)]), T0), /block 0 \(x\): tokens must be a number >= 0/);
    assert.throws(() => predictCache(undefined, anthropic([block('x', Number.NaN)]), T0), RangeError);
  });
});

describe('prompt-cache model: OpenAI', () => {
  const prompt = (...blocks: PromptBlock[]) => openai(blocks);

  it('reads the longest prefix seen before, in whole 128-token steps from 1024, and writes nothing', () => {
    const state = sent([prompt(block('system', 1300), block('q1', 200)), 0]);
    const next = predictCache(state, prompt(block('system', 1300), block('q2', 400)), T0 + MIN);
    assert.deepEqual([next.cacheReadTokens, next.cacheWriteTokens, next.freshInputTokens], [1280, 0, 420]);
    assert.deepEqual(next.blocks, ['partial', 'fresh']);
    const whole = predictCache(state, prompt(block('system', 1300), block('q1', 200), block('a1', 300), block('q2', 50)), T0 + MIN);
    assert.equal(whole.cacheReadTokens, 1408, 'floor(1500 / 128) x 128');
  });

  it('caches nothing under 1024 tokens, and 1024 exactly at the threshold', () => {
    const small = sent([prompt(block('system', 1000), block('q1', 20)), 0]);
    assert.equal(predictCache(small, prompt(block('system', 1000), block('q2', 20)), T0 + MIN).cacheReadTokens, 0);
    const edge = sent([prompt(block('system', 1100), block('q1', 20)), 0]);
    assert.equal(predictCache(edge, prompt(block('system', 1100), block('q2', 20)), T0 + MIN).cacheReadTokens, 1024);
    const below = predictCache(undefined, prompt(block('system', 1000)), T0);
    assert.deepEqual(below.notes, [{ code: 'belowMinimum', tokens: 1000, minimum: 1024 }]);
  });

  it('is sure of a hit for five minutes, expects one up to ten, allows one up to an hour', () => {
    const state = sent([prompt(block('system', 5000), block('q1', 20)), 0]);
    const next = prompt(block('system', 5000), block('q2', 20));
    const sure = predictCache(state, next, T0 + 4 * MIN);
    assert.equal(sure.cacheReadTokens, 4992);
    assert.equal(sure.alternative, undefined);
    assert.equal(sure.readUntil, T0 + 5 * MIN);

    const likely = predictCache(state, next, T0 + 7 * MIN);
    assert.equal(likely.cacheReadTokens, 4992);
    assert.equal(likely.alternative?.cacheReadTokens, 0);
    assert.ok(likely.notes.some((note) => note.code === 'uncertainLifetime'));

    const possible = predictCache(state, next, T0 + 20 * MIN);
    assert.equal(possible.cacheReadTokens, 0);
    assert.equal(possible.alternative?.cacheReadTokens, 4992);

    const gone = predictCache(state, next, T0 + 61 * MIN);
    assert.equal(gone.cacheReadTokens, 0);
    assert.equal(gone.alternative, undefined);
    assert.deepEqual(gone.notes.find((note) => note.code === 'expired'), { code: 'expired', at: T0 + 60 * MIN, tokens: 4992 });
  });

  it('an edited early block leaves only the prefix before it', () => {
    const state = sent([prompt(block('system', 2000), block('ctx', 3000), block('q1', 50)), 0]);
    const edited = predictCache(state, prompt(block('system', 2000), block('ctx-edited', 3000), block('q1', 50)), T0 + MIN);
    assert.equal(edited.cacheReadTokens, 1920);
    assert.ok(edited.notes.some((note) => note.code === 'prefixChanged' && note.block === 1));
  });

  it('keeps caches per model and per prompt_cache_key partition', () => {
    const state = sent([prompt(block('system', 3000), block('q1', 20)), 0]);
    const other = predictCache(state, openai([block('system', 3000), block('q2', 20)], 'gpt-4o'), T0 + MIN);
    assert.equal(other.cacheReadTokens, 0);
    assert.ok(other.notes.some((note) => note.code === 'modelChanged' && note.from === 'gpt-4.1'));
    const keyed = predictCache(state, { ...prompt(block('system', 3000), block('q2', 20)), partition: 'user-7' }, T0 + MIN);
    assert.equal(keyed.cacheReadTokens, 0);
  });

  it('an observed read below the prediction drops the evicted entries', () => {
    const first = prompt(block('system', 3000), block('q1', 20));
    const state = sent([first, 0]);
    const second = prompt(block('system', 3000), block('q1', 20), block('a1', 100), block('q2', 20));
    const corrected = recordSend(state, second, T0 + MIN, { cacheReadTokens: 0, cacheWriteTokens: 0 });
    const third = predictCache(corrected, prompt(block('system', 3000), block('other', 20)), T0 + 2 * MIN);
    assert.equal(third.cacheReadTokens, 2944, 'what the second request cached is read');
  });
});
