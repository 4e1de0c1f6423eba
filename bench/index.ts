/**
 * `npm run bench`: every speed and memory target of Credit Meter, measured in one process and printed
 * as one table. Sections are separate modules; a section that is not written yet is skipped.
 * Exit code 1 when a row misses its target, so the table can gate a release.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BenchRow, type BenchSection, formatTable } from './table';

const sections = ['tokens', 'estimate', 'ledger', 'webview', 'sse', 'cache', 'telemetry', 'gateway'];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const name of sections) {
    if (only.length > 0 && !only.includes(name)) {
      continue;
    }
    if (!fs.existsSync(path.join(__dirname, `${name}.ts`))) {
      continue;
    }
    const section = (await import(`./${name}`)) as { run: BenchSection };
    process.stderr.write(`bench: ${name}...\n`);
    rows.push(...(await section.run()));
  }
  process.stdout.write(formatTable(rows) + '\n');
  if (rows.some((row) => row.ok === false)) {
    process.exitCode = 1;
  }
}

void main();
