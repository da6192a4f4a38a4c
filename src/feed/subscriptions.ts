// Alert subscriptions: a lender subscribes a subject through its continuous post-loan consent, until the
// lender cancels or the consent is revoked or expires.
import { randomBytes } from "node:crypto";
import { type ConsentRow, checkConsent, findConsent } from "../consent/index.ts";
import type { Database } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { alert_category } from "./event-types.ts";

registerErrorCodes({
  SUBSCRIPTION_UNKNOWN: { status: 404, title: "No such subscription" },
  SUBSCRIPTION_NEEDS_CONTINUOUS_CONSENT: {
    status: 422,
    title: "Alerts need a continuous consent; a one-time consent covers one query",
  },
});

/** The most subscriptions one page lists. */
export const subscriptions_page_rows_max = 500;
/** The purpose a consent must state for alerts. */
export const alert_purpose = "post_loan_management" as const;

export type EndReason = "cancelled" | "consent_revoked" | "consent_expired";

type SubscriptionRow = {
  id: string;
  lender_id: string;
  consent_id: string;
  created_at: Date;
  ended_at: Date | null;
  end_reason: EndReason | null;
  last_sequence: bigint;
  consent_revoked_at: Date | null;
  consent_expires_at: Date;
};

export interface Subscription {
  readonly id: string;
  readonly consent_id: string;
  readonly status: "active" | "ended";
  readonly end_reason: EndReason | null;
  readonly created_at: Date;
  readonly ended_at: Date | null;
  /** The sequence number of the latest event; the next event carries this plus one. */
  readonly last_sequence: number;
}

const subscription_id_pattern = /^fs_[a-f0-9]{24}$/;

/** The subscription as the lender sees it; a consent that ended since the last event ends it too. */
function view(row: SubscriptionRow, now: Date): Subscription {
  let ended_at = row.ended_at;
  let end_reason = row.end_reason;
  if (ended_at === null && row.consent_revoked_at !== null) {
    ended_at = row.consent_revoked_at;
    end_reason = "consent_revoked";
  } else if (ended_at === null && row.consent_expires_at <= now) {
    ended_at = row.consent_expires_at;
    end_reason = "consent_expired";
  }
  return {
    id: row.id,
    consent_id: row.consent_id,
    status: ended_at === null ? "active" : "ended",
    end_reason,
    created_at: row.created_at,
    ended_at,
    last_sequence: Number(row.last_sequence),
  };
}

const selectView = `SELECT s.id, s.lender_id, s.consent_id, s.created_at, s.ended_at, s.end_reason, s.last_sequence,
    c.revoked_at AS consent_revoked_at, c.expires_at AS consent_expires_at
  FROM feed_subscriptions s JOIN consents c ON c.id = s.consent_id`;

/** Refuses a consent that cannot carry alerts, with the code that says why. */
function checkAlertConsent(consent: ConsentRow | undefined, lender_id: string, now: Date): ConsentRow {
  if (consent && consent.lender_id === lender_id && consent.mode !== "continuous") {
    throw new ApiError(
      "SUBSCRIPTION_NEEDS_CONTINUOUS_CONSENT",
      "The consent is one-time; alerts need a continuous consent.",
    );
  }
  return checkConsent(consent, {
    lender_id,
    purpose: alert_purpose,
    categories: [alert_category],
    now,
  });
}

/**
 * Subscribes the subject of `consent_id` for `lender_id`. Subscribing again while active returns the same
 * subscription (`created` false); after a cancellation it resumes with its sequence where it was.
 */
export async function subscribe(
  db: Pick<Database, "kysely" | "query">,
  lender_id: string,
  consent_id: string,
  now: Date,
): Promise<{ subscription: Subscription; created: boolean }> {
  const consent = checkAlertConsent(await findConsent(db, consent_id), lender_id, now);
  const id = `fs_${randomBytes(12).toString("hex")}`;
  const created = await db.query(
    `INSERT INTO feed_subscriptions (id, lender_id, consent_id, subject_key, created_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (consent_id) DO UPDATE SET ended_at = NULL, end_reason = NULL
       WHERE feed_subscriptions.ended_at IS NOT NULL
     RETURNING id`,
    [id, lender_id, consent.id, consent.subject_key, now],
  );
  const [row] = await db.query<SubscriptionRow>(`${selectView} WHERE s.consent_id = $1`, [consent.id]);
  if (!row) throw new Error("the subscription exists after its upsert");
  return { subscription: view(row, now), created: created.length === 1 };
}

export async function listSubscriptions(
  db: Pick<Database, "query">,
  lender_id: string,
  page: { after?: string | undefined; limit: number },
  now: Date,
): Promise<Subscription[]> {
  const rows = await db.query<SubscriptionRow>(
    `${selectView} WHERE s.lender_id = $1 AND s.id > $2 ORDER BY s.id LIMIT $3`,
    [lender_id, page.after ?? "", Math.min(page.limit, subscriptions_page_rows_max)],
  );
  return rows.map((row) => view(row, now));
}

/** Ends a subscription at the lender's request; cancelling an ended one returns it unchanged. */
export async function cancelSubscription(
  db: Pick<Database, "query">,
  lender_id: string,
  id: string,
  now: Date,
): Promise<Subscription> {
  if (!subscription_id_pattern.test(id))
    throw new ApiError("SUBSCRIPTION_UNKNOWN", `There is no subscription ${id}.`);
  await db.query(
    `UPDATE feed_subscriptions SET ended_at = $3, end_reason = 'cancelled'
     WHERE id = $1 AND lender_id = $2 AND ended_at IS NULL`,
    [id, lender_id, now],
  );
  const [row] = await db.query<SubscriptionRow>(`${selectView} WHERE s.id = $1 AND s.lender_id = $2`, [
    id,
    lender_id,
  ]);
  if (!row) throw new ApiError("SUBSCRIPTION_UNKNOWN", `There is no subscription ${id}.`);
  return view(row, now);
}
