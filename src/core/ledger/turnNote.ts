/**
 * A note: an append-only ledger line that adds something learnt about a request after its record
 * was written, without touching the record (records are immutable). Today the only note says that
 * a code block of a request's answer was applied to the editor (inserted, replacing a selection, or
 * accepted as a diff):
 *
 * ```
 * {"schemaVersion":4,"type":"turnNote","id":<uuid>,"turnId":…,"recordId":<uuid>,"at":<ISO UTC>,"appliedBlock":n}
 * ```
 *
 * - It names the record that holds the answer (a turn's last `ok` attempt) and its turn, and carries
 *   the *index* of the block in the answer (0-based, in document order), never its text.
 * - Folding is order-independent and idempotent: a record's applied count is the number of distinct
 *   block indices noted for it. A replayed note, the same block applied twice, or two windows noting
 *   the same block count once; two windows applying different blocks add up. Notes also dedupe by
 *   their own `id`, like records.
 * - `schemaVersion` 4 is the first version that has notes. Record and note versions share one
 *   sequence (records are still version 3), so a reader that knows only records classes a note as
 *   "written by a newer Credit Meter" and leaves it in place instead of quarantining it. A later
 *   change of the record shape takes the next free number.
 */
import * as z from 'zod';
import { NewerSchemaError, parseLine } from './migrateRecord';
import { type RecordSource } from './usageRecord';

export const NOTE_SCHEMA_VERSION = 4;
export const TURN_NOTE = 'turnNote';

const count = z.number().int().nonnegative();

export const TurnNote = z.object({
  schemaVersion: z.literal(NOTE_SCHEMA_VERSION),
  type: z.literal(TURN_NOTE),
  id: z.uuid(),
  /** The turn of the record; redacted like the record's own `turnId`. */
  turnId: z.string().min(1).max(128),
  /** The record whose answer the block came from. */
  recordId: z.uuid(),
  /** When it was applied. */
  at: z.iso.datetime({ offset: false, local: false }),
  /** 0-based index of the code block in the answer, in document order (as the Compose view numbers them). */
  appliedBlock: count,
});
export type TurnNote = z.infer<typeof TurnNote>;

/** The doors whose answers offer Insert, Replace and Apply as diff, and note what was applied. */
const APPLYING_SOURCES: ReadonlySet<RecordSource | null> = new Set<RecordSource>(['compose', 'inputBox']);

/** True for a parsed ledger line that says it is a note (of any version): it never goes through the record path. */
export function isNoteLine(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === TURN_NOTE;
}

/** Validates a note line; throws `NewerSchemaError` for a later note version, `InvalidRecordError` naming the field otherwise. */
export function parseNote(raw: unknown): TurnNote {
  const declared = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (typeof declared === 'number' && Number.isInteger(declared) && declared > NOTE_SCHEMA_VERSION) {
    throw new NewerSchemaError(declared, NOTE_SCHEMA_VERSION);
  }
  return parseLine(TurnNote, raw, '(note)');
}

/**
 * A record's applied code blocks as the ledger reports it: the distinct blocks noted, else 0 for a
 * request whose answer Credit Meter shows with apply buttons (nothing was applied), else null
 * (a request through the gateway, or of an unknown door: nobody here can know).
 */
export function appliedBlocksOf(source: RecordSource | null, noted: number): number | null {
  if (noted > 0) {
    return noted;
  }
  return APPLYING_SOURCES.has(source) ? 0 : null;
}
