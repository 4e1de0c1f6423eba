/**
 * `index.bin`: a cache of the in-memory index (the summary rows and where each line sits), so
 * opening a large ledger reads one compact file plus whatever segments grew since, instead of
 * parsing every record. It is only a cache: a segment whose inode changed or that shrank is read
 * again, and a missing, old-format or damaged snapshot is ignored and rebuilt from the segments.
 *
 * Layout: `CMIX`, uint32 LE header length, header JSON (segments, string table, ids, turn ids),
 * zero padding to a multiple of 8, then the float64 rows of `SummaryTable`, grouped by segment.
 */
import { promises as fsp } from 'node:fs';
import { writeFileAtomic } from './quarantine';
import { STRIDE, type SummaryTable } from './summaryTable';
import { SCHEMA_VERSION } from './usageRecord';

export const SNAPSHOT_FILE = 'index.bin';
const MAGIC = 'CMIX';
const FORMAT = 1;

export interface SnapshotSegmentMeta {
  readonly name: string;
  readonly ino: number;
  /** Bytes covered (always the end of a complete line). */
  readonly size: number;
  readonly lineNo: number;
  readonly duplicates: number;
  readonly migrated: number;
  readonly newer: number;
}

export interface SnapshotSegment extends SnapshotSegmentMeta {
  readonly ids: string[];
  readonly turnIds: string[];
  /** `ids.length` rows of `STRIDE` numbers (string columns index `Snapshot.strings`). */
  readonly data: Float64Array;
}

export interface Snapshot {
  readonly strings: string[];
  readonly segments: SnapshotSegment[];
}

interface Header {
  format: number;
  schemaVersion: number;
  stride: number;
  strings: string[];
  segments: Array<SnapshotSegmentMeta & { count: number }>;
  ids: string[];
  turnIds: string[];
}

const paddingAfter = (headerLength: number): number => (8 - ((8 + headerLength) % 8)) % 8;

/** Writes the rows of `table` listed per segment. */
export async function writeSnapshot(file: string, table: SummaryTable, segments: ReadonlyArray<SnapshotSegmentMeta & { rows: readonly number[] }>): Promise<void> {
  const rowCount = segments.reduce((sum, segment) => sum + segment.rows.length, 0);
  const data = new Float64Array(rowCount * STRIDE);
  const ids: string[] = [];
  const turnIds: string[] = [];
  let at = 0;
  for (const segment of segments) {
    for (const row of segment.rows) {
      data.set(table.data.subarray(row * STRIDE, (row + 1) * STRIDE), at);
      ids.push(table.ids[row]);
      turnIds.push(table.turnIds[row]);
      at += STRIDE;
    }
  }
  const header: Header = {
    format: FORMAT, schemaVersion: SCHEMA_VERSION, stride: STRIDE, strings: table.strings,
    segments: segments.map(({ rows, ...segment }) => ({ ...segment, count: rows.length })),
    ids, turnIds,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 4);
  await writeFileAtomic(file, Buffer.concat([prefix, headerBytes, Buffer.alloc(paddingAfter(headerBytes.length)), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** The cached index, or undefined when there is no usable snapshot. */
export async function readSnapshot(file: string): Promise<Snapshot | undefined> {
  try {
    return decode(await fsp.readFile(file));
  } catch {
    return undefined;
  }
}

function decode(bytes: Buffer): Snapshot | undefined {
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) {
    return undefined;
  }
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.format !== FORMAT || header.schemaVersion !== SCHEMA_VERSION || header.stride !== STRIDE) {
    return undefined;
  }
  const start = 8 + headerLength + paddingAfter(headerLength);
  const rowCount = header.ids.length;
  if (bytes.length - start !== rowCount * STRIDE * 8 || header.turnIds.length !== rowCount
    || header.segments.reduce((sum, segment) => sum + segment.count, 0) !== rowCount) {
    return undefined;
  }
  // Copy into an aligned buffer (the file buffer's offset need not be a multiple of 8).
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  let row = 0;
  const segments = header.segments.map(({ count, ...meta }) => {
    const segment: SnapshotSegment = {
      ...meta,
      ids: header.ids.slice(row, row + count),
      turnIds: header.turnIds.slice(row, row + count),
      data: data.subarray(row * STRIDE, (row + count) * STRIDE),
    };
    row += count;
    return segment;
  });
  return { strings: header.strings, segments };
}
