/**
 * Settings from where VS Code keeps them (default, user, workspace, folder) to typed values, with the
 * trust rule applied: in an untrusted workspace a restricted key's workspace and folder values are
 * ignored, so a cloned folder cannot move your key, lift your budget, or change what is sent and what
 * it costs. `src/extension/config.ts` passes VS Code's `inspect()`; tests pass plain objects.
 */
import { effectiveValue, ignoredWorkspaceValue, type InspectedValue } from './effectiveValue';
import { parseSettings, RESTRICTED_SETTING_KEYS, SETTING_KEYS, SETTINGS_SECTION, type SettingKey, type SettingsProblem, type Settings } from './settings';

export interface ReadSettings {
  readonly settings: Settings;
  readonly problems: readonly SettingsProblem[];
  /** Full names of restricted settings whose workspace value was ignored. */
  readonly ignored: readonly string[];
}

export function readSettings(inspect: (key: SettingKey) => InspectedValue<unknown> | undefined, trust: { readonly trusted: boolean }): ReadSettings {
  const raw: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const key of SETTING_KEYS) {
    const context = { trusted: trust.trusted, restricted: RESTRICTED_SETTING_KEYS.includes(key) };
    const inspected = inspect(key);
    raw[key] = effectiveValue(inspected, context);
    if (ignoredWorkspaceValue(inspected, context)) {
      ignored.push(`${SETTINGS_SECTION}.${key}`);
    }
  }
  return { ...parseSettings(raw), ignored };
}

/**
 * The settings as the user alone set them (user settings over defaults, never a workspace's), for
 * the decisions a workspace must not sway even when trusted: which server a stored key belongs to.
 */
export function userLevelSettings(inspect: (key: SettingKey) => InspectedValue<unknown> | undefined): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    raw[key] = effectiveValue(inspect(key), { trusted: false, restricted: true });
  }
  return parseSettings(raw).settings;
}
