import { strict as assert } from 'node:assert';
import { UsageRecord } from '../../../src/core/ledger';
import { isCurrentRecord } from '../../../src/core/ledger/isCurrentRecord';
import { makeRecords } from '../../support/ledgerFixtures';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON value, as a path of keys. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push([...prefix, i], ...paths(item, [...prefix, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key], ...paths(item, [...prefix, key]));
    }
  }
  return out;
}

/** A deep copy with the value at `at` replaced (`undefined` deletes it). */
function withValue(record: Json, at: ReadonlyArray<string | number>, value: Json | undefined): Json {
  const copy = JSON.parse(JSON.stringify(record)) as Json;
  let parent = copy as Record<string | number, Json>;
  for (const key of at.slice(0, -1)) {
    parent = parent[key] as Record<string | number, Json>;
  }
  const last = at[at.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) {
      parent.splice(last as number, 1);
    } else {
      delete parent[last];
    }
  } else {
    parent[last] = value;
  }
  return copy;
}

const REPLACEMENTS: Array<Json | undefined> = [
  undefined, null, true, 0, -1, 1.5, 600, 2 ** 60, '', 'x', 'x'.repeat(300), 'x'.repeat(5000), [], {}, ['x'],
  '2026-02-30T10:00:00Z', '2026-01-01T10:00:00+01:00', '2026-01-01T10:00:00.123Z', 'ok', 'provider', 'explain',
  '00000000-0000-0000-0000-000000000000', 'api.example.com', 'https://user:key@api.example.com/v1',
];

describe('isCurrentRecord (fast structural check)', () => {
  const records = makeRecords(40, { seed: 31, errorRate: 0.3, cancelRate: 0.2 }) as unknown as Json[];

  it('accepts every valid current record, so reading a segment takes the fast path', () => {
    for (const record of records) {
      assert.equal(isCurrentRecord(JSON.parse(JSON.stringify(record))), true, JSON.stringify(record).slice(0, 200));
    }
  });

  it('never accepts what zod rejects or would change, whatever field is altered', () => {
    let mutations = 0;
    let rejected = 0;
    for (const record of records.slice(0, 8)) {
      const places = [...paths(record), ['extra'], ['tokens', 'extra'], ['cost', 'extra'], ['outcome', 'extra'], ['tools', 'extra']];
      for (const at of places) {
        for (const value of REPLACEMENTS) {
          const mutated = withValue(record, at, value);
          mutations += 1;
          const zod = UsageRecord.safeParse(mutated);
          if (isCurrentRecord(mutated)) {
            assert.ok(zod.success, `fast check accepted what zod rejects at ${at.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`);
            assert.deepEqual(zod.data, mutated, `zod would change the record at ${at.join('.')}`);
          } else {
            rejected += 1;
          }
        }
      }
    }
    assert.ok(rejected > mutations / 2, `most mutations are invalid: ${rejected} of ${mutations} rejected`);
  });

  it('leaves older versions and non-objects to the migration path', () => {
    assert.equal(isCurrentRecord({ ...(records[0] as object), schemaVersion: 1 }), false);
    assert.equal(isCurrentRecord(null), false);
    assert.equal(isCurrentRecord([records[0]]), false);
    assert.equal(isCurrentRecord('{}'), false);
  });
});
