/**
 * The thread file: one JSON document per conversation, validated with zod on every read.
 *
 * `formatVersion` says which shape a file has. A file of an older version is brought to the current
 * shape by `THREAD_MIGRATIONS`, one step per version (a step moves or fills fields, never changes a
 * charge), then validated; a file of a newer version is left untouched and reported. Bump
 * `THREAD_FORMAT_VERSION` when the shape changes and add the step from the previous version.
 *
 * Texts (prompt, answer, context texts) are null when the user keeps no prompts (`storePrompts`
 * off): the metering (turn ids, record ids, estimates, charges, context labels and hashes) remains.
 */
import * as z from 'zod';
import { OUTCOME_STATUSES, RecordEstimate } from '../ledger';

/** 2: every turn counts the code blocks of its answer applied to the editor (`appliedBlocks`). */
export const THREAD_FORMAT_VERSION = 2;

const count = z.number().int().nonnegative();
const isoUtc = z.iso.datetime({ offset: false, local: false });
const epochMs = z.number().finite().nonnegative();

export const ThreadContext = z.object({
  /** `file`, `selection`, `pasted`, `other`. */
  kind: z.string().min(1).max(64),
  /** Where it came from (a path and range), never the content. */
  label: z.string().max(1024),
  /** `contentHash` of the text as attached. */
  hash: z.string().min(1).max(128),
  tokens: count.nullable(),
  text: z.string().nullable(),
});
export type ThreadContext = z.infer<typeof ThreadContext>;

export const ThreadCharge = z.object({
  credits: z.number().nonnegative().nullable(),
  usd: z.number().nonnegative().nullable(),
});
export type ThreadCharge = z.infer<typeof ThreadCharge>;

/** `pending` until the answer is in; then how the request ended (the ledger's statuses). */
export const TURN_STATUSES = ['pending', ...OUTCOME_STATUSES] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

export const ThreadTurn = z.object({
  /** The ledger's `turnId` of the request. */
  turnId: z.string().min(1).max(128),
  /** Ledger record ids of its attempts. */
  recordIds: z.array(z.string().min(1).max(128)),
  startedAt: isoUtc,
  /** Provider id and model the turn was sent to. */
  provider: z.string().min(1).max(64),
  model: z.string().min(1).max(256),
  status: z.enum(TURN_STATUSES),
  prompt: z.string().nullable(),
  contexts: z.array(ThreadContext),
  answer: z.string().nullable(),
  /** The send-time estimate (the ledger's shape, prompt-cache parts included). */
  estimate: RecordEstimate.nullable(),
  charge: ThreadCharge.nullable(),
  /** Code blocks of the answer applied to the editor (inserted, replaced, or accepted as a diff): a count, never their text. */
  appliedBlocks: count,
});
export type ThreadTurn = z.infer<typeof ThreadTurn>;

const CacheEntrySchema = z.object({
  rules: z.enum(['anthropic', 'openai']),
  model: z.string().min(1).max(256),
  key: z.string().min(1).max(64),
  tokens: count,
  ttl: z.enum(['5m', '1h']).optional(),
  usedAt: epochMs,
  expiresAt: epochMs,
  mayLastUntil: epochMs.optional(),
});

/** The prompt-cache model's state for the thread (`src/core/cache` `CacheState`): hashes and counts, no text. */
export const ThreadCacheState = z.object({
  version: z.literal(1),
  entries: z.array(CacheEntrySchema),
  last: z.object({
    model: z.string().min(1).max(256),
    at: epochMs,
    keys: z.array(z.string().min(1).max(64)),
    cachedBlocks: count,
  }).optional(),
});

export const ThreadFile = z.object({
  formatVersion: z.literal(THREAD_FORMAT_VERSION),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ and - only'),
  title: z.string().min(1).max(200),
  /** True while the title is the automatic one (it follows the first prompt when texts are kept). */
  autoTitle: z.boolean(),
  createdAt: isoUtc,
  updatedAt: isoUtc,
  turns: z.array(ThreadTurn),
  cache: ThreadCacheState.nullable(),
});
export type ThreadFile = z.infer<typeof ThreadFile>;

/** A file that cannot become a current thread; `reason` is one line, naming the field. */
export class InvalidThreadFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidThreadFileError';
  }
}

/** A file written by a newer Credit Meter: left as it is, never overwritten. */
export class NewerThreadFormatError extends Error {
  constructor(readonly formatVersion: number) {
    super(`formatVersion ${formatVersion} is newer than this version understands (${THREAD_FORMAT_VERSION})`);
    this.name = 'NewerThreadFormatError';
  }
}

type Raw = Record<string, unknown>;
export type ThreadMigration = (raw: Raw) => Raw;

/** Step `n` turns a version-`n` document into a version-`n+1` one. */
export const THREAD_MIGRATIONS: Readonly<Record<number, ThreadMigration>> = {
  // 1 -> 2: turns gain `appliedBlocks`; nothing was applied before it was counted.
  1: (raw) => ({
    ...raw,
    formatVersion: 2,
    turns: Array.isArray(raw.turns) ? raw.turns.map((turn: unknown) => (typeof turn === 'object' && turn !== null ? { appliedBlocks: 0, ...turn } : turn)) : raw.turns,
  }),
};

/**
 * Runs the steps from the document's `formatVersion` up to `target`. Exported with its step table
 * as a parameter so the chain itself is tested; files go through `parseThreadFile`.
 */
export function migrateThreadDocument(raw: unknown, steps: Readonly<Record<number, ThreadMigration>>, target: number): { document: Raw; migrated: boolean } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidThreadFileError('not a JSON object');
  }
  let document = raw as Raw;
  const declared = document.formatVersion;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new InvalidThreadFileError('formatVersion: missing or not a positive integer');
  }
  if (declared > target) {
    throw new NewerThreadFormatError(declared);
  }
  let version = declared;
  while (version < target) {
    const step = steps[version];
    if (!step) {
      throw new InvalidThreadFileError(`formatVersion: no migration from ${version}`);
    }
    document = step(document);
    if (document.formatVersion !== version + 1) {
      throw new InvalidThreadFileError(`formatVersion: the migration from ${version} did not produce ${version + 1}`);
    }
    version++;
  }
  return { document, migrated: version !== declared };
}

/** A file's text as a current thread document, or why not. */
export function parseThreadFile(text: string): { thread: ThreadFile; migrated: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new InvalidThreadFileError(`invalid JSON (${(error as Error).message})`);
  }
  const { document, migrated } = migrateThreadDocument(json, THREAD_MIGRATIONS, THREAD_FORMAT_VERSION);
  const result = ThreadFile.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
    throw new InvalidThreadFileError(`${field || '(document)'}: ${issue.message}`);
  }
  return { thread: result.data, migrated };
}
