/**
 * `index.json`: a cache of the in-memory index (record summaries and where each line sits), so
 * opening a large ledger reads one compact file plus whatever segments grew since, instead of
 * parsing every record. It is only a cache: a segment whose inode changed or that shrank is read
 * again, and a missing or unreadable snapshot is rebuilt from the segments.
 */
import { promises as fsp } from 'node:fs';
import { writeFileAtomic } from './quarantine';
import type { RecordSummary } from './recordSummary';
import { SCHEMA_VERSION, type OutcomeStatus, type RequestKind } from './usageRecord';

export const SNAPSHOT_FILE = 'index.json';
const FORMAT = 1;

export interface SnapshotEntry {
  readonly summary: RecordSummary;
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface SnapshotSegment {
  readonly name: string;
  readonly ino: number;
  /** Bytes covered (always the end of a complete line). */
  readonly size: number;
  readonly lineNo: number;
  readonly duplicates: number;
  readonly migrated: number;
  readonly newer: number;
  readonly entries: SnapshotEntry[];
}

type Row = [
  id: string, turnId: string, startedMs: number, modelRequested: number, modelServed: number, kind: number, status: number,
  input: number, cacheRead: number, cacheWrite: number, output: number, reasoning: number,
  credits: number | null, usd: number | null, low: number | null, expected: number | null, high: number | null,
  byteOffset: number, byteLength: number,
];

interface SnapshotFile {
  format: number;
  schemaVersion: number;
  strings: string[];
  segments: Array<Omit<SnapshotSegment, 'entries'> & { rows: Row[] }>;
}

export async function writeSnapshot(file: string, segments: readonly SnapshotSegment[]): Promise<void> {
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const intern = (value: string | null): number => {
    if (value === null) {
      return -1;
    }
    let id = stringIds.get(value);
    if (id === undefined) {
      id = strings.length;
      strings.push(value);
      stringIds.set(value, id);
    }
    return id;
  };
  const body: SnapshotFile = {
    format: FORMAT,
    schemaVersion: SCHEMA_VERSION,
    strings,
    segments: segments.map(({ entries, ...segment }) => ({
      ...segment,
      rows: entries.map(({ summary: s, byteOffset, byteLength }): Row => [
        s.id, s.turnId, s.startedMs, intern(s.modelRequested), intern(s.modelServed), intern(s.kind), intern(s.status),
        s.inputTokens, s.cacheReadTokens, s.cacheWriteTokens, s.outputTokens, s.reasoningTokens,
        s.credits, s.usd, s.estimate?.low ?? null, s.estimate?.expected ?? null, s.estimate?.high ?? null,
        byteOffset, byteLength,
      ]),
    })),
  };
  await writeFileAtomic(file, JSON.stringify(body));
}

/** The cached segments, or an empty list when there is no usable snapshot. */
export async function readSnapshot(file: string): Promise<SnapshotSegment[]> {
  let body: SnapshotFile;
  try {
    body = JSON.parse(await fsp.readFile(file, 'utf8')) as SnapshotFile;
  } catch {
    return [];
  }
  if (body?.format !== FORMAT || body.schemaVersion !== SCHEMA_VERSION || !Array.isArray(body.segments) || !Array.isArray(body.strings)) {
    return [];
  }
  const { strings } = body;
  try {
    return body.segments.map(({ rows, ...segment }) => ({
      ...segment,
      entries: rows.map((row): SnapshotEntry => {
        if (row.length !== 19) {
          throw new Error('unexpected snapshot row');
        }
        return {
          summary: {
            id: row[0], turnId: row[1], startedMs: row[2],
            modelRequested: strings[row[3]], modelServed: row[4] === -1 ? null : strings[row[4]],
            kind: strings[row[5]] as RequestKind, status: strings[row[6]] as OutcomeStatus,
            inputTokens: row[7], cacheReadTokens: row[8], cacheWriteTokens: row[9], outputTokens: row[10], reasoningTokens: row[11],
            credits: row[12], usd: row[13],
            estimate: row[15] === null ? null : { low: row[14] ?? 0, expected: row[15], high: row[16] ?? 0 },
          },
          byteOffset: row[17],
          byteLength: row[18],
        };
      }),
    }));
  } catch {
    return [];
  }
}
