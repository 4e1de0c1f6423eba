/**
 * Where thread files live: a small interface so the store is tested in memory and the extension
 * gives it a folder in the workspace's storage (`folderThreadStorage(join(storageUri, 'threads'))`).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../ledger';

export interface ThreadStorage {
  /** Names of the files in the store (not paths); empty when there is none yet. */
  list(): Promise<string[]>;
  read(name: string): Promise<string>;
  /** Replaces the file as a whole: a reader sees the old or the new content, never a mix. */
  write(name: string, content: string): Promise<void>;
  /** Removes the file; removing a file that is gone is not an error. */
  remove(name: string): Promise<void>;
}

/** A folder on disk; created on the first write. Writes go through a temp file, fsync and rename. */
export function folderThreadStorage(dir: string): ThreadStorage {
  let created = false;
  return {
    async list() {
      try {
        return (await fsp.readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return [];
        }
        throw error;
      }
    },
    read: (name) => fsp.readFile(path.join(dir, name), 'utf8'),
    async write(name, content) {
      if (!created) {
        await fsp.mkdir(dir, { recursive: true });
        created = true;
      }
      await writeFileAtomic(path.join(dir, name), content);
    },
    remove: (name) => fsp.rm(path.join(dir, name), { force: true }),
  };
}

/** Files in memory, for tests and for a window without a workspace folder. */
export function memoryThreadStorage(initial: Readonly<Record<string, string>> = {}): ThreadStorage & { readonly files: Map<string, string> } {
  const files = new Map(Object.entries(initial));
  return {
    files,
    list: async () => [...files.keys()],
    async read(name) {
      const content = files.get(name);
      if (content === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file '${name}'`), { code: 'ENOENT' });
      }
      return content;
    },
    async write(name, content) {
      files.set(name, content);
    },
    async remove(name) {
      files.delete(name);
    },
  };
}
