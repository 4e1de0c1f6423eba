/**
 * Writes `media/credit-profile.schema.json` (the JSON schema editors apply to `*.credit-profile.json`)
 * from the zod schema the extension and the CLI validate profiles with:
 *   npx tsx scripts/writeProfileSchema.ts
 * `test/unit/pricing/profileJsonSchema.test.ts` fails when the file and the zod schema disagree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { profileOverrideSchema } from '../src/core/pricing/profileSchema';

export const PROFILE_SCHEMA_FILE = path.resolve(__dirname, '..', 'media', 'credit-profile.schema.json');

export function profileJsonSchema(): Record<string, unknown> {
  return {
    title: 'Credit Meter credit profile',
    $comment: 'Generated from src/core/pricing/profileSchema.ts by scripts/writeProfileSchema.ts (test/unit/pricing/profileJsonSchema.test.ts keeps them equal).',
    ...z.toJSONSchema(profileOverrideSchema, { io: 'input' }),
  };
}

if (require.main === module) {
  fs.writeFileSync(PROFILE_SCHEMA_FILE, JSON.stringify(profileJsonSchema(), null, 2) + '\n');
  process.stdout.write(`wrote ${path.relative(process.cwd(), PROFILE_SCHEMA_FILE)}\n`);
}
