import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../http/errors.ts";
import { isCalendarDay, parseMonth, requireFutureDay } from "./calendar.ts";

const code = (expected: string) => (error: unknown) => error instanceof ApiError && error.code === expected;

describe("billing calendar", () => {
  it("reads a month as the UTC instants it spans, December into the next year", () => {
    assert.deepEqual(parseMonth("2026-12"), {
      month: "2026-12",
      start: new Date("2026-12-01T00:00:00.000Z"),
      end: new Date("2027-01-01T00:00:00.000Z"),
    });
  });

  it("answers a malformed, missing or too early month with BAD_QUERY", () => {
    for (const bad of [
      "2026-13",
      "2026-00",
      "2026-1",
      "26-01",
      "2026-01-01",
      " 2026-01",
      "1999-12",
      "",
      undefined,
    ]) {
      assert.throws(() => parseMonth(bad), code("BAD_QUERY"), String(bad));
    }
    assert.doesNotThrow(() => parseMonth("2000-01"));
    assert.doesNotThrow(() => parseMonth("9999-12"));
  });

  it("accepts only real days, and only after today for a change", () => {
    assert.ok(isCalendarDay("2028-02-29"));
    assert.ok(!isCalendarDay("2027-02-29"));
    assert.ok(!isCalendarDay("2027-2-01"));
    const now = new Date("2027-03-10T23:59:59.999Z");
    assert.doesNotThrow(() => requireFutureDay("2027-03-11", now));
    assert.throws(() => requireFutureDay("2027-03-10", now), code("BILLING_EFFECTIVE_DATE_INVALID"));
    assert.throws(() => requireFutureDay("2027-02-30", now), code("BILLING_EFFECTIVE_DATE_INVALID"));
  });
});
