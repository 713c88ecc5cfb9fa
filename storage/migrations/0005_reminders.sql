-- Reminders (issue 5): the scheduler's watermark and the indexes its due-item scans use.

-- Small named values the scheduler keeps between runs (e.g. 'reminders.watermark', the UTC
-- time up to which due items have been turned into reminder_deliveries rows).
CREATE TABLE scheduler_state (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Timed tasks (or snoozed ones) by the moment they remind, open tasks only.
CREATE INDEX IF NOT EXISTS tasks_open_remind_at ON tasks (coalesce(snoozed_until, due_at))
    WHERE status = 'open';
-- Overdue tasks for the escalation scan.
CREATE INDEX IF NOT EXISTS tasks_status_due ON tasks (status, due_at);
CREATE INDEX IF NOT EXISTS satisfaction_checks_status_due ON satisfaction_checks (status, due_at);
CREATE INDEX IF NOT EXISTS meetings_status_time ON meetings (status, starts_at);
CREATE INDEX IF NOT EXISTS obligations_delayed ON obligations (status, delayed_to);
CREATE INDEX IF NOT EXISTS contracts_status ON contracts (status);
CREATE INDEX IF NOT EXISTS reminder_deliveries_manager
    ON reminder_deliveries (manager_id, status, due_at);

-- Quiet hours hold a delivery until `not_before` without changing when it was due;
-- `catch_up` = 1 keeps a held late delivery in the "while I was offline" message.
ALTER TABLE reminder_deliveries ADD COLUMN not_before TEXT;
ALTER TABLE reminder_deliveries ADD COLUMN catch_up INTEGER NOT NULL DEFAULT 0;
