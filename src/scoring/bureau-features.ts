// The features the bureau computes per subject at an observation date, as data: definitions and reason sentences.
import { accountKinds, type activityCategories } from "../furnishing/index.ts";

type ActivityCategory = (typeof activityCategories)[number];

export interface Sentence {
  readonly en: string;
  readonly zh: string;
}

export interface BureauFeatureDefinition {
  readonly name: string;
  readonly unit: "ratio" | "minor_units" | "months" | "count" | "delinquency_bucket";
  // How far back from the observation date the feature looks; null when it is a state at that date.
  readonly window_months: number | null;
  readonly definition: Sentence;
  // The direction the bureau expects; the trainer still lets the data choose unless told otherwise.
  readonly expected_risk: "higher_is_riskier" | "lower_is_riskier";
  // "alternative" features come from platform activity and are all a thin file has.
  readonly source: "credit" | "alternative";
  readonly inquiry: boolean;
  // Key-factor sentences when the subject's value is higher or lower than the safest bin, or missing.
  readonly reasons: { readonly higher: Sentence; readonly lower: Sentence; readonly missing: Sentence };
}

// Every feature is computed from events dated before the observation date only; a feature that looked
// past it would leak the outcome into training.
export const point_in_time_rule: Sentence = {
  en: "Every feature uses only statements and activity of months before the observation month, accounts opened and inquiries made before the observation date.",
  zh: "所有特征仅使用观察月之前各月的账单和活动记录，以及观察日之前开立的账户和发生的查询。",
};

// Months of statements and activity a feature may see: a report loads 24 months, so a score served
// with a report sees the same window as the training rows did.
export const feature_window_months = 24;

// Platform spending that recurs month to month; travel is excluded because trips are rare and lumpy,
// and bills have their own feature.
export const everyday_spending_categories: readonly ActivityCategory[] = [
  "payments",
  "ecommerce",
  "food_delivery",
  "ride_hailing",
];

// Kinds of credit account counted separately: every kind the furnishing format knows, so that a kind
// added there needs a name here before it compiles.
export const account_kinds = accountKinds;
export type AccountKind = (typeof account_kinds)[number];

const account_kind_names: Record<AccountKind, Sentence> = {
  consumer_loan: { en: "consumer loan", zh: "消费贷款" },
  credit_line: { en: "credit line", zh: "授信额度" },
  bnpl: { en: "buy-now-pay-later", zh: "先买后付" },
  micro_loan: { en: "micro-loan", zh: "小额贷款" },
  credit_card: { en: "credit card", zh: "信用卡" },
  mortgage: { en: "mortgage", zh: "住房贷款" },
  small_business_loan: { en: "small-business loan", zh: "小微企业贷款" },
};

// Days-past-due buckets used by the delinquency features.
export const delinquency_buckets: readonly Sentence[] = [
  { en: "0: never past due", zh: "0：无逾期" },
  { en: "1: 1-29 days past due", zh: "1：逾期1-29天" },
  { en: "2: 30-59 days past due", zh: "2：逾期30-59天" },
  { en: "3: 60-89 days past due", zh: "3：逾期60-89天" },
  { en: "4: 90 or more days past due", zh: "4：逾期90天及以上" },
];

function inquiryFeature(months: number): BureauFeatureDefinition {
  return {
    name: `inquiries_${months}m`,
    unit: "count",
    window_months: months,
    definition: {
      en: `Number of consented credit inquiries by lenders in the ${months} months before the observation date.`,
      zh: `观察日前${months}个月内贷款机构经授权查询信用报告的次数。`,
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: true,
    reasons: {
      higher: {
        en: `Too many credit inquiries in the last ${months} months`,
        zh: `近${months}个月信用查询次数过多`,
      },
      lower: {
        en: `Few credit inquiries in the last ${months} months`,
        zh: `近${months}个月信用查询次数较少`,
      },
      missing: { en: "No inquiry history available", zh: "无查询记录" },
    },
  };
}

function accountCountFeature(kind: AccountKind): BureauFeatureDefinition {
  const label = account_kind_names[kind];
  const risky = kind === "bnpl" || kind === "micro_loan";
  return {
    name: `accounts_count_${kind}`,
    unit: "count",
    window_months: null,
    definition: {
      en: `Number of open ${label.en} accounts at the observation date.`,
      zh: `观察日未结清的${label.zh}账户数。`,
    },
    expected_risk: risky ? "higher_is_riskier" : "lower_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: `Too many open ${label.en} accounts`, zh: `未结清的${label.zh}账户过多` },
      lower: { en: `Too few open ${label.en} accounts`, zh: `未结清的${label.zh}账户过少` },
      missing: { en: `No ${label.en} account information`, zh: `无${label.zh}账户信息` },
    },
  };
}

