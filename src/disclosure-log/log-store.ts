// The disclosure log in the database: a durable queue filled inside query transactions, and a sequencer
// that integrates queued entries into the Merkle tree in batches and signs a checkpoint for each batch.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Clock } from "../config/clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { signCheckpoint } from "./checkpoint.ts";
import { CompactRange } from "./compact-range.ts";
import { commitSubject, encodeEntry, type FurnisherContribution, type Product } from "./entry.ts";
import { leafHash } from "./merkle.ts";
import {
  ed25519Signer,
  ed25519VerifierKey,
  encodeSignerKey,
  type NoteSigner,
  signature_type_ed25519,
} from "./note.ts";
import {
  consistencyProof,
  inclusionProof,
  type SubtreeHashReader,
  type SubtreeKey,
} from "./subtree-proofs.ts";

export interface PendingDisclosure {
  readonly at: Date;
  readonly recipient: string;
  readonly product: Product;
  readonly purpose: string;
  /** SHA-256 of the signed consent, hex; 64 zeros where a permissible purpose stood in for consent. */
  readonly consent_sha256: string;
  readonly subject_key: Buffer;
  readonly furnishers: readonly FurnisherContribution[];
  readonly price_minor: bigint;
  readonly currency: string;
}

/** The most entries one sequencer batch integrates; bounds the transaction and the checkpoint delay. */
export const integrate_batch_max = 5_000;
const sequencer_lock_id = 7262005;

