// Refunds: a disputed charge is reversed by a new transaction that undoes each of its legs, once per charge.
import assert from "node:assert/strict";
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { ApiError } from "../http/errors.ts";
import "./errors.ts";
import { type AccountKey, bookTransactions } from "./ledger.ts";

export const refund_reason_chars_max = 500;

export interface Refund {
  readonly transaction_id: bigint;
  readonly log_idx: number;
  readonly lender_id: string;
  readonly product: string;
  readonly currency: string;
  /** What the lender gets back: the charge's full price. */
  readonly refunded_minor: bigint;
  readonly reason: string;
  readonly at: Date;
  /** True when this charge had already been refunded with the same reason; nothing new was booked. */
  readonly replay: boolean;
}

/**
 * Refunds the charge metered from log entry `log_idx`. Asking again with the same reason returns the first
 * refund; with another reason it is refused. Errors: BILLING_REASON_INVALID, BILLING_CHARGE_UNKNOWN (no
 * such entry, or it was free), BILLING_NOT_METERED, BILLING_REFUND_CONFLICT.
 */
export async function refundDisclosure(
  db: Database,
  log_idx: number,
  reason: string,
  clock: Clock,
): Promise<Refund> {
  const text = reason.trim();
  if (text.length === 0 || text.length > refund_reason_chars_max) {
    throw new ApiError("BILLING_REASON_INVALID", `A reason is 1 to ${refund_reason_chars_max} characters.`);
  }
  if (!Number.isSafeInteger(log_idx) || log_idx < 0) {
    throw new ApiError("BILLING_CHARGE_UNKNOWN", "A log index is a whole number from 0.");
  }
  return db.transaction(async (tx) => {
    const [charge] = await tx.query<{ id: bigint; lender_id: string; product: string; currency: string }>(
      "SELECT id, lender_id, product, currency FROM billing_transactions WHERE kind = 'charge' AND log_idx = $1",
      [log_idx],
    );
    if (!charge) return explainMissingCharge(tx, log_idx);
    const legs = await tx.query<AccountKey & { amount_minor: bigint }>(
      `SELECT a.kind, a.institution_id, a.currency, p.amount_minor FROM billing_postings p
         JOIN billing_accounts a ON a.id = p.account_id WHERE p.transaction_id = $1`,
      [charge.id],
    );
    const now = clock.now();
    const booked_now = await bookTransactions(
      tx,
      [
        {
          kind: "refund",
          log_idx,
          lender_id: charge.lender_id,
          product: charge.product,
          currency: charge.currency,
          at: now,
          reason: text,
          reverses_id: BigInt(charge.id),
          legs: legs.map(({ amount_minor, ...account }) => ({
            account,
            amount_minor: -BigInt(amount_minor),
          })),
        },
      ],
      now,
    );
    const [booked] = await tx.query<{ id: bigint; reason: string; at: Date }>(
      "SELECT id, reason, at FROM billing_transactions WHERE kind = 'refund' AND log_idx = $1",
      [log_idx],
    );
    assert.ok(booked, "the refund exists once booked or replayed");
    if (booked.reason !== text) {
      throw new ApiError(
        "BILLING_REFUND_CONFLICT",
        `The charge for log entry ${log_idx} was already refunded.`,
      );
    }
    const lender_leg = legs.find((leg) => leg.kind === "lender_receivable");
    return {
      transaction_id: BigInt(booked.id),
      log_idx,
      lender_id: charge.lender_id,
      product: charge.product,
      currency: charge.currency,
      refunded_minor: BigInt(lender_leg?.amount_minor ?? 0n),
      reason: text,
      at: booked.at,
      replay: booked_now.size === 0,
    };
  });
}

async function explainMissingCharge(tx: Pick<Database, "query">, log_idx: number): Promise<never> {
  const [entry] = await tx.query<{ price_minor: bigint }>(
    "SELECT price_minor FROM log_entries WHERE idx = $1",
    [log_idx],
  );
  if (!entry) throw new ApiError("BILLING_CHARGE_UNKNOWN", `The log has no entry ${log_idx}.`);
  if (BigInt(entry.price_minor) === 0n) {
    throw new ApiError(
      "BILLING_CHARGE_UNKNOWN",
      `Log entry ${log_idx} was free; there is nothing to refund.`,
    );
  }
  throw new ApiError(
    "BILLING_NOT_METERED",
    `Log entry ${log_idx} is not in the ledger yet; fold the log first.`,
  );
}
