/**
 * Finds the rank table of an encoding: the prebuilt `dist/ranks/<encoding>.bin` that the build writes
 * (scripts/buildRanks.js) and the package ships, read in milliseconds. There is no other source at
 * run time: the extension and the CLI are bundles without dependencies, so a missing or damaged file
 * is an error that says how to get it back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EncodingName } from './encodingName';
import { deserializeRankTable } from './rankFile';
import type { RankTable } from './rankTable';

const PACKAGE_NAME = 'credit-meter';

/** The directory of Credit Meter's own package.json, walking up from `start`; undefined if none. */
export function findPackageRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) {
          return dir;
        }
      } catch {
        // an unreadable manifest is not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

export function rankFilePath(encoding: EncodingName, start = __dirname): string | undefined {
  const root = findPackageRoot(start);
  return root === undefined ? undefined : path.join(root, 'dist', 'ranks', `${encoding}.bin`);
}

/** Reads the prebuilt table, or undefined when the file is missing or unusable. */
export function readRankFile(file: string): RankTable | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    return deserializeRankTable(bytes);
  } catch {
    return undefined;
  }
}

/** `start`: where to look for Credit Meter's package root (this module's folder by default). */
export function loadRankTable(encoding: EncodingName, start = __dirname): RankTable {
  const file = rankFilePath(encoding, start);
  const table = file === undefined ? undefined : readRankFile(file);
  if (table === undefined) {
    throw new Error(`The ${encoding} token table ${file ?? `dist/ranks/${encoding}.bin`} is missing or damaged: reinstall Credit Meter, or run "npm run build" in its sources.`);
  }
  return table;
}
