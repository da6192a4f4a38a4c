// The disclosure log in the database: a durable queue filled inside query transactions, and a sequencer
// that integrates queued entries into the Merkle tree in batches and signs a checkpoint for each batch.
import assert from "node:assert/strict";
import { createHash, createPrivateKey, sign as cryptoSign, randomBytes } from "node:crypto";
import type { Clock } from "../config/clock.ts";
import { type CopyRow, type Database, ParamList, type Tx } from "../db/database.ts";
import { signCheckpoint } from "./checkpoint.ts";
import { CompactRange, type SubtreeNode } from "./compact-range.ts";
import {
  commitSubject,
  encodeAcceptedEntry,
  encodeEntry,
  type FurnisherContribution,
  type Product,
} from "./entry.ts";
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

// The sequencer hashes with node:crypto, several times faster than the isomorphic code the verifiers use;
// the log-store tests check its checkpoints and proofs with those verifiers (merkle.ts, entry.ts).
const leaf_prefix = new Uint8Array([0x00]);
const node_prefix = new Uint8Array([0x01]);
function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** How many entries the sequencer encodes at a time while COPY sends the ones before. */
const copy_slice_rows = 250;

/** The most entries one sequencer batch integrates; bounds the transaction and the checkpoint delay. */
export const integrate_batch_max = 5_000;
const sequencer_lock_id = 7262005;

/** Queues a disclosure in the caller's transaction, so it exists exactly when the query's answer does. */
export async function enqueueDisclosure(
  tx: Pick<Tx, "query">,
  disclosure: PendingDisclosure,
): Promise<string> {
  const params = new ParamList();
  const { entry_id, sql } = disclosureInsert(disclosure, params);
  await tx.query(sql, params.values);
  return entry_id;
}

/**
 * The INSERT that queues a disclosure, its values added to `params`, for a caller's statement that does
 * more in the same round trip (it is atomic with the rest of that statement).
 */
export function disclosureInsert(
  disclosure: PendingDisclosure,
  params: ParamList,
): { entry_id: string; sql: string } {
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
  const values = [
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
  ].map((value) => params.add(value));
  const sql = `INSERT INTO log_queue (entry_id, at, recipient, product, purpose, consent_sha256, subject_key,
     subject_salt, furnishers, price_minor, currency) VALUES (${values.join(", ")})`;
  return { entry_id, sql };
}

/**
 * Hashes of stored subtrees at `level_min` and above, kept in memory once read. A stored subtree never
 * changes, so the copy never goes stale; there is one such subtree per 2^level_min leaves, and at most
 * `entries_max` are kept. A proof at ten million leaves then reads only its lowest levels from the store.
 * One cache serves one log: a process that empties its tables starts a new cache.
 */
export class UpperSubtreeCache {
  readonly level_min: number;
  readonly #entries_max: number;
  readonly #hashes = new Map<number, Uint8Array>();

  constructor(options: { level_min?: number; entries_max?: number } = {}) {
    this.level_min = options.level_min ?? 8;
    this.#entries_max = options.entries_max ?? 500_000;
  }

  get size(): number {
    return this.#hashes.size;
  }

  get(key: SubtreeKey): Uint8Array | undefined {
    return key.level >= this.level_min ? this.#hashes.get(cacheKey(key)) : undefined;
  }

  keep(key: SubtreeKey, hash: Uint8Array): void {
    if (key.level >= this.level_min && this.#hashes.size < this.#entries_max) {
      this.#hashes.set(cacheKey(key), hash);
    }
  }

