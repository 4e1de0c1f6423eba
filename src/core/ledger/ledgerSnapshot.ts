/**
 * `index.bin`: a cache of the in-memory index (the summary rows and where each line sits), so
 * opening a large ledger reads one compact file plus whatever segments grew since, instead of
 * parsing every record. It is only a cache, and never trusted blindly:
 *
 * - a SHA-256 over its whole content must match (any damaged byte, header or rows, rejects it);
 * - every row must make sense (strings in the table, kinds and statuses known, counts and charges
 *   finite and not negative, lines inside their segment in order), and so must every note (ids,
 *   a whole block number, lines inside their segment in order);
 * - `Ledger` then holds each segment it describes against the segment on disk (see
 *   segmentFingerprint.ts) and reads a few of its lines back to compare with the cached rows and notes.
 * A snapshot that fails any of these is ignored, the index is rebuilt from the segments, and the
 * open reports why (`LedgerScanReport.rebuilt`).
 *
 * Layout: `CMIX`, uint32 LE header length, header JSON (segments with their notes, string table, ids, turn ids),
 * zero padding to a multiple of 8, the float64 rows of `SummaryTable` grouped by segment, then the
 * 32-byte SHA-256 of everything before it.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { writeFileAtomic } from './quarantine';
import type { SegmentFingerprint } from './segmentFingerprint';
import { Col, STRIDE, type SummaryTable } from './summaryTable';
import { OUTCOME_STATUSES, REQUEST_KINDS, SCHEMA_VERSION } from './usageRecord';

export const SNAPSHOT_FILE = 'index.bin';
const MAGIC = 'CMIX';
/** 3: segments carry their notes (`[id, turnId, recordId, appliedBlock, byteOffset, byteLength]`). */
const FORMAT = 3;
const DIGEST_BYTES = 32;

export interface SnapshotSegmentMeta extends SegmentFingerprint {
  readonly name: string;
  readonly lineNo: number;
  readonly duplicates: number;
  readonly migrated: number;
  readonly newer: number;
}

/** A note line of a segment, as the index keeps it (see noteIndex.ts). */
export interface SnapshotNote {
  readonly id: string;
  readonly turnId: string;
  readonly recordId: string;
  readonly appliedBlock: number;
  readonly byteOffset: number;
  readonly byteLength: number;
}

type NoteTuple = [id: string, turnId: string, recordId: string, appliedBlock: number, byteOffset: number, byteLength: number];

export interface SnapshotSegment extends SnapshotSegmentMeta {
  /** Its notes, in file order. */
  readonly notes: SnapshotNote[];
  readonly ids: string[];
  readonly turnIds: string[];
  /** `ids.length` rows of `STRIDE` numbers (string columns index `Snapshot.strings`). */
  readonly data: Float64Array;
}

export interface Snapshot {
  readonly strings: string[];
  readonly segments: SnapshotSegment[];
}

/** A usable snapshot, or why there is none (`problem` is undefined when there is simply no file). */
export type SnapshotRead = { readonly snapshot: Snapshot; readonly problem?: undefined } | { readonly snapshot?: undefined; readonly problem?: string };

interface Header {
  format: number;
  schemaVersion: number;
  stride: number;
  strings: string[];
  segments: Array<SnapshotSegmentMeta & { count: number; notes: NoteTuple[] }>;
  ids: string[];
  turnIds: string[];
}

const paddingAfter = (headerLength: number): number => (8 - ((8 + headerLength) % 8)) % 8;

/** Writes the rows of `table` listed per segment, each segment's rows in file order. */
export async function writeSnapshot(file: string, table: SummaryTable, segments: ReadonlyArray<SnapshotSegmentMeta & { rows: readonly number[]; notes: readonly SnapshotNote[] }>): Promise<void> {
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
    segments: segments.map(({ rows, notes, ...segment }) => ({
      ...segment, count: rows.length,
      notes: notes.map((note): NoteTuple => [note.id, note.turnId, note.recordId, note.appliedBlock, note.byteOffset, note.byteLength]),
    })),
    ids, turnIds,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 4);
  const parts = [prefix, headerBytes, Buffer.alloc(paddingAfter(headerBytes.length)), Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
  }
  await writeFileAtomic(file, Buffer.concat([...parts, hash.digest()]));
}

/** The cached index if `file` holds one that passes every check, else why not. */
export async function readSnapshot(file: string): Promise<SnapshotRead> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? {} : { problem: `could not be read (${code ?? String(error)})` };
  }
  try {
    return decode(bytes);
  } catch (error) {
    return { problem: `is damaged (${error instanceof Error ? error.message : String(error)})` };
  }
}

