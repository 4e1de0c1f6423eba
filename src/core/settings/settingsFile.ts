/**
 * Reading Credit Meter's settings out of a VS Code `settings.json` (JSON with comments and trailing
 * commas), for the CLI: the `creditMeter.*` values go through the same parser as the extension's, so
 * the CLI estimates with the settings the editor uses.
 */
// The ESM build: its UMD entry loads its modules with a runtime require that a bundle cannot follow.
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { type ParsedSettings, SETTINGS_SECTION, SETTING_KEYS, parseSettings } from './settings';

export class SettingsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsFileError';
  }
}

/**
 * The raw `creditMeter.*` values of a settings document, keyed like `parseSettings` expects
 * (`defaultModel`, `budget.daily`). Both spellings VS Code accepts are read: the dotted key
 * (`"creditMeter.defaultModel": …`) and the nested object (`"creditMeter": { "defaultModel": … }`).
 */
export function rawSettingsFromJsonc(text: string, source: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const document: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    const { line, column } = positionOf(text, first.offset);
    throw new SettingsFileError(`${source}:${line}:${column}: ${printParseErrorCode(first.error)}`);
  }
  if (document === undefined && text.trim() === '') {
    return {};
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new SettingsFileError(`${source}: expected a JSON object of settings`);
  }
  const raw: Record<string, unknown> = {};
  const entries = document as Record<string, unknown>;
  const nested = entries[SETTINGS_SECTION];
  for (const key of SETTING_KEYS) {
    const dotted = `${SETTINGS_SECTION}.${key}`;
    if (dotted in entries) {
      raw[key] = entries[dotted];
    } else if (typeof nested === 'object' && nested !== null) {
      const value = lookUpPath(nested as Record<string, unknown>, key.split('.'));
      if (value !== undefined) {
        raw[key] = value;
      }
    }
  }
  return raw;
}

/** Parses a settings document through the extension's settings parser; problems name the field. */
export function settingsFromJsonc(text: string, source: string): ParsedSettings {
  return parseSettings(rawSettingsFromJsonc(text, source));
}

function lookUpPath(object: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = object;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
