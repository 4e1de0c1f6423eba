/**
 * Disposal that does not stop at the first failure: every disposable is disposed (in the order
 * given), and what threw is collected for the caller to log. A half-disposed extension that leaves
 * a file handle or a server open because an unrelated view threw first is the bug this prevents.
 */

/** Anything with a `dispose()`. */
export interface DisposableLike {
  dispose(): unknown;
}

/** Disposes each of `items`; returns the errors thrown (empty when all went well). */
export function disposeAll(items: Iterable<DisposableLike>): unknown[] {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      const result = item.dispose();
      if (result instanceof Promise) {
        // An async dispose cannot be awaited here; its failure is still not lost.
        result.catch((error: unknown) => errors.push(error));
      }
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
