/**
 * A resource opened on first use (the workspace ledger) whose failed open is not kept: the next use
 * tries again, so a folder that was briefly unwritable (a full disk, a network drive, a lock) does
 * not leave every later send failing until the window is reloaded. The failure is reported once per
 * run of failures (the caller shows it to the user), and again only after an open succeeded.
 */
export interface RetryingOpenOptions<T> {
  readonly open: () => Promise<T>;
  /** A failed open; `first` is true for the first failure since the last success (tell the user then). */
  readonly onFailure?: (error: unknown, first: boolean) => void;
}

export class RetryingOpen<T> {
  private pending: Promise<T> | undefined;
  private opened: T | undefined;
  private failing = false;

  constructor(private readonly options: RetryingOpenOptions<T>) {}

  /** The resource, opened now if it is not yet (or the last open failed). */
  get(): Promise<T> {
    this.pending ??= this.options.open().then(
      (value) => {
        this.opened = value;
        this.failing = false;
        return value;
      },
      (error: unknown) => {
        // Not kept: the next `get()` opens again.
        this.pending = undefined;
        const first = !this.failing;
        this.failing = true;
        this.options.onFailure?.(error, first);
        throw error;
      },
    );
    return this.pending;
  }

  /** The resource when it is open, for synchronous readers. */
  get current(): T | undefined {
    return this.opened;
  }

  /**
   * Waits for an open in progress and hands the resource to `close` (once); later `get()` calls open
   * it again. Nothing happens when it was never opened.
   */
  async close(close: (value: T) => Promise<void> | void): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    this.opened = undefined;
    if (!pending) {
      return;
    }
    let value: T;
    try {
      value = await pending;
    } catch {
      return;
    }
    await close(value);
  }
}
