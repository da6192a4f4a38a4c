import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { crossValidate } from "./cross-validation.ts";
import { buildDataset } from "./dataset.ts";
import { german_feature_labels, german_target_name, readGermanTable } from "./german-reader.ts";
import { scoreRecord } from "./scorer.ts";
import { trainScorecard } from "./trainer.ts";

// The UCI Statlog German credit data lives outside the repository (../shared/data from the
// checkout); the tests skip when it is absent.
const german_path = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/data/german.data");
const skip_message = `${german_path} is absent; the German credit tests need it`;

// Skips the test with a message when the data file is missing; true when the test may go on.
function haveData(t: TestContext): boolean {
  if (existsSync(german_path)) return true;
  t.skip(skip_message);
  return false;
}

// Anchors on this set: logistic regression about 0.777, XGBoost about 0.783 mean 5-fold AUC.
const auc_target = 0.78;

async function germanData(exclude: string[] = []) {
  return buildDataset(await readGermanTable(german_path), { target: german_target_name, exclude });
}

test("German credit: 5-fold cross-validated AUC of the monotonic scorecard reaches 0.78", async (t) => {
  if (!haveData(t)) return;
  const cv = crossValidate(await germanData(), { seed: 1, bootstrap_resamples: 50 }, 5);
  assert.equal(cv.summary.fold_aucs.length, 5);
  assert.ok(cv.summary.auc_mean >= auc_target, `mean 5-fold AUC ${cv.summary.auc_mean.toFixed(4)}`);
});

test("German credit: without the protected attributes (sex, foreign worker) the scorecard still reaches 0.78", async (t) => {
  if (!haveData(t)) return;
  const dataset = await germanData(["personal_status_sex", "foreign_worker"]);
  const cv = crossValidate(dataset, { seed: 1, bootstrap_resamples: 50 }, 5);
  assert.ok(cv.summary.auc_mean >= auc_target, `mean 5-fold AUC ${cv.summary.auc_mean.toFixed(4)}`);
});

test("German credit: the full model explains a risky applicant with checking account and duration", async (t) => {
  if (!haveData(t)) return;
  const dataset = await germanData();
  const model = trainScorecard(dataset, {
    seed: 1,
    bootstrap_resamples: 50,
    trained_at: "test",
    feature_labels: german_feature_labels,
  });
  assert.ok(model.features.some((feature) => feature.name === "checking_status"));
  const applicant = {
    checking_status: "A11",
    duration_months: 48,
    credit_history: "A30",
    purpose: "A40",
    credit_amount: 12_000,
    savings_status: "A61",
    employment_since: "A71",
    installment_rate_pct: 4,
    personal_status_sex: "A93",
    other_debtors: "A101",
    residence_since: 2,
    property: "A124",
    age_years: 22,
    other_installment_plans: "A141",
    housing: "A153",
    existing_credits: 1,
    job: "A173",
    people_liable: 1,
    telephone: "A191",
    foreign_worker: "A201",
  };
  const result = scoreRecord(model, applicant);
  assert.ok(result.pd > 0.5, `PD ${result.pd}`);
  assert.equal(result.reasons.length, 4);
  const codes = result.reasons.map((reason) => reason.code);
  assert.ok(codes.includes("CHECKING_STATUS_CATEGORY"), codes.join(" "));
  assert.ok(codes.includes("DURATION_MONTHS_HIGH"), codes.join(" "));
  const checking = result.reasons.find((reason) => reason.code === "CHECKING_STATUS_CATEGORY");
  assert.equal(checking?.en, "Status of the existing checking account is in a higher-risk group");
  assert.equal(checking?.zh, "现有支票账户状态属于较高风险类别");
});