/** Queues a disclosure in the caller's transaction, so it exists exactly when the query's answer does. */
export async function enqueueDisclosure(
  tx: Pick<Tx, "query">,
  disclosure: PendingDisclosure,
): Promise<string> {
  const entry_id = `le_${randomBytes(12).toString("hex")}`;
  const subject_salt = randomBytes(32);
  // Encoding now, with the sequence still unknown, rejects a malformed disclosure inside the caller's
  // transaction instead of letting it block the sequencer's queue later.
  encodeEntry({
    sequence: 0,
    time: disclosure.at.toISOString(),
    recipient: disclosure.recipient,
    product: disclosure.product,
    purpose: disclosure.purpose,
    consent_sha256: disclosure.consent_sha256,
    subject_commitment: commitSubject(
      subject_salt.toString("hex"),
      Buffer.from(disclosure.subject_key).toString("hex"),
    ),
    furnishers: disclosure.furnishers,
    price_minor: disclosure.price_minor,
    currency: disclosure.currency,
  });
  await tx.query(
    `INSERT INTO log_queue (entry_id, at, recipient, product, purpose, consent_sha256, subject_key, subject_salt,
       furnishers, price_minor, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      entry_id,
      disclosure.at,
      disclosure.recipient,
      disclosure.product,
      disclosure.purpose,
      disclosure.consent_sha256,
      disclosure.subject_key,
      subject_salt,
      JSON.stringify(disclosure.furnishers),
      disclosure.price_minor.toString(),
      disclosure.currency,
    ],
  );
  return entry_id;
}

/** Reads stored subtree hashes, in one round trip per batch. */
export class DbSubtreeReader implements SubtreeHashReader {
  readonly #db: Pick<Database, "query">;
  constructor(db: Pick<Database, "query">) {
    this.#db = db;
  }
  async get(level: number, index: number): Promise<Uint8Array> {
    return (await this.getMany([{ level, index }]))[0] as Uint8Array;
  }
  async getMany(keys: readonly SubtreeKey[]): Promise<Uint8Array[]> {
    if (keys.length === 0) return [];
    const rows = await this.#db.query<{ level: number; idx: bigint; hash: Uint8Array }>(
      `SELECT s.level, s.idx, s.hash FROM log_subtrees s
       JOIN unnest($1::int2[], $2::int8[]) AS k (level, idx) ON s.level = k.level AND s.idx = k.idx`,
      [keys.map((key) => key.level), keys.map((key) => String(key.index))],
    );
    const found = new Map(rows.map((row) => [`${row.level}:${row.idx}`, row.hash]));
    return keys.map((key) => {
      const hash = found.get(`${key.level}:${key.index}`);
      assert.ok(hash, `subtree ${key.level}:${key.index} is stored`);
      return new Uint8Array(hash);
    });
  }
}

export function bureauLogSigner(origin: string, seed: Uint8Array): NoteSigner {
  return ed25519Signer(encodeSignerKey(origin, signature_type_ed25519, seed));
}

export function bureauLogVerifierKey(origin: string, public_key: Uint8Array): string {
  return ed25519VerifierKey(origin, public_key);
}

export async function treeSize(db: Pick<Database, "query">): Promise<number> {
  const [row] = await db.query<{ size: bigint }>(
    "SELECT COALESCE(max(idx) + 1, 0)::int8 AS size FROM log_entries",
  );
  return Number(row?.size ?? 0n);
}

/**
 * Integrates queued disclosures. One batch is one transaction: entries get the next dense indices, their
 * bytes and every completed subtree hash are stored, the queue rows go, and a signed checkpoint is
 * recorded. A crash before commit leaves the queue as it was; after commit, the tree includes the batch.
 */
export class LogSequencer {
  readonly #db: Database;
  readonly #signer: NoteSigner;
  readonly #origin: string;
  readonly #clock: Clock;
  #range: CompactRange | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(db: Database, options: { origin: string; seed: Uint8Array; clock: Clock }) {
    this.#db = db;
    this.#origin = options.origin;
    this.#signer = bureauLogSigner(options.origin, options.seed);
    this.#clock = options.clock;
  }

  /** Integrates up to `max` queued entries; returns how many, and the tree size after. */
  async integrate(max = integrate_batch_max): Promise<{ integrated: number; size: number }> {
    const run = this.#running.then(() => this.#integrateOnce(max));
    this.#running = run.catch(() => {});
    return run;
  }

  /** Integrates until the queue is empty. */
  async drain(): Promise<number> {
    for (;;) {
      const { integrated, size } = await this.integrate();
      if (integrated === 0) return size;
    }
  }

  /** Integrates every `interval_ms`; a failed batch is reported to `on_error` and retried next time. */
  start(interval_ms = 200, on_error: (error: unknown) => void = () => {}): void {
    const tick = async () => {
      try {
        await this.drain();
      } catch (error) {
        on_error(error);
      } finally {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, interval_ms);
      }
    };
    this.#timer = setTimeout(tick, interval_ms);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #integrateOnce(max: number): Promise<{ integrated: number; size: number }> {
    const outcome = await this.#db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${sequencer_lock_id})`);
      const size = await treeSize(tx);
      const queued = await tx.query<{
        entry_id: string;
        at: Date;
        recipient: string;
        product: Product;
        purpose: string;
        consent_sha256: string;
        subject_key: Uint8Array;
        subject_salt: Uint8Array;
        furnishers: FurnisherContribution[] | string;
        price_minor: bigint;
        currency: string;
      }>("SELECT * FROM log_queue ORDER BY queued_seq LIMIT $1", [max]);
      if (queued.length === 0) return { integrated: 0, size, range: undefined };
      // Another process may have grown the tree since this one last looked; reload the edge then.
      const range =
        this.#range?.size === size ? this.#range : await CompactRange.load(new DbSubtreeReader(tx), size);
      const entries = queued.map((row, i) => {
        const furnishers = typeof row.furnishers === "string" ? JSON.parse(row.furnishers) : row.furnishers;
        const bytes = encodeEntry({
          sequence: size + i,
          time: new Date(row.at).toISOString(),
          recipient: row.recipient,
          product: row.product,
          purpose: row.purpose,
          consent_sha256: row.consent_sha256,
          subject_commitment: commitSubject(
            Buffer.from(row.subject_salt).toString("hex"),
            Buffer.from(row.subject_key).toString("hex"),
          ),
          furnishers,
          price_minor: BigInt(row.price_minor),
          currency: row.currency.trim(),
        });
        return { row, bytes, furnishers };
      });
      const appended = range.append(entries.map((entry) => leafHash(entry.bytes)));
      await tx.copyIn(
        "log_entries",
        [
          "idx",
          "entry_id",
          "entry_bytes",
          "subject_key",
          "subject_salt",
          "recipient",
          "at",
          "price_minor",
          "currency",
          "product",
          "furnishers",
        ],
        [
          entries.map(({ row, bytes, furnishers }, i) => [
            size + i,
            row.entry_id,
            bytes,
            Buffer.from(row.subject_key),
            Buffer.from(row.subject_salt),
            row.recipient,
            new Date(row.at),
            BigInt(row.price_minor),
            row.currency,
            row.product,
            JSON.stringify(furnishers),
          ]),
        ],
      );
      await tx.copyIn(
        "log_subtrees",
        ["level", "idx", "hash"],
        [appended.nodes.map((node) => [node.level, node.index, node.hash])],
      );
      await tx.query("DELETE FROM log_queue WHERE entry_id = ANY($1::text[])", [
        queued.map((row) => row.entry_id),
      ]);
      const new_size = appended.range.size;
      assert.equal(new_size, size + queued.length, "the tree grows by exactly the batch");
      const note = signCheckpoint(
        { origin: this.#origin, size: new_size, root_hash: appended.range.root(), extensions: [] },
        this.#signer,
      );
      await tx.query(
        "INSERT INTO log_checkpoints (size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)",
        [new_size, Buffer.from(appended.range.root()), note, this.#clock.now()],
      );
      return { integrated: queued.length, size: new_size, range: appended.range };
    });
    if (outcome.range) this.#range = outcome.range;
    return { integrated: outcome.integrated, size: outcome.size };
  }
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly note: string;
  readonly created_at: Date;
}

