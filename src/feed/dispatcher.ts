// The feed dispatcher: claims due outbox events, delivers them by signed webhook and (with NATS) JetStream,
// and records each outcome. Delivery is at least once: a retry or a crash repeats an event with its id.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { defaultPriceBook, type PriceEntry, priceOf, tierOf } from "../billing/price-book.ts";
import type { Clock } from "../config/clock.ts";
import type { Keyring } from "../config/keyring.ts";
import type { RegimeProfile } from "../config/regimes.ts";
import { type Database, prepared, type Tx } from "../db/database.ts";
import { enqueueDisclosure } from "../disclosure-log/log-store.ts";
import type { AppContext } from "../http/context.ts";
import { AlertStream } from "./alert-stream.ts";
import { type BackoffPolicy, retryDelayMs } from "./backoff.ts";
import { alertPayload } from "./event-types.ts";
import { type Scheduler, systemScheduler } from "./scheduler.ts";
import type { EndReason } from "./subscriptions.ts";
import { postWebhook, type SendResult } from "./webhook-sender.ts";
import { signature_header, signWebhook } from "./webhook-signature.ts";
import { openWebhookSecret } from "./webhooks.ts";

export interface DispatchLimits {
  /** Events one claim takes. */
  readonly batch_events_max: number;
  /** Webhook requests and publishes one batch has open at once. */
  readonly requests_in_flight_max: number;
  /** How long a receiver has to answer. */
  readonly request_timeout_ms: number;
  /** Attempts before an event becomes a dead letter. */
  readonly attempts_max: number;
  readonly backoff: BackoffPolicy;
  /** How long a claim holds an event; a dispatcher that dies mid-delivery releases it when this passes. */
  readonly lease_ms: number;
  /** How long an idle worker waits before looking for due events again. */
  readonly idle_ms: number;
  /** Claim loops `start` runs side by side; claims never overlap, so a slow receiver holds up one only. */
  readonly workers: number;
  /** Delivered, dropped and dead events are deleted this long after they finished. */
  readonly outbox_retention_days: number;
}

/**
 * Twelve attempts with a 10 s base doubling to a 1 h cap span at least 1.7 hours of retries (3.4 hours
 * without jitter), so a receiver that is down for an hour loses nothing.
 */
export const default_dispatch_limits: DispatchLimits = {
  batch_events_max: 200,
  requests_in_flight_max: 32,
  request_timeout_ms: 10_000,
  attempts_max: 12,
  backoff: { base_ms: 10_000, cap_ms: 60 * 60 * 1000 },
  lease_ms: 60_000,
  idle_ms: 200,
  workers: 4,
  outbox_retention_days: 30,
};

/** Finished events deleted per pruning statement, so pruning never holds a long transaction. */
export const prune_rows_max = 10_000;

const any_due = prepared(
  "feed_any_due",
  "SELECT 1 FROM feed_outbox WHERE state = 'pending' AND next_attempt_at <= $1 LIMIT 1",
);

const prune_interval_ms = 60 * 60 * 1000;
/** How long a claim loop pauses after a failed batch (the database is unreachable, say) before trying again. */
const error_pause_ms = 5_000;
const error_length_max = 200;

export interface FeedDispatcherOptions {
  readonly db: Database;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly regime: RegimeProfile;
  readonly price_book?: readonly PriceEntry[];
  /** The JetStream channel, when NATS_URL is set; the dispatcher closes it on stop. */
  readonly stream?: AlertStream | undefined;
  readonly scheduler?: Scheduler;
  /** A number in [0, 1) for backoff jitter. */
  readonly random?: () => number;
  readonly limits?: Partial<DispatchLimits>;
  /** Where a failed claim loop reports; the message names no subject. */
  readonly on_error?: (error: unknown) => void;
}

export interface DispatchReport {
  readonly claimed: number;
  readonly delivered: number;
  readonly retried: number;
  readonly dead: number;
  /** Events whose subscription had ended (consent revoked or expired, or cancelled) before delivery. */
  readonly dropped: number;
}

