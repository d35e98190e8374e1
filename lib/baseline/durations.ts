/**
 * Every conversion between calendar years and days or hours in the code base. Nothing else multiplies years by
 * 365, 365.25 or 366: retention promises are stated in years (HIPAA §164.316(b)(2)(i): six years) and AWS takes
 * days (CloudWatch Logs, S3 lifecycle, AWS Backup) or timestamps (S3 Object Lock retain-until dates).
 */

export const MS_PER_DAY = 86_400_000;
export const HOURS_PER_DAY = 24;

/**
 * The fewest whole days that are never shorter than `years` calendar years, wherever the span starts:
 * `365 * years + ceil(years / 4)`.
 *
 * Why this formula: a span of N consecutive calendar years holds 365·N days plus one per 29 February inside it.
 * Leap years come at most once every four years, so N years hold at most ceil(N / 4) leap days (the Gregorian
 * century rule only ever removes some). Hence 365N + ceil(N/4) days always reach the same date N years later or
 * beyond, and no smaller number does for every start (a span starting on 1 March before a leap year holds the
 * full ceil(N/4)). It equals `ceil(365.25 * N)` and gives exactly CloudWatch Logs' retention values for whole
 * years (6 → 2192, 7 → 2557, 10 → 3653), so an audit log group kept this long keeps its events N years.
 * test/baseline.test.ts checks it against Date arithmetic over every start day of four centuries.
 */
export function daysCoveringYears(years: number): number {
  if (!Number.isInteger(years) || years < 0) throw new Error(`daysCoveringYears: years ${years} must be a whole number of at least 0`);
  return 365 * years + Math.ceil(years / 4);
}

/**
 * The retention floor in days for `years` calendar years: no span of N calendar years has fewer than 365·N days,
 * so an explicit Object Lock retain-until of `years` calendar years from now is never below it (the audit bucket's
 * `DenyRetentionShorterThanAuditYears` statement refuses anything shorter).
 */
export function retentionFloorDays(years: number): number {
  if (!Number.isInteger(years) || years < 0) throw new Error(`retentionFloorDays: years ${years} must be a whole number of at least 0`);
  return 365 * years;
}

/** Hours that are never shorter than `years` calendar years (whole days of {@link daysCoveringYears}). */
export function hoursCoveringYears(years: number): number {
  return daysCoveringYears(years) * HOURS_PER_DAY;
}

/**
 * The instant `years` calendar years after `from`, in UTC (29 February + 1 year → 1 March). Used to check a
 * retain-until date, which S3 stores as a timestamp, against "N years after it was written".
 */
export function addCalendarYears(from: Date, years: number): Date {
  const d = new Date(from.getTime());
  // Date overflows 29 February of a non-leap target year into 1 March, the later of the two readings.
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Whole days (rounded up) in a span of milliseconds. */
export function daysIn(ms: number): number {
  return Math.ceil(ms / MS_PER_DAY);
}

/** Does a retention of `days` days cover `years` calendar years from any start? */
export function daysCover(days: number, years: number): boolean {
  return days >= daysCoveringYears(years);
}
