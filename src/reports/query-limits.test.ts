// Per-lender limits: a burst of first queries loads the lender's allowance once, and the allowance holds.
import assert from "node:assert/strict";
import { it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { describeEachBackend } from "../db/testing.ts";
import { QueryLimits } from "./query-limits.ts";

describeEachBackend("QueryLimits", (backend) => {
  it("loads a lender's allowance once for a burst of concurrent first queries, then limits the burst", async () => {
    const statements: string[] = [];
    // The real database, with the statements it is sent written down.
    const db: Pick<Database, "query"> = {
      query: (text, params) => {
        statements.push(typeof text === "string" ? text : text.name);
        return backend().db.query(text, params);
      },
    };
    const limits = new QueryLimits(db, new ManualClock("2026-11-01T08:00:00Z"), {
      rate_per_s: 20,
      daily_quota: 1000,
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 32 }, () => limits.take("bank-a")));
    assert.equal(statements.length, 2, "one read of the lender's limits and one count of today's queries");
    assert.equal(outcomes.filter((outcome) => outcome.status === "fulfilled").length, 20);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    assert.equal(refused.length, 12);
    for (const outcome of refused) assert.equal((outcome.reason as { code: string }).code, "RATE_LIMITED");
  });
});
