// Which bundled suite files a run loads: every `*.test.js` under the bundle folder, except the
// deliberately failing self-test, which is loaded alone and only when asked for.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const selfTestFolder = 'selfTest';

function listTests(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listTests(full) : entry.name.endsWith('.test.js') ? [full] : [];
  });
}

export function selectSuiteFiles(bundleDir: string, selfTest: boolean): string[] {
  const isSelfTest = (file: string) => path.relative(bundleDir, file).split(path.sep)[0] === selfTestFolder;
  return listTests(bundleDir).filter((file) => isSelfTest(file) === selfTest).sort();
}