type ClaimedEvent = {
  id: string;
  subscription_id: string;
  lender_id: string;
  consent_id: string;
  type: string;
  occurred_at: Date;
  sequence: bigint;
  data: Record<string, unknown> | string;
  source_furnisher_id: string | null;
  attempts: number;
  webhook_acked_at: Date | null;
  stream_acked_at: Date | null;
  subject_key: Uint8Array;
  subscription_end_reason: EndReason | null;
  consent_revoked_at: Date | null;
  consent_expires_at: Date;
  purpose: string;
  jws_sha256: Uint8Array;
  lender_kind: string;
  url: string | null;
  kek_id: string | null;
  nonce: Uint8Array | null;
  sealed_secret: Uint8Array | null;
};

interface Outcome {
  readonly event: ClaimedEvent;
  /** Null when the channel was not needed for this attempt. */
  readonly webhook: SendResult | null;
  readonly stream: SendResult | null;
}

const succeeded = (result: SendResult | null) => result === null || result.ok;

function endReasonOf(event: ClaimedEvent, now: Date): EndReason | null {
  if (event.subscription_end_reason !== null) return event.subscription_end_reason;
  if (event.consent_revoked_at !== null) return "consent_revoked";
  if (event.consent_expires_at <= now) return "consent_expired";
  return null;
}

