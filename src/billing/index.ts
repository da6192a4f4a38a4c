// Billing's public surface: the price book, metering the log into a double-entry ledger, the furnishers'
// revenue share, refunds, monthly statements, verification against the log, routes and the CLI command.
export { billingRoutes } from "./billing-routes.ts";
export { type BillingMonth, month_min, parseMonth } from "./calendar.ts";
export { billingCommand, billingHelp, type StoreOpener } from "./cli.ts";
export {
  type AccountBalance,
  type AccountKey,
  type AccountKind,
  accountBalances,
  accountKinds,
  trialBalance,
} from "./ledger.ts";
export { type FoldResult, fold_batch_max, foldedThrough, foldLog, startFolding } from "./metering.ts";
export {
  type BilledProduct,
  billedProducts,
  defaultPriceBook,
  findPrice,
  type PriceEntry,
  type PriceTier,
  priceOf,
  tierOf,
} from "./price-book.ts";
export {
  addPrice,
  loadPriceBook,
  loadTierOverrides,
  price_minor_max,
  priceFor,
  setTierOverride,
  type TierOverride,
} from "./price-store.ts";
export { type Refund, refund_reason_chars_max, refundDisclosure } from "./refunds.ts";
export {
  loadRevenueShares,
  type RevenueShare,
  type Split,
  setRevenueShare,
  share_bp_max,
  splitRevenue,
} from "./revenue-share.ts";
export {
  billingJson,
  formatMinor,
  furnisherStatementCsv,
  furnisherStatementHtml,
  lenderStatementCsv,
  lenderStatementHtml,
  totalsCsv,
  totalsHtml,
} from "./statement-render.ts";
export {
  type BillingTotals,
  billingTotals,
  type FurnisherStatement,
  furnisherStatement,
  type LenderStatement,
  lenderStatement,
} from "./statements.ts";
export {
  type Mismatch,
  type TotalCheck,
  type VerifyReport,
  verify_mismatches_max,
  verifyMonth,
} from "./verify.ts";
