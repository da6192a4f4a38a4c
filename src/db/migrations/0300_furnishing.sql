-- Furnishing: submissions and the records they carry. Records are versions: a later submission with the
-- same natural key corrects an earlier one, a delete adds a tombstone, and nothing is updated in place,
-- so every report can be traced to the submission it came from.
CREATE TABLE submissions (
  id text PRIMARY KEY,
  furnisher_id text NOT NULL REFERENCES institutions (id),
  file_sha256 bytea NOT NULL CHECK (octet_length(file_sha256) = 32),
  channel text NOT NULL CHECK (channel IN ('bulk', 'api')),
  format text NOT NULL CHECK (format IN ('ndjson', 'csv', 'json')),
  status text NOT NULL CHECK (status IN ('processing', 'accepted', 'rejected', 'interrupted')),
  received_at timestamptz NOT NULL,
  finished_at timestamptz,
  bytes bigint NOT NULL DEFAULT 0,
  lines_total bigint NOT NULL DEFAULT 0,
  lines_accepted bigint NOT NULL DEFAULT 0,
  lines_rejected bigint NOT NULL DEFAULT 0,
  accepted_by_type jsonb NOT NULL DEFAULT '{}',
  rejected_by_code jsonb NOT NULL DEFAULT '{}',
  subjects_referenced bigint NOT NULL DEFAULT 0,
  subjects_matched bigint NOT NULL DEFAULT 0,
  -- Days from the end of the latest period a record covers to the submission; NULL without periods.
  timeliness_days integer,
  -- The order in which accepted submissions became visible; later versions win.
  seq bigint UNIQUE,
  rejection_reason text,
  UNIQUE (furnisher_id, file_sha256)
);
CREATE INDEX submissions_furnisher ON submissions (furnisher_id, received_at);
CREATE SEQUENCE submission_seq;

CREATE TABLE submission_errors (
  submission_id text NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  line bigint NOT NULL,
  field text NOT NULL,
  code text NOT NULL,
  message text NOT NULL
);
CREATE INDEX submission_errors_by_line ON submission_errors (submission_id, line);

CREATE TABLE accounts (
  furnisher_id text NOT NULL,
  account_ref text NOT NULL,
  seq bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  -- NULL only on a tombstone, which carries nothing but its natural key.
  subject_key bytea,
  kind text,
  opened_on date,
  currency char(3),
  credit_limit_minor bigint,
  principal_minor bigint,
  term_months integer,
  co_lender_id text,
  closed_on date,
  PRIMARY KEY (furnisher_id, account_ref, seq)
);
CREATE INDEX accounts_subject ON accounts (subject_key);
CREATE INDEX accounts_co_lender ON accounts (co_lender_id) WHERE co_lender_id IS NOT NULL;

CREATE TABLE statements (
  furnisher_id text NOT NULL,
  account_ref text NOT NULL,
  period date NOT NULL,
  seq bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  balance_minor bigint,
  past_due_minor bigint,
  days_past_due integer,
  scheduled_payment_minor bigint,
  actual_payment_minor bigint,
  status text,
  notified_on date,
  PRIMARY KEY (furnisher_id, account_ref, period, seq)
);

CREATE TABLE activities (
  furnisher_id text NOT NULL,
  subject_key bytea NOT NULL,
  category text NOT NULL,
  period date NOT NULL,
  seq bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  count integer,
  amount_minor bigint,
  currency char(3),
  on_time_share real,
  PRIMARY KEY (subject_key, category, period, furnisher_id, seq)
);
