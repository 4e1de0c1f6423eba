/**
 * The credit profile the settings describe: the built-in one, or the file `creditProfilePath` names,
 * with the `creditProfile` overrides on top. The extension and the CLI both load it through here.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { type CreditProfile, DEFAULT_PROFILE, loadProfile, mergeProfile, parseProfileOverride } from '../pricing';
import type { Settings } from './settings';

/** `~/x` from the home folder; a relative path from `baseDir`. */
export function resolveSettingsPath(file: string, baseDir: string, home = os.homedir()): string {
  if (file === '~' || file.startsWith('~/')) {
    return path.join(home, file.slice(2));
  }
  return path.resolve(baseDir, file);
}

/** Throws a `ProfileError` naming the file or setting and the field. */
export async function profileFromSettings(settings: Pick<Settings, 'creditProfilePath' | 'creditProfile'>, baseDir: string): Promise<CreditProfile> {
  let profile = settings.creditProfilePath ? await loadProfile(resolveSettingsPath(settings.creditProfilePath, baseDir)) : DEFAULT_PROFILE;
  if (Object.keys(settings.creditProfile).length > 0) {
    profile = mergeProfile(profile, parseProfileOverride(settings.creditProfile, 'creditMeter.creditProfile'));
  }
  return profile;
}
