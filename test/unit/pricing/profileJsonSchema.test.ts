import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { profileOverrideSchema } from '../../../src/core/pricing';

describe('credit profile JSON schema for editors', () => {
  it('matches the zod schema the extension validates with', () => {
    const file = path.resolve(__dirname, '..', '..', '..', 'media', 'credit-profile.schema.json');
    const { title, $comment, ...published } = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(title, 'Credit Meter credit profile');
    assert.match(String($comment), /Generated from src\/core\/pricing\/profileSchema\.ts/);
    assert.deepEqual(published, JSON.parse(JSON.stringify(z.toJSONSchema(profileOverrideSchema, { io: 'input' }))));
  });
});
