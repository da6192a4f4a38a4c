-- Oversight: the platforms under the furnishing mandate, and one snapshot of each one's compliance per day,
-- so the regulator's board can show progress toward the deadline day by day.
CREATE TABLE mandates (
  institution_id text PRIMARY KEY REFERENCES institutions (id),
  deadline date NOT NULL,
  active_users_declared bigint NOT NULL CHECK (active_users_declared > 0),
  -- When the platform was connected to the exchange; NULL until the bureau or regulator records it.
  onboarded_at timestamptz,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

CREATE TABLE compliance_snapshots (
  day date NOT NULL,
  institution_id text NOT NULL REFERENCES institutions (id),
  status text NOT NULL CHECK (status IN ('not_started', 'onboarding', 'furnishing', 'compliant', 'lapsed')),
  deadline date NOT NULL,
  active_users_declared bigint NOT NULL,
  records_furnished bigint NOT NULL,
  subjects_furnished bigint NOT NULL,
  coverage double precision NOT NULL,
  rejected_share double precision,
  taken_at timestamptz NOT NULL,
  PRIMARY KEY (day, institution_id)
);
