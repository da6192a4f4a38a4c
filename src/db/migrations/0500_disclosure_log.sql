-- The disclosure log. A disclosure is queued in the same transaction as the query that caused it; the
-- sequencer then gives queued entries dense indices, stores their bytes and the hashes of every complete
-- aligned subtree, and signs a checkpoint. Rows here are never updated or deleted.
CREATE TABLE log_queue (
  entry_id text PRIMARY KEY,
  queued_seq bigserial UNIQUE,
  at timestamptz NOT NULL,
  recipient text NOT NULL,
  product text NOT NULL,
  purpose text NOT NULL,
  consent_sha256 text NOT NULL,
  subject_key bytea NOT NULL,
  subject_salt bytea NOT NULL,
  furnishers jsonb NOT NULL,
  price_minor bigint NOT NULL,
  currency char(3) NOT NULL
);

CREATE TABLE log_entries (
  idx bigint PRIMARY KEY,
  entry_id text NOT NULL UNIQUE,
  entry_bytes bytea NOT NULL,
  -- Kept beside the public bytes so a subject can find and open their own entries; never published.
  subject_key bytea NOT NULL,
  subject_salt bytea NOT NULL,
  recipient text NOT NULL,
  at timestamptz NOT NULL,
  price_minor bigint NOT NULL,
  currency char(3) NOT NULL,
  product text NOT NULL,
  furnishers jsonb NOT NULL
);
CREATE INDEX log_entries_subject ON log_entries (subject_key);
CREATE INDEX log_entries_recipient ON log_entries (recipient, at);

CREATE TABLE log_subtrees (
  level smallint NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);

CREATE TABLE log_checkpoints (
  size bigint PRIMARY KEY,
  root_hash bytea NOT NULL,
  note text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE log_cosignatures (
  size bigint NOT NULL REFERENCES log_checkpoints (size),
  witness text NOT NULL,
  note text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (size, witness)
);