function decode(bytes: Buffer): SnapshotRead {
  if (bytes.length < 8 + DIGEST_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC) {
    return { problem: 'is not an index snapshot' };
  }
  const end = bytes.length - DIGEST_BYTES;
  const digest = createHash('sha256').update(bytes.subarray(0, end)).digest();
  if (!digest.equals(bytes.subarray(end))) {
    return { problem: 'is damaged (checksum mismatch)' };
  }
  const headerLength = bytes.readUInt32LE(4);
  if (8 + headerLength > end) {
    return { problem: 'is damaged (header length)' };
  }
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.format !== FORMAT || header.schemaVersion !== SCHEMA_VERSION || header.stride !== STRIDE) {
    return { problem: 'was written by another version of Credit Meter' };
  }
  const start = 8 + headerLength + paddingAfter(headerLength);
  const rowCount = header.ids.length;
  if (end - start !== rowCount * STRIDE * 8 || header.turnIds.length !== rowCount
    || header.segments.reduce((sum, segment) => sum + segment.count, 0) !== rowCount) {
    return { problem: 'is damaged (row count)' };
  }
  // Copy into an aligned buffer (the file buffer's offset need not be a multiple of 8).
  const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end));
  const invalid = invalidRow(header, data) ?? invalidNote(header);
  if (invalid !== undefined) {
    return { problem: `is damaged (${invalid})` };
  }
  let row = 0;
  const segments = header.segments.map(({ count, notes, ...meta }) => {
    const segment: SnapshotSegment = {
      ...meta,
      notes: notes.map(([id, turnId, recordId, appliedBlock, byteOffset, byteLength]) => ({ id, turnId, recordId, appliedBlock, byteOffset, byteLength })),
      ids: header.ids.slice(row, row + count),
      turnIds: header.turnIds.slice(row, row + count),
      data: data.subarray(row * STRIDE, (row + count) * STRIDE),
    };
    row += count;
    return segment;
  });
  return { snapshot: { strings: header.strings, segments } };
}

const isCount = (value: number): boolean => value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value;
const isId = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length <= 128;
/** A charge or estimate: NaN (unknown) or a finite number >= 0. */
const isAmount = (value: number): boolean => value !== value || (value >= 0 && value < Infinity);

/**
 * Why a row of the snapshot cannot be a summary of a valid record, or undefined when every row can.
 * A hot loop over 100k rows: string columns are checked through small integer lookup tables.
 */
function invalidRow(header: Header, data: Float64Array): string | undefined {
  const strings = header.strings;
  const count = strings.length;
  const kinds = new Uint8Array(count);
  const statuses = new Uint8Array(count);
  strings.forEach((value, index) => {
    kinds[index] = (REQUEST_KINDS as readonly string[]).includes(value) ? 1 : 0;
    statuses[index] = (OUTCOME_STATUSES as readonly string[]).includes(value) ? 1 : 0;
  });
  /** The string index in a column, or -2 when it is not one. */
  const stringAt = (value: number): number => {
    const index = value | 0;
    return index === value && index >= -1 && index < count ? index : -2;
  };
  // Column numbers as locals: read through a module binding, each would cost a call per row.
  const { startedMs, modelRequested, modelServed, kind: kindColumn, status: statusColumn, input, cacheRead, cacheWrite, output, reasoning,
    credits, usd, low: lowColumn, expected: expectedColumn, high: highColumn, byteOffset, byteLength } = Col;
  const stride = STRIDE;
  let row = 0;
  for (const segment of header.segments) {
    let lineEnd = -1;
    for (let i = 0; i < segment.count; i++, row++) {
      const at = row * stride;
      const kind = stringAt(data[at + kindColumn]);
      const status = stringAt(data[at + statusColumn]);
      if (!Number.isFinite(data[at + startedMs]) || stringAt(data[at + modelRequested]) < 0 || stringAt(data[at + modelServed]) < -1
        || kind < 0 || kinds[kind] === 0 || status < 0 || statuses[status] === 0) {
        return `row ${row} of ${segment.name}: field out of range`;
      }
      if (!isCount(data[at + input]) || !isCount(data[at + cacheRead]) || !isCount(data[at + cacheWrite])
        || !isCount(data[at + output]) || !isCount(data[at + reasoning])) {
        return `row ${row} of ${segment.name}: token count out of range`;
      }
      const low = data[at + lowColumn];
      const expected = data[at + expectedColumn];
      const high = data[at + highColumn];
      const noEstimate = expected !== expected;
      if (!isAmount(data[at + credits]) || !isAmount(data[at + usd]) || !isAmount(low) || !isAmount(expected) || !isAmount(high)
        || (low !== low) !== noEstimate || (high !== high) !== noEstimate) {
        return `row ${row} of ${segment.name}: charge or estimate out of range`;
      }
      const offset = data[at + byteOffset];
      const length = data[at + byteLength];
      // Rows of a segment are written in file order; each line ends with a newline inside the indexed size.
      if (!(isCount(offset) && isCount(length) && length > 0 && offset > lineEnd && offset + length < segment.size)) {
        return `row ${row} of ${segment.name}: line position outside its segment`;
      }
      lineEnd = offset + length;
    }
  }
  return undefined;
}

/** Why a note of the snapshot cannot be a note line of its segment, or undefined when every one can. */
function invalidNote(header: Header): string | undefined {
  for (const segment of header.segments) {
    if (!Array.isArray(segment.notes)) {
      return `notes of ${segment.name} missing`;
    }
    let lineEnd = -1;
    for (const [i, note] of segment.notes.entries()) {
      if (!Array.isArray(note) || note.length !== 6) {
        return `note ${i} of ${segment.name}: not a note`;
      }
      const [id, turnId, recordId, appliedBlock, offset, length] = note;
      if (!isId(id) || !isId(turnId) || !isId(recordId) || typeof appliedBlock !== 'number' || !isCount(appliedBlock)) {
        return `note ${i} of ${segment.name}: field out of range`;
      }
      if (!(typeof offset === 'number' && typeof length === 'number' && isCount(offset) && isCount(length) && length > 0 && offset > lineEnd && offset + length < segment.size)) {
        return `note ${i} of ${segment.name}: line position outside its segment`;
      }
      lineEnd = offset + length;
    }
  }
  return undefined;
}
