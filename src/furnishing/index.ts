// The furnishing domain's public surface: the record format, the validator and the streaming readers.

export {
  type CreditFile,
  type FileAccount,
  type FileActivity,
  type FileStatement,
  loadCreditFile,
  subjectIsKnown,
} from "./credit-file.ts";
export { checkCsvHeader, csvLineHandler, readCsv, readCsvBatches } from "./csv-reader.ts";
export {
  DuplicateKeyTracker,
  type DuplicateKeyTrackerOptions,
  keys_max_default,
} from "./duplicate-key-tracker.ts";
export { DomainError, type FurnishingErrorCode, furnishingErrorCodes, type LineError } from "./errors.ts";
export { furnishingRoutes } from "./furnishing-routes.ts";
export { type IngestSummary, ingestSubmission, type SubmissionFormat } from "./ingest.ts";
export { line_bytes_max_default } from "./line-splitter.ts";
export { ndjsonLineHandler, readNdjson, readNdjsonBatches } from "./ndjson-reader.ts";
export { type FurnisherQuality, furnisherQuality } from "./quality.ts";
export {
  type ByteSource,
  batch_lines_max,
  type LineResult,
  type ReaderOptions,
  readResultBatches,
  streamError,
} from "./record-reader.ts";
export {
  type AccountDelete,
  type AccountRecord,
  type ActivityDelete,
  type ActivityRecord,
  accountKinds,
  activityCategories,
  furnishingJsonSchema,
  negativeStatuses,
  type RecordInput,
  type RecordType,
  recordTypes,
  type StatementDelete,
  type StatementRecord,
  type StatementStatus,
  type SubjectDelete,
  type SubjectRecord,
  statementStatuses,
  type ValidRecord,
} from "./record-schema.ts";
export {
  createRecordValidator,
  type RecordCheck,
  type RecordValidator,
  type RecordValidatorOptions,
} from "./record-validator.ts";
export { getSubmission, receiveSubmission, recoverInterrupted, type SubmissionRow } from "./submissions.ts";
