/** The ledger folder and record filters that `credit-meter report` and `credit-meter export` share. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  Ledger, type LedgerFilter, type LedgerHealth, type LedgerScanReport, OUTCOME_STATUSES, type OutcomeStatus, QUARANTINE_FILE, REQUEST_KINDS,
  type RequestKind, SEGMENTS_DIR, SNAPSHOT_FILE,
} from '../core/ledger';
import { CliError, type CliIo } from './io';

export interface FilterOptions {
  since?: string;
  until?: string;
  model?: string[];
  kind?: string[];
  status?: string[];
}

export function ledgerFilterFrom(values: FilterOptions): LedgerFilter {
  const kinds = (values.kind ?? []).map((kind) => {
    if (!(REQUEST_KINDS as readonly string[]).includes(kind)) {
      throw new CliError(`--kind must be one of ${REQUEST_KINDS.join(', ')}, not '${kind}'`);
    }
    return kind as RequestKind;
  });
  const statuses = (values.status ?? []).map((status) => {
    if (!(OUTCOME_STATUSES as readonly string[]).includes(status)) {
      throw new CliError(`--status must be one of ${OUTCOME_STATUSES.join(', ')}, not '${status}'`);
    }
    return status as OutcomeStatus;
  });
  const since = values.since === undefined ? undefined : parseDate('--since', values.since, false);
  const until = values.until === undefined ? undefined : parseDate('--until', values.until, true);
  if (since && until && since >= until) {
    throw new CliError(`--since (${values.since}) must be before --until (${values.until})`);
  }
  return { since, until, models: values.model ?? [], kinds, statuses };
}

/** A bare day means its UTC midnight; for `--until` the midnight after it (the day is included). */
export function parseDate(option: string, text: string, endOfDay: boolean): Date {
  const day = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim());
  if (day) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + (endOfDay ? 1 : 0));
    const check = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (check.getUTCDate() === Number(day[3]) && check.getUTCMonth() === Number(day[2]) - 1) {
      return new Date(ms);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text.trim()) && !Number.isNaN(Date.parse(text))) {
    return new Date(Date.parse(text));
  }
  throw new CliError(`${option}: not a date: '${text}' (use YYYY-MM-DD or an ISO-8601 time)`);
}

/**
 * Opens the ledger in `dir` (relative to the working folder) as a reader: nothing in the folder is
 * repaired or moved, so a read-only ledger reads fine, and unreadable lines are reported instead.
 * A missing folder is an error, an empty one is not; a folder that holds no ledger (e.g. the
 * extension's workspace storage folder, the parent of `ledger/`) is an error that names the ledger
 * folder inside it when there is one.
 */
export async function openLedger(io: CliIo, dir: string | undefined): Promise<{ ledger: Ledger; report: LedgerScanReport }> {
  if (!dir?.trim()) {
    throw new CliError('--ledger DIR is required (try --help)');
  }
  const folder = path.resolve(io.cwd, dir);
  const stat = await fsp.stat(folder).catch(() => undefined);
  if (!stat) {
    throw new CliError(`ledger folder not found: ${folder}`);
  }
  if (!stat.isDirectory()) {
    throw new CliError(`--ledger must be a folder: ${folder}`);
  }
  await assertLedgerFolder(io, folder);
  return Ledger.open(folder, { create: false, repair: false });
}

/** What only a ledger folder holds. */
const LEDGER_ENTRIES = new Set([SEGMENTS_DIR, SNAPSHOT_FILE, QUARANTINE_FILE]);
/** How deep below `--ledger` to look for the ledger the user meant (storage folder -> ledger, workspace hash folder -> extension -> ledger). */
const SEARCH_DEPTH = 3;
/** Folders looked at per level, so pointing at a home folder stays quick. */
const SEARCH_WIDTH = 200;

async function assertLedgerFolder(io: CliIo, folder: string): Promise<void> {
  const entries = await fsp.readdir(folder).catch(() => [] as string[]);
  if (entries.length === 0 || entries.some((entry) => LEDGER_ENTRIES.has(entry))) {
    return;
  }
  const inside = await findLedgerBelow(folder);
  if (inside) {
    throw new CliError(`${folder} is not a ledger folder; the ledger is in ${inside} (try --ledger ${shellQuote(displayPath(io, inside))})`);
  }
  throw new CliError(`${folder} is not a Credit Meter ledger folder (no ${SEGMENTS_DIR}/ inside; the extension keeps its ledger in a "ledger" folder of its workspace storage)`);
}

/** The first folder below `root` (breadth first, a folder named `ledger` first) that holds `segments/`. */
async function findLedgerBelow(root: string): Promise<string | undefined> {
  let level = [root];
  for (let depth = 0; depth < SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const children = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
      const folders = children.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
        .sort((a, b) => Number(b === 'ledger') - Number(a === 'ledger') || a.localeCompare(b));
      for (const name of folders.slice(0, SEARCH_WIDTH)) {
        const child = path.join(dir, name);
        const segments = await fsp.stat(path.join(child, SEGMENTS_DIR)).catch(() => undefined);
        if (segments?.isDirectory()) {
          return child;
        }
        next.push(child);
      }
    }
    level = next.slice(0, SEARCH_WIDTH);
  }
  return undefined;
}

function displayPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * Sentences about what the sums leave out (empty when nothing is): lines skipped because they are
 * damaged, set aside in quarantine, or written by a newer Credit Meter; and an index rebuilt
 * because its snapshot was damaged or a segment was edited in place.
 */
export function healthNotes(health: LedgerHealth): string[] {
  const notes: string[] = [];
  if (health.rebuilt !== undefined) {
    notes.push(`The ledger's index was rebuilt from its segments: ${health.rebuilt}.`);
  }
  if (health.damaged > 0) {
    notes.push(`${health.damaged} unreadable ledger line(s) were skipped and are not counted (left in place; Credit Meter moves them to ${QUARANTINE_FILE} when it next writes to this ledger).`);
  }
  if (health.quarantined > 0) {
    notes.push(`${health.quarantined} ledger line(s) could not be read and are set aside in ${QUARANTINE_FILE} in the ledger folder; they are not counted.`);
  }
  if (health.newer > 0) {
    notes.push(`${health.newer} record(s) were written by a newer version of Credit Meter and are not counted; update Credit Meter to include them.`);
  }
  return notes;
}
