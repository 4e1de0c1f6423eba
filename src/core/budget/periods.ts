/**
 * Budget periods in the user's local time: "today" starts at local midnight, "this month" on the 1st.
 * Keys name a period so a notice can be remembered once per period.
 */
export interface PeriodBounds {
  readonly dayStart: Date;
  readonly dayEnd: Date;
  readonly monthStart: Date;
  readonly monthEnd: Date;
  /** `YYYY-MM-DD` in local time. */
  readonly dayKey: string;
  /** `YYYY-MM` in local time. */
  readonly monthKey: string;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

export function periodBounds(now: Date): PeriodBounds {
  const year = now.getFullYear();
  const month = now.getMonth();
  const day = now.getDate();
  return {
    dayStart: new Date(year, month, day),
    dayEnd: new Date(year, month, day + 1),
    monthStart: new Date(year, month, 1),
    monthEnd: new Date(year, month + 1, 1),
    dayKey: `${year}-${pad(month + 1)}-${pad(day)}`,
    monthKey: `${year}-${pad(month + 1)}`,
  };
}
