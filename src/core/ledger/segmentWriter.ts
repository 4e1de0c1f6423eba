/**
 * Appends lines to this process's own segment. An append resolves only after its bytes are written
 * and `fdatasync`ed; appends that arrive while a sync is running are committed together in the next
 * write + sync (group commit), and each caller is still acknowledged only once its line is durable.
 *
 * After a failed write (ENOSPC, EIO...) the writer truncates the partial bytes if it can and moves
 * to a fresh segment, so a half-written line can never glue itself to the next record.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { markSegmentClosed, markSegmentOpen, newSegmentName } from './segmentFiles';

/** Where an acknowledged line landed. */
export interface WrittenLine {
  readonly file: string;
  readonly byteOffset: number;
  /** Bytes of the line without its newline. */
  readonly byteLength: number;
}

interface Pending {
  readonly bytes: Buffer;
  readonly resolve: (where: WrittenLine) => void;
  readonly reject: (error: Error) => void;
}

export class SegmentWriter {
  private currentPath: string;
  private handle: fsp.FileHandle | undefined;
  private size = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly dir: string, private readonly writerId?: string, fixedPath?: string) {
    this.currentPath = fixedPath ?? path.join(dir, newSegmentName(writerId));
  }

  /** The file the next append goes to (created on first append). */
  get path(): string {
    return this.currentPath;
  }

  /** Appends one complete line (the caller includes the trailing newline). */
  append(line: string): Promise<WrittenLine> {
    if (this.closed) {
      return Promise.reject(new Error('ledger writer is closed'));
    }
    return new Promise<WrittenLine>((resolve, reject) => {
      this.queue.push({ bytes: Buffer.from(line, 'utf8'), resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
    markSegmentClosed(this.currentPath);
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const file = this.currentPath;
          let byteOffset = await this.writeDurably(Buffer.concat(batch.map((item) => item.bytes)));
          for (const item of batch) {
            item.resolve({ file, byteOffset, byteLength: item.bytes.length - 1 });
            byteOffset += item.bytes.length;
          }
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          await this.abandonSegment();
          for (const item of batch) {
            item.reject(failure);
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Writes and syncs; returns the offset the bytes start at. */
  private async writeDurably(bytes: Buffer): Promise<number> {
    if (!this.handle) {
      await fsp.mkdir(path.dirname(this.currentPath), { recursive: true });
      markSegmentOpen(this.currentPath);
      this.handle = await fsp.open(this.currentPath, 'a');
      this.size = (await this.handle.stat()).size;
    }
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await this.handle.datasync();
    const start = this.size;
    this.size += bytes.length;
    return start;
  }

  private async abandonSegment(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) {
      await handle.truncate(this.size).catch(() => undefined);
      await handle.close().catch(() => undefined);
    }
    markSegmentClosed(this.currentPath);
    this.currentPath = path.join(this.dir, newSegmentName(this.writerId));
  }
}
