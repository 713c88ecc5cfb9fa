-- Meetings logged from the phone: an idempotency token per draft (two fast presses on Save
-- store one meeting) and whether the manager gave a time of day or only the date.
ALTER TABLE meetings ADD COLUMN client_token TEXT;
ALTER TABLE meetings ADD COLUMN starts_has_time INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX meetings_client_token ON meetings (client_token)
    WHERE client_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS meetings_status_time ON meetings (status, starts_at);
