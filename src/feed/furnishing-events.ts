// Detects material changes in one submission's record versions and writes alerts for subscribed lenders.
import type { Tx } from "../db/database.ts";
import { balance_increase_minor_min, balance_increase_ratio_min, statusSeverity } from "./event-types.ts";
import { activeSubscriptionSql, insertEvents } from "./event-writer.ts";

/**
 * Reads this submission's versions in furnishing's record tables and the subscribers' consents, read
 * only; both are those domains' public data. A lender never hears of its own accounts, which it knows
 * already, and an alert never names the furnisher or the account. A statement's baseline is the previous version of the same period when the submission corrects one,
 * else the account's previous period; a backfill of many periods yields at most one alert of each type
 * per account, for the latest period.
 */
const candidates = `
  WITH opened AS (
    SELECT s.id AS subscription_id, 'account.opened_elsewhere' AS type,
      jsonb_build_object('account_kind', a.kind, 'opened_on', to_char(a.opened_on, 'YYYY-MM-DD')) AS data,
      '0000-00 ' || a.account_ref AS sort_key
    FROM accounts a
    JOIN feed_subscriptions s ON s.subject_key = a.subject_key AND s.lender_id <> $1
    JOIN consents c ON c.id = s.consent_id
    WHERE a.furnisher_id = $1 AND a.seq = $2::int8 AND NOT a.deleted AND ${activeSubscriptionSql("$3::timestamptz")}
      AND NOT EXISTS (
        SELECT 1 FROM accounts p WHERE p.furnisher_id = $1 AND p.account_ref = a.account_ref AND p.seq < $2::int8
      )
  ),
  changed AS (
    SELECT s.id AS subscription_id, st.account_ref, st.period, st.status, st.days_past_due, st.balance_minor,
      acc.kind, acc.currency,
      COALESCE(pv.status, pp.status, 'current') AS status_before,
      pv.balance_minor AS version_balance_before,
      pp.balance_minor AS period_balance_before
    FROM statements st
    CROSS JOIN LATERAL (
      SELECT a.subject_key, a.kind, a.currency FROM accounts a
      WHERE a.furnisher_id = $1 AND a.account_ref = st.account_ref AND a.seq <= $2::int8
      ORDER BY a.seq DESC LIMIT 1
    ) acc
    JOIN feed_subscriptions s ON s.subject_key = acc.subject_key AND s.lender_id <> $1
    JOIN consents c ON c.id = s.consent_id
    LEFT JOIN LATERAL (
      SELECT p.status, p.balance_minor FROM statements p
      WHERE p.furnisher_id = $1 AND p.account_ref = st.account_ref AND p.period = st.period AND p.seq < $2::int8
      ORDER BY p.seq DESC LIMIT 1
    ) pv ON true
    LEFT JOIN LATERAL (
      SELECT p.status, p.balance_minor FROM statements p
      WHERE p.furnisher_id = $1 AND p.account_ref = st.account_ref AND p.period < st.period AND p.seq <= $2::int8
      ORDER BY p.period DESC, p.seq DESC LIMIT 1
    ) pp ON true
    WHERE st.furnisher_id = $1 AND st.seq = $2::int8 AND NOT st.deleted AND ${activeSubscriptionSql("$3::timestamptz")}
  ),
  ranked AS (
    SELECT ch.*,
      COALESCE(array_position($4::text[], ch.status), 1) AS rank_after,
      COALESCE(array_position($4::text[], ch.status_before), 1) AS rank_before
    FROM changed ch
  ),
  statement_events AS (
    SELECT subscription_id,
      CASE WHEN status = 'charged_off' THEN 'account.charged_off'
           WHEN rank_before <= 1 THEN 'delinquency.new'
           ELSE 'status.worsened' END AS type,
      jsonb_build_object('account_kind', kind, 'period', to_char(period, 'YYYY-MM'),
        'status_before', status_before, 'status', status, 'days_past_due', days_past_due) AS data,
      account_ref, period
    FROM ranked WHERE rank_after > rank_before
    UNION ALL
    SELECT subscription_id, 'balance.increased',
      jsonb_build_object('account_kind', kind, 'period', to_char(period, 'YYYY-MM'), 'currency', currency,
        'balance_before_minor', period_balance_before::text, 'balance_minor', balance_minor::text),
      account_ref, period
    FROM ranked
    WHERE balance_minor - period_balance_before >= $5::int8
      AND balance_minor * $6::int8 > period_balance_before * $7::int8
      -- A correction of a period that was already a material increase is not a new one.
      AND NOT COALESCE(version_balance_before - period_balance_before >= $5::int8
        AND version_balance_before * $6::int8 > period_balance_before * $7::int8, false)
  ),
  latest AS (
    SELECT DISTINCT ON (subscription_id, type, account_ref) *
    FROM statement_events ORDER BY subscription_id, type, account_ref, period DESC
  )
  SELECT subscription_id, type, data, $1 AS source_furnisher_id,
    to_char(period, 'YYYY-MM') || ' ' || account_ref AS sort_key
  FROM latest
  UNION ALL
  SELECT subscription_id, type, data, $1, sort_key FROM opened`;

/**
 * Called by ingestion inside the submission's transaction, after every COPY: writes an alert for each
 * material change this submission's versions (seq = args.seq) made to a subscribed subject's file, and
 * returns how many. With no active subscription anywhere it costs one indexed query.
 */
export async function recordFurnishingEvents(
  tx: Pick<Tx, "query">,
  args: { furnisher_id: string; seq: bigint; now: Date },
): Promise<number> {
  const any = await tx.query("SELECT 1 FROM feed_subscriptions WHERE ended_at IS NULL LIMIT 1");
  if (any.length === 0) return 0;
  return insertEvents(
    tx,
    candidates,
    [
      args.furnisher_id,
      args.seq.toString(),
      args.now,
      statusSeverity,
      balance_increase_minor_min.toString(),
      balance_increase_ratio_min.denominator.toString(),
      balance_increase_ratio_min.numerator.toString(),
    ],
    "$3::timestamptz",
  );
}
