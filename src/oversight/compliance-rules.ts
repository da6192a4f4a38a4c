// The rule of the compliance board: its thresholds, and how a mandated platform's figures decide its status.

/** Every threshold the board applies, in one place, so the response can state the rule it used. */
export const complianceThresholds = {
  /** Distinct subjects furnished over active users declared, at or above which coverage suffices. */
  coverage_min: 0.8,
  /** Rejected lines over all lines submitted in the quality window, at or below which quality suffices. */
  rejected_share_max: 0.05,
  /** A platform is current while its latest accepted submission is at most this old. */
  accepted_submission_age_days_max: 35,
  /** Rejection rate and timeliness are measured over submissions received in this many trailing days. */
  quality_window_days: 90,
} as const;

export const complianceStatuses = ["not_started", "onboarding", "furnishing", "compliant", "lapsed"] as const;
export type ComplianceStatus = (typeof complianceStatuses)[number];

/** What the decision looks at; all measured at the same instant. */
export interface ComplianceFigures {
  readonly onboarded: boolean;
  readonly submissions_total: number;
  readonly last_accepted_at: Date | null;
  readonly coverage: number;
  /** Null when nothing was submitted in the quality window. */
  readonly rejected_share: number | null;
}

export interface ComplianceDecision {
  readonly status: ComplianceStatus;
  /** The rule that decided the status, with the figures it compared. */
  readonly rule: string;
}

const day_ms = 86_400_000;
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function decideStatus(figures: ComplianceFigures, now: Date): ComplianceDecision {
  const t = complianceThresholds;
  if (figures.last_accepted_at === null) {
    if (figures.submissions_total > 0) {
      return {
        status: "onboarding",
        rule: `onboarding: ${figures.submissions_total} submission(s) but none accepted yet`,
      };
    }
    if (figures.onboarded)
      return { status: "onboarding", rule: "onboarding: onboarded, nothing submitted yet" };
    return { status: "not_started", rule: "not_started: not onboarded and nothing submitted" };
  }
  const age_days = Math.floor((now.getTime() - figures.last_accepted_at.getTime()) / day_ms);
  if (age_days > t.accepted_submission_age_days_max) {
    return {
      status: "lapsed",
      rule: `lapsed: last accepted submission ${age_days} days ago > ${t.accepted_submission_age_days_max}`,
    };
  }
  const recent = `last accepted submission ${age_days} days ago <= ${t.accepted_submission_age_days_max}`;
  const coverage_ok = figures.coverage >= t.coverage_min;
  const coverage = `coverage ${percent(figures.coverage)} ${coverage_ok ? ">=" : "<"} ${percent(t.coverage_min)}`;
  const share = figures.rejected_share;
  const quality_ok = share !== null && share <= t.rejected_share_max;
  const quality =
    share === null
      ? `no lines in the last ${t.quality_window_days} days`
      : `rejection rate ${percent(share)} ${quality_ok ? "<=" : ">"} ${percent(t.rejected_share_max)}`;
  if (coverage_ok && quality_ok) {
    return { status: "compliant", rule: `compliant: ${coverage}, ${quality}, ${recent}` };
  }
  const failing = [coverage_ok ? undefined : coverage, quality_ok ? undefined : quality].filter(Boolean);
  return { status: "furnishing", rule: `furnishing: ${recent}, but ${failing.join(" and ")}` };
}
