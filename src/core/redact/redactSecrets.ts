/**
 * THE redaction of Credit Meter: removes credentials from text that is about to be stored, shown or
 * exported (error messages and bodies a server echoed, and every free-text field of a usage record).
 * Providers, the send path, the ledger and the exporters all call this one function.
 * Over-redacting a harmless token is fine; leaking a key is not.
 */
export const REDACTED = '[REDACTED]';

/**
 * `name<sep>value` forms, kept as `name<sep>[REDACTED]`:
 * - header lines: `Authorization: Bearer xyz`, `x-api-key: xyz`, `api-key=xyz`, `Proxy-Authorization`;
 * - bare `Bearer xyz` / `Basic xyz` anywhere;
 * - JSON, query and env styles: `"api_key": "..."`, `apiKey=...`, `access_token=...`, `client_secret=...`,
 *   `password: ...`, `key=...` (6+ characters, so `key=ok` stays readable).
 */
const namedValues: readonly RegExp[] = [
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|openai-api-key|anthropic-api-key)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token)\s+)?[^\s"',;}]+/gi,
  /\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b((?:[A-Za-z0-9]+[_-])?(?:api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|id[_-]?token|session[_-]?token|client[_-]?secret|private[_-]?key|secret[_-]?key|secret|password|passwd|token|key))(["']?\s*[:=]\s*["']?)[^\s"'&,;}]{6,}/gi,
];

/**
 * Key formats recognisable on their own, wherever they appear: OpenAI / Anthropic / OpenRouter
 * `sk-...` (and `rk-`, `pk-`), Stripe-style `sk_live_...`, Google API keys `AIza...` and OAuth
 * tokens `ya29.`, GitHub `ghp_` / `gho_` / `ghu_` / `ghs_` / `ghr_` / `github_pat_`, GitLab `glpat-`,
 * npm `npm_`, Hugging Face `hf_`, AWS access key ids, JWTs, Slack `xox?-`.
 */
const bareKeys: readonly RegExp[] = [
  /\b(?:sk|rk|pk)-(?:ant-|or-|proj-)?[A-Za-z0-9_-]{12,}/g,
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{12,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bya29\.[0-9A-Za-z_-]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\bnpm_[A-Za-z0-9]{30,}/g,
  /\bhf_[A-Za-z0-9]{30,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/g,
];

/** Credentials inside URLs: `https://user:secret@host`, `https://token@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@?#]+@/gi;

/**
 * Cheap first look: text without any of these cannot match a pattern above (most text). Two tests,
 * the key prefixes case-sensitive, the words not: faster than one case-insensitive alternation, and
 * this runs on every text field of every record appended or exported.
 */
const MAYBE_KEY_PREFIX = /[sprk]k[-_]|AIza|ya29\.|gh[pousr]_|github_pat_|glpat-|npm_|hf_|AKIA|ASIA|eyJ|xox[abpr]-/;
const MAYBE_NAMED = /key|token|secret|passw|bearer|basic|authoriz|:\/\//i;
/** The shortest text any pattern above can match (`key=abcdef`, `a://b:c@`...). */
const SHORTEST = 6;

function maybeSecret(text: string): boolean {
  return text.length >= SHORTEST && (MAYBE_KEY_PREFIX.test(text) || MAYBE_NAMED.test(text));
}

/**
 * `text` with every credential replaced by `[REDACTED]`. `knownSecrets` are exact values to remove
 * wherever they appear (the API key a request was sent with: servers echo keys in error bodies).
 * Idempotent: redacting redacted text changes nothing.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4 && result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  if (!maybeSecret(result)) {
    return result;
  }
  for (const pattern of namedValues) {
    result = result.replace(pattern, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  }
  for (const pattern of bareKeys) {
    result = result.replace(pattern, REDACTED);
  }
  return result.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** True when the text still looks like it holds a key (used by export tests and as a last guard). */
export function looksLikeSecret(text: string): boolean {
  return bareKeys.some((pattern) => new RegExp(pattern.source).test(text))
    || /\bbearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/i.test(text)
    || /\b[a-z][a-z0-9+.-]*:\/\/(?!\[REDACTED\]@)[^\s/@?#]+@/i.test(text);
}
