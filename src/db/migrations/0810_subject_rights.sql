-- Subject rights: own-report requests and what they were charged, disputes and their answers, personal
-- statements, and the retention job's bookkeeping.
CREATE TABLE own_report_requests (
  id text PRIMARY KEY,
  subject_key bytea NOT NULL CHECK (octet_length(subject_key) = 32),
  requested_at timestamptz NOT NULL,
  -- The UTC calendar year whose free copies the request counts against.
  year integer NOT NULL,
  free boolean NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  currency char(3) NOT NULL,
  CHECK (NOT free OR price_minor = 0)
);
CREATE INDEX own_report_requests_subject ON own_report_requests (subject_key, year);

-- A dispute is never deleted when answered: the answer, its outcome and whether it came late are its history.
CREATE TABLE subject_disputes (
  id text PRIMARY KEY,
  subject_key bytea NOT NULL CHECK (octet_length(subject_key) = 32),
  item text NOT NULL,
  furnisher_id text NOT NULL,
  account_ref text NOT NULL,
  -- The statement month of a statement item; NULL for an account item.
  period date,
  reason text NOT NULL,
  opened_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL CHECK (due_at > opened_at),
  answered_at timestamptz,
  outcome text CHECK (outcome IN ('confirmed', 'corrected')),
  answer_note text,
  answered_late boolean,
  CHECK ((answered_at IS NULL) = (outcome IS NULL) AND (answered_at IS NULL) = (answered_late IS NULL))
);
-- One open dispute per item: a second one is refused, and two racing requests cannot both win.
CREATE UNIQUE INDEX subject_disputes_open_item ON subject_disputes (subject_key, item) WHERE answered_at IS NULL;
CREATE INDEX subject_disputes_subject ON subject_disputes (subject_key, opened_at);
CREATE INDEX subject_disputes_furnisher ON subject_disputes (furnisher_id, opened_at);
CREATE INDEX subject_disputes_account ON subject_disputes (furnisher_id, account_ref);

CREATE TABLE personal_statements (
  subject_key bytea PRIMARY KEY CHECK (octet_length(subject_key) = 32),
  text text NOT NULL,
  added_at timestamptz NOT NULL
);

-- Subjects whose last account retention deleted; the row is written in the same transaction as the deletion,
-- so an interrupted run still shreds them on the next run once nothing else keeps them.
CREATE TABLE retention_pending_subjects (
  subject_key bytea PRIMARY KEY CHECK (octet_length(subject_key) = 32),
  marked_at timestamptz NOT NULL
);

CREATE TABLE retention_runs (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  dry_run boolean NOT NULL,
  regime text NOT NULL,
  result jsonb
);
CREATE INDEX retention_runs_started ON retention_runs (started_at);
