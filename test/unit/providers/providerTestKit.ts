import type { HttpProviderOptions } from '../../../src/providers/httpChatProvider';
import type { Clock } from '../../../src/providers/retryPolicy';
import type { AttemptOutcome, ChatEvents } from '../../../src/providers/types';

/** A clock whose sleeps return at once but are recorded, so retry waits can be asserted. */
export function recordingClock(random = 0.5): Clock & { readonly slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(),
    random: () => random,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
}

/** Collects everything a send reports. */
export function collector(): ChatEvents & { text: string; attempts: AttemptOutcome[]; firstTokens: Date[] } {
  const seen = {
    text: '',
    attempts: [] as AttemptOutcome[],
    firstTokens: [] as Date[],
    onText(delta: string) {
      seen.text += delta;
    },
    onFirstToken(at: Date) {
      seen.firstTokens.push(at);
    },
    onAttempt(outcome: AttemptOutcome) {
      seen.attempts.push(outcome);
    },
  };
  return seen;
}

/** Counts words, a deliberately different estimator from the built-in one so its use is visible. */
export const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Byte offset just after the first occurrence of `needle` plus `extra` bytes. */
export function offsetOf(body: Uint8Array, needle: string, extra = 0): number {
  const at = Buffer.from(body).indexOf(Buffer.from(needle));
  if (at < 0) {
    throw new Error(`'${needle}' is not in the body`);
  }
  return at + extra;
}

/** The options every provider test starts from: a key, the given clock, word counting and 2 s timeouts. */
export function testProviderOptions(baseUrl: string, apiKey: string, clock: Clock): HttpProviderOptions {
  return { baseUrl, apiKey, clock, estimateTokens: countWords, firstByteTimeoutMs: 2000, idleTimeoutMs: 2000 };
}
