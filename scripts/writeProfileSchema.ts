/**
 * Writes, from the zod schema the extension and the CLI validate profiles with:
 * - `media/credit-profile.schema.json`, the JSON schema editors apply to `*.credit-profile.json`;
 * - the schema of the `creditMeter.creditProfile` setting in package.json: the same schema, since an
 *   override is a partial profile (every field optional), with the setting's own scope, default and
 *   description kept as they are.
 *   npx tsx scripts/writeProfileSchema.ts
 * `test/unit/pricing/profileJsonSchema.test.ts` fails when either disagrees with the zod schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { profileOverrideSchema } from '../src/core/pricing/profileSchema';

export const PROFILE_SCHEMA_FILE = path.resolve(__dirname, '..', 'media', 'credit-profile.schema.json');
export const MANIFEST_FILE = path.resolve(__dirname, '..', 'package.json');
export const PROFILE_SETTING = 'creditMeter.creditProfile';
/** Keys of the setting's declaration that are the setting's own, not the profile schema's. */
export const SETTING_ONLY_KEYS = ['scope', 'default', 'markdownDescription'] as const;

export function profileJsonSchema(): Record<string, unknown> {
  return {
    title: 'Credit Meter credit profile',
    $comment: 'Generated from src/core/pricing/profileSchema.ts by scripts/writeProfileSchema.ts (test/unit/pricing/profileJsonSchema.test.ts keeps them equal).',
    ...z.toJSONSchema(profileOverrideSchema, { io: 'input' }),
  };
}

type Manifest = { contributes: { configuration: { properties: Record<string, Record<string, unknown>> }[] } };

/** Where package.json declares the setting (the group's properties object and the declaration). */
export function profileSettingDeclaration(manifest: Manifest): { properties: Record<string, Record<string, unknown>>; declaration: Record<string, unknown> } {
  for (const group of manifest.contributes.configuration) {
    const declaration = group.properties[PROFILE_SETTING];
    if (declaration) {
      return { properties: group.properties, declaration };
    }
  }
  throw new Error(`package.json declares no ${PROFILE_SETTING} setting`);
}

/** The setting's declaration: its own keys from `current`, then the profile schema (without the draft's URL). */
export function profileSettingSchema(current: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _draft, ...schema } = z.toJSONSchema(profileOverrideSchema, { io: 'input' });
  const own = Object.fromEntries(SETTING_ONLY_KEYS.filter((key) => key in current).map((key) => [key, current[key]]));
  return { ...own, ...schema };
}

if (require.main === module) {
  fs.writeFileSync(PROFILE_SCHEMA_FILE, JSON.stringify(profileJsonSchema(), null, 2) + '\n');
  process.stdout.write(`wrote ${path.relative(process.cwd(), PROFILE_SCHEMA_FILE)}\n`);
  const manifest = JSON.parse(fs.readFileSync(MANIFEST_FILE, 'utf8')) as Manifest;
  const { properties, declaration } = profileSettingDeclaration(manifest);
  properties[PROFILE_SETTING] = profileSettingSchema(declaration);
  fs.writeFileSync(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(`wrote the ${PROFILE_SETTING} schema in ${path.relative(process.cwd(), MANIFEST_FILE)}\n`);
}
