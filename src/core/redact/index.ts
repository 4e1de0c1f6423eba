/** Redaction: the one place that knows what a credential looks like. */
export { redactSecrets, looksLikeSecret, REDACTED } from './redactSecrets';
