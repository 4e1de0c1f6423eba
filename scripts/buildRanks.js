// Writes the tokenizer's rank tables to `<outDir>/<encoding>.bin` (format: src/core/tokens/rankFile.ts),
// so the extension and CLI load an encoder in milliseconds instead of decoding js-tiktoken's base64
// ranks into a Map (0.5 s+ and 100 MB+ for o200k). A file is rewritten only when missing or built from
// other rank data or an older format. The table code is the runtime's own TypeScript, bundled on the fly
// with esbuild, so the writer and the reader cannot drift apart.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const ENCODINGS = ['o200k_base', 'cl100k_base'];
const HEADER_BYTES = 32;

function loadTableCode() {
  const result = esbuild.buildSync({
    stdin: {
      contents: "export * from './rankTable'; export * from './rankFile';",
      resolveDir: path.join(__dirname, '..', 'src', 'core', 'tokens'),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

function readHeader(file) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
      return header.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Builds every missing or outdated rank file under `outDir`; returns the files it wrote. */
exports.buildRanks = function buildRanks(outDir) {
  const code = loadTableCode();
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const encoding of ENCODINGS) {
    const ranks = require(`js-tiktoken/ranks/${encoding}`);
    const source = ranks.bpe_ranks ?? ranks.default.bpe_ranks;
    const fingerprint = code.fingerprint(source);
    const file = path.join(outDir, `${encoding}.bin`);
    const header = readHeader(file);
    if (header !== undefined && code.readFingerprint(header) === fingerprint) {
      continue;
    }
    const bytes = code.serializeRankTable(code.buildRankTable(source), fingerprint);
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
    written.push(file);
  }
  return written;
};

if (require.main === module) {
  const outDir = process.argv[2] ?? path.join(__dirname, '..', 'dist', 'ranks');
  for (const file of exports.buildRanks(outDir)) {
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
