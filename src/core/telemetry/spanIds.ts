/**
 * Trace and span ids derived from ledger ids, so that sending a record again (a retry after a
 * crash, a backfill from the CLI) carries the very same ids and a backend can deduplicate.
 *
 * - a record's span id: the first 8 bytes of SHA-256 over its record id;
 * - its trace id: 16 bytes of SHA-256 over its `turnId`, so a turn's attempts (and a gateway task's
 *   rounds) share one trace;
 * - a gateway task's `invoke_agent` span id: 8 bytes of SHA-256 over its `turnId`.
 * A different prefix per kind keeps the three apart even for equal inputs.
 */
import { createHash } from 'node:crypto';

function digestHex(prefix: string, value: string, bytes: number): string {
  const hex = createHash('sha256').update(prefix).update(value).digest('hex').slice(0, bytes * 2);
  // An all-zero id is invalid in OpenTelemetry; a SHA-256 prefix of zeros is as good as impossible, but stay valid anyway.
  return /^0+$/.test(hex) ? hex.slice(0, -1) + '1' : hex;
}

export function traceIdOf(turnId: string): string {
  return digestHex('credit-meter/trace/', turnId, 16);
}

export function spanIdOf(recordId: string): string {
  return digestHex('credit-meter/span/', recordId, 8);
}

export function taskSpanIdOf(turnId: string): string {
  return digestHex('credit-meter/task/', turnId, 8);
}

/**
 * The cursor key of a task's `invoke_agent` span as sent with `requests` rounds: a task that gains
 * rounds after its span was acknowledged gets a new key, so its (widened) span is sent again, with
 * the same span id.
 */
export function taskAckKeyOf(turnId: string, requests: number): string {
  return digestHex('credit-meter/task-ack/', `${turnId}\n${requests}`, 16);
}
