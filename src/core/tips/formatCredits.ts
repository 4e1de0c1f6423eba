/** Credits for display: two decimals under 10, one above, never "-0". */
export function formatCredits(credits: number): string {
  const abs = Math.abs(credits);
  const text = abs >= 10 ? credits.toFixed(1) : credits.toFixed(2);
  return text === '-0.00' || text === '-0.0' ? text.slice(1) : text;
}

/** Tokens for display, with thousands separators that do not depend on the machine's locale. */
export function formatTokens(tokens: number): string {
  return Math.round(tokens).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
