/**
 * Reads lines at known byte positions of one file, coalescing neighbours into one read so that
 * streaming 100k records back costs a few hundred reads, not 100k.
 */
import { promises as fsp } from 'node:fs';

export interface LineSpan {
  readonly byteOffset: number;
  /** Without the newline. */
  readonly byteLength: number;
}

const WINDOW = 1 << 20;
/** Read through gaps smaller than this rather than issuing another read. */
const MAX_GAP = 64 * 1024;

/** Texts of the spans, in the order given. */
export async function readLinesAt(file: string, spans: readonly LineSpan[]): Promise<string[]> {
  const order = spans.map((_span, i) => i).sort((a, b) => spans[a].byteOffset - spans[b].byteOffset);
  const out = new Array<string>(spans.length);
  const handle = await fsp.open(file, 'r');
  try {
    let i = 0;
    while (i < order.length) {
      const start = spans[order[i]].byteOffset;
      let end = start + spans[order[i]].byteLength;
      let j = i + 1;
      while (j < order.length) {
        const next = spans[order[j]];
        const nextEnd = next.byteOffset + next.byteLength;
        if (next.byteOffset - end > MAX_GAP || nextEnd - start > WINDOW) {
          break;
        }
        end = Math.max(end, nextEnd);
        j++;
      }
      const buffer = Buffer.allocUnsafe(end - start);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
        if (bytesRead === 0) {
          break;
        }
        filled += bytesRead;
      }
      for (let k = i; k < j; k++) {
        const span = spans[order[k]];
        out[order[k]] = buffer.toString('utf8', span.byteOffset - start, Math.min(filled, span.byteOffset - start + span.byteLength));
      }
      i = j;
    }
  } finally {
    await handle.close();
  }
  return out;
}
