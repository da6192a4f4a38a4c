// Tests of the bureau features at a point in time: each value from a hand-built file, and nothing after it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CreditFile, FileAccount, FileActivity, FileStatement } from "../furnishing/index.ts";
import { bureau_features } from "./bureau-features.ts";
import {
  bureauFeaturesAt,
  delinquencyBucket,
  featureWindowStart,
  hasCreditAccounts,
  scorecardRoute,
} from "./feature-extraction.ts";

const as_of = new Date("2026-06-15T10:00:00Z");

function account(
  account_ref: string,
  kind: string,
  opened_on: string,
  extra: Partial<FileAccount> = {},
): FileAccount {
  return {
    furnisher_id: "bank",
    account_ref,
    kind,
    opened_on,
    closed_on: null,
    currency: "CNY",
    credit_limit_minor: null,
    principal_minor: null,
    term_months: null,
    co_lender_id: null,
    seq: 1n,
    ...extra,
  };
}

function statement(account_ref: string, period: string, balance: number, days_past_due = 0): FileStatement {
  return {
    furnisher_id: "bank",
    account_ref,
    period,
    balance_minor: BigInt(balance),
    past_due_minor: 0n,
    days_past_due,
    scheduled_payment_minor: null,
    actual_payment_minor: null,
    status: days_past_due >= 91 ? "late_91_180" : days_past_due > 0 ? "late_1_30" : "current",
    notified_on: null,
    seq: 1n,
  };
}

function activity(
  category: string,
  period: string,
  count: number,
  amount: number,
  on_time_share: number | null = null,
): FileActivity {
  return {
    furnisher_id: "platform",
    category,
    period,
    count,
    amount_minor: BigInt(amount),
    on_time_share,
    seq: 1n,
  };
}

// Twelve months of payments from 2025-06 to 2026-05 except two, food orders from 2026-02.
function payments(): FileActivity[] {
  const months: FileActivity[] = [];
  for (let index = 0; index < 12; index += 1) {
    const month = 2025 * 12 + 5 + index;
    const period = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
    if (period !== "2025-12" && period !== "2026-01") months.push(activity("payments", period, 10, 1_000));
  }
  return months;
}

const file: CreditFile = {
  accounts: [
    account("CC1", "credit_card", "2020-03-10", { credit_limit_minor: 1_000_000n }),
    // Closes after the observation date, so it was open at it.
    account("BN1", "bnpl", "2025-01-05", { credit_limit_minor: 200_000n, closed_on: "2026-08-01" }),
    account("ML1", "micro_loan", "2025-09-01"),
    account("ML0", "micro_loan", "2024-01-01", { closed_on: "2024-07-01" }),
  ],
  statements: [
    statement("CC1", "2025-08", 200_000, 95),
    statement("CC1", "2026-03", 240_000),
    statement("CC1", "2026-04", 250_000, 35),
    statement("CC1", "2026-05", 300_000),
    statement("BN1", "2026-05", 50_000),
    statement("ML1", "2026-05", 80_000, 10),
  ],
  activities: [
    // Before the 24-month window a report reads: it must count for nothing.
    activity("travel", "2024-05", 1, 90_000),
    activity("travel", "2024-07", 1, 80_000),
    ...payments(),
    ...["2026-02", "2026-03", "2026-04", "2026-05"].map((period) =>
      activity("food_delivery", period, 5, 500),
    ),
    activity("utilities", "2026-01", 2, 24_000, 1),
    activity("utilities", "2026-02", 2, 24_000, 0.5),
  ],
};

const inquiries = [
  new Date("2026-06-01T00:00:00Z"),
  new Date("2026-02-01T00:00:00Z"),
  new Date("2025-08-01T00:00:00Z"),
  new Date("2025-05-01T00:00:00Z"),
];

