-- Updates received from Telegram, stored before Telegram is told they arrived (issue 11/12).
-- A row is marked done in the same transaction that stores what handling the update changed;
-- rows not done when the bot starts were in flight during a crash and are handled first.
-- Done rows are kept for a while so that an update Telegram delivers again is not handled twice.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    received_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE done_at IS NULL;
