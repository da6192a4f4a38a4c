// Reports: consented queries, inquiries, credit report assembly and its printable view.
export {
  accountItemKey,
  assembleReport,
  type CreditReport,
  noAnnotations,
  type ReportAnnotations,
  statementItemKey,
} from "./credit-report.ts";
export { type InquiryRow, type InquirySummary, inquiriesAbout, recordInquiry } from "./inquiries.ts";
export { QueryLimits } from "./query-limits.ts";
export {
  type AnnotationSource,
  answerQuery,
  type QueryRequest,
  type ScoreProvider,
} from "./query-service.ts";
export { renderReportHtml } from "./report-html.ts";
export { reportRoutes } from "./report-routes.ts";
