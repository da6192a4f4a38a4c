-- Participants of the exchange, their roles, their stakes in the bureau, and their credentials.
CREATE TABLE institutions (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  legal_id text NOT NULL UNIQUE,
  roles text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['furnisher', 'lender', 'bureau', 'regulator']),
  kind text NOT NULL CHECK (kind IN ('platform', 'bank', 'small_lender', 'bureau', 'regulator')),
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz
);

CREATE TABLE ownership_stakes (
  holder_id text NOT NULL REFERENCES institutions (id),
  share_bp integer NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
  declared_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (holder_id)
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  institution_id text NOT NULL REFERENCES institutions (id),
  secret_sha256 bytea NOT NULL CHECK (octet_length(secret_sha256) = 32),
  roles text[] NOT NULL,
  label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_institution ON api_keys (institution_id);

CREATE TABLE subject_tokens (
  id text PRIMARY KEY,
  subject_key bytea NOT NULL REFERENCES subjects (subject_key) ON DELETE CASCADE,
  secret_sha256 bytea NOT NULL CHECK (octet_length(secret_sha256) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX subject_tokens_subject ON subject_tokens (subject_key);
