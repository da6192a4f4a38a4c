// Reads the UCI Statlog German credit format: space-separated, 20 attributes, outcome 1 = good, 2 = bad.
import type { Sentence } from "./bureau-features.ts";
import { DomainError } from "./errors.ts";
import { checkTableShape, type RawTable, readDataFile } from "./raw-table.ts";

// Names follow the attribute descriptions in the UCI documentation, in file order.
export const german_feature_names: readonly string[] = [
  "checking_status",
  "duration_months",
  "credit_history",
  "purpose",
  "credit_amount",
  "savings_status",
  "employment_since",
  "installment_rate_pct",
  "personal_status_sex",
  "other_debtors",
  "residence_since",
  "property",
  "age_years",
  "other_installment_plans",
  "housing",
  "existing_credits",
  "job",
  "people_liable",
  "telephone",
  "foreign_worker",
];

// Labels for reason sentences, after the UCI attribute descriptions.
export const german_feature_labels: Readonly<Record<string, Sentence>> = {
  checking_status: { en: "status of the existing checking account", zh: "现有支票账户状态" },
  duration_months: { en: "loan duration in months", zh: "贷款期限（月）" },
  credit_history: { en: "credit history", zh: "信用记录" },
  purpose: { en: "loan purpose", zh: "贷款用途" },
  credit_amount: { en: "credit amount", zh: "贷款金额" },
  savings_status: { en: "savings account or bonds", zh: "储蓄账户或债券" },
  employment_since: { en: "time in present employment", zh: "现职工作年限" },
  installment_rate_pct: {
    en: "instalment as a share of disposable income",
    zh: "分期还款额占可支配收入比例",
  },
  personal_status_sex: { en: "personal status and sex", zh: "婚姻状况与性别" },
  other_debtors: { en: "other debtors or guarantors", zh: "其他债务人或担保人" },
  residence_since: { en: "time at present residence", zh: "现居住年限" },
  property: { en: "property", zh: "财产" },
  age_years: { en: "age", zh: "年龄" },
  other_installment_plans: { en: "other instalment plans", zh: "其他分期付款计划" },
  housing: { en: "housing", zh: "住房情况" },
  existing_credits: { en: "number of existing credits at this bank", zh: "在本行现有贷款笔数" },
  job: { en: "job", zh: "职业" },
  people_liable: { en: "number of dependants", zh: "需供养人数" },
  telephone: { en: "telephone", zh: "电话登记" },
  foreign_worker: { en: "foreign worker", zh: "外籍劳工" },
};

// The target column the reader adds: "1" for a bad outcome (code 2 in the file), "0" for good.
export const german_target_name = "bad";

export function parseGermanTable(text: string): RawTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  const field_count = german_feature_names.length + 1;
  text.split("\n").forEach((raw_line, index) => {
    const line = raw_line.trim();
    if (line === "") return;
    const fields = line.split(/\s+/);
    if (fields.length !== field_count) {
      throw new DomainError(
        "DATA_ROW_WIDTH",
        `line ${index + 1} has ${fields.length} fields; the German format has ${field_count}`,
        { line: index + 1, fields: fields.length, expected: field_count },
      );
    }
    const outcome = fields[field_count - 1];
    if (outcome !== "1" && outcome !== "2") {
      throw new DomainError(
        "TARGET_NOT_BINARY",
        `line ${index + 1}: the outcome must be 1 (good) or 2 (bad)`,
        {
          line: index + 1,
        },
      );
    }
    fields[field_count - 1] = outcome === "2" ? "1" : "0";
    rows.push(fields);
    lines.push(index + 1);
  });
  const header = [...german_feature_names, german_target_name];
  checkTableShape(header, rows.length);
  return { header, rows, line_numbers: Int32Array.from(lines) };
}

export async function readGermanTable(path: string): Promise<RawTable> {
  return parseGermanTable(await readDataFile(path));
}
