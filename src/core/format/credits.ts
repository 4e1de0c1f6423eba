/**
 * How credits and token counts read in the status bar, tooltips and messages. Short on purpose:
 * the status bar has room for a handful of characters.
 */

/** `0` · `0.04` · `1.2` · `12.4` · `1,234`. `null` (no price known) reads as `?`. */
export function formatCredits(credits: number | null): string {
  if (credits === null || !Number.isFinite(credits)) {
    return '?';
  }
  if (credits < 0) {
    return `-${formatCredits(-credits)}`;
  }
  if (credits === 0) {
    return '0';
  }
  if (credits < 0.1) {
    // Two significant digits, so a tiny charge never reads as 0.
    return String(Number(credits.toPrecision(2)));
  }
  if (credits < 100) {
    return credits.toFixed(1);
  }
  return Math.round(credits).toLocaleString('en-US');
}

/** `1.2` when both ends read the same, else `0.8–1.6`. */
export function formatCreditRange(low: number | null, high: number | null): string {
  const from = formatCredits(low);
  const to = formatCredits(high);
  return from === to ? from : `${from}–${to}`;
}

/** `950` · `12.3k` · `1.2M`. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) {
    return String(Math.round(tokens));
  }
  if (tokens < 1_000_000) {
    return `${Number((tokens / 1000).toFixed(tokens < 10_000 ? 1 : 0))}k`;
  }
  return `${Number((tokens / 1_000_000).toFixed(1))}M`;
}

/** `42 %` */
export function formatPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** Escapes text for a Markdown tooltip so file names like `__init__.py` or `a|b` render as written. */
export function escapeMarkdown(text: string): string {
  // Inline Markdown only: emphasis, code, links, HTML, table pipes. Labels never start a line.
  return text.replace(/[\\`*_[\]|<>~#$]/g, (char) => `\\${char}`);
}
