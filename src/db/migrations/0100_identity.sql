-- Subjects are known only by their keyed pseudonym; personal details live encrypted in the vault.
CREATE TABLE subjects (
  subject_key bytea PRIMARY KEY CHECK (octet_length(subject_key) = 32),
  id_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Envelope encryption: each entry has its own data key, wrapped by a configured key-encryption key.
-- Deleting the row shreds the only copy of that data key.
CREATE TABLE vault_entries (
  subject_key bytea PRIMARY KEY REFERENCES subjects (subject_key) ON DELETE CASCADE,
  kek_id text NOT NULL,
  wrapped_key bytea NOT NULL,
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 12),
  ciphertext bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
