// Waiting for state, for every test that drives something it does not control the timing of: the
// extension host (integration), the workbench in Chromium (e2e), child processes (system). An
// action in VS Code lands a little later, and much later on a busy two-core machine, so a test
// never reads such state once: it polls until the state it expects is there, with a generous
// deadline, and a failure says what it saw last. Plain Node (no `vscode`, no Playwright), so every
// layer shares this one helper.

/** How long a test waits for a state by default: generous, because CI shares two busy cores. */
export const STATE_TIMEOUT_MS = 30_000;

/**
 * How long a test waits for a webview page to load and say it is ready. VS Code loads a page's
 * resources through a service worker that gives up on a request after 30 s, and a page torn down
 * while it was loading (a view hidden right after it was shown) can hold the next one's request
 * that long: a page is waited for past that.
 */
export const WEBVIEW_LOAD_TIMEOUT_MS = 60_000;

const POLL_INTERVAL_MS = 100;
const MAX_DESCRIPTION_CHARS = 2_000;

/** What a probe returns while the state is not there yet. */
export type NotYet = undefined | null | false;

/** A readable, bounded rendering of a value seen while waiting. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value instanceof Error) {
    text = value.message;
  } else if (typeof value === 'string') {
    text = JSON.stringify(value);
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch (_error) {
      text = String(value);
    }
  }
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS)}… (${text.length} chars)` : text;
}

/**
 * Polls `probe` until it returns a value (anything but undefined, null or false) and returns it.
 * A probe that throws (an assertion about the state, a frame that went away) is retried too, so a
 * probe can assert the whole state it expects: on timeout the error names `what` and carries the
 * last assertion message, which holds the values it last saw.
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = STATE_TIMEOUT_MS,
): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  let polls = 0;
  for (;;) {
    polls += 1;
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started >= timeoutMs) {
      const description = typeof what === 'string' ? what : what();
      const last = lastError === undefined ? '' : `; last: ${describeValue(lastError)}`;
      const error = new Error(`timed out after ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s (${polls} checks) waiting for ${description}${last}`);
      if (lastError instanceof Error && lastError.stack) {
        error.stack = `${error.stack ?? error.message}\nlast failure: ${lastError.stack}`;
      }
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Reads a value until `accept` holds for it and returns that value; on timeout the error shows the
 * last value read. For states that are a value to look at rather than a set of assertions.
 */
export async function waitFor<T>(
  what: string,
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = STATE_TIMEOUT_MS,
): Promise<T> {
  let seen = false;
  let last: T | undefined;
  return until(() => `${what}${seen ? `; last: ${describeValue(last)}` : ' (nothing read)'}`, async () => {
    last = await read();
    seen = true;
    return accept(last) ? { value: last } : undefined;
  }, timeoutMs).then((found) => found.value);
}
