-- Consents a subject gave a lender, registered by the lender and signed by the bureau.
CREATE TABLE consents (
  id text PRIMARY KEY,
  lender_id text NOT NULL REFERENCES institutions (id),
  subject_key bytea NOT NULL,
  purpose text NOT NULL,
  categories text[] NOT NULL,
  mode text NOT NULL CHECK (mode IN ('one_time', 'continuous')),
  starts_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > starts_at),
  evidence_sha256 text NOT NULL,
  evidence_ref text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text CHECK (revoked_by IN ('subject', 'lender')),
  used_at timestamptz,
  jws text NOT NULL,
  jws_sha256 bytea NOT NULL
);
CREATE INDEX consents_subject ON consents (subject_key);
CREATE INDEX consents_lender ON consents (lender_id, created_at);
