// Reports: consented queries, inquiries, credit report assembly and its printable view.
export {
  accountItemKey,
  assembleReport,
  type CreditReport,
  noAnnotations,
  type ReportAnnotations,
  statementItemKey,
} from "./credit-report.ts";
export { type InquiryRow, inquiriesAbout, recordInquiry } from "./inquiries.ts";
export { QueryLimits } from "./query-limits.ts";
export {
  type AnnotationProvider,
  answerQuery,
  type QueryRequest,
  type ScoreProvider,
} from "./query-service.ts";
export { renderReportHtml } from "./report-html.ts";
export { reportRoutes } from "./report-routes.ts";
