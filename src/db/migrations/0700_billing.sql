-- Billing: the price book, tier overrides and revenue share as dated data; a double-entry ledger whose
-- transactions are metered from the disclosure log. Ledger rows are never updated or deleted, and every
-- transaction's postings sum to zero by the end of the database transaction that wrote them.

-- Prices are per regime, product and tier, in force from a UTC day until the next row for the same key.
-- The rows below are the default book of src/billing/price-book.ts (a test keeps the two equal); later
-- changes are new dated rows, never edits of rows already in force.
CREATE TABLE billing_prices (
  regime text NOT NULL,
  product text NOT NULL CHECK (product IN ('report', 'score', 'report+score', 'alert')),
  tier text NOT NULL CHECK (tier IN ('standard', 'small_lender')),
  effective_from date NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  set_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (regime, product, tier, effective_from)
);
INSERT INTO billing_prices (regime, product, tier, effective_from, price_minor, currency) VALUES
  ('cn', 'report', 'standard', '2020-01-01', 100, 'CNY'),
  ('cn', 'report', 'small_lender', '2020-01-01', 50, 'CNY'),
  ('cn', 'score', 'standard', '2020-01-01', 50, 'CNY'),
  ('cn', 'score', 'small_lender', '2020-01-01', 25, 'CNY'),
  ('cn', 'report+score', 'standard', '2020-01-01', 130, 'CNY'),
  ('cn', 'report+score', 'small_lender', '2020-01-01', 65, 'CNY'),
  ('cn', 'alert', 'standard', '2020-01-01', 10, 'CNY'),
  ('cn', 'alert', 'small_lender', '2020-01-01', 5, 'CNY'),
  ('us', 'report', 'standard', '2020-01-01', 150, 'USD'),
  ('us', 'report', 'small_lender', '2020-01-01', 100, 'USD'),
  ('us', 'score', 'standard', '2020-01-01', 75, 'USD'),
  ('us', 'score', 'small_lender', '2020-01-01', 50, 'USD'),
  ('us', 'report+score', 'standard', '2020-01-01', 200, 'USD'),
  ('us', 'report+score', 'small_lender', '2020-01-01', 130, 'USD'),
  ('us', 'alert', 'standard', '2020-01-01', 15, 'USD'),
  ('us', 'alert', 'small_lender', '2020-01-01', 10, 'USD');

-- A lender's tier normally follows its institution kind; an override names another from a UTC day on.
CREATE TABLE billing_tier_overrides (
  lender_id text NOT NULL,
  effective_from date NOT NULL,
  tier text NOT NULL CHECK (tier IN ('standard', 'small_lender')),
  set_at timestamptz NOT NULL,
  PRIMARY KEY (lender_id, effective_from)
);

-- The share of each price credited to the contributing furnishers, in basis points, from a UTC day on.
CREATE TABLE billing_revenue_shares (
  effective_from date PRIMARY KEY,
  share_bp integer NOT NULL CHECK (share_bp BETWEEN 0 AND 10000),
  set_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO billing_revenue_shares (effective_from, share_bp) VALUES ('2020-01-01', 3000);

-- One account per holder, kind and currency. The bureau's revenue account has no institution: the
-- bureau running this exchange is implied.
CREATE TABLE billing_accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('lender_receivable', 'bureau_revenue', 'furnisher_payable')),
  institution_id text CHECK ((kind = 'bureau_revenue') = (institution_id IS NULL)),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL,
  CONSTRAINT billing_accounts_holder UNIQUE NULLS NOT DISTINCT (kind, institution_id, currency)
);

-- A charge is metered from one priced log entry; a refund reverses one charge. At most one of each per
-- log index, which is what makes the fold and refunds idempotent. `at` places the transaction in a
-- month: the disclosure's time for a charge, the booking time for a refund.
CREATE TABLE billing_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
  log_idx bigint NOT NULL CHECK (log_idx >= 0),
  lender_id text NOT NULL,
  product text NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  at timestamptz NOT NULL,
  booked_at timestamptz NOT NULL,
  reason text CHECK ((kind = 'refund') = (reason IS NOT NULL)),
  reverses_id bigint REFERENCES billing_transactions (id) CHECK ((kind = 'refund') = (reverses_id IS NOT NULL)),
  CONSTRAINT billing_transactions_once UNIQUE (kind, log_idx)
);
CREATE INDEX billing_transactions_lender ON billing_transactions (lender_id, at);
CREATE INDEX billing_transactions_at ON billing_transactions (at);

-- Amounts are signed minor units: positive debits, negative credits. One posting per account and
-- transaction; zero legs are left out.
CREATE TABLE billing_postings (
  transaction_id bigint NOT NULL REFERENCES billing_transactions (id),
  account_id bigint NOT NULL REFERENCES billing_accounts (id),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
  PRIMARY KEY (transaction_id, account_id)
);
CREATE INDEX billing_postings_account ON billing_postings (account_id);

-- The next log index the fold reads.
CREATE TABLE billing_fold_cursor (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  next_idx bigint NOT NULL CHECK (next_idx >= 0)
);
INSERT INTO billing_fold_cursor (next_idx) VALUES (0);

-- Checked at commit, after all of a transaction's postings exist: at least two legs, all in the
-- transaction's currency, summing to zero. The sum is taken in numeric so legs near 2^63 cannot overflow.
CREATE FUNCTION billing_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  checked_id bigint;
  legs bigint;
  total numeric;
  foreign_legs bigint;
BEGIN
  IF TG_TABLE_NAME = 'billing_transactions' THEN
    checked_id := NEW.id;
  ELSE
    checked_id := NEW.transaction_id;
  END IF;
  SELECT count(p.amount_minor), coalesce(sum(p.amount_minor::numeric), 0), count(*) FILTER (WHERE a.currency <> t.currency)
    INTO legs, total, foreign_legs
    FROM billing_transactions t
    LEFT JOIN billing_postings p ON p.transaction_id = t.id
    LEFT JOIN billing_accounts a ON a.id = p.account_id
   WHERE t.id = checked_id;
  IF legs < 2 OR total <> 0 OR foreign_legs > 0 THEN
    RAISE EXCEPTION 'billing transaction % is unbalanced: % legs summing to %, % in another currency',
      checked_id, legs, total, foreign_legs USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER billing_transactions_balanced AFTER INSERT ON billing_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_check_balanced();
CREATE CONSTRAINT TRIGGER billing_postings_balanced AFTER INSERT ON billing_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_check_balanced();

-- Corrections are new transactions; nothing booked may change or disappear.
CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: ledger rows are immutable; book a correcting transaction instead',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER billing_accounts_immutable BEFORE UPDATE OR DELETE ON billing_accounts
  FOR EACH ROW EXECUTE FUNCTION billing_refuse_change();
CREATE TRIGGER billing_transactions_immutable BEFORE UPDATE OR DELETE ON billing_transactions
  FOR EACH ROW EXECUTE FUNCTION billing_refuse_change();
CREATE TRIGGER billing_postings_immutable BEFORE UPDATE OR DELETE ON billing_postings
  FOR EACH ROW EXECUTE FUNCTION billing_refuse_change();
CREATE TRIGGER billing_accounts_no_truncate BEFORE TRUNCATE ON billing_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change();
CREATE TRIGGER billing_transactions_no_truncate BEFORE TRUNCATE ON billing_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change();
CREATE TRIGGER billing_postings_no_truncate BEFORE TRUNCATE ON billing_postings
  FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_change();