async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  body: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await body(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class FeedDispatcher {
  readonly #db: Database;
  readonly #keyring: Keyring;
  readonly #clock: Clock;
  readonly #regime: RegimeProfile;
  readonly #price_book: readonly PriceEntry[];
  readonly #stream: AlertStream | undefined;
  readonly #scheduler: Scheduler;
  readonly #random: () => number;
  readonly #limits: DispatchLimits;
  readonly #on_error: (error: unknown) => void;
  #stopping: AbortController | undefined;
  #loops: Promise<void>[] = [];
  #next_prune_ms = Number.NEGATIVE_INFINITY;

  constructor(options: FeedDispatcherOptions) {
    this.#db = options.db;
    this.#keyring = options.keyring;
    this.#clock = options.clock;
    this.#regime = options.regime;
    this.#price_book = options.price_book ?? defaultPriceBook;
    this.#stream = options.stream;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#random = options.random ?? Math.random;
    this.#limits = { ...default_dispatch_limits, ...options.limits };
    this.#on_error =
      options.on_error ??
      ((error) =>
        console.error(`feed dispatcher: ${error instanceof Error ? error.message : String(error)}`));
    assert.ok(
      this.#limits.lease_ms > this.#limits.request_timeout_ms,
      "a claim outlives the attempt it covers, or two dispatchers would send one event at once",
    );
    assert.ok(this.#limits.attempts_max >= 1 && this.#limits.batch_events_max >= 1);
  }

  /** Runs `workers` claim loops until stop(); each waits `idle_ms` through the scheduler when idle. */
  start(): void {
    assert.equal(this.#stopping, undefined, "the dispatcher is not running");
    const stopping = new AbortController();
    this.#stopping = stopping;
    this.#loops = Array.from({ length: this.#limits.workers }, () => this.#loop(stopping.signal));
  }

  /** Lets every loop finish its current batch, then closes the stream. */
  async stop(): Promise<void> {
    this.#stopping?.abort();
    await Promise.all(this.#loops);
    this.#loops = [];
    this.#stopping = undefined;
    await this.#stream?.close();
  }

  /** Claims one batch of due events, delivers it and records the outcomes. */
  async runOnce(): Promise<DispatchReport> {
    await this.#pruneWhenDue();
    const claim_id = randomUUID();
    const claimed = await this.#claim(claim_id);
    const live = claimed.filter((event) => !event.dropped).map((event) => event.event);
    const secrets = new Map<string, string>();
    const outcomes = await mapBounded(live, this.#limits.requests_in_flight_max, (event) =>
      this.#deliver(event, secrets),
    );
    const recorded = await this.#record(outcomes, claim_id);
    return { claimed: claimed.length, dropped: claimed.length - live.length, ...recorded };
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let pause_ms = 0;
      try {
        if ((await this.runOnce()).claimed === 0) pause_ms = this.#limits.idle_ms;
      } catch (error) {
        this.#on_error(error);
        pause_ms = error_pause_ms;
      }
      if (pause_ms > 0) await this.#scheduler.sleep(pause_ms, signal);
    }
  }

  /**
   * Takes the due head of each subscription's queue (no earlier event of that subscription is pending),
   * so event n+1 waits until n is acknowledged, dead-lettered or dropped. Events whose subscription ended
   * are dropped here, in the claim's transaction, and never sent.
   */
  async #claim(claim_id: string): Promise<{ event: ClaimedEvent; dropped: boolean }[]> {
    const now = this.#clock.now();
    // Idle workers look often; a cheap look at the due index spares the claim's plan and transaction.
    if ((await this.#db.query(any_due, [now])).length === 0) return [];
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query<ClaimedEvent>(
        `WITH due AS (
           SELECT o.id, o.subscription_id, o.consent_id, o.lender_id FROM feed_outbox o
           WHERE o.state = 'pending' AND o.next_attempt_at <= $1
             AND NOT EXISTS (
               SELECT 1 FROM feed_outbox p
               WHERE p.subscription_id = o.subscription_id AND p.state = 'pending' AND p.sequence < o.sequence
             )
             AND ($3::boolean OR EXISTS (SELECT 1 FROM feed_webhooks w WHERE w.lender_id = o.lender_id))
           ORDER BY o.next_attempt_at, o.sequence
           LIMIT $2
           FOR UPDATE OF o SKIP LOCKED
         )
         UPDATE feed_outbox o SET attempts = o.attempts + 1, next_attempt_at = $4, claim_id = $5
         FROM due
           JOIN feed_subscriptions s ON s.id = due.subscription_id
           JOIN consents c ON c.id = due.consent_id
           JOIN institutions i ON i.id = due.lender_id
           LEFT JOIN feed_webhooks w ON w.lender_id = due.lender_id
         WHERE o.id = due.id
         RETURNING o.id, o.subscription_id, o.lender_id, o.consent_id, o.type, o.occurred_at, o.sequence, o.data,
           o.source_furnisher_id, o.attempts, o.webhook_acked_at, o.stream_acked_at, s.subject_key,
           s.end_reason AS subscription_end_reason, c.revoked_at AS consent_revoked_at,
           c.expires_at AS consent_expires_at, c.purpose, c.jws_sha256, i.kind AS lender_kind,
           w.url, w.kek_id, w.nonce, w.sealed_secret`,
        [
          now,
          this.#limits.batch_events_max,
          this.#stream !== undefined,
          new Date(now.getTime() + this.#limits.lease_ms),
          claim_id,
        ],
      );
      const ended = new Map<string, EndReason>();
      for (const row of rows) {
        const reason = endReasonOf(row, now);
        if (reason !== null) ended.set(row.subscription_id, reason);
      }
      if (ended.size > 0) await this.#endSubscriptions(tx, ended, now);
      return rows.map((event) => ({ event, dropped: ended.has(event.subscription_id) }));
    });
  }

  /** Ends the subscriptions and drops every pending event they still had: none of them may be sent now. */
  async #endSubscriptions(tx: Tx, ended: ReadonlyMap<string, EndReason>, now: Date): Promise<void> {
    const ids = [...ended.keys()];
    const reasons = [...ended.values()];
    await tx.query(
      `UPDATE feed_subscriptions s SET ended_at = $3, end_reason = r.reason
       FROM unnest($1::text[], $2::text[]) AS r (id, reason)
       WHERE s.id = r.id AND s.ended_at IS NULL`,
      [ids, reasons, now],
    );
    await tx.query(
      `UPDATE feed_outbox o SET state = 'dropped', finished_at = $3, drop_reason = r.reason, claim_id = NULL
       FROM unnest($1::text[], $2::text[]) AS r (subscription_id, reason)
       WHERE o.subscription_id = r.subscription_id AND o.state = 'pending'`,
      [ids, reasons, now],
    );
  }

  /** Sends one event on every channel it still needs; `secrets` caches opened secrets for the batch. */
  async #deliver(event: ClaimedEvent, secrets: Map<string, string>): Promise<Outcome> {
    const body = JSON.stringify(alertPayload(event));
    const needs_webhook = event.url !== null && event.webhook_acked_at === null;
    const needs_stream = this.#stream !== undefined && event.stream_acked_at === null;
    const [webhook, stream] = await Promise.all([
      needs_webhook ? this.#sendWebhook(event, body, secrets) : null,
      needs_stream ? this.#publish(event, body) : null,
    ]);
    return { event, webhook, stream };
  }

  async #sendWebhook(event: ClaimedEvent, body: string, secrets: Map<string, string>): Promise<SendResult> {
    let secret = secrets.get(event.lender_id);
    if (secret === undefined) {
      secret = openWebhookSecret(this.#keyring, event.lender_id, {
        url: event.url as string,
        kek_id: event.kek_id as string,
        nonce: event.nonce as Uint8Array,
        sealed_secret: event.sealed_secret as Uint8Array,
      });
      secrets.set(event.lender_id, secret);
    }
    return postWebhook(
      {
        url: event.url as string,
        body,
        headers: {
          "content-type": "application/json",
          "user-agent": "credence-feed/1",
          [signature_header]: signWebhook(secret, body, this.#clock.now()),
          "credence-event-id": event.id,
          "credence-event-type": event.type,
          "credence-delivery-attempt": String(event.attempts),
        },
        timeout_ms: this.#limits.request_timeout_ms,
      },
      this.#scheduler,
    );
  }

  async #publish(event: ClaimedEvent, body: string): Promise<SendResult> {
    try {
      await (this.#stream as AlertStream).publish(event.lender_id, event.id, body);
      return { ok: true, status: 200 };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : "publish failed";
      return { ok: false, error: `stream: ${message}`.slice(0, error_length_max) };
    }
  }

  /**
   * Records one batch in one transaction. An acknowledged event becomes a disclosure here, in the same
   * transaction that marks it delivered: only an acknowledgement proves the lender received the data, so
   * an event that is dead-lettered or dropped is never logged or billed. A dispatcher that dies after the
   * acknowledgement but before this commit leaves the event pending; it is sent again with the same id
   * and disclosed once, on the acknowledgement that commits.
   */
  async #record(outcomes: readonly Outcome[], claim_id: string) {
    const now = this.#clock.now();
    const delivered = outcomes.filter((outcome) => succeeded(outcome.webhook) && succeeded(outcome.stream));
    const failed = outcomes.filter((outcome) => !delivered.includes(outcome));
    const dead = failed.filter((outcome) => outcome.event.attempts >= this.#limits.attempts_max);
    if (outcomes.length === 0) return { delivered: 0, retried: 0, dead: 0 };
    await this.#db.transaction(async (tx) => {
      if (delivered.length > 0) await this.#markDelivered(tx, delivered, now);
      if (failed.length > 0) {
        await tx.query(
          `UPDATE feed_outbox o SET
             state = CASE WHEN r.dead THEN 'dead' ELSE 'pending' END,
             finished_at = CASE WHEN r.dead THEN $1::timestamptz END,
             next_attempt_at = r.next_attempt_at, last_error = r.error, claim_id = NULL,
             webhook_acked_at = CASE WHEN r.webhook THEN COALESCE(o.webhook_acked_at, $1) ELSE o.webhook_acked_at END,
             stream_acked_at = CASE WHEN r.stream THEN COALESCE(o.stream_acked_at, $1) ELSE o.stream_acked_at END
           FROM unnest($2::uuid[], $3::boolean[], $4::timestamptz[], $5::text[], $6::boolean[], $7::boolean[])
             AS r (id, dead, next_attempt_at, error, webhook, stream)
           WHERE o.id = r.id AND o.state = 'pending' AND o.claim_id = $8`,
          [
            now,
            failed.map((outcome) => outcome.event.id),
            failed.map((outcome) => dead.includes(outcome)),
            failed.map((outcome) => this.#retryAt(outcome.event.attempts, now).toISOString()),
            failed.map((outcome) =>
              [outcome.webhook, outcome.stream]
                .flatMap((result) => (result && !result.ok ? [result.error] : []))
                .join("; ")
                .slice(0, error_length_max),
            ),
            failed.map((outcome) => outcome.webhook?.ok === true),
            failed.map((outcome) => outcome.stream?.ok === true),
            claim_id,
          ],
        );
      }
    });
    return { delivered: delivered.length, retried: failed.length - dead.length, dead: dead.length };
  }

  async #markDelivered(tx: Tx, delivered: readonly Outcome[], now: Date): Promise<void> {
    // Marking is unconditional on the claim: an acknowledgement is a delivery even if the claim expired.
    // The state guard makes it happen once, so a second acknowledgement of the same id discloses nothing.
    const marked = await tx.query<{ id: string }>(
      `UPDATE feed_outbox o SET state = 'delivered', finished_at = $1, claim_id = NULL, last_error = NULL,
         webhook_acked_at = CASE WHEN r.webhook THEN COALESCE(o.webhook_acked_at, $1) ELSE o.webhook_acked_at END,
         stream_acked_at = CASE WHEN r.stream THEN COALESCE(o.stream_acked_at, $1) ELSE o.stream_acked_at END
       FROM unnest($2::uuid[], $3::boolean[], $4::boolean[]) AS r (id, webhook, stream)
       WHERE o.id = r.id AND o.state = 'pending'
       RETURNING o.id`,
      [
        now,
        delivered.map((outcome) => outcome.event.id),
        delivered.map((outcome) => outcome.webhook !== null),
        delivered.map((outcome) => outcome.stream !== null),
      ],
    );
    const byId = new Map(delivered.map((outcome) => [outcome.event.id, outcome.event]));
    const entries: { id: string; entry_id: string }[] = [];
    for (const { id } of marked) {
      const event = byId.get(id) as ClaimedEvent;
      const price = priceOf(this.#price_book, this.#regime.code, "alert", tierOf(event.lender_kind), now);
      const entry_id = await enqueueDisclosure(tx, {
        at: now,
        recipient: event.lender_id,
        product: "alert",
        purpose: event.purpose,
        consent_sha256: Buffer.from(event.jws_sha256).toString("hex"),
        subject_key: Buffer.from(event.subject_key),
        furnishers: event.source_furnisher_id ? [{ institution: event.source_furnisher_id, records: 1 }] : [],
        price_minor: price.price_minor,
        currency: price.currency,
      });
      entries.push({ id, entry_id });
    }
    if (entries.length === 0) return;
    await tx.query(
      `UPDATE feed_outbox o SET log_entry_id = r.entry_id
       FROM unnest($1::uuid[], $2::text[]) AS r (id, entry_id) WHERE o.id = r.id`,
      [entries.map((entry) => entry.id), entries.map((entry) => entry.entry_id)],
    );
  }

  #retryAt(attempts: number, now: Date): Date {
    return new Date(now.getTime() + retryDelayMs(attempts, this.#limits.backoff, this.#random));
  }

  /** Deletes events that finished more than the retention ago, at most once an hour of the clock. */
  async #pruneWhenDue(): Promise<void> {
    const now = this.#clock.now();
    if (now.getTime() < this.#next_prune_ms) return;
    this.#next_prune_ms = now.getTime() + prune_interval_ms;
    const before = new Date(now.getTime() - this.#limits.outbox_retention_days * 86_400_000);
    await this.#db.query(
      `DELETE FROM feed_outbox WHERE id IN (
         SELECT id FROM feed_outbox WHERE state <> 'pending' AND finished_at < $1 LIMIT $2
       )`,
      [before, prune_rows_max],
    );
  }
}

/** The dispatcher `credence serve` runs: JetStream too when NATS_URL is set, webhooks only otherwise. */
export function createFeedDispatcher(
  ctx: Pick<AppContext, "db" | "keyring" | "clock" | "config">,
  options: Partial<FeedDispatcherOptions> = {},
): FeedDispatcher {
  return new FeedDispatcher({
    db: ctx.db,
    keyring: ctx.keyring,
    clock: ctx.clock,
    regime: ctx.config.regime,
    stream: ctx.config.nats_url ? new AlertStream({ servers: ctx.config.nats_url }) : undefined,
    ...options,
  });
}
