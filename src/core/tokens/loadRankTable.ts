/**
 * Finds the rank table of an encoding: the prebuilt `dist/ranks/<encoding>.bin` when there is one
 * (milliseconds), else decoded in memory from js-tiktoken's rank data (half a second or more, but
 * correct, e.g. when running from sources before a build).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { EncodingName } from './encodingName';
import { deserializeRankTable } from './rankFile';
import { buildRankTable, type RankTable } from './rankTable';

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

/** js-tiktoken's rank data, loaded only on this slow path (a computed require keeps it out of bundles). */
export function jsTiktokenRanks(encoding: EncodingName): string {
  const load = createRequire(__filename);
  const moduleName = ['js-tiktoken', 'ranks', encoding].join('/');
  const ranks = load(moduleName) as { bpe_ranks?: string; default?: { bpe_ranks: string } };
  const text = ranks.bpe_ranks ?? ranks.default?.bpe_ranks;
  if (text === undefined) {
    throw new Error(`js-tiktoken has no rank data for ${encoding}`);
  }
  return text;
}

export function buildRankTableInMemory(encoding: EncodingName): RankTable {
  return buildRankTable(jsTiktokenRanks(encoding));
}

export function loadRankTable(encoding: EncodingName): RankTable {
  const file = rankFilePath(encoding);
  return (file === undefined ? undefined : readRankFile(file)) ?? buildRankTableInMemory(encoding);
}
