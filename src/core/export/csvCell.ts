/**
 * One CSV cell per RFC 4180: quoted when it holds a comma, quote, CR or LF (quotes doubled).
 * Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 * gets a leading `'` (the OWASP "CSV injection" advice); numbers are never touched.
 */
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_WORK = /^[=+\-@\t\r]|[",\r\n]/;

export function csvText(value: string): string {
  if (!NEEDS_WORK.test(value)) {
    return value;
  }
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvNumber(value: number): string {
  return Number.isFinite(value) ? '' + value : '';
}
