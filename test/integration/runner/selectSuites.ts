// Which bundled suite files a run loads: every `*.test.js` under the bundle folder, except the
// deliberately failing self-test, which is loaded alone and only when asked for, and the
// localisation suite, which is loaded alone in the pseudo-locale run.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const selfTestFolder = 'selfTest';
/** The suites that run only in the pseudo-locale (the workbench in another display language). */
export const localeFolder = 'l10n';

function listTests(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listTests(full) : entry.name.endsWith('.test.js') ? [full] : [];
  });
}

export function selectSuiteFiles(bundleDir: string, selfTest: boolean, locale = false): string[] {
  const folderOf = (file: string) => path.relative(bundleDir, file).split(path.sep)[0];
  const wanted = selfTest ? selfTestFolder : locale ? localeFolder : undefined;
  return listTests(bundleDir).filter((file) => {
    const folder = folderOf(file);
    return wanted !== undefined ? folder === wanted : folder !== selfTestFolder && folder !== localeFolder;
  }).sort();
}
