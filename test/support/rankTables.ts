/**
 * Rank tables for tests. The runtime reads only the prebuilt `dist/ranks/*.bin` (scripts/buildRanks.js);
 * tests build those files when they are missing, so a single test file runs from the sources without a
 * build, and compare them with a table decoded straight from js-tiktoken's rank data (a development
 * dependency, never shipped).
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { EncodingName } from '../../src/core/tokens/encodingName';
import { buildRankTable, type RankTable } from '../../src/core/tokens/rankTable';

const load = createRequire(__filename);
const { buildRanks } = load('../../scripts/buildRanks.js') as { buildRanks(outDir: string): string[] };

export const RANKS_DIR = path.resolve(__dirname, '..', '..', 'dist', 'ranks');

/** Writes the rank files the runtime reads when they are missing or outdated (a no-op after a build). */
export function ensureRankFiles(): void {
  buildRanks(RANKS_DIR);
}

/** js-tiktoken's rank text for an encoding. */
export function jsTiktokenRanks(encoding: EncodingName): string {
  const ranks = load(`js-tiktoken/ranks/${encoding}`) as { bpe_ranks?: string; default?: { bpe_ranks: string } };
  const text = ranks.bpe_ranks ?? ranks.default?.bpe_ranks;
  if (text === undefined) {
    throw new Error(`js-tiktoken has no rank data for ${encoding}`);
  }
  return text;
}

/** The table decoded in memory from js-tiktoken's data (slow: half a second or more). */
export function buildRankTableInMemory(encoding: EncodingName): RankTable {
  return buildRankTable(jsTiktokenRanks(encoding));
}
