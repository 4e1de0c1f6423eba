/**
 * Every free-text field of a usage record through `redactSecrets`: ids of turns and threads, models,
 * region, provider, client, error class and message, context kinds and labels, tool names, the
 * price profile version, prompt and system text. The walk follows the zod schema of `UsageRecord`,
 * so a string field added to the schema is redacted without anyone remembering to; a schema node
 * the walk has no rule for fails loudly here instead of being skipped.
 *
 * A redaction can make a text longer (`key=abcdef` becomes `key=[REDACTED]`): the result is cut to
 * the field's maximum length, so a redacted record still validates.
 */
import type * as z from 'zod';
import { redactSecrets } from '../redact';
import { UsageRecord } from './usageRecord';

/** `secrets`: exact values to take out as well (a request's API key, the gateway's token). */
type Redactor = (value: unknown, secrets: readonly (string | undefined)[]) => unknown;

const keep: Redactor = (value) => value;
/** Bound once: called for every text field of every record appended or exported. */
const redact = redactSecrets;

function compile(schema: z.ZodType): Redactor {
  const def = schema._zod.def as { type: string; format?: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
  switch (def.type) {
    case 'string': {
      if (def.format !== undefined) {
        // A UUID or an ISO date: validation already allows nothing a key is made of.
        return keep;
      }
      const max = (schema as z.ZodString).maxLength ?? Infinity;
      return (value, secrets) => {
        if (typeof value !== 'string') {
          return value;
        }
        const redacted = redact(value, secrets);
        return redacted.length > max ? redacted.slice(0, max) : redacted;
      };
    }
    case 'object': {
      const fields = Object.entries((schema as z.ZodObject).shape).map(([key, field]) => [key, compile(field as z.ZodType)] as const)
        .filter(([, redactor]) => redactor !== keep);
      return (value, secrets) => {
        if (typeof value !== 'object' || value === null) {
          return value;
        }
        let out: Record<string, unknown> | undefined;
        for (const [key, redactor] of fields) {
          const before = (value as Record<string, unknown>)[key];
          const after = redactor(before, secrets);
          if (after !== before) {
            out ??= { ...(value as Record<string, unknown>) };
            out[key] = after;
          }
        }
        return out ?? value;
      };
    }
    case 'array': {
      const element = compile(def.element as z.ZodType);
      if (element === keep) {
        return keep;
      }
      return (value, secrets) => {
        if (!Array.isArray(value)) {
          return value;
        }
        let out: unknown[] | undefined;
        value.forEach((item, index) => {
          const after = element(item, secrets);
          if (after !== item) {
            out ??= [...value];
            out[index] = after;
          }
        });
        return out ?? value;
      };
    }
    case 'optional':
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType);
      return inner === keep ? keep : (value, secrets) => (value === null || value === undefined ? value : inner(value, secrets));
    }
    case 'number':
    case 'int':
    case 'boolean':
    case 'enum':
    case 'literal':
      return keep;
    default:
      throw new Error(`redactRecord: no redaction rule for a zod '${def.type}' in the record schema`);
  }
}

const redactUsageRecord = compile(UsageRecord);

/**
 * The same walk for another line schema of the ledger (a note): every free-text field of `schema`
 * through `redactSecrets`, cut to the field's maximum. Fields the value lacks are left as they are.
 */
export function schemaRedactor(schema: z.ZodObject): (value: Record<string, unknown>) => Record<string, unknown> {
  const redact = compile(schema);
  return (value) => redact(value, []) as Record<string, unknown>;
}

/**
 * The record with every free-text field redacted, `knownSecrets` (exact values) taken out as well;
 * the same object when there was nothing to redact.
 */
export function redactRecord(record: UsageRecord, knownSecrets: readonly (string | undefined)[] = []): UsageRecord {
  return redactUsageRecord(record, knownSecrets) as UsageRecord;
}
