// Regime profiles: the legal rules that differ by jurisdiction, kept as data so one engine serves all.
import type { IdentifierTypeName } from "./identifier-types.ts";

export type RegimeCode = "cn" | "us";

export interface RegimeProfile {
  readonly code: RegimeCode;
  readonly name: string;
  /** ISO 4217 code of the currency prices and statements use. */
  readonly currency: string;
  /** A query needs the subject's consent (cn), or a permissible purpose stands in for it (us). */
  readonly consent_required: boolean;
  /** Negative information is deleted this many years after the event ends. */
  readonly negative_retention_years: number;
  /** The furnisher must answer a dispute within this many days. */
  readonly dispute_deadline_days: number;
  /** Own reports a subject gets free each calendar year. */
  readonly free_own_reports_per_year: number;
  /** Negative information may be furnished only after the subject was notified. */
  readonly negative_notice_before_furnishing: boolean;
  /** The most key factors a score explanation lists. */
  readonly score_reasons_max: number;
  /** Identifier types subjects are keyed by. */
  readonly identifier_types: readonly IdentifierTypeName[];
  /** Hide a competing platform's name from a lender that is itself a furnisher. */
  readonly mask_competing_furnishers: boolean;
  /** Data must be stored and processed inside the country. */
  readonly data_localisation: boolean;
  /** Default interface language of the portals. */
  readonly default_locale: "zh-CN" | "en";
}

export const regimes: Readonly<Record<RegimeCode, RegimeProfile>> = {
  cn: {
    code: "cn",
    name: "People's Republic of China (2013 Credit Reporting Regulation; PIPL)",
    currency: "CNY",
    consent_required: true,
    negative_retention_years: 5,
    dispute_deadline_days: 20,
    free_own_reports_per_year: 2,
    negative_notice_before_furnishing: true,
    score_reasons_max: 4,
    identifier_types: ["cn_resident_id", "cn_uscc"],
    mask_competing_furnishers: true,
    data_localisation: true,
    default_locale: "zh-CN",
  },
  us: {
    code: "us",
    name: "United States (Fair Credit Reporting Act)",
    currency: "USD",
    consent_required: false,
    negative_retention_years: 7,
    dispute_deadline_days: 30,
    free_own_reports_per_year: 1,
    negative_notice_before_furnishing: false,
    score_reasons_max: 4,
    identifier_types: ["us_ssn"],
    mask_competing_furnishers: false,
    data_localisation: false,
    default_locale: "en",
  },
};

export function isRegimeCode(value: string): value is RegimeCode {
  return Object.hasOwn(regimes, value);
}
