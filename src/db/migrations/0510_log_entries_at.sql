-- Billing and oversight select log entries by time across all recipients.
CREATE INDEX log_entries_at ON log_entries (at);
