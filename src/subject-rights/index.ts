// Subject rights: own report, disclosures with proof, disputes, personal statement, retention and deletion.
export { reportAnnotationSource, reportAnnotations } from "./annotations.ts";
export { retentionCommand, retentionHelp } from "./cli.ts";
export {
  type DisclosurePage,
  disclosures_page_max,
  type FurnisherDisclosureRow,
  furnisherDisclosures,
  subjectDisclosures,
} from "./disclosures.ts";
export {
  answerDispute,
  type Dispute,
  type DisputeOutcome,
  type DisputeStatus,
  disputeOfSubject,
  disputesOfFurnisher,
  disputesOfSubject,
  openDispute,
} from "./disputes.ts";
export {
  type Allowance,
  type OwnReport,
  own_report_prices,
  ownReport,
  ownReportAllowance,
} from "./own-report.ts";
export {
  deleteStatement,
  getStatement,
  type PersonalStatement,
  putStatement,
  statement_chars_max,
} from "./personal-statement.ts";
export {
  type RetentionOptions,
  type RetentionResult,
  retention_batch_keys_max,
  retentionCutoffs,
  runRetention,
} from "./retention.ts";
export { RetentionSchedule } from "./retention-schedule.ts";
export { subjectRightsRoutes } from "./subject-rights-routes.ts";
