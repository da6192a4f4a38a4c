-- The feed: lenders' alert subscriptions, their webhook endpoints, and the outbox of events to deliver.
-- An event row is written in the same transaction as the change that caused it and is never lost: the
-- dispatcher moves it from pending to delivered, dead (a dead letter) or dropped (its consent ended).
CREATE TABLE feed_subscriptions (
  id text PRIMARY KEY,
  lender_id text NOT NULL REFERENCES institutions (id),
  -- One subscription per consent, so a consent's event sequence never restarts.
  consent_id text NOT NULL UNIQUE REFERENCES consents (id) ON DELETE CASCADE,
  subject_key bytea NOT NULL,
  created_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('cancelled', 'consent_revoked', 'consent_expired')),
  -- The sequence number of the consent's latest event; each new event takes the next one.
  last_sequence bigint NOT NULL DEFAULT 0,
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX feed_subscriptions_subject ON feed_subscriptions (subject_key) WHERE ended_at IS NULL;
CREATE INDEX feed_subscriptions_lender ON feed_subscriptions (lender_id, id);

CREATE TABLE feed_webhooks (
  lender_id text PRIMARY KEY REFERENCES institutions (id),
  url text NOT NULL,
  -- The signing secret, sealed with AES-256-GCM under a vault key; it is shown to the lender once.
  kek_id text NOT NULL,
  nonce bytea NOT NULL,
  sealed_secret bytea NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE feed_outbox (
  id uuid PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES feed_subscriptions (id) ON DELETE CASCADE,
  lender_id text NOT NULL,
  consent_id text NOT NULL,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  sequence bigint NOT NULL,
  data jsonb NOT NULL,
  -- The furnisher whose record caused the event, credited in the disclosure; never sent to the lender.
  source_furnisher_id text,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead', 'dropped')),
  attempts integer NOT NULL DEFAULT 0,
  -- When a pending event is next due; a claim pushes it past the lease so a crashed claim expires.
  next_attempt_at timestamptz NOT NULL,
  claim_id uuid,
  webhook_acked_at timestamptz,
  stream_acked_at timestamptz,
  last_error text,
  finished_at timestamptz,
  drop_reason text,
  log_entry_id text,
  UNIQUE (subscription_id, sequence)
);
CREATE INDEX feed_outbox_due ON feed_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX feed_outbox_pending_order ON feed_outbox (subscription_id, sequence) WHERE state = 'pending';
CREATE INDEX feed_outbox_dead ON feed_outbox (lender_id, finished_at, id) WHERE state = 'dead';
CREATE INDEX feed_outbox_finished ON feed_outbox (finished_at) WHERE state <> 'pending';