  /** Reads every stored subtree at the cached levels, up to the limit, in one query. */
  async warm(db: Pick<Database, "query">): Promise<void> {
    const rows = await db.query<{ level: number; idx: bigint; hash: Uint8Array }>(
      "SELECT level, idx, hash FROM log_subtrees WHERE level >= $1 ORDER BY level DESC, idx LIMIT $2",
      [this.level_min, this.#entries_max],
    );
    for (const row of rows) this.keep({ level: row.level, index: Number(row.idx) }, new Uint8Array(row.hash));
  }
}

// Levels stay below 64 and indices below 2^47 for any tree under 2^53 leaves, so the key is exact.
const cacheKey = (key: SubtreeKey): number => key.index * 64 + key.level;

/** Reads stored subtree hashes, in one round trip per batch, from the cache where it holds them. */
export class DbSubtreeReader implements SubtreeHashReader {
  readonly #db: Pick<Database, "query">;
  readonly #cache: UpperSubtreeCache | undefined;
  constructor(db: Pick<Database, "query">, cache?: UpperSubtreeCache) {
    this.#db = db;
    this.#cache = cache;
  }
  async get(level: number, index: number): Promise<Uint8Array> {
    return (await this.getMany([{ level, index }]))[0] as Uint8Array;
  }
  async getMany(keys: readonly SubtreeKey[]): Promise<Uint8Array[]> {
    const hashes = keys.map((key) => this.#cache?.get(key));
    const missing = keys.filter((_, i) => hashes[i] === undefined);
    if (missing.length === 0) return hashes as Uint8Array[];
    const rows = await this.#db.query<{ level: number; idx: bigint; hash: Uint8Array }>(
      `SELECT s.level, s.idx, s.hash FROM log_subtrees s
       JOIN unnest($1::int2[], $2::int8[]) AS k (level, idx) ON s.level = k.level AND s.idx = k.idx`,
      [missing.map((key) => key.level), missing.map((key) => String(key.index))],
    );
    const found = new Map(
      rows.map((row) => [cacheKey({ level: row.level, index: Number(row.idx) }), row.hash]),
    );
    return keys.map((key, i) => {
      const cached = hashes[i];
      if (cached) return cached;
      const hash = found.get(cacheKey(key));
      assert.ok(hash, `subtree ${key.level}:${key.index} is stored`);
      const copy = new Uint8Array(hash);
      this.#cache?.keep(key, copy);
      return copy;
    });
  }
}

// PKCS #8 (RFC 8410) wrapping of a raw Ed25519 seed, so node:crypto can sign with it.
const ed25519_pkcs8_prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * The bureau's checkpoint signer. It signs with node:crypto, many times faster than the isomorphic code the
 * verifiers use; Ed25519 signatures are deterministic, so the bytes are the same.
 */
export function bureauLogSigner(origin: string, seed: Uint8Array): NoteSigner {
  const { name, key_id } = ed25519Signer(encodeSignerKey(origin, signature_type_ed25519, seed));
  const key = createPrivateKey({
    key: Buffer.concat([ed25519_pkcs8_prefix, seed]),
    format: "der",
    type: "pkcs8",
  });
  return { name, key_id, sign: (text) => new Uint8Array(cryptoSign(null, text, key)) };
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
      // Entries are encoded and hashed slice by slice while COPY sends the slices before them, so the
      // database works on one slice while this process prepares the next.
      let appended = range;
      const nodes: SubtreeNode[] = [];
      function* slices(): Generator<CopyRow[]> {
        for (let start = 0; start < queued.length; start += copy_slice_rows) {
          const rows = queued.slice(start, start + copy_slice_rows).map((row, i) => {
            const furnishers: FurnisherContribution[] =
              typeof row.furnishers === "string" ? JSON.parse(row.furnishers) : row.furnishers;
            const bytes = encodeAcceptedEntry({
              sequence: size + start + i,
              time: new Date(row.at).toISOString(),
              recipient: row.recipient,
              product: row.product,
              purpose: row.purpose,
              consent_sha256: row.consent_sha256,
              subject_commitment: sha256(row.subject_salt, row.subject_key).toString("hex"),
              furnishers,
              price_minor: BigInt(row.price_minor),
              currency: row.currency.trim(),
            });
            return { row, bytes, furnishers };
          });
          const step = appended.append(
            rows.map((entry) => sha256(leaf_prefix, entry.bytes)),
            (left, right) => sha256(node_prefix, left, right),
          );
          appended = step.range;
          nodes.push(...step.nodes);
          yield rows.map(({ row, bytes, furnishers }, i) => [
            size + start + i,
            row.entry_id,
            bytes,
            row.subject_key,
            row.subject_salt,
            row.recipient,
            row.at,
            row.price_minor,
            row.currency,
            row.product,
            JSON.stringify(furnishers),
          ]);
        }
      }
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
        slices(),
      );
      await tx.copyIn(
        "log_subtrees",
        ["level", "idx", "hash"],
        [nodes.map((node) => [node.level, node.index, node.hash])],
      );
      await tx.query("DELETE FROM log_queue WHERE entry_id = ANY($1::text[])", [
        queued.map((row) => row.entry_id),
      ]);
      const new_size = appended.size;
      assert.equal(new_size, size + queued.length, "the tree grows by exactly the batch");
      const note = signCheckpoint(
        { origin: this.#origin, size: new_size, root_hash: appended.root(), extensions: [] },
        this.#signer,
      );
      await tx.query(
        "INSERT INTO log_checkpoints (size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)",
        [new_size, Buffer.from(appended.root()), note, this.#clock.now()],
      );
      return { integrated: queued.length, size: new_size, range: appended };
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
  cache?: UpperSubtreeCache,
): Promise<Uint8Array[]> {
  return inclusionProof(new DbSubtreeReader(db, cache), index, size);
}

export async function proveConsistency(
  db: Pick<Database, "query">,
  from: number,
  to: number,
  cache?: UpperSubtreeCache,
): Promise<Uint8Array[]> {
  return consistencyProof(new DbSubtreeReader(db, cache), from, to);
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
