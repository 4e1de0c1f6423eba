import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROFILE_RANGES, profileOverrideSchema } from '../../../src/core/pricing';
import {
  MANIFEST_FILE, PROFILE_SCHEMA_FILE, SETTING_ONLY_KEYS, profileJsonSchema, profileSettingDeclaration, profileSettingSchema,
} from '../../../scripts/writeProfileSchema';

type JsonSchema = Record<string, unknown>;

const published = JSON.parse(fs.readFileSync(PROFILE_SCHEMA_FILE, 'utf8')) as JsonSchema;
/** The `creditMeter.creditProfile` setting as package.json declares it. */
const setting = profileSettingDeclaration(JSON.parse(fs.readFileSync(MANIFEST_FILE, 'utf8')) as Parameters<typeof profileSettingDeclaration>[0]).declaration;

function without(schema: JsonSchema, keys: readonly string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)));
}

/** Every sub-schema that describes a number, with its path. */
function numberSchemas(schema: JsonSchema, at = ''): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [];
  if (schema.type === 'number' && schema.const === undefined) {
    found.push([at, schema]);
  }
  for (const [key, value] of Object.entries(schema)) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item && typeof item === 'object') {
          found.push(...numberSchemas(item as JsonSchema, `${at}/${key}/${i}`));
        }
      });
    } else if (value && typeof value === 'object') {
      found.push(...numberSchemas(value as JsonSchema, `${at}/${key}`));
    }
  }
  return found;
}

/** The JSON-schema keywords the profile schema uses for numbers, as an editor would apply them. */
function numberAllowed(schema: JsonSchema, value: number): boolean {
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as JsonSchema[]).some((option) => numberAllowed(option, value));
  }
  if (schema.const !== undefined) {
    return value === schema.const;
  }
  return Number.isFinite(value)
    && (typeof schema.minimum !== 'number' || value >= schema.minimum)
    && (typeof schema.maximum !== 'number' || value <= schema.maximum)
    && (typeof schema.exclusiveMinimum !== 'number' || value > schema.exclusiveMinimum);
}

/** Where each number lives in a profile document, and its JSON schema. */
const NUMBER_FIELDS: [string, (value: number) => unknown, (schema: JsonSchema) => JsonSchema][] = (() => {
  const props = (schema: JsonSchema): Record<string, JsonSchema> => schema.properties as Record<string, JsonSchema>;
  const rule = (schema: JsonSchema): JsonSchema => (props(schema).models.items as JsonSchema);
  return [
    ['usdPerCredit', (v) => ({ usdPerCredit: v }), (s) => props(s).usdPerCredit],
    ['minimumCredits', (v) => ({ minimumCredits: v }), (s) => props(s).minimumCredits],
    ['roundingStep', (v) => ({ roundingStep: v }), (s) => props(s).roundingStep],
    ['models[].multiplier', (v) => ({ models: [{ model: 'm', multiplier: v }] }), (s) => props(rule(s)).multiplier],
    ...(['input', 'cacheRead', 'cacheWrite', 'output'] as const).map((key): [string, (value: number) => unknown, (schema: JsonSchema) => JsonSchema] =>
      [`models[].prices.${key}`, (v) => ({ models: [{ model: 'm', prices: { [key]: v } }] }), (s) => props(props(rule(s)).prices)[key]]),
    ...(['perToolCall', 'perExtraRound', 'perExternalCall'] as const).map((key): [string, (value: number) => unknown, (schema: JsonSchema) => JsonSchema] =>
      [`surcharges.${key}`, (v) => ({ surcharges: { [key]: v } }), (s) => props(props(s).surcharges)[key]]),
  ];
})();

describe('credit profile JSON schema for editors', () => {
  it('is the file the generator writes from the zod schema the extension validates with', () => {
    assert.deepEqual(published, JSON.parse(JSON.stringify(profileJsonSchema())), 'run: npx tsx scripts/writeProfileSchema.ts');
    assert.equal(published.title, 'Credit Meter credit profile');
  });

  it('gives every number a finite minimum and maximum', () => {
    const numbers = numberSchemas(published);
    assert.ok(numbers.length >= NUMBER_FIELDS.length, `found ${numbers.length} number schemas`);
    for (const [at, schema] of numbers) {
      const low = schema.minimum ?? schema.exclusiveMinimum;
      assert.ok(typeof low === 'number' && Number.isFinite(low), `${at} has no finite minimum`);
      assert.ok(typeof schema.maximum === 'number' && Number.isFinite(schema.maximum), `${at} has no finite maximum`);
    }
  });

  for (const [where, schemaOf] of [['file', () => published], ['setting', () => setting]] as const) {
    it(`(the ${where}) accepts exactly what the zod schema accepts, at and around every bound and at the absurd values`, () => {
      assertSameNumbers(schemaOf());
    });
  }
});

describe('the creditMeter.creditProfile setting', () => {
  it('is declared with the schema of profile files, since an override is a partial profile', () => {
    assert.deepEqual(without(setting, SETTING_ONLY_KEYS), without(published, ['title', '$comment', '$schema']));
    assert.deepEqual(setting, JSON.parse(JSON.stringify(profileSettingSchema(setting))), 'run: npx tsx scripts/writeProfileSchema.ts');
  });

  it('keeps its own scope, default and description, and its default is a valid override', () => {
    assert.equal(setting.scope, 'machine-overridable');
    assert.deepEqual(setting.default, {});
    // The description is localised: package.json names its package.nls.json key.
    const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;
    assert.match(nls[String(setting.markdownDescription).replace(/^%(.*)%$/, '$1')] ?? '', /same schema as profile files/);
    assert.ok(profileOverrideSchema.safeParse(setting.default).success);
  });

  it('refuses a misspelt key, as the runtime does, and allows every key the runtime reads', () => {
    assert.equal(setting.additionalProperties, false);
    assert.equal(profileOverrideSchema.safeParse({ usdPerCreidt: 0.05 }).success, false);
    assert.deepEqual(Object.keys(setting.properties as JsonSchema).sort(), Object.keys(profileOverrideSchema.shape).sort());
  });
});

/** Every number of a profile is allowed by `document` (a JSON schema) exactly when zod allows it. */
function assertSameNumbers(document: JsonSchema): void {
  const probes = new Set<number>([0, -0.5, 1e-320, 1e-7, 1e308, Number.MAX_VALUE, 0.04, 1]);
  for (const range of Object.values(PROFILE_RANGES)) {
    for (const bound of [range.min, range.max]) {
      probes.add(bound);
      probes.add(bound * (1 + 1e-9) + 1e-12);
      probes.add(bound * (1 - 1e-9) - 1e-12);
    }
  }
  let checked = 0;
  for (const [name, sample, schemaOf] of NUMBER_FIELDS) {
    const schema = schemaOf(document);
    assert.ok(schema, `${name} is in the JSON schema`);
    for (const value of probes) {
      const byZod = profileOverrideSchema.safeParse(sample(value)).success;
      assert.equal(numberAllowed(schema, value), byZod, `${name} = ${value}: JSON schema and zod disagree`);
      checked++;
    }
  }
  assert.ok(checked > 100);
}
