// The JSON shapes the portals read from the API, as they travel: times are ISO strings, money is minor units
// (a number when exact, else a decimal string).

export type Minor = number | string;
export type Role = "furnisher" | "lender" | "bureau" | "regulator";

export interface Meta {
  readonly regime: string;
  readonly regime_name: string;
  readonly default_locale: "zh-CN" | "en";
  readonly currency: string;
  readonly identifier_types: string[];
  readonly consent_required: boolean;
  readonly free_own_reports_per_year: number;
  readonly dispute_deadline_days: number;
  readonly log_origin: string;
  readonly server_time: string;
}

export interface Institution {
  readonly id: string;
  readonly name: string;
  readonly roles: Role[];
  readonly kind: string;
  readonly stake_bp: number;
}

export type Me =
  | { readonly kind: "subject" }
  | { readonly kind: "institution"; readonly institution: Institution; readonly key_roles: Role[] };

export interface Submission {
  readonly id: string;
  readonly status: "processing" | "accepted" | "rejected" | "interrupted";
  readonly format: string;
  readonly channel: string;
  readonly received_at: string;
  readonly finished_at: string | null;
  readonly bytes: number;
  readonly lines_total: number | null;
  readonly lines_accepted: number | null;
  readonly lines_rejected: number | null;
  readonly rejected_by_code: Record<string, number> | null;
  readonly rejection_reason: string | null;
}

