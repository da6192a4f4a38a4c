// The oversight domain's public surface: mandates, the compliance board and its history, the neutrality
// report with its log proof, and anomalies, for the regulator.
export {
  type Anomaly,
  type AnomalyKind,
  type AnomalyReport,
  account_refs_listed_max,
  anomalies_days_default,
  anomalies_days_max,
  anomalies_listed_max,
  anomalyKinds,
  anomalyThresholds,
  detectAnomalies,
} from "./anomalies.ts";
export { type ComplianceBoard, type ComplianceRow, complianceBoard } from "./compliance-board.ts";
export {
  type CompliancePoint,
  type ComplianceSeries,
  complianceHistory,
  history_days_default,
  history_days_max,
  scheduleComplianceSnapshots,
  snapshot_interval_ms_default,
  snapshotCompliance,
} from "./compliance-history.ts";
export {
  type ComplianceDecision,
  type ComplianceFigures,
  type ComplianceStatus,
  complianceStatuses,
  complianceThresholds,
  decideStatus,
} from "./compliance-rules.ts";
export { type DayRange, requestedRange } from "./day-range.ts";
export {
  type LogProof,
  type LogViolation,
  proof_batch_rows,
  proof_entries_max,
  proveLog,
  type ViolationKind,
  violationKinds,
  violations_listed_max,
} from "./log-proof.ts";
export {
  active_users_declared_max,
  listMandates,
  type Mandate,
  type MandateInput,
  putMandate,
  seedDemoMandates,
} from "./mandates.ts";
export {
  type CheckedQuery,
  type ConsentCheck,
  consentChecks,
  type LenderVolume,
  type NeutralityReport,
  neutrality_days_default,
  neutrality_days_max,
  neutralityReport,
  type ShareholderQueries,
  shareholder_queries_listed_max,
} from "./neutrality-report.ts";
export { oversightRoutes } from "./oversight-routes.ts";
export { subject_ref_hex_chars, subjectRef } from "./subject-ref.ts";
