-- Every query a lender made, answered or refused (Art. 22 of the 2013 Regulation: who, when, what, why).
CREATE TABLE inquiries (
  id text PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions (id),
  key_id text NOT NULL,
  at timestamptz NOT NULL,
  product text NOT NULL,
  purpose text NOT NULL,
  consent_id text,
  subject_key bytea,
  outcome text NOT NULL,
  log_entry_id text
);
CREATE INDEX inquiries_subject ON inquiries (subject_key, at) WHERE subject_key IS NOT NULL;
CREATE INDEX inquiries_institution ON inquiries (institution_id, at);

-- Per-lender overrides of the query rate limit and daily quota; lenders without a row get the defaults.
CREATE TABLE lender_limits (
  institution_id text PRIMARY KEY REFERENCES institutions (id),
  rate_per_s integer NOT NULL CHECK (rate_per_s > 0),
  daily_quota integer NOT NULL CHECK (daily_quota > 0)
);
