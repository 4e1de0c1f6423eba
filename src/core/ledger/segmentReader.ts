/**
 * Reads the complete lines of a segment from a byte offset on, 1 MB at a time, handing each
 * chunk's lines to `onLines` before reading on (a segment can hold hundreds of thousands of
 * records: memory stays bounded, and the caller can yield to the event loop between chunks).
 * A last line without its newline is returned as `tail`: either a writer is in the middle of
 * it, or the writer died mid-write (a torn line). A UTF-8 byte order mark at the very start of the
 * file (an editor may add one when a segment is saved by hand) is skipped, not read as part of the
 * first record.
 */
import { promises as fsp } from 'node:fs';

export interface SegmentLine {
  readonly text: string;
  /** 1-based line number in the segment. */
  readonly lineNo: number;
  readonly byteOffset: number;
  /** Bytes of the line on disk, without the newline (the text may not re-encode to it: a torn line can end mid-character). */
  readonly byteLength: number;
}

export interface SegmentChunk {
  readonly tail: SegmentLine | undefined;
  /** Offset just past the last complete line: where the next read starts. */
  readonly endOffset: number;
  readonly endLineNo: number;
  readonly ino: number;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function readSegmentLines(file: string, fromOffset: number, fromLineNo: number, onLines: (lines: SegmentLine[]) => Promise<void> | void): Promise<SegmentChunk> {
  const handle = await fsp.open(file, 'r');
  try {
    const stat = await handle.stat();
    let position = fromOffset;
    let lineNo = fromLineNo;
    let carry: Buffer = Buffer.alloc(0);
    let carryOffset = fromOffset;
    const buffer = Buffer.allocUnsafe(CHUNK);
    if (fromOffset === 0 && stat.size >= BOM.length) {
      const { bytesRead } = await handle.read(buffer, 0, BOM.length, 0);
      if (bytesRead === BOM.length && buffer.subarray(0, BOM.length).equals(BOM)) {
        position = carryOffset = BOM.length;
      }
    }
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) {
        break;
      }
      position += bytesRead;
      const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      const lines: SegmentLine[] = [];
      let start = 0;
      for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
        lineNo += 1;
        if (end > start) {
          lines.push({ text: data.toString('utf8', start, end), lineNo, byteOffset: carryOffset + start, byteLength: end - start });
        }
        start = end + 1;
      }
      carryOffset += start;
      carry = Buffer.from(data.subarray(start));
      if (lines.length > 0) {
        await onLines(lines);
      }
    }
    const tail = carry.length > 0 ? { text: carry.toString('utf8'), lineNo: lineNo + 1, byteOffset: carryOffset, byteLength: carry.length } : undefined;
    return { tail, endOffset: carryOffset, endLineNo: lineNo, ino: stat.ino };
  } finally {
    await handle.close();
  }
}
