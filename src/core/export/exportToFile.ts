/**
 * Writes an export to a file all-or-nothing: a temp file in the same folder, fsync, rename over
 * the target. On any error the temp file is removed and the error rethrown; the target is never
 * left half-written. An export with no rows is refused unless `allowEmpty` (an empty file looks
 * like "no usage" when it is usually a filter mistake).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import * as path from 'node:path';
import type { ExportRecord } from './csvColumns';
import { type ExportOptions, type ExportResult, writeExport } from './writeExport';

export class EmptyExportError extends Error {
  constructor() {
    super('nothing to export: no records match the filters');
    this.name = 'EmptyExportError';
  }
}

export interface ExportToFileOptions extends ExportOptions {
  readonly allowEmpty?: boolean;
}

export interface ExportFileResult extends ExportResult {
  readonly path: string;
}

export async function exportToFile(file: string, records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>, options: ExportToFileOptions): Promise<ExportFileResult> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  const stream = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600, highWaterMark: 256 * 1024 });
  try {
    await once(stream, 'open');
    const result = await writeExport(records, options, stream);
    stream.end();
    await finished(stream);
    if (result.rows === 0 && !options.allowEmpty) {
      throw new EmptyExportError();
    }
    // fsync is per file, so a fresh descriptor flushes what the stream wrote.
    const handle = await fsp.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
    return { ...result, path: target };
  } catch (error) {
    stream.destroy();
    await fsp.rm(temp, { force: true });
    throw error;
  }
}
