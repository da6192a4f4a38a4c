// UTC months and days as billing reads them: a statement month is YYYY-MM, a price takes effect on a YYYY-MM-DD.
import { ApiError } from "../http/errors.ts";
import "./errors.ts";

export interface BillingMonth {
  /** YYYY-MM. */
  readonly month: string;
  /** First instant of the month, UTC, inclusive. */
  readonly start: Date;
  /** First instant of the next month, UTC, exclusive. */
  readonly end: Date;
}

/** The earliest month a statement can name; an earlier one is a typo, not a request. */
export const month_min = "2000-01";

/** Parses YYYY-MM. Errors: BAD_QUERY, naming the expected form but not echoing long input. */
export function parseMonth(text: string | undefined): BillingMonth {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text ?? "");
  if (!match || (text as string) < month_min) {
    throw new ApiError("BAD_QUERY", `month must be a calendar month written YYYY-MM, from ${month_min} on.`, {
      parameter: "month",
    });
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  return {
    month: text as string,
    start: new Date(Date.UTC(year, month - 1, 1)),
    end: new Date(Date.UTC(year, month, 1)),
  };
}

/** The UTC day of an instant, YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** True when `text` is a real calendar day written YYYY-MM-DD. */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const at = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(at.getTime()) && utcDay(at) === text;
}

/**
 * Checks that a dated change takes effect after today. A change that reached back to today or earlier
 * would re-price disclosures already in the log, and the books could no longer be recomputed from it.
 * Errors: BILLING_EFFECTIVE_DATE_INVALID.
 */
export function requireFutureDay(effective_from: string, now: Date): void {
  if (!isCalendarDay(effective_from) || effective_from <= utcDay(now)) {
    throw new ApiError(
      "BILLING_EFFECTIVE_DATE_INVALID",
      `effective_from must be a real day after ${utcDay(now)} (UTC), written YYYY-MM-DD.`,
    );
  }
}
