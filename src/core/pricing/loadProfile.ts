/** Reads a credit profile file; every failure (missing, unreadable, bad JSON, bad field) names the file. */
import { readFile } from 'node:fs/promises';
import { DEFAULT_PROFILE, mergeProfile, parseProfileOverride } from './profile';
import { ProfileError } from './profileError';
import type { CreditProfile } from './profileSchema';

export async function loadProfile(filePath: string, base: CreditProfile = DEFAULT_PROFILE): Promise<CreditProfile> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProfileError(filePath, undefined, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(filePath, undefined, `not valid JSON (${(error as Error).message})`);
  }
  return mergeProfile(base, parseProfileOverride(json, filePath));
}
