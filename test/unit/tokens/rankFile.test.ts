/**
 * The prebuilt rank files (scripts/buildRanks.js) must hold the same table as js-tiktoken's rank data,
 * counters over either must agree, and the runtime, which reads only these files, must say what to do
 * when one is missing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENCODING_NAMES } from '../../../src/core/tokens';
import { BpeCounter } from '../../../src/core/tokens/bpeCounter';
import { findPackageRoot, loadRankTable, rankFilePath, readRankFile } from '../../../src/core/tokens/loadRankTable';
import { deserializeRankTable } from '../../../src/core/tokens/rankFile';
import { NO_RANK, rankOf } from '../../../src/core/tokens/rankTable';
import { buildCorpus } from '../../support/corpus';
import { buildRankTableInMemory } from '../../support/rankTables';

const { buildRanks } = createRequire(__filename)('../../../scripts/buildRanks.js') as { buildRanks(outDir: string): string[] };

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

describe('rank files', function () {
  this.timeout(30_000);
  let outDir: string;

  before(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-meter-ranks-'));
  });
  after(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('builds each file once and rebuilds a damaged one', () => {
    const first = buildRanks(outDir).map((file) => path.basename(file)).sort();
    assert.deepEqual(first, ENCODING_NAMES.map((encoding) => `${encoding}.bin`).sort());
    assert.deepEqual(buildRanks(outDir), [], 'up-to-date files are left alone');
    const damaged = path.join(outDir, 'cl100k_base.bin');
    fs.writeFileSync(damaged, 'not a rank file');
    assert.equal(readRankFile(damaged), undefined, 'a damaged file is refused, not misread');
    assert.deepEqual(buildRanks(outDir), [damaged]);
    assert.ok(readRankFile(damaged));
  });

  it('refuses a truncated file', () => {
    const bytes = fs.readFileSync(path.join(outDir, 'cl100k_base.bin'));
    assert.throws(() => deserializeRankTable(bytes.subarray(0, bytes.length - 1)), /truncated/);
  });

  for (const encoding of ENCODING_NAMES) {
    it(`holds the same ${encoding} table as js-tiktoken's rank data, and counts the same`, () => {
      const fromFile = readRankFile(path.join(outDir, `${encoding}.bin`));
      assert.ok(fromFile);
      const inMemory = buildRankTableInMemory(encoding);
      assert.equal(fromFile.rankCount, inMemory.rankCount);
      assert.ok(sameBytes(fromFile.offsets, inMemory.offsets), 'offsets');
      assert.ok(sameBytes(fromFile.slots, inMemory.slots), 'slots');
      assert.ok(sameBytes(fromFile.blob, inMemory.blob), 'blob');

      const hello = new TextEncoder().encode('hello');
      assert.notEqual(rankOf(fromFile, hello, 0, hello.length), NO_RANK);
      const nonsense = new TextEncoder().encode('zqxjzqxjzqxj');
      assert.equal(rankOf(fromFile, nonsense, 0, nonsense.length), NO_RANK);

      const a = new BpeCounter(encoding, fromFile);
      const b = new BpeCounter(encoding, inMemory);
      for (const document of buildCorpus().documents.slice(0, 150)) {
        assert.equal(a.count(document.text), b.count(document.text), document.name);
      }
    });
  }

  it('finds the rank files from the sources and from dist', () => {
    const root = findPackageRoot(__dirname);
    assert.ok(root && fs.existsSync(path.join(root, 'esbuild.js')));
    assert.equal(findPackageRoot(path.join(root, 'dist')), root);
    assert.equal(rankFilePath('o200k_base', path.join(root, 'src', 'core', 'tokens')), path.join(root, 'dist', 'ranks', 'o200k_base.bin'));
    assert.equal(findPackageRoot(os.tmpdir()), undefined);
  });

  it('refuses to run without its rank file, naming the file and the fix', () => {
    const root = path.join(outDir, 'installed');
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'credit-meter' }));
    const expected = path.join(root, 'dist', 'ranks', 'o200k_base.bin');
    assert.throws(() => loadRankTable('o200k_base', path.join(root, 'dist')), (error: Error) =>
      error.message.includes(expected) && /reinstall Credit Meter/.test(error.message));
    fs.mkdirSync(path.dirname(expected));
    fs.copyFileSync(path.join(outDir, 'o200k_base.bin'), expected);
    assert.equal(loadRankTable('o200k_base', path.join(root, 'dist')).rankCount, readRankFile(expected)?.rankCount);
  });
});
