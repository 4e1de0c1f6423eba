/**
 * Runs a piece of work at most once per frame however often it is asked for, so per-keystroke and
 * per-selection triggers never make typing wait. A failure is handed to `onError`, never thrown into
 * the event that asked.
 */
export const FRAME_MS = 16;

export class FrameDebouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly work: () => void, private readonly onError: (error: unknown) => void) {}

  schedule(): void {
    if (this.timer !== undefined) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.work();
      } catch (error) {
        this.onError(error);
      }
    }, FRAME_MS);
  }

  cancel(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.cancel();
  }
}
