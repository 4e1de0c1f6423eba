/**
 * Who may use the gateway: a request must be addressed to the loopback name and port it listens on
 * (a DNS-rebinding guard: a web page that points its own host name at 127.0.0.1 still sends its own
 * `Host`), and must carry the gateway token, as `Authorization: Bearer <token>` (OpenAI clients,
 * Claude Code's `ANTHROPIC_AUTH_TOKEN`) or `x-api-key: <token>` (Anthropic clients). The token is
 * compared in constant time: both sides are hashed first, so neither the content nor the length
 * of a wrong token changes the time the comparison takes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** `cmg_` and 32 random bytes, base64url: 256 bits, never a real provider key's shape. */
export function newGatewayToken(): string {
  return `cmg_${randomBytes(32).toString('base64url')}`;
}

/** What a token is compared as: its SHA-256 (keep the expected one, compute it once). */
export function tokenDigest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The credentials a request carries, from either header a dialect uses. */
export function presentedTokens(headers: IncomingHttpHeaders): string[] {
  const found: string[] = [];
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = /^Bearer[ \t]+(.+)$/i.exec(authorization.trim());
    if (bearer) {
      found.push(bearer[1].trim());
    }
  }
  const apiKey = headers['x-api-key'];
  for (const value of Array.isArray(apiKey) ? apiKey : apiKey === undefined ? [] : [apiKey]) {
    found.push(value.trim());
  }
  return found;
}

/** True when one of the presented credentials is the token (given as itself or its digest); every candidate is compared. */
export function tokenMatches(expected: string | Buffer, headers: IncomingHttpHeaders): boolean {
  const want = typeof expected === 'string' ? tokenDigest(expected) : expected;
  let ok = false;
  for (const candidate of presentedTokens(headers)) {
    // Non-short-circuit on purpose: the time spent does not depend on which candidate matched.
    ok = timingSafeEqual(want, tokenDigest(candidate)) || ok;
  }
  return ok;
}

/** `127.0.0.1:<port>` or `localhost:<port>` (any case); nothing else. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) {
    return false;
  }
  const value = host.trim().toLowerCase();
  return value === `127.0.0.1:${port}` || value === `localhost:${port}`;
}
