/** Number and time formats of the history view (pure, no DOM). */
import { historyText } from './text';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const credits = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 3 });
const dollars = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const tenths = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

export function formatTokens(value: number): string {
  return integer.format(value);
}

export function formatCredits(value: number | null): string {
  return value === null ? '—' : credits.format(value);
}

/** Charged minus estimated, signed, so an under-estimate reads `+0.12`. */
export function formatDifference(value: number | null): string {
  if (value === null) {
    return '—';
  }
  const text = credits.format(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

export function formatUsd(value: number | null): string {
  return value === null ? '—' : dollars.format(value);
}

/** A share 0..1 as a percentage. */
export function formatShare(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : percent.format(value);
}

/** A value already in percent, e.g. a median error of 12.5 -> `12.5 %`. */
export function formatPercentValue(value: number | null): string {
  return value === null ? '—' : percent.format(value / 100);
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? historyText.milliseconds(integer.format(Math.round(ms))) : historyText.seconds(tenths.format(ms / 1000));
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Local `YYYY-MM-DD HH:MM:SS`: sortable, unambiguous, the same width on every row. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
