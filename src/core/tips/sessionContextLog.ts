import { TextMemo } from './textMemo';
import type { PriorSends } from './tip';

/**
 * Two independent 32-bit hashes (FNV-1a and a multiplicative mix) plus the length, as hex:
 * recognises a context without keeping its text, fast enough for megabytes on a keystroke.
 */
export function contextFingerprint(text: string): string {
  let fnv = 0x811c9dc5;
  let mix = 0x9747b28c;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    fnv = Math.imul(fnv ^ code, 0x01000193);
    mix = Math.imul(mix ^ code, 0x5bd1e995);
    mix ^= mix >>> 15;
  }
  const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
  return `${hex(fnv)}${hex(mix)}-${text.length.toString(16)}`;
}

/** Contexts sent in this session, by fingerprint, with what they cost, for the "already sent" tip. */
export class SessionContextLog {
  private readonly sends = new Map<string, { count: number; credits: number }>();
  /** The same context text is looked up on every keystroke: hash it once. */
  private readonly fingerprints = new TextMemo<string>();

  record(text: string, credits: number): void {
    const key = this.fingerprints.get(text, contextFingerprint);
    const prior = this.sends.get(key) ?? { count: 0, credits: 0 };
    this.sends.set(key, { count: prior.count + 1, credits: prior.credits + credits });
  }

  lookup(text: string): PriorSends | undefined {
    if (this.sends.size === 0) {
      return undefined;
    }
    return this.sends.get(this.fingerprints.get(text, contextFingerprint));
  }

  /** Bound to the instance, to pass as `TipEnvironment.priorSends`. */
  readonly priorSends = (text: string): PriorSends | undefined => this.lookup(text);
}
