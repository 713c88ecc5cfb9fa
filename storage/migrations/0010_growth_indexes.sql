-- Indexes that keep one manager's reads flat as the company's data grows (bench/growth.py).

-- A manager's meetings as a member of our team (the digest's agenda).
CREATE INDEX IF NOT EXISTS meeting_team_manager ON meeting_team (manager_id, meeting_id);
-- Live contracts by end date (the renewal scan of every tick reads a range, not all of them).
CREATE INDEX IF NOT EXISTS contracts_status_ends ON contracts (status, ends_on);
