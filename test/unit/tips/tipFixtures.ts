import type { TokenUsage } from '../../../src/core/usage';
import type { PriceRequest, TipDraft, TipEnvironment } from '../../../src/core/tips';

/** USD per million tokens (input, output) of the models the tests use. */
const PRICES: Record<string, { input: number; output: number }> = {
  'claude-opus': { input: 15, output: 75 },
  'claude-sonnet': { input: 3, output: 15 },
  'claude-haiku': { input: 1, output: 5 },
  'gpt-mid': { input: 2, output: 8 },
};

/** A linear price at the default profile's 0.04 USD per credit, no minimum: savings are easy to check by hand. */
export const linearPrice: PriceRequest = (model: string, usage: TokenUsage) => {
  const price = PRICES[model];
  if (!price) {
    return undefined;
  }
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return ((input * price.input + usage.outputTokens * price.output) / 1e6) / 0.04;
};

/** Credits of `tokens` sonnet input tokens under `linearPrice`. */
export function sonnetInputCredits(tokens: number): number {
  return ((tokens * 3) / 1e6) / 0.04;
}

/** Counts whitespace-separated words: a stand-in tokenizer whose counts a reader can verify by eye. */
export const countWords = (text: string): number => (text.match(/\S+/g) ?? []).length;

export function environment(overrides: Partial<TipEnvironment> = {}): TipEnvironment {
  return { price: linearPrice, countTokens: countWords, ...overrides };
}

export function draft(overrides: Partial<TipDraft> = {}): TipDraft {
  const prompt = overrides.prompt ?? 'Rename `parseConfig` to `readConfig` in src/config.ts and update its callers.';
  return {
    model: 'claude-sonnet',
    prompt,
    promptTokens: countWords(prompt),
    systemTokens: 40,
    contexts: [],
    output: { p50: 400, p90: 1200 },
    kind: 'refactor',
    ...overrides,
  };
}

/** A Node.js stack trace with `frames` frames, below an error line. */
export function nodeStackTrace(frames: number): string {
  const lines = ['TypeError: Cannot read properties of undefined (reading \'id\')'];
  for (let index = 0; index < frames; index += 1) {
    lines.push(`    at handler${index} (/srv/app/src/routes/user${index}.js:${10 + index}:${5 + index})`);
  }
  return lines.join('\n');
}
