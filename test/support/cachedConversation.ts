/**
 * One conversation the prompt-cache accuracy tests send (Compose's thread and an agent through the
 * gateway): a system prompt, three source files attached to the first message, three prompts at
 * known minutes and the answers the caching upstream gives.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export const T0 = Date.UTC(2026, 2, 12, 14, 0, 0);
export const SYSTEM = 'You are a concise coding assistant. Answer with the code change and a short explanation.';
export const CONTEXT_FILES = ['src/core/estimate/estimateSession.ts', 'src/core/pricing/price.ts', 'src/core/tokens/bpeCounter.ts'];
export const TURNS = [
  { minute: 0, prompt: 'Explain how the estimate avoids recounting the context on every keystroke, and what invalidates the counts.' },
  { minute: 1.5, prompt: 'Which part would break if two context items had the same key but different text? Point at the lines.' },
  { minute: 3.5, prompt: 'Write a mocha test that shows that case, in the style of the existing unit tests.' },
];
export const ANSWERS = [
  'The session keeps one raw count per part. The prompt lives in a DocumentCounter, so an edit recounts only the blocks it '
  + 'touched; system messages and tools are counted once when they are set; context items are cached by their content key '
  + '(or their text when there is none) in a small map per encoding, so setting the same items again costs a lookup. estimate() '
  + 'then only adds numbers and prices three scenarios with a pricing resolved once per model. Counts are invalidated when the '
  + 'model switches to another encoding (retokenize recounts everything), when the calibration changes (the scale factor), and '
  + 'when an item with a new key or text arrives; the map keeps 64 entries and drops the oldest.',
  'countContext looks items up by `item.key` first and trusts it: if two items share a key, the second gets the first one\'s count '
  + 'even when its text differs, because the text is never compared on that path. See `const cache = item.key === undefined ? '
  + 'caches.byText : caches.byKey;` and the early return on `cached !== undefined`. The fix is to make keys include a version.',
  '```ts\nit(\'recounts an item whose key is reused for other text\', () => {\n  const session = new EstimateSession({ model: \'gpt-4o\' });\n'
  + '  session.setContext([{ kind: \'file\', label: \'a\', text: \'one two\', key: \'k\' }]);\n  const before = session.estimate().inputTokens;\n'
  + '  session.setContext([{ kind: \'file\', label: \'a\', text: \'one two three four five\', key: \'k\' }]);\n'
  + '  assert.notEqual(session.estimate().inputTokens, before);\n});\n```\nThis fails today: the count is taken from the cache.',
];

/** The attached files, read from this repository. */
export function contextFiles(): { kind: string; label: string; text: string }[] {
  return CONTEXT_FILES.map((file) => ({ kind: 'file', label: file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
}

/** One request's estimate against its charge. */
export interface CacheFigures {
  readonly turn: number;
  /** read/write/fresh as estimated, and as billed. */
  readonly predicted: string;
  readonly reported: string;
  readonly estimateUsd: number;
  readonly chargeUsd: number;
  readonly uncachedUsd: number;
  /** (estimate - charge) / charge. */
  readonly error: number;
  /** The same with an estimate that ignores the cache. */
  readonly errorWithoutCacheModel: number;
}

/** The figures as lines under the test's name (they go into the closing notes). */
export function reportCacheFigures(label: string, figures: readonly CacheFigures[]): void {
  const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;
  const lines = figures.map((f) => `      ${label} ${f.turn}: read/write/fresh predicted ${f.predicted}, reported ${f.reported}; `
    + `estimate $${f.estimateUsd.toFixed(5)} vs charge $${f.chargeUsd.toFixed(5)}: ${pct(f.error)} (without the cache model ${pct(f.errorWithoutCacheModel)})`);
  process.stdout.write(lines.join('\n') + '\n');
}
