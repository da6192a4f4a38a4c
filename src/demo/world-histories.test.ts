// Tests that the synthetic account histories behave as a lender's books would: statuses move a band a month,
// amounts and notices agree with the arrears, and the riskier a person, the further behind they fall.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StatementStatus } from "../furnishing/record-schema.ts";
import { daysInMonth, periodOf, populationCalendar } from "./population-calendar.ts";
import { personAt } from "./population-people.ts";
import {
  type AccountHistory,
  accountHistories,
  due_day_max,
  due_day_min,
  statusForDays,
} from "./world-histories.ts";

const now = new Date("2026-11-01T08:00:00Z");
const calendar = populationCalendar(now);
const seed = 11;
const people = 400;

const band: Record<StatementStatus, number> = {
  current: 0,
  late_1_30: 1,
  late_31_60: 2,
  late_61_90: 3,
  late_91_180: 4,
  late_180_plus: 5,
  charged_off: 6,
  closed: 0,
};

const all: { risk_logit: number; histories: AccountHistory[] }[] = [];
for (let n = 0; n < people; n++) {
  const person = personAt(seed, n, calendar);
  all.push({ risk_logit: person.risk_logit, histories: accountHistories(seed, person, calendar) });
}
const histories = all.flatMap((person) => person.histories);

describe("account histories", () => {
  test("the calendar holds 36 complete months before now and observes twelve months before the end", () => {
    assert.equal(periodOf(calendar.first_month), "2023-11");
    assert.equal(periodOf(calendar.last_month), "2026-10");
    assert.equal(periodOf(calendar.observation_month), "2025-10");
    assert.equal(calendar.observation_date, "2025-11-01");
  });

  test("statements run monthly without gaps from the opening month or the start of history", () => {
    assert.ok(histories.length > people / 2);
    for (const { plan, statements } of histories) {
      assert.ok(statements.length > 0, plan.account_ref);
      assert.equal(statements[0]?.month, Math.max(plan.opened_month, calendar.first_month), plan.account_ref);
      statements.forEach((statement, i) => {
        assert.equal(statement.month, (statements[0]?.month as number) + i);
      });
      assert.ok((statements.at(-1)?.month as number) <= calendar.last_month);
      assert.ok(plan.due_day >= due_day_min && plan.due_day <= due_day_max);
    }
  });

  test("a status worsens by at most one band a month, and charge-off follows 180 days late", () => {
    const seen = new Set<StatementStatus>();
    for (const { plan, statements } of histories) {
      statements.forEach((statement, i) => {
        seen.add(statement.status);
        const previous = statements[i - 1];
        if (previous === undefined) return;
        assert.notEqual(previous.status, "closed", `${plan.account_ref}: nothing follows closure`);
        if (previous.status === "charged_off") {
          assert.equal(statement.status, "charged_off", `${plan.account_ref}: charge-off is final`);
        }
        if (statement.status === "charged_off" && previous.status !== "charged_off") {
          assert.equal(previous.status, "late_180_plus", plan.account_ref);
        }
        assert.ok(
          band[statement.status] <= band[previous.status] + 1,
          `${plan.account_ref} ${statement.status}`,
        );
      });
    }
    for (const status of Object.keys(band) as StatementStatus[]) assert.ok(seen.has(status), status);
  });

  test("days, amounts past due and notices agree with the status", () => {
    for (const { plan, statements, closed_on } of histories) {
      for (const statement of statements) {
        const { status, days_past_due, past_due_minor, balance_minor } = statement;
        if (status !== "charged_off" && status !== "closed")
          assert.equal(statusForDays(days_past_due), status);
        assert.ok(past_due_minor <= balance_minor, plan.account_ref);
        assert.equal(
          past_due_minor > 0,
          days_past_due > 0,
          `${plan.account_ref} ${periodOf(statement.month)}`,
        );
        const negative = status !== "current" && status !== "closed";
        assert.equal(statement.notified_on !== undefined, negative, plan.account_ref);
        if (statement.notified_on !== undefined) {
          const period_end = `${periodOf(statement.month)}-${daysInMonth(statement.month)}`;
          assert.ok(statement.notified_on <= period_end, "notice comes before the statement is furnished");
        }
      }
      const last = statements.at(-1);
      assert.equal(closed_on !== undefined, last?.status === "closed", plan.account_ref);
      if (closed_on !== undefined) assert.equal(closed_on.slice(0, 7), periodOf(last?.month as number));
    }
  });

  test("the riskiest quarter of people falls behind far more often than the safest quarter", () => {
    const sorted = all
      .filter((person) => person.histories.length > 0)
      .sort((a, b) => a.risk_logit - b.risk_logit);
    const lateShare = (group: typeof sorted) => {
      const statements = group.flatMap((person) => person.histories.flatMap((history) => history.statements));
      return statements.filter((statement) => statement.days_past_due > 0).length / statements.length;
    };
    const quarter = Math.floor(sorted.length / 4);
    const safest = lateShare(sorted.slice(0, quarter));
    const riskiest = lateShare(sorted.slice(-quarter));
    assert.ok(riskiest > 3 * safest, `riskiest ${riskiest}, safest ${safest}`);
  });
});
