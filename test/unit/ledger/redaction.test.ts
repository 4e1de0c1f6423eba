import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as z from 'zod';
import { EXPORT_FORMATS, writeExport } from '../../../src/core/export';
import { Ledger, SEGMENTS_DIR, type UsageRecord, UsageRecord as UsageRecordSchema } from '../../../src/core/ledger';
import { looksLikeSecret, redactSecrets } from '../../../src/core/redact';
import { makeRecord, seededRandom, seededUuid } from '../../support/ledgerFixtures';

/** One sample per credential shape `redactSecrets` knows; `secret` must never be found again. */
const KEYS: ReadonlyArray<{ name: string; value: string; secret: string }> = [
  ['OpenAI project key', 'sk-proj-Q2x8Lm4Tn7Vb1Zc9Kd3Rf6Hs0Wy5Pj2Ae8'],
  ['OpenAI legacy key', 'sk-Xy7Qw3Er9Ty2Ui8Op4As6Df1Gh5Jk0Lz3Xc7Vb'],
  ['Anthropic key', 'sk-ant-api03-Zq8Wx2Ec4Rv6Tb1Yn3Um5Ik7Ol9Pa0Sd2Fg4Hj6Kl8'],
  ['OpenRouter key', 'sk-or-v1-0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a4938'],
  ['restricted / public key', 'pk-lf-7c1e2d3f4a5b6c7d8e9f'],
  ['Stripe-style key', 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr'],
  ['Google API key', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'],
  ['Google OAuth token', 'ya29.a0AfH6SMBx3kLmNoPqRsTuVwXyZ0123456789'],
  ['GitHub token', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['GitHub OAuth token', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP'],
  ['GitLab token', 'glpat-xY9zA8bC7dE6fG5hI4jK'],
  ['npm token', 'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
  ['Hugging Face token', 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567'],
  ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
  ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ['Slack token', 'xoxb-123456789012-abcdefghijklmnop'],
].map(([name, value]) => ({ name, value, secret: value })).concat([
  { name: 'bare bearer token', value: 'Bearer Zm9vYmFyYmF6cXV4MTIzNDU2', secret: 'Zm9vYmFyYmF6cXV4MTIzNDU2' },
  { name: 'Authorization header', value: 'Authorization: Basic dXNlcjpodW50ZXIyaHVudGVy', secret: 'dXNlcjpodW50ZXIyaHVudGVy' },
  { name: 'x-api-key header', value: 'x-api-key: k3yV4lu3Th4tL00ksPl41n', secret: 'k3yV4lu3Th4tL00ksPl41n' },
  { name: 'JSON api_key', value: '{"api_key": "q8w7e6r5t4y3u2i1"}', secret: 'q8w7e6r5t4y3u2i1' },
  { name: 'query key', value: '/v1/models?key=Zx9Yw8Vu7Ts6Rq5P&alt=json', secret: 'Zx9Yw8Vu7Ts6Rq5P' },
  { name: 'client_secret', value: 'client_secret=Pz8Ox7Ny6Mw5Lv4K', secret: 'Pz8Ox7Ny6Mw5Lv4K' },
  { name: 'password', value: 'password: hunter2hunter2', secret: 'hunter2hunter2' },
  { name: 'credentials in a URL', value: 'https://alice:s3cr3tP4ssw0rd@proxy.example.com/v1', secret: 's3cr3tP4ssw0rd' },
  { name: 'token in a URL', value: 'https://t0k3nV4lu3xyz987@git.example.com/repo', secret: 't0k3nV4lu3xyz987' },
]);

type JsonSchema = { type?: string; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; enum?: unknown[]; format?: string; pattern?: string; maxLength?: number };
type FieldPath = ReadonlyArray<string | number>;

/** Every string in the record schema, found from its JSON Schema (not the code under test): a new field is tested by itself. */
function stringFields(schema: JsonSchema, at: FieldPath = []): Array<{ path: FieldPath; schema: JsonSchema }> {
  if (schema.anyOf) {
    return schema.anyOf.flatMap((option) => stringFields(option, at));
  }
  switch (schema.type) {
    case 'string':
      return [{ path: at, schema }];
    case 'object':
      return Object.entries(schema.properties ?? {}).flatMap(([key, field]) => stringFields(field, [...at, key]));
    case 'array':
      return schema.items ? stringFields(schema.items, [...at, 0]) : [];
    default:
      return [];
  }
}

const FIELDS = stringFields(z.toJSONSchema(UsageRecordSchema) as JsonSchema);
/** Fields whose schema forbids free text: a key can only be refused there. */
const restricted = (schema: JsonSchema) => schema.enum !== undefined || schema.format !== undefined;

function withValue(record: UsageRecord, at: FieldPath, value: string): UsageRecord {
  const copy = structuredClone(record) as unknown as Record<string | number, unknown>;
  let target = copy;
  for (const key of at.slice(0, -1)) {
    target = target[key] as Record<string | number, unknown>;
  }
  target[at[at.length - 1]] = value;
  return copy as unknown as UsageRecord;
}

/** A record where every optional text is present, so every string field exists. */
function fullRecord(id: string): UsageRecord {
  return makeRecord({
    id,
    client: 'claude-cli', threadId: 'thread-1', region: 'us-east-1', modelServed: 'gpt-4.1-2025-04-14', baseUrlHost: 'api.example.com',
    contexts: [{ kind: 'file', label: 'src/app.ts:1-40', tokens: 10, bytes: 40 }],
    tools: { names: ['readFile'], calls: 1, externalCalls: 0 },
    prompt: 'explain this', system: 'be brief',
    cost: { usd: 0.01, credits: 1, chargeSource: 'computed', profileVersion: '2026-01' },
    outcome: { status: 'error', errorClass: 'AuthError', errorMessage: 'rejected', httpStatus: 401, latencyMs: 10, retries: 0 },
  });
}

async function exportText(ledger: Ledger, format: (typeof EXPORT_FORMATS)[number], includePrompts: boolean): Promise<string> {
  const selection = await ledger.select({});
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeExport(selection.records(), { format, includePrompts, summary: selection }, sink);
  return Buffer.concat(chunks).toString('utf8');
}

function everythingOnDisk(dir: string): string {
  const segments = path.join(dir, SEGMENTS_DIR);
  return fs.readdirSync(segments).map((name) => fs.readFileSync(path.join(segments, name), 'utf8')).join('\n');
}

describe('redaction: no key on disk or in an export', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-redaction-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('finds every string field of the record schema, including those added in schema v3', () => {
    const names = FIELDS.map((field) => field.path.join('.'));
    for (const expected of ['turnId', 'modelRequested', 'modelServed', 'region', 'outcome.errorClass', 'outcome.errorMessage', 'tools.names.0', 'cost.profileVersion',
      'contexts.0.kind', 'contexts.0.label', 'prompt', 'system', 'client', 'threadId', 'provider', 'baseUrlHost', 'id', 'startedAt']) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
  });

  it('every sample is a key the redaction removes and the last guard recognises', () => {
    for (const key of KEYS) {
      const redacted = redactSecrets(`before ${key.value} after`);
      assert.ok(!redacted.includes(key.secret), `${key.name}: ${redacted}`);
      assert.equal(redactSecrets(redacted), redacted, `${key.name}: redacting twice changes nothing`);
      assert.equal(looksLikeSecret(redacted), false, key.name);
    }
  });

  for (const key of KEYS) {
    it(`${key.name}: in any string field, append keeps it off disk, and no export (CSV, JSON, JSONL, with or without prompts) shows it`, async () => {
      const random = seededRandom(key.name.length * 7919);
      const { ledger } = await Ledger.open(dir);
      const accepted: string[] = [];
      for (const field of FIELDS) {
        const record = withValue(fullRecord(seededUuid(random)), field.path, key.value);
        const outcome = await ledger.append(record).then(() => 'accepted', (error: Error) => error.message);
        const where = field.path.join('.');
        if (outcome === 'accepted') {
          accepted.push(where);
          const back = JSON.stringify(await ledger.get(record.id));
          assert.ok(!back.includes(key.secret), `${where}: read back ${back}`);
        } else {
          assert.ok(!outcome.includes(key.secret), `${where}: the refusal quotes the key`);
          // Only a field that cannot hold this text may refuse it (a format, a list of values, a host pattern, too long).
          const fits = key.value.length <= (field.schema.maxLength ?? Infinity);
          assert.ok(restricted(field.schema) || field.schema.pattern !== undefined || !fits, `${where} refused free text: ${outcome}`);
        }
      }
      assert.ok(accepted.includes('turnId') && accepted.includes('outcome.errorMessage'), `free-text fields took the key: ${accepted.join(', ')}`);
      assert.ok(!everythingOnDisk(dir).includes(key.secret), 'a segment holds the key');
      for (const format of EXPORT_FORMATS) {
        for (const includePrompts of [false, true]) {
          const text = await exportText(ledger, format, includePrompts);
          assert.equal(text.includes(key.secret), false, `${format}${includePrompts ? ' with prompts' : ''}`);
        }
      }
      await ledger.close();
    });
  }

  it('records written before redaction covered every field are redacted on export', async () => {
    const random = seededRandom(4242);
    const lines: string[] = [];
    for (const key of KEYS) {
      const fits = (candidate: (typeof FIELDS)[number]) => key.value.length <= (candidate.schema.maxLength ?? Infinity);
      for (const field of FIELDS.filter((candidate) => !restricted(candidate.schema) && candidate.schema.pattern === undefined && fits(candidate))) {
        lines.push(JSON.stringify(withValue(fullRecord(seededUuid(random)), field.path, key.value)));
      }
    }
    fs.mkdirSync(path.join(dir, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, SEGMENTS_DIR, 'written-by-an-older-version.jsonl'), lines.join('\n') + '\n');
    const { ledger, report } = await Ledger.open(dir);
    assert.equal(report.records, lines.length);
    for (const format of EXPORT_FORMATS) {
      const text = await exportText(ledger, format, true);
      for (const key of KEYS) {
        assert.equal(text.includes(key.secret), false, `${key.name} in ${format}`);
      }
    }
    await ledger.close();
  });

  it('a redacted value longer than its field allows is cut to fit, so the record still validates', async () => {
    const { ledger } = await Ledger.open(dir);
    const turnId = `${'t'.repeat(117)} key=abcdef`;
    assert.equal(turnId.length, 128);
    const record = makeRecord({ turnId });
    await ledger.append(record);
    const back = await ledger.get(record.id);
    assert.equal(back?.turnId.length, 128);
    assert.ok(!back?.turnId.includes('abcdef'));
    await ledger.close();
  });
});
