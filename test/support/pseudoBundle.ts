/** The pseudo-locale bundle of the sources: every `l10n.t` message `@vscode/l10n-dev` exports from src/, pseudo-localised. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';

const root = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

let cached: Promise<Record<string, string>> | undefined;

export function pseudoBundle(): Promise<Record<string, string>> {
  cached ??= (async () => {
    const files = sourceFiles(path.join(root, 'src')).map((file) => ({ extension: '.ts', contents: fs.readFileSync(file, 'utf8') }));
    const pseudo = getL10nPseudoLocalized(await getL10nJson(files));
    return Object.fromEntries(Object.entries(pseudo).map(([key, value]) => [key, typeof value === 'string' ? value : value.message]));
  })();
  return cached;
}
