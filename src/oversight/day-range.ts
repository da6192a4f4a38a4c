// Calendar days in UTC (YYYY-MM-DD) and inclusive ranges of them: the unit of the board's history, the
// neutrality report's window and the anomaly scans.
import assert from "node:assert/strict";
import { ApiError } from "../http/errors.ts";

const day_ms = 86_400_000;
const day_pattern = /^\d{4}-\d{2}-\d{2}$/;

export interface DayRange {
  /** First day, inclusive. */
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The instant a UTC day begins. */
export function dayStart(day: string): Date {
  assert.match(day, day_pattern);
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, days: number): string {
  return utcDay(new Date(dayStart(day).getTime() + days * day_ms));
}

/** Whole days from `from` to `to`; negative when `to` comes first. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / day_ms);
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The half-open instants [start, end) a day range covers. */
export function instantsOf(range: DayRange): { start: Date; end: Date } {
  return { start: dayStart(range.from), end: dayStart(addDays(range.to, 1)) };
}

/**
 * The range a request asks for: `to` defaults to today and `from` to `default_days` days ending at `to`.
 * Errors: BAD_QUERY when `from` is after `to` or the range is longer than `days_max`.
 */
export function requestedRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
  limits: { default_days: number; days_max: number },
): DayRange {
  assert.ok(limits.default_days >= 1 && limits.default_days <= limits.days_max);
  const to = query.to ?? utcDay(now);
  const from = query.from ?? addDays(to, 1 - limits.default_days);
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw new ApiError("BAD_QUERY", "from must not be after to.", { from, to });
  if (days > limits.days_max) {
    throw new ApiError("BAD_QUERY", `A range covers at most ${limits.days_max} days.`, {
      days,
      days_max: limits.days_max,
    });
  }
  return { from, to };
}