export const bureau_features: readonly BureauFeatureDefinition[] = [
  {
    name: "utilisation",
    unit: "ratio",
    window_months: null,
    definition: {
      en: "Total balance on open revolving accounts divided by their total credit limit at the observation date.",
      zh: "观察日循环授信账户的总余额除以总授信额度。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "Balances are high compared with credit limits", zh: "授信额度使用率过高" },
      lower: { en: "Revolving credit is little used", zh: "循环授信使用率过低" },
      missing: { en: "No revolving credit limit on file", zh: "无循环授信额度记录" },
    },
  },
  {
    name: "balance_total_minor",
    unit: "minor_units",
    window_months: null,
    definition: {
      en: "Total outstanding balance across all open accounts at the observation date, in minor units.",
      zh: "观察日所有未结清账户的未偿余额合计（最小货币单位）。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "Total amount owed on accounts is too high", zh: "账户欠款总额过高" },
      lower: { en: "Little outstanding credit to show repayment", zh: "未偿信贷过少，难以体现还款情况" },
      missing: { en: "No balance information on file", zh: "无余额记录" },
    },
  },
  {
    name: "worst_delinquency_12m",
    unit: "delinquency_bucket",
    window_months: 12,
    definition: {
      en: "Worst days-past-due bucket (0 none, 1: 1-29, 2: 30-59, 3: 60-89, 4: 90+ days) on any account in the 12 months before the observation date.",
      zh: "观察日前12个月内任一账户的最严重逾期档（0无、1：1-29天、2：30-59天、3：60-89天、4：90天以上）。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: {
        en: "Accounts past due in the last 12 months, up to 90 days or more",
        zh: "近12个月有账户逾期，最长达90天及以上",
      },
      lower: { en: "Little repayment history in the last 12 months", zh: "近12个月还款记录较少" },
      missing: { en: "No repayment history in the last 12 months", zh: "近12个月无还款记录" },
    },
  },
  {
    name: "recent_delinquency_3m",
    unit: "delinquency_bucket",
    window_months: 3,
    definition: {
      en: "Worst days-past-due bucket on any account in the 3 months before the observation date (same buckets as worst_delinquency_12m).",
      zh: "观察日前3个月内任一账户的最严重逾期档（档位同worst_delinquency_12m）。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "Accounts past due in the last 3 months", zh: "近3个月有账户逾期" },
      lower: { en: "Little repayment history in the last 3 months", zh: "近3个月还款记录较少" },
      missing: { en: "No repayment history in the last 3 months", zh: "近3个月无还款记录" },
    },
  },
  {
    name: "months_since_last_delinquency",
    unit: "months",
    window_months: null,
    definition: {
      en: "Whole months from the most recent statement 30 or more days past due in the feature window (at most 24 months) to the observation date; missing when there was none.",
      zh: "特征窗口（最长24个月）内最近一次逾期30天及以上的账单月距观察日的整月数；无逾期则为空。",
    },
    expected_risk: "lower_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "A past-due payment on file, even if not recent", zh: "有逾期记录，尽管不是近期" },
      lower: { en: "A payment was 30 or more days late recently", zh: "近期有逾期30天及以上的还款" },
      missing: { en: "No record of late payment", zh: "无逾期记录" },
    },
  },
  ...account_kinds.map(accountCountFeature),
  {
    name: "oldest_account_age_months",
    unit: "months",
    window_months: null,
    definition: {
      en: "Whole months from the opening of the oldest account, open or closed, to the observation date.",
      zh: "最早开立的账户（含已结清）开户日至观察日的整月数。",
    },
    expected_risk: "lower_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: {
        en: "Oldest account is older than in the safest group",
        zh: "最早账户的账龄高于风险最低的组别",
      },
      lower: { en: "Length of credit history is too short", zh: "信用历史过短" },
      missing: { en: "No credit history on file", zh: "无信用历史记录" },
    },
  },
  inquiryFeature(3),
  inquiryFeature(6),
  inquiryFeature(12),
  {
    name: "bnpl_exposure_minor",
    unit: "minor_units",
    window_months: null,
    definition: {
      en: "Outstanding buy-now-pay-later balance at the observation date, in minor units.",
      zh: "观察日先买后付未偿余额（最小货币单位）。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "Buy-now-pay-later balances are too high", zh: "先买后付欠款过高" },
      lower: { en: "Little buy-now-pay-later history", zh: "先买后付记录较少" },
      missing: { en: "No buy-now-pay-later information", zh: "无先买后付信息" },
    },
  },
  {
    name: "microloan_exposure_minor",
    unit: "minor_units",
    window_months: null,
    definition: {
      en: "Outstanding micro-loan balance at the observation date, in minor units.",
      zh: "观察日小额贷款未偿余额（最小货币单位）。",
    },
    expected_risk: "higher_is_riskier",
    source: "credit",
    inquiry: false,
    reasons: {
      higher: { en: "Micro-loan balances are too high", zh: "小额贷款欠款过高" },
      lower: { en: "Little micro-loan history", zh: "小额贷款记录较少" },
      missing: { en: "No micro-loan information", zh: "无小额贷款信息" },
    },
  },
  {
    name: "platform_tenure_months",
    unit: "months",
    window_months: 24,
    definition: {
      en: "Whole months from the first platform activity in the feature window (at most 24 months) to the observation date.",
      zh: "特征窗口（最长24个月）内首次平台活动至观察日的整月数。",
    },
    expected_risk: "lower_is_riskier",
    source: "alternative",
    inquiry: false,
    reasons: {
      higher: {
        en: "Platform history is longer than in the safest group",
        zh: "平台使用时间长于风险最低的组别",
      },
      lower: { en: "Platform activity history is too short", zh: "平台活动历史过短" },
      missing: { en: "No platform activity on file", zh: "无平台活动记录" },
    },
  },
  {
    name: "spending_regularity",
    unit: "ratio",
    window_months: 12,
    definition: {
      en: "Of the months in the 12 before the observation date since the subject began using each everyday spending service (payments, shopping, food delivery, ride hailing), the share with at least one purchase there (0 to 1).",
      zh: "观察日前12个月内，自开始使用各项日常消费服务（支付、购物、外卖、出行）起，有消费的月份占比（0至1）。",
    },
    expected_risk: "lower_is_riskier",
    source: "alternative",
    inquiry: false,
    reasons: {
      higher: { en: "Spending is more frequent than in the safest group", zh: "消费频率高于风险最低的组别" },
      lower: { en: "Spending is irregular", zh: "消费不规律" },
      missing: { en: "No spending activity on file", zh: "无消费记录" },
    },
  },
  {
    name: "bill_on_time_share",
    unit: "ratio",
    window_months: 12,
    definition: {
      en: "Share of utility, telecom and other bills due in the 12 months before the observation date that were paid by their due date (0 to 1).",
      zh: "观察日前12个月内到期的水电、通讯等账单中按时缴纳的比例（0至1）。",
    },
    expected_risk: "lower_is_riskier",
    source: "alternative",
    inquiry: false,
    reasons: {
      higher: {
        en: "Bill payment record differs from the safest group",
        zh: "账单缴费记录与风险最低的组别不同",
      },
      lower: { en: "Bills were not always paid on time", zh: "账单未能按时缴纳" },
      missing: { en: "No bill payment history", zh: "无账单缴费记录" },
    },
  },
  {
    name: "spending_trend",
    unit: "ratio",
    window_months: 12,
    definition: {
      en: "Everyday platform spending in the 3 months before the observation date divided by a quarter of the spending in the 12 months before it, minus 1 (negative means falling).",
      zh: "观察日前3个月日常平台消费额除以前12个月消费额的四分之一，再减1（负值表示下降）。",
    },
    expected_risk: "lower_is_riskier",
    source: "alternative",
    inquiry: false,
    reasons: {
      higher: { en: "Spending has risen sharply", zh: "消费金额大幅上升" },
      lower: { en: "Spending has fallen", zh: "消费金额下降" },
      missing: { en: "Not enough spending history to see a trend", zh: "消费记录不足，无法判断趋势" },
    },
  },
];

export function bureauFeature(name: string): BureauFeatureDefinition | undefined {
  return bureau_features.find((feature) => feature.name === name);
}

// The features a thin file (no credit accounts) can still have.
export const thin_file_feature_names: readonly string[] = bureau_features
  .filter((feature) => feature.source === "alternative")
  .map((feature) => feature.name);

export const account_count_feature_names: readonly string[] = account_kinds.map(
  (kind) => `accounts_count_${kind}`,
);
