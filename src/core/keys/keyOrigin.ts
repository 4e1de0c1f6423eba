/**
 * Which server an API key may go to. A key is stored with the origin (scheme, host, port) of the
 * provider it was set for; sending it anywhere else needs the user's explicit yes, remembered per
 * origin until the key is set again. This keeps a workspace (even a trusted one) that points a
 * provider id at its own server from receiving the key stored under that id.
 *
 * Pure: the extension's key service stores and asks; the decision is made here.
 */

/** What secret storage holds for one provider id. `origin` is null for keys stored before binding existed. */
export interface StoredKey {
  readonly key: string;
  readonly origin: string | null;
}

/** The user's remembered answers for one key: origin -> allowed or refused. */
export type OriginAnswers = Readonly<Record<string, 'allow' | 'deny'>>;

/**
 * - `send`: the key may go to the target; when `bindTo` is set, an unbound key is first bound to it.
 * - `ask`: the user must confirm; `storedFor` is the origin the key belongs to (null: it belongs to none).
 * - `refuse`: the user said never for this origin.
 */
export type KeyDecision =
  | { readonly kind: 'send'; readonly bindTo?: string }
  | { readonly kind: 'ask'; readonly storedFor: string | null; readonly bindTo?: string }
  | { readonly kind: 'refuse'; readonly storedFor: string | null };

/**
 * The origin of a base URL, e.g. `https://api.openai.com` for `https://API.openai.com:443/v1`:
 * lower-case, default port dropped, path ignored. Undefined when it is not an http(s) URL.
 */
export function keyOrigin(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

/** `host[:port]` of an origin, for messages. */
export function originHost(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

/** Reads what secret storage holds: `{"key", "origin"}`, or a bare key stored before binding existed. */
export function parseStoredKey(text: string): StoredKey {
  if (text.startsWith('{')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === 'object') {
        const { key, origin } = value as Record<string, unknown>;
        if (typeof key === 'string' && (origin === null || (typeof origin === 'string' && keyOrigin(origin) === origin))) {
          return { key, origin };
        }
      }
    } catch {
      // Not ours: a bare key that happens to start with a brace.
    }
  }
  return { key: text, origin: null };
}

export function serializeStoredKey(stored: StoredKey): string {
  return JSON.stringify({ key: stored.key, origin: stored.origin });
}

export interface KeyDecisionInput {
  readonly stored: StoredKey;
  /** Origin of the base URL the request is about to go to. */
  readonly target: string;
  /**
   * Origin of the same provider id in the user's own settings (never a workspace's): where an unbound
   * key is taken to belong. Undefined when the user's settings have no such provider.
   */
  readonly userOrigin: string | undefined;
  readonly answers: OriginAnswers;
}

/** May this key go to this origin? */
export function decideKeyUse(input: KeyDecisionInput): KeyDecision {
  const { stored, target, userOrigin, answers } = input;
  const bindTo = stored.origin === null && userOrigin !== undefined ? userOrigin : undefined;
  const home = stored.origin ?? userOrigin ?? null;
  const bound = bindTo === undefined ? {} : { bindTo };
  if (home === target) {
    return { kind: 'send', ...bound };
  }
  const answer = Object.hasOwn(answers, target) ? answers[target] : undefined;
  if (answer === 'allow') {
    return { kind: 'send', ...bound };
  }
  if (answer === 'deny') {
    return { kind: 'refuse', storedFor: home };
  }
  return { kind: 'ask', storedFor: home, ...bound };
}
