// Test support for billing: disclosure log entries written straight into log_entries, as the sequencer
// stores them, priced as the query service prices them unless a test names the price.
import { createHash, randomBytes } from "node:crypto";
import type { RegimeCode } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import {
  commitSubject,
  encodeEntry,
  type FurnisherContribution,
  type Product,
} from "../disclosure-log/entry.ts";
import { utcDay } from "./calendar.ts";
import { priceFor } from "./price-store.ts";

export interface TestDisclosure {
  readonly at: string;
  readonly recipient: string;
  readonly product: Product;
  /** Which synthetic subject was queried; the same number is the same person. */
  readonly subject: number;
  readonly furnishers: readonly FurnisherContribution[];
  /** The logged price; by default what the query service charges (the book, free for a same-day repeat). */
  readonly price_minor?: bigint;
  readonly currency?: string;
}

/** A synthetic subject key: derived from a number, nobody's pseudonym. */
export function syntheticSubjectKey(subject: number): Buffer {
  return createHash("sha256").update(`synthetic subject ${subject}`).digest();
}

/** Appends disclosures at the end of the log and returns their indices. */
export async function appendDisclosures(
  db: Database,
  regime: RegimeCode,
  disclosures: readonly TestDisclosure[],
): Promise<number[]> {
  const indices: number[] = [];
  for (const disclosure of disclosures) {
    const at = new Date(disclosure.at);
    const subject_key = syntheticSubjectKey(disclosure.subject);
    const salt = randomBytes(32);
    const [size] = await db.query<{ size: bigint }>(
      "SELECT COALESCE(max(idx) + 1, 0)::int8 AS size FROM log_entries",
    );
    const idx = Number(size?.size ?? 0n);
    const day_start = new Date(`${utcDay(at)}T00:00:00.000Z`);
    const [repeat] = await db.query(
      `SELECT 1 FROM log_entries WHERE recipient = $1 AND subject_key = $2 AND product = $3
         AND at >= $4 AND at < $5 LIMIT 1`,
      [
        disclosure.recipient,
        subject_key,
        disclosure.product,
        day_start,
        new Date(day_start.getTime() + 86_400_000),
      ],
    );
    const listed = await priceFor(db, regime, disclosure.recipient, disclosure.product, at);
    const price_minor = disclosure.price_minor ?? (repeat ? 0n : listed.price_minor);
    const currency = disclosure.currency ?? listed.currency;
    const bytes = encodeEntry({
      sequence: idx,
      time: at.toISOString(),
      recipient: disclosure.recipient,
      product: disclosure.product,
      purpose: "loan_origination",
      consent_sha256: "ab".repeat(32),
      subject_commitment: commitSubject(salt.toString("hex"), subject_key.toString("hex")),
      furnishers: disclosure.furnishers,
      price_minor,
      currency,
    });
    await db.query(
      `INSERT INTO log_entries (idx, entry_id, entry_bytes, subject_key, subject_salt, recipient, at, price_minor,
         currency, product, furnishers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        idx,
        `le_${randomBytes(12).toString("hex")}`,
        Buffer.from(bytes),
        subject_key,
        salt,
        disclosure.recipient,
        at,
        price_minor.toString(),
        currency,
        disclosure.product,
        JSON.stringify(disclosure.furnishers),
      ],
    );
    indices.push(idx);
  }
  return indices;
}