export interface RejectedLine {
  readonly line: number;
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

export interface Quality {
  readonly lines: { total: number; accepted: number; rejected: number };
  readonly submissions: { total: number; accepted: number; rejected: number; interrupted: number };
  readonly rejected_share: number | null;
  readonly rejected_by_code: Record<string, number>;
  readonly subjects_matched_share: number | null;
  readonly timeliness_days_mean: number | null;
  readonly monthly: {
    month: string;
    submissions: number;
    lines_accepted: number;
    lines_rejected: number;
    timeliness_days_mean: number | null;
  }[];
}

export interface StatementTotal {
  readonly currency: string;
  readonly gross_minor: Minor;
  readonly refunds_minor: Minor;
  readonly net_minor: Minor;
}

export interface FurnisherStatement {
  readonly month: string;
  readonly institution_name: string;
  readonly lines: {
    lender_id: string;
    product: string;
    currency: string;
    count: number;
    earned_minor: Minor;
    reversed_minor: Minor;
    net_minor: Minor;
  }[];
  readonly totals: StatementTotal[];
}

export interface LenderStatement {
  readonly month: string;
  readonly institution_name: string;
  readonly lines: {
    product: string;
    currency: string;
    count: number;
    free_count: number;
    gross_minor: Minor;
    refunds_minor: Minor;
    net_minor: Minor;
  }[];
  readonly totals: StatementTotal[];
}

export interface FurnisherDisclosureRow {
  readonly lender: string;
  readonly month: string;
  readonly disclosures: number;
  readonly records: number;
}

export interface Dispute {
  readonly id: string;
  readonly item: string;
  readonly furnisher_id: string;
  readonly reason: string;
  readonly opened_at: string;
  readonly due_at: string;
  readonly status: "open" | "overdue" | "answered";
  readonly answered_at: string | null;
  readonly outcome: "confirmed" | "corrected" | null;
  readonly answer_note: string | null;
  readonly answered_late: boolean | null;
}

export type Purpose =
  | "loan_origination"
  | "credit_limit_review"
  | "post_loan_management"
  | "guarantee_review"
  | "own_request";
export type Category = "credit_accounts" | "alternative_data" | "score";
export type Product = "report" | "score" | "report+score";

export interface Consent {
  readonly id: string;
  readonly lender_id: string;
  readonly purpose: Purpose;
  readonly categories: Category[];
  readonly mode: "one_time" | "continuous";
  readonly starts_at: string;
  readonly expires_at: string;
  readonly evidence_ref: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
  readonly revoked_by: "subject" | "lender" | null;
  readonly used_at: string | null;
  readonly status: "active" | "revoked" | "expired" | "used" | "not_yet_valid";
}

export type FurnisherView = { id: string; name: string } | { masked: true; kind: string };

export interface GridCell {
  readonly period: string;
  readonly code: string;
  readonly status: string | null;
  readonly disputed: boolean;
}

export interface ReportAccount {
  readonly item: string;
  readonly furnisher: FurnisherView;
  readonly kind: string;
  readonly account_ref?: string;
  readonly opened_on: string;
  readonly closed_on: string | null;
  readonly currency: string;
  readonly credit_limit_minor: Minor | null;
  readonly principal_minor: Minor | null;
  readonly term_months: number | null;
  readonly balance_minor: Minor | null;
  readonly past_due_minor: Minor | null;
  readonly status: string | null;
  readonly last_period: string | null;
  readonly disputed: boolean;
  readonly payment_grid: GridCell[];
}

export interface NegativeEvent {
  readonly item: string;
  readonly period: string;
  readonly status: string;
  readonly days_past_due: number | null;
  readonly past_due_minor: Minor | null;
  readonly account_kind: string | null;
  readonly furnisher: FurnisherView;
  readonly notified_on: string | null;
  readonly disputed: boolean;
}

export interface AlternativeData {
  readonly category: string;
  readonly months_reported: number;
  readonly events: number;
  readonly amount_minor: Minor;
  readonly on_time_share: number | null;
  readonly furnishers: FurnisherView[];
}

export interface CreditReport {
  readonly generated_at: string;
  readonly as_of_period: string;
  readonly categories: Category[];
  readonly subject: { name: string; id_type: string; id_number: string; birth_year: string | null } | null;
  readonly summary?: {
    accounts_open: number;
    accounts_total: number;
    accounts_by_kind: Record<string, number>;
    negative_events: number;
  };
  readonly accounts?: ReportAccount[];
  readonly negative_events?: NegativeEvent[];
  readonly alternative_data?: AlternativeData[];
  readonly inquiries: { at: string; institution: FurnisherView; purpose: string; product: string }[];
  readonly disputes: { item: string; status: string; opened_at: string; reason?: string }[];
  readonly personal_statements: { text: string; added_at: string }[];
}

export interface ScoreReason {
  readonly code: string;
  readonly en: string;
  readonly zh: string;
  readonly points_lost?: number;
}

/** A score as the scoring domain answers it; every field is optional since the provider is pluggable. */
export interface Score {
  readonly score?: number;
  readonly pd?: number;
  readonly reasons?: ScoreReason[];
}

export interface QueryAnswer {
  readonly inquiry_id: string;
  readonly product: Product;
  readonly report?: CreditReport;
  readonly score?: Score;
  readonly disclosure: { entry_id: string; price_minor: Minor; currency: string };
}

export interface OwnReport {
  readonly report: CreditReport;
  readonly score?: Score;
  readonly free: boolean;
  readonly free_copies_left_this_year: number;
  readonly charged: { price_minor: Minor; currency: string } | null;
}

export interface Allowance {
  readonly year: number;
  readonly free_copies_per_year: number;
  readonly free_copies_used: number;
  readonly free_copies_left_this_year: number;
  readonly price_after_free: { price_minor: Minor; currency: string };
}

export interface DisclosureItem {
  readonly index: number;
  readonly entry_id: string;
  readonly entry_bytes: string;
  readonly salt: string;
  readonly inclusion_proof: string[];
}

export interface DisclosurePage {
  readonly log_origin: string;
  readonly pseudonym: string;
  readonly checkpoint: { size: number; note: string; created_at: string; witnesses: string[] } | null;
  readonly disclosures: DisclosureItem[];
  readonly pending: { entry_id: string; at: string }[];
  readonly next_after: number | null;
}

export interface LogKey {
  readonly origin: string;
  readonly verifier_key: string;
}

export type ComplianceStatus = "not_started" | "onboarding" | "furnishing" | "compliant" | "lapsed";

export interface ComplianceBoard {
  readonly as_of: string;
  readonly thresholds: Record<string, number>;
  readonly counts: Record<ComplianceStatus, number>;
  readonly items: {
    institution_id: string;
    name: string;
    deadline: string;
    days_to_deadline: number;
    late: boolean;
    active_users_declared: number;
    subjects_furnished: number;
    records_furnished: number;
    coverage: number;
    rejected_share: number | null;
    last_accepted_at: string | null;
    status: ComplianceStatus;
    rule: string;
  }[];
}

export interface ComplianceHistory {
  readonly range: { from: string; to: string };
  readonly items: {
    institution_id: string;
    name: string;
    points: { day: string; status: ComplianceStatus; coverage: number; deadline: string }[];
  }[];
}

export interface Neutrality {
  readonly window: { from: string; to: string };
  readonly shareholders: {
    institution_id: string;
    name: string;
    share_bp: number;
    queries: { total: number; answered: number; refused: number; violations: number };
  }[];
  readonly volumes: {
    lender_id: string;
    lender_is_shareholder: boolean;
    furnisher_id: string;
    disclosures: number;
    records: number;
  }[];
  readonly log_proof: {
    holds: boolean;
    complete: boolean;
    entries_checked: number;
    answered_inquiries: number;
    pending_in_queue: number;
    violations_total: number;
  };
}

export interface Anomalies {
  readonly range: { from: string; to: string };
  readonly total: number;
  readonly by_kind: Record<string, number>;
  readonly items: {
    kind: string;
    institution_id: string | null;
    day: string;
    rule: string;
    evidence: Record<string, unknown>;
  }[];
  readonly truncated: boolean;
}

export interface Subscription {
  readonly id: string;
  readonly consent_id: string;
  readonly status: "active" | "ended";
  readonly end_reason: string | null;
  readonly created_at: string;
  readonly ended_at: string | null;
  readonly last_sequence: number;
}

export interface Alert {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly consent_id: string;
  readonly sequence: number;
  readonly data: Record<string, unknown>;
}

export interface LatestAlert {
  readonly event: Alert;
  readonly state: "pending" | "delivered" | "dead" | "dropped";
  readonly attempts: number;
  readonly finished_at: string | null;
}

export interface DeadLetter {
  readonly event: Alert;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly dead_at: string;
}
