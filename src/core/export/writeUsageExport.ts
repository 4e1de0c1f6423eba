/**
 * Streams the ledger's records of a filter into the core exporter (temp file + rename), with progress
 * and cancellation. An empty selection is refused before any file is created; a cancelled or failed
 * export leaves neither a partial file nor a changed target. When the ledger changes on disk under
 * the export in a way only a rebuilt index can follow, the export runs once more.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { EmptyExportError, exportToFile, type ExportFormat, skippedLines, type SkippedLines } from './';
import { type Ledger, LedgerChangedError } from '../ledger/ledger';
import type { LedgerFilter } from '../ledger/ledgerFilter';
import type { ExportRecord } from './csvColumns';

export { EmptyExportError };

export interface UsageExportRequest {
  readonly format: ExportFormat;
  readonly filter: LedgerFilter;
  readonly includePrompts: boolean;
  readonly targetPath: string;
  readonly signal?: AbortSignal;
  /** Rows written so far, of `total`. */
  readonly onProgress?: (rows: number, total: number) => void;
}

const PROGRESS_EVERY = 2_000;

function abortError(): Error {
  const error = new Error('Export cancelled');
  error.name = 'AbortError';
  return error;
}

export interface UsageExportResult {
  readonly rows: number;
  readonly totalCredits: number;
  readonly path: string;
  /** Ledger lines no export can include (also in a JSON export's header). */
  readonly skipped: SkippedLines;
}

export async function writeUsageExport(ledger: Pick<Ledger, 'select' | 'health'>, request: UsageExportRequest): Promise<UsageExportResult> {
  try {
    return await writeOnce(ledger, request);
  } catch (error) {
    if (!(error instanceof LedgerChangedError) || request.signal?.aborted) {
      throw error;
    }
    // The index has been rebuilt: a fresh selection reads the ledger as it is now.
    return writeOnce(ledger, request);
  }
}

async function writeOnce(ledger: Pick<Ledger, 'select' | 'health'>, request: UsageExportRequest): Promise<UsageExportResult> {
  // One selection for the header and the rows, so a record appended meanwhile can't make them disagree.
  const selection = await ledger.select(request.filter);
  const skipped = skippedLines(await ledger.health());
  if (selection.rowCount === 0) {
    throw new EmptyExportError();
  }
  const total = selection.rowCount;
  const signal = request.signal;
  async function* tracked(): AsyncGenerator<ExportRecord> {
    let rows = 0;
    for await (const record of selection.records()) {
      // On cancel the stream just ends (throwing mid-write would race the writer's own cleanup);
      // the finished part-file is then deleted below.
      if (signal?.aborted) {
        return;
      }
      rows += 1;
      if (rows % PROGRESS_EVERY === 0) {
        request.onProgress?.(rows, total);
      }
      yield record;
    }
    request.onProgress?.(rows, total);
  }
  // The core writes atomically to `staging`; only a complete, uncancelled export is renamed to the target.
  const target = path.resolve(request.targetPath);
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  let written;
  try {
    written = await exportToFile(staging, tracked(), {
      format: request.format,
      includePrompts: request.includePrompts,
      filters: request.filter,
      summary: { rowCount: total, totals: selection.totals },
      skipped,
    });
    if (signal?.aborted) {
      throw abortError();
    }
    await fsp.rename(staging, target);
  } catch (error) {
    await fsp.rm(staging, { force: true });
    throw signal?.aborted ? abortError() : error;
  }
  return { rows: written.rows, totalCredits: written.totalCredits, path: target, skipped };
}
