/**
 * Removes credentials from text that is about to be stored or shown (error messages, response
 * bodies echoed by a provider). Over-redacting a harmless token is fine; leaking a key is not.
 */
const REDACTED = '[REDACTED]';

const patterns: readonly RegExp[] = [
  // Header lines: Authorization: Bearer xyz / x-api-key: xyz / api-key: xyz / proxy-authorization
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|openai-api-key|anthropic-api-key)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token)\s+)?[^\s"',;}]+/gi,
  // Bare bearer tokens anywhere.
  /\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // JSON / query style: "api_key": "...", apiKey=..., access_token=..., key=...
  /\b(api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|secret|password|token|key)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]{6,}/gi,
];

/** Key formats recognisable on their own: OpenAI / Anthropic / OpenRouter `sk-...`, Google `AIza...`, GitHub, AWS, JWTs. */
const bareKeys: readonly RegExp[] = [
  /\bsk-(?:ant-|or-|proj-)?[A-Za-z0-9_-]{12,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/g,
];

/** Cheap first look: text without any of these cannot match a pattern below (most text). */
const MAYBE_SECRET = /sk-|AIza|gh[pousr]_|github_pat_|AKIA|eyJ|xox[abpr]-|bearer|basic|key|token|secret|password|authorization|:\/\/[^\s/@]*@/i;

export function redactSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) {
    return text;
  }
  let result = text;
  for (const pattern of patterns) {
    result = result.replace(pattern, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  }
  for (const pattern of bareKeys) {
    result = result.replace(pattern, REDACTED);
  }
  // Credentials inside URLs: https://user:secret@host
  result = result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`);
  return result;
}

/** True when the text still looks like it holds a key (used by export tests and as a last guard). */
export function looksLikeSecret(text: string): boolean {
  return bareKeys.some((pattern) => new RegExp(pattern.source).test(text))
    || /\bbearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/i.test(text);
}