export async function latestCheckpoint(db: Pick<Database, "query">): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.query<{ size: bigint; note: string; created_at: Date }>(
    "SELECT size, note, created_at FROM log_checkpoints ORDER BY size DESC LIMIT 1",
  );
  return row ? { size: Number(row.size), note: row.note, created_at: row.created_at } : undefined;
}

export async function checkpointAt(
  db: Pick<Database, "query">,
  size: number,
): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.query<{ size: bigint; note: string; created_at: Date }>(
    "SELECT size, note, created_at FROM log_checkpoints WHERE size = $1",
    [size],
  );
  return row ? { size: Number(row.size), note: row.note, created_at: row.created_at } : undefined;
}

export async function proveInclusion(
  db: Pick<Database, "query">,
  index: number,
  size: number,
): Promise<Uint8Array[]> {
  return inclusionProof(new DbSubtreeReader(db), index, size);
}

export async function proveConsistency(
  db: Pick<Database, "query">,
  from: number,
  to: number,
): Promise<Uint8Array[]> {
  return consistencyProof(new DbSubtreeReader(db), from, to);
}

export interface StoredEntry {
  readonly index: number;
  readonly entry_id: string;
  readonly bytes: Uint8Array;
}

export async function entriesBetween(
  db: Pick<Database, "query">,
  start: number,
  end: number,
): Promise<StoredEntry[]> {
  const rows = await db.query<{ idx: bigint; entry_id: string; entry_bytes: Uint8Array }>(
    "SELECT idx, entry_id, entry_bytes FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
    [start, end],
  );
  return rows.map((row) => ({
    index: Number(row.idx),
    entry_id: row.entry_id,
    bytes: new Uint8Array(row.entry_bytes),
  }));
}

export interface SubjectDisclosure extends StoredEntry {
  readonly salt_hex: string;
}

/** A subject's own entries with the salts that open their commitments. */
export async function entriesOfSubject(
  db: Pick<Database, "query">,
  subject_key: Buffer,
): Promise<SubjectDisclosure[]> {
  const rows = await db.query<{
    idx: bigint;
    entry_id: string;
    entry_bytes: Uint8Array;
    subject_salt: Uint8Array;
  }>("SELECT idx, entry_id, entry_bytes, subject_salt FROM log_entries WHERE subject_key = $1 ORDER BY idx", [
    subject_key,
  ]);
  return rows.map((row) => ({
    index: Number(row.idx),
    entry_id: row.entry_id,
    bytes: new Uint8Array(row.entry_bytes),
    salt_hex: Buffer.from(row.subject_salt).toString("hex"),
  }));
}

/** Disclosures still queued for a subject (answered, not yet in a checkpoint). */
export async function queuedOfSubject(
  db: Pick<Database, "query">,
  subject_key: Buffer,
): Promise<{ entry_id: string; at: Date }[]> {
  return db.query("SELECT entry_id, at FROM log_queue WHERE subject_key = $1 ORDER BY queued_seq", [
    subject_key,
  ]);
}
