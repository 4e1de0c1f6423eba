/**
 * Lines that cannot be read as records are moved, never dropped: first appended (and synced) to
 * `quarantine.jsonl` with why and where they came from, then the segment is rewritten without them
 * through a temp file and an atomic rename. A crash between the two steps only repeats the move.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface QuarantinedLine {
  readonly quarantinedAt: string;
  /** Segment file name (relative to the segments folder). */
  readonly segment: string;
  /** 1-based line number in the segment as it was before the rewrite. */
  readonly line: number;
  readonly byteOffset: number;
  /** `torn line (no newline at end of segment)`, `invalid JSON: ...`, or the failing field. */
  readonly reason: string;
  /** The raw line, as found. */
  readonly text: string;
}

export async function appendToQuarantine(file: string, entries: readonly QuarantinedLine[]): Promise<void> {
  if (entries.length === 0) {
    return;
  }
  const handle = await fsp.open(file, 'a');
  try {
    await handle.write(entries.map((entry) => JSON.stringify(entry) + '\n').join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `content`: temp file in the same folder, fsync, rename, fsync the folder. */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fsp.open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** Makes a rename durable; some platforms (Windows) cannot open a folder, which is fine there. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform: the rename is still atomic, only its durability is the OS's call.
  } finally {
    await handle?.close();
  }
}
