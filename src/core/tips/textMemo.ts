/**
 * A small memo keyed by text, for work on context items that stay the same while the user types
 * (a 1 MB file is scanned once, not on every keystroke). A string key hashes once per string object
 * in V8, so looking up the same context text again is cheap. Least recently used entries go first.
 */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity = 16) {}

  get(text: string, compute: (text: string) => V): V {
    const found = this.entries.get(text);
    if (found !== undefined || this.entries.has(text)) {
      this.entries.delete(text);
      this.entries.set(text, found as V);
      return found as V;
    }
    const value = compute(text);
    this.entries.set(text, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
    return value;
  }
}

/** A TextMemo per function (e.g. per tokenizer), dropped with the function. */
export class TextMemoByFunction<F extends object, V> {
  private readonly memos = new WeakMap<F, TextMemo<V>>();

  constructor(private readonly capacity = 16) {}

  get(fn: F, text: string, compute: (text: string) => V): V {
    let memo = this.memos.get(fn);
    if (!memo) {
      memo = new TextMemo<V>(this.capacity);
      this.memos.set(fn, memo);
    }
    return memo.get(text, compute);
  }
}
