// Throw-away workspace folders, so no run sees another run's files or settings.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeScratchDir, removeScratchDir } from './scratchDirs';

export interface TempWorkspace {
  readonly folder: string;
  dispose(): void;
}

/** A fresh folder under the system temp dir holding `files` (relative path -> content). */
export function createWorkspace(files: Record<string, string> = { 'README.md': '# Scratch workspace\n' }): TempWorkspace {
  const folder = makeScratchDir('credit-meter-workspace-');
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(folder, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return { folder, dispose: () => removeScratchDir(folder) };
}
