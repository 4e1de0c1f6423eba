/**
 * A corpus of real text for tokenizer exactness tests and benchmarks, assembled from the sources and
 * docs installed under node_modules: .js, .ts, .md and .json files, picked round-robin across
 * packages (so no single package dominates), in sorted order, de-duplicated by content.
 * The same machine state always yields the same corpus.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CorpusDocument {
  /** Path relative to the repository root. */
  readonly name: string;
  readonly text: string;
}

export interface Corpus {
  readonly documents: readonly CorpusDocument[];
  /** UTF-8 size of all documents. */
  readonly bytes: number;
}

const ROOT = path.resolve(__dirname, '..', '..');
const EXTENSIONS = new Set(['.js', '.ts', '.md', '.json']);
const MIN_FILE_BYTES = 200;
const MAX_FILE_BYTES = 256 * 1024;

function listFiles(dir: string, found: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.bin' && entry.name !== '.cache') {
        listFiles(full, found);
      }
    } else if (entry.isFile() && EXTENSIONS.has(path.extname(entry.name))) {
      found.push(full);
    }
  }
}

/** The package a file belongs to: `node_modules/<name>` or `node_modules/@scope/<name>`. */
function packageOf(file: string): string {
  const parts = path.relative(path.join(ROOT, 'node_modules'), file).split(path.sep);
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

const cache = new Map<number, Corpus>();

/** At least `minBytes` of UTF-8 text (default 5 MiB), unless node_modules holds less. */
export function buildCorpus(minBytes = 5 * 1024 * 1024): Corpus {
  const cached = cache.get(minBytes);
  if (cached) {
    return cached;
  }
  const files: string[] = [];
  listFiles(path.join(ROOT, 'node_modules'), files);
  const byPackage = new Map<string, string[]>();
  for (const file of files) {
    const name = packageOf(file);
    const list = byPackage.get(name) ?? [];
    list.push(file);
    byPackage.set(name, list);
  }
  const queues = [...byPackage.keys()].sort().map((name) => byPackage.get(name) ?? []);
  const seen = new Set<string>();
  const documents: CorpusDocument[] = [];
  let bytes = 0;
  for (let round = 0; bytes < minBytes && queues.some((queue) => round < queue.length); round++) {
    for (const queue of queues) {
      if (bytes >= minBytes) {
        break;
      }
      const file = queue[round];
      if (file === undefined) {
        continue;
      }
      const size = fs.statSync(file).size;
      if (size < MIN_FILE_BYTES || size > MAX_FILE_BYTES) {
        continue;
      }
      const content = fs.readFileSync(file);
      const digest = createHash('sha1').update(content).digest('hex');
      if (seen.has(digest)) {
        continue;
      }
      seen.add(digest);
      documents.push({ name: path.relative(ROOT, file), text: content.toString('utf8') });
      bytes += content.length;
    }
  }
  const corpus = { documents, bytes };
  cache.set(minBytes, corpus);
  return corpus;
}
