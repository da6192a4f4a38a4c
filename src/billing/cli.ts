// `credence billing fold|verify|statement`: meter the log, check a month against it, print statements.
import { describeError, type Io, jsonReplacer, parse, UsageError, withLocal } from "../cli/cli-kit.ts";
import type { AppContext } from "../http/context.ts";
import { foldLog } from "./metering.ts";
import { furnisherStatementCsv, lenderStatementCsv } from "./statement-render.ts";
import { furnisherStatement, lenderStatement } from "./statements.ts";
import { type Mismatch, type VerifyReport, verifyMonth } from "./verify.ts";

export const billingHelp = `Usage:
  credence billing fold [--json]
      meter every disclosure in the log that is not in the ledger yet
  credence billing verify --month YYYY-MM [--json]
      recompute the month from the log and the price book and compare with the ledger;
      exit 0 when they match exactly, 1 with the differences
  credence billing statement (--lender ID | --furnisher ID) --month YYYY-MM [--format csv|json]
      a lender's charges or a furnisher's earnings for the month
Works on the data folder or DATABASE_URL directly (stop the server first when it holds the data folder).`;

/** Runs a body against the store; tests give their own database here. */
export type StoreOpener = <T>(body: (ctx: AppContext) => Promise<T>) => Promise<T>;

const amount = (value: bigint) => value.toString();

function showHelp(io: Io): number {
  io.stdout(billingHelp);
  return 0;
}

function describeMismatch(mismatch: Mismatch): string {
  switch (mismatch.kind) {
    case "price":
      return `entry ${mismatch.log_idx}: ${mismatch.lender_id} ${mismatch.product} logged at ${amount(mismatch.logged_minor)} ${mismatch.logged_currency}, the book says ${amount(mismatch.expected_minor)} ${mismatch.expected_currency}`;
    case "no_price":
      return `entry ${mismatch.log_idx}: the book has no ${mismatch.product} price (${mismatch.tier}) for ${mismatch.lender_id}`;
    case "unfolded":
      return `entry ${mismatch.log_idx}: not folded into the ledger yet (run billing fold)`;
    case "charge_missing":
      return `entry ${mismatch.log_idx}: the ledger has no charge for it`;
    case "charge_unexpected":
      return `entry ${mismatch.log_idx}: the ledger charges it but the log and the book do not`;
    case "leg": {
      const holder = mismatch.account.institution_id ?? "bureau";
      return `entry ${mismatch.log_idx}: ${mismatch.account.kind} ${holder} is ${amount(mismatch.ledger_minor)} ${mismatch.account.currency} in the ledger, ${amount(mismatch.expected_minor)} recomputed`;
    }
    case "unbalanced":
      return `transaction ${mismatch.transaction_id}: its legs do not sum to zero`;
    case "refund":
      return `entry ${mismatch.log_idx}: its refund does not reverse the charge exactly`;
  }
}

function describeReport(report: VerifyReport): string {
  const head = `${report.month} (${report.regime}): ${report.entries} disclosures, ${report.charged} charged, ${report.free} free`;
  if (report.matches) return `${head}; the ledger matches the log and the price book exactly`;
  const totals = [...report.lenders, ...report.furnishers, ...report.bureau]
    .filter((check) => !check.matches)
    .map(
      (check) =>
        `${check.institution_id ?? "bureau"} ${check.currency}: ledger ${amount(check.ledger_minor)}, recomputed ${amount(check.expected_minor)}`,
    );
  const listed = report.mismatches.map(describeMismatch);
  const more =
    report.mismatches_total > listed.length ? [`… and ${report.mismatches_total - listed.length} more`] : [];
  return [`${head}; the ledger DIFFERS:`, ...totals, ...listed, ...more].join("\n");
}

async function fold(argv: string[], io: Io, open: StoreOpener): Promise<number> {
  const { values } = parse(argv, { json: { type: "boolean" } });
  if (values.help) return showHelp(io);
  const result = await open((ctx) => foldLog(ctx.db, ctx.clock));
  io.stdout(
    values.json
      ? JSON.stringify(result, jsonReplacer, 2)
      : `folded ${result.folded} log entries and booked ${result.posted} charges; ${
          result.last_idx < 0
            ? "the log is empty"
            : `the ledger covers the log through entry ${result.last_idx}`
        }`,
  );
  return 0;
}

async function verify(argv: string[], io: Io, open: StoreOpener): Promise<number> {
  const { values } = parse(argv, { month: { type: "string" }, json: { type: "boolean" } });
  if (values.help) return showHelp(io);
  if (!values.month) throw new UsageError("billing verify needs --month YYYY-MM");
  const month = values.month;
  const report = await open((ctx) => verifyMonth(ctx.db, ctx.config.regime.code, month));
  io.stdout(values.json ? JSON.stringify(report, jsonReplacer, 2) : describeReport(report));
  return report.matches ? 0 : 1;
}

async function statement(argv: string[], io: Io, open: StoreOpener): Promise<number> {
  const { values } = parse(argv, {
    lender: { type: "string" },
    furnisher: { type: "string" },
    month: { type: "string" },
    format: { type: "string" },
  });
  if (values.help) return showHelp(io);
  if ((values.lender === undefined) === (values.furnisher === undefined)) {
    throw new UsageError("billing statement needs exactly one of --lender ID and --furnisher ID");
  }
  if (!values.month) throw new UsageError("billing statement needs --month YYYY-MM");
  const format = values.format ?? "csv";
  if (format !== "csv" && format !== "json") throw new UsageError("--format is csv or json");
  const month = values.month;
  const text = await open(async (ctx) => {
    if (values.lender !== undefined) {
      const found = await lenderStatement(ctx.db, values.lender, month);
      return format === "json" ? JSON.stringify(found, jsonReplacer, 2) : lenderStatementCsv(found);
    }
    const found = await furnisherStatement(ctx.db, values.furnisher as string, month);
    return format === "json" ? JSON.stringify(found, jsonReplacer, 2) : furnisherStatementCsv(found);
  });
  io.stdout(text);
  return 0;
}

const actions: Record<string, (argv: string[], io: Io, open: StoreOpener) => Promise<number>> = {
  fold,
  verify,
  statement,
};

/**
 * The `billing` command. Exit codes: 0 done (verify: the month matches), 1 verify found differences or
 * the store refused, 2 a usage mistake (including a malformed month).
 */
export async function billingCommand(argv: string[], io: Io, open: StoreOpener = withLocal): Promise<number> {
  const [name, ...rest] = argv;
  const action = name === undefined ? undefined : actions[name];
  if (!action) {
    io.stdout(billingHelp);
    return name === "--help" || name === "-h" ? 0 : 2;
  }
  try {
    return await action(rest, io, open);
  } catch (error) {
    const usage = (error as { code?: unknown }).code === "BAD_QUERY";
    const described = describeError(usage ? new UsageError((error as Error).message) : error);
    io.stderr(described.message);
    return described.exit;
  }
}
