import assert from "node:assert/strict";
import { test } from "node:test";
import { account_kinds, bureau_features, thin_file_feature_names } from "./bureau-features.ts";
import { numericReasons } from "./reason-codes.ts";

test("the bureau feature catalogue covers the issue's features, each defined in both languages", () => {
  const names = bureau_features.map((feature) => feature.name);
  assert.equal(new Set(names).size, names.length, "names are unique");
  for (const required of [
    "utilisation",
    "balance_total_minor",
    "worst_delinquency_12m",
    "recent_delinquency_3m",
    "months_since_last_delinquency",
    "oldest_account_age_months",
    "inquiries_3m",
    "inquiries_6m",
    "inquiries_12m",
    "bnpl_exposure_minor",
    "microloan_exposure_minor",
    "spending_regularity",
    "bill_on_time_share",
    "spending_trend",
    ...account_kinds.map((kind) => `accounts_count_${kind}`),
  ]) {
    assert.ok(names.includes(required), required);
  }
  for (const feature of bureau_features) {
    for (const sentence of [feature.definition, ...Object.values(feature.reasons)]) {
      assert.ok(sentence.en.length > 5 && sentence.zh.length > 2, feature.name);
      assert.ok(/[\u4e00-\u9fff]/.test(sentence.zh), `${feature.name} has Chinese text`);
    }
  }
  assert.deepEqual(
    bureau_features.filter((feature) => feature.inquiry).map((feature) => feature.name),
    ["inquiries_3m", "inquiries_6m", "inquiries_12m"],
  );
  assert.ok(thin_file_feature_names.includes("bill_on_time_share"));
  assert.ok(!thin_file_feature_names.some((name) => name.startsWith("accounts_count_")));
});

test("reason codes of bureau features are stable names with a direction", () => {
  assert.deepEqual(numericReasons("inquiries_12m").higher, {
    code: "INQUIRIES_12M_HIGH",
    en: "Too many credit inquiries in the last 12 months",
    zh: "近12个月信用查询次数过多",
  });
  assert.equal(numericReasons("bill_on_time_share").lower.code, "BILL_ON_TIME_SHARE_LOW");
});