describe("bureau features at a point in time", () => {
  test("every feature of the catalogue is computed from the file, the window and the inquiries", () => {
    const values = bureauFeaturesAt(file, inquiries, as_of);
    assert.deepEqual(Object.keys(values).sort(), bureau_features.map((feature) => feature.name).sort());
    assert.deepEqual(values, {
      utilisation: (300_000 + 50_000) / (1_000_000 + 200_000),
      balance_total_minor: 430_000,
      worst_delinquency_12m: 4,
      recent_delinquency_3m: 2,
      months_since_last_delinquency: 2,
      accounts_count_consumer_loan: 0,
      accounts_count_credit_line: 0,
      accounts_count_bnpl: 1,
      accounts_count_micro_loan: 1,
      accounts_count_credit_card: 1,
      accounts_count_mortgage: 0,
      accounts_count_small_business_loan: 0,
      oldest_account_age_months: 75,
      inquiries_3m: 1,
      inquiries_6m: 2,
      inquiries_12m: 3,
      bnpl_exposure_minor: 50_000,
      microloan_exposure_minor: 80_000,
      platform_tenure_months: 23,
      spending_regularity: (10 + 4) / (12 + 4),
      bill_on_time_share: 0.75,
      spending_trend: 4_500 / (12_000 / 4) - 1,
    });
  });

  test("records after the point in time change no feature", () => {
    const before = bureauFeaturesAt(file, inquiries, as_of);
    const with_future: CreditFile = {
      accounts: [
        ...file.accounts.filter((row) => row.account_ref !== "ML1"),
        // Closed after the observation date: still open at it.
        account("ML1", "micro_loan", "2025-09-01", { closed_on: "2026-06-20" }),
        // Opened on the observation date, with a (back-dated) delinquent statement.
        account("CC2", "credit_card", "2026-06-15", { credit_limit_minor: 50_000n }),
        account("MG1", "mortgage", "2026-09-01"),
      ],
      statements: [
        ...file.statements,
        statement("CC2", "2026-05", 50_000, 120),
        statement("CC1", "2026-06", 900_000, 150),
        statement("CC1", "2026-07", 950_000, 180),
        statement("MG1", "2026-10", 1_000_000),
      ],
      activities: [
        ...file.activities,
        activity("payments", "2026-06", 40, 900_000),
        activity("food_delivery", "2026-07", 1, 100),
        activity("utilities", "2026-06", 2, 24_000, 0),
        activity("ride_hailing", "2026-08", 3, 3_000),
      ],
    };
    const later_inquiries = [...inquiries, as_of, new Date("2026-06-20T00:00:00Z")];
    assert.deepEqual(bureauFeaturesAt(with_future, later_inquiries, as_of), before);
  });

  test("the window starts 24 months before the observation month, as a report's does", () => {
    assert.equal(featureWindowStart(as_of), "2024-06");
    assert.equal(featureWindowStart(new Date("2026-01-01T00:00:00Z")), "2024-01");
  });

  test("a file without data gives missing values, not zeros, except for counts", () => {
    const values = bureauFeaturesAt({ accounts: [], statements: [], activities: [] }, [], as_of);
    for (const name of [
      "utilisation",
      "worst_delinquency_12m",
      "oldest_account_age_months",
      "spending_trend",
    ]) {
      assert.equal(values[name], null, name);
    }
    assert.equal(values.accounts_count_credit_card, 0);
    assert.equal(values.inquiries_12m, 0);
  });

  test("delinquency buckets follow days past due, and a charge-off is the worst", () => {
    const bucket = (days: number, status = "current") => delinquencyBucket({ days_past_due: days, status });
    assert.deepEqual(
      [0, 1, 29, 30, 59, 60, 89, 90, 400].map((days) => bucket(days)),
      [0, 1, 1, 2, 2, 3, 3, 4, 4],
    );
    assert.equal(bucket(0, "charged_off"), 4);
  });

  test("subjects who have held credit get the full card, platform users the thin-file one, others none", () => {
    assert.equal(hasCreditAccounts(file, as_of), true);
    assert.equal(scorecardRoute(file, bureauFeaturesAt(file, [], as_of), as_of), "full");
    const closed_only: CreditFile = {
      ...file,
      accounts: file.accounts.filter((row) => row.account_ref === "ML0"),
    };
    assert.equal(scorecardRoute(closed_only, bureauFeaturesAt(closed_only, [], as_of), as_of), "full");
    const thin: CreditFile = { accounts: [], statements: [], activities: file.activities };
    assert.equal(hasCreditAccounts(thin, as_of), false);
    assert.equal(scorecardRoute(thin, bureauFeaturesAt(thin, [], as_of), as_of), "thin_file");
    const future_only: CreditFile = {
      accounts: [account("CC9", "credit_card", "2026-07-01")],
      statements: [],
      activities: [activity("payments", "2026-07", 1, 100)],
    };
    assert.equal(scorecardRoute(future_only, bureauFeaturesAt(future_only, [], as_of), as_of), "none");
  });
});
