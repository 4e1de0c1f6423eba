/**
 * The on-disk form of a RankTable (`dist/ranks/<encoding>.bin`), written at build time by
 * scripts/buildRanks.js and read at run time in tens of milliseconds instead of the 0.5 s+ it takes
 * to decode js-tiktoken's base64 ranks into a Map.
 *
 * Layout, all little-endian 32-bit words: an 8-word header
 * [magic, format version, rankCount, blobLength, 0, source fingerprint, 0, 0],
 * then offsets (rankCount + 1 words), then the token byte blob. The hash table (`slots`) is not
 * stored: it is 2 MB of words no compressor can shrink, half of what the extension's package would
 * otherwise hold, and rebuilt from the blob on load (`buildSlots`).
 */
import { buildSlots, type RankTable } from './rankTable';

const MAGIC = 0x4b524d43; // 'CMRK'
/** 2: the hash table is rebuilt on load instead of stored (1 stored it). */
export const RANK_FILE_VERSION = 2;
const HEADER_WORDS = 8;

/** A cheap fingerprint of the rank source text, so the build can tell a stale file from a current one. */
export function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

export function serializeRankTable(table: RankTable, sourceFingerprint: number): Uint8Array {
  const { rankCount, offsets, blob } = table;
  const words = HEADER_WORDS + offsets.length;
  const bytes = new Uint8Array(words * 4 + blob.length);
  const view = new DataView(bytes.buffer);
  const header = [MAGIC, RANK_FILE_VERSION, rankCount, blob.length, 0, sourceFingerprint, 0, 0];
  let word = 0;
  for (const value of header) {
    view.setUint32(4 * word++, value >>> 0, true);
  }
  for (const value of offsets) {
    view.setUint32(4 * word++, value, true);
  }
  bytes.set(blob, 4 * word);
  return bytes;
}

/** The fingerprint a rank file was built from, or undefined when the file is not a current-format rank file. */
export function readFingerprint(bytes: Uint8Array): number | undefined {
  if (bytes.length < HEADER_WORDS * 4) {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== RANK_FILE_VERSION) {
    return undefined;
  }
  return view.getUint32(20, true);
}

/**
 * Reads a rank file as a RankTable: offsets and blob are views of the bytes (on little-endian hosts,
 * when aligned), the hash table is rebuilt. Throws when the bytes are not a well-formed rank file of
 * the current format.
 */
export function deserializeRankTable(bytes: Uint8Array): RankTable {
  if (readFingerprint(bytes) === undefined) {
    throw new Error('not a Credit Meter rank file of format version ' + RANK_FILE_VERSION);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rankCount = view.getUint32(8, true);
  const blobLength = view.getUint32(12, true);
  const words = HEADER_WORDS + rankCount + 1;
  if (bytes.length !== words * 4 + blobLength || view.getUint32(16, true) !== 0) {
    throw new Error('rank file is truncated or corrupt');
  }
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const base = aligned.byteOffset;
  let offsets: Uint32Array;
  if (littleEndian) {
    offsets = new Uint32Array(aligned.buffer, base + HEADER_WORDS * 4, rankCount + 1);
  } else {
    offsets = new Uint32Array(rankCount + 1);
    for (let i = 0; i <= rankCount; i++) {
      offsets[i] = view.getUint32((HEADER_WORDS + i) * 4, true);
    }
  }
  const blob = new Uint8Array(aligned.buffer, base + words * 4, blobLength);
  if (offsets[rankCount] !== blobLength) {
    throw new Error('rank file offsets do not match its blob');
  }
  for (let rank = 0; rank < rankCount; rank++) {
    if (offsets[rank] > offsets[rank + 1]) {
      throw new Error('rank file offsets are out of order');
    }
  }
  return { rankCount, offsets, blob, slots: buildSlots(rankCount, offsets, blob) };
}
