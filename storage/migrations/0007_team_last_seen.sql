-- Running the team (issue 11): when a manager last used the bot, for /team.

-- Written by the access gate at most once a minute per manager (UTC text, like every time).
ALTER TABLE managers ADD COLUMN last_seen_at TEXT;
