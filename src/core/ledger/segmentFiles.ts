/**
 * Segment files: each writer process appends only to its own `segments/<start>-<pid>-<writer>.jsonl`,
 * so two windows never interleave lines. A reader may repair (rewrite) a segment only when its
 * writer is gone; a live writer keeps its file descriptor and would lose lines written after a rename.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

export const SEGMENTS_DIR = 'segments';
export const QUARANTINE_FILE = 'quarantine.jsonl';

const SEGMENT_NAME = /^(\d{8}T\d{9}Z)-(\d+)-([A-Za-z0-9_-]{1,64})\.jsonl$/;

/** Segments written by writers of this process that are still open. */
const openSegments = new Set<string>();

export function isSegmentName(name: string): boolean {
  return name.endsWith('.jsonl');
}

export function newSegmentName(writerId: string | undefined, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const writer = writerId ? sanitize(writerId) : randomBytes(4).toString('hex');
  // A random suffix even with a writerId: one writer may rotate to a new segment after a failed write.
  return `${stamp}-${process.pid}-${writer}${writerId ? '_' + randomBytes(2).toString('hex') : ''}.jsonl`;
}

function sanitize(writerId: string): string {
  return writerId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'writer';
}

export function markSegmentOpen(file: string): void {
  openSegments.add(path.resolve(file));
}

export function markSegmentClosed(file: string): void {
  openSegments.delete(path.resolve(file));
}

/**
 * True when some process may still append to the segment. Names we did not write (no pid) belong
 * to nobody. A reused pid only makes us too careful (repair waits), never unsafe.
 */
export function isSegmentWriterAlive(file: string): boolean {
  const match = SEGMENT_NAME.exec(path.basename(file));
  if (!match) {
    return false;
  }
  const pid = Number(match[2]);
  if (pid === process.pid) {
    return openSegments.has(path.resolve(file));
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
