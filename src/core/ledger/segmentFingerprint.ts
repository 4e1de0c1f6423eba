/**
 * Has the indexed part of a segment stayed as it was? Segments are append-only, so the index may
 * trust what it read before as long as nobody edited those bytes in place (an editor saving over the
 * file, a script fixing a number). The check, cheapest first:
 *
 * 1. Same inode, same size, same mtime and ctime as when indexed: unchanged (one `lstat`).
 * 2. Same size but a newer mtime: written in place (an append always grows the file): changed.
 * 3. Otherwise (the file grew, or only its ctime moved): a fingerprint of the indexed range
 *    `[0, size)` must still match. Up to `FULL_BYTES` the fingerprint is a hash of the whole range;
 *    beyond, of its last `TAIL_BYTES` plus `SAMPLES` blocks of `SAMPLE_BYTES` spread evenly over the
 *    rest: a bounded read (~0.5 MB) whatever the segment's size. An edit that changes a line's length
 *    shifts every later byte and so always changes the tail; a same-length edit in a segment that
 *    also grew is caught only when it touches a sampled block (or when its record is read back: see
 *    `Ledger`, which compares every record it reads with the index).
 */
import { createHash } from 'node:crypto';
import { promises as fsp, type Stats } from 'node:fs';

export const FULL_BYTES = 1 << 20;
export const TAIL_BYTES = 256 * 1024;
export const SAMPLES = 64;
export const SAMPLE_BYTES = 4096;

/** What the index remembers of a segment it has read up to `size`. */
export interface SegmentFingerprint {
  readonly ino: number;
  /** Bytes indexed (always the end of a complete line). */
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** Hash of the indexed range (whole, or tail + samples), hex. */
  readonly digest: string;
}

/** `verified`: the indexed range is as it was (the file grew, or only its metadata changed). */
export type SegmentCheck = 'unchanged' | 'verified' | 'replaced' | 'edited';

/** The byte ranges the digest of a `size`-byte range covers, in order. */
export function fingerprintRanges(size: number): Array<{ start: number; length: number }> {
  if (size <= FULL_BYTES) {
    return [{ start: 0, length: size }];
  }
  const tailStart = size - TAIL_BYTES;
  const ranges: Array<{ start: number; length: number }> = [];
  const span = tailStart - SAMPLE_BYTES;
  for (let i = 0; i < SAMPLES; i++) {
    ranges.push({ start: Math.floor((i * span) / (SAMPLES - 1)), length: SAMPLE_BYTES });
  }
  ranges.push({ start: tailStart, length: TAIL_BYTES });
  return ranges;
}

/** The digest of `[0, size)` of an open file. */
export async function digestOf(handle: fsp.FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${size}:`);
  const ranges = fingerprintRanges(size);
  const buffer = Buffer.allocUnsafe(Math.min(size, Math.max(...ranges.map((range) => range.length), 0)));
  for (const { start, length } of ranges) {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
      if (bytesRead === 0) {
        break;
      }
      filled += bytesRead;
    }
    hash.update(buffer.subarray(0, filled));
  }
  return hash.digest('hex').slice(0, 32);
}

/** Fingerprints `[0, size)` of `file` (the stat comes from the same open file). */
export async function fingerprint(file: string, size: number): Promise<SegmentFingerprint> {
  const handle = await fsp.open(file, 'r');
  try {
    const stat = await handle.stat();
    // The times describe the file as it is now: only when it ends where the index does may a later
    // check trust them alone; otherwise (-1) the next check always compares the digest.
    const exact = stat.size === size;
    return {
      ino: stat.ino, size, mtimeMs: exact ? stat.mtimeMs : -1, ctimeMs: exact ? stat.ctimeMs : -1,
      digest: await digestOf(handle, Math.min(size, stat.size)),
    };
  } finally {
    await handle.close();
  }
}

/** Compares a segment on disk (`stat` from `lstat`) with what the index read of it. */
export async function checkSegment(file: string, stat: Stats, known: SegmentFingerprint): Promise<SegmentCheck> {
  if (stat.ino !== known.ino || stat.size < known.size) {
    return 'replaced';
  }
  if (stat.size === known.size && stat.mtimeMs === known.mtimeMs && stat.ctimeMs === known.ctimeMs) {
    return 'unchanged';
  }
  if (stat.size === known.size && stat.mtimeMs !== known.mtimeMs) {
    return 'edited';
  }
  const handle = await fsp.open(file, 'r');
  try {
    if ((await handle.stat()).ino !== known.ino) {
      return 'replaced';
    }
    return (await digestOf(handle, known.size)) === known.digest ? 'verified' : 'edited';
  } finally {
    await handle.close();
  }
}
