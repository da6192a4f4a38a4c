-- Scoring: the model registry (versioned scorecards as JSON, at most one champion per regime and kind) and
-- every score a registered model computed for a query: the champion's, which was served, and each
-- challenger's, computed in shadow. Scores name the subject only by a short hash prefix of the pseudonym.
CREATE TABLE scoring_models (
  version text PRIMARY KEY,
  regime text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('full', 'thin_file')),
  role text NOT NULL CHECK (role IN ('champion', 'challenger', 'retired')),
  -- The scorecard in the credence.scorecard format; its bins hold the training distribution of each
  -- feature and score_distribution the training score bands, the expected side of stability checks.
  model jsonb NOT NULL,
  model_card text NOT NULL,
  metrics jsonb NOT NULL,
  -- How the bureau trained it: observation date, sample sizes, coverage; free-form per trainer.
  training jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  promoted_at timestamptz
);
CREATE UNIQUE INDEX scoring_models_one_champion ON scoring_models (regime, kind) WHERE role = 'champion';
CREATE INDEX scoring_models_regime ON scoring_models (regime, kind, created_at);

CREATE TABLE score_shadow (
  model_version text NOT NULL REFERENCES scoring_models (version),
  served boolean NOT NULL,
  score integer NOT NULL,
  -- The bin of each model feature the record fell in, in the model's feature order (missing bin last).
  bins smallint[] NOT NULL,
  at timestamptz NOT NULL,
  -- First bytes of SHA-256 of the subject key: enough to tell repeat queries apart, not to name anyone.
  subject_prefix bytea NOT NULL CHECK (octet_length(subject_prefix) = 4),
  -- Pairs the champion's row with the challengers' rows of the same query.
  scoring_id text NOT NULL
);
CREATE INDEX score_shadow_model_at ON score_shadow (model_version, at);
