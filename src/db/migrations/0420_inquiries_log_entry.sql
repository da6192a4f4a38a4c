-- The neutrality proof joins log entries to the inquiries that caused them.
CREATE INDEX inquiries_log_entry ON inquiries (log_entry_id) WHERE log_entry_id IS NOT NULL;
