-- Contracts, their terms, deals and tenders, reports (issue 10).

-- The signed contract as the manager sent it to the bot (a Telegram document).
ALTER TABLE contracts ADD COLUMN file_id TEXT;
ALTER TABLE contracts ADD COLUMN file_name TEXT;

-- Obligations get what kind of term they are and the recurrences a contract actually states:
-- monthly or quarterly on day N (`recur_day`), or every N days (`recurrence = 'days'`,
-- `recur_every`). SQLite cannot widen a CHECK, so the table is rebuilt with its rows.
CREATE TABLE obligations_v6 (
    id           INTEGER PRIMARY KEY,
    contract_id  INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL DEFAULT 'other'
                 CHECK (kind IN ('delivery', 'payment', 'service_level', 'report',
                                 'renewal_notice', 'other')),
    party        TEXT    NOT NULL CHECK (party IN ('ours', 'client')),
    description  TEXT    NOT NULL,
    due_on       TEXT    NOT NULL,
    recurrence   TEXT    NOT NULL DEFAULT 'none'
                 CHECK (recurrence IN ('none', 'weekly', 'monthly', 'quarterly', 'yearly',
                                       'days')),
    recur_every  INTEGER CHECK (recur_every IS NULL OR recur_every BETWEEN 1 AND 3660),
    recur_day    INTEGER CHECK (recur_day IS NULL OR recur_day BETWEEN 1 AND 31),
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'met', 'missed', 'delayed')),
    delayed_to   TEXT,
    resolved_at  TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    CHECK (recurrence <> 'days' OR recur_every IS NOT NULL)
);
INSERT INTO obligations_v6 (id, contract_id, party, description, due_on, recurrence, status,
                            delayed_to, resolved_at, created_at, updated_at)
    SELECT id, contract_id, party, description, due_on, recurrence, status, delayed_to,
           resolved_at, created_at, updated_at
    FROM obligations;
DROP TABLE obligations;
ALTER TABLE obligations_v6 RENAME TO obligations;
CREATE INDEX obligations_due ON obligations (status, due_on);
CREATE INDEX obligations_delayed ON obligations (status, delayed_to);
CREATE INDEX obligations_contract ON obligations (contract_id);

-- Deals and tenders: why one was won or lost (the free text stays in result_reason, e.g. the
-- competitor's name), a tender's submission deadline, and when the stage last changed.
ALTER TABLE deals ADD COLUMN reason_code TEXT
    CHECK (reason_code IS NULL OR reason_code IN ('price', 'quality', 'relationship',
                                                  'competitor', 'timing', 'other'));
ALTER TABLE deals ADD COLUMN deadline_on TEXT;
ALTER TABLE deals ADD COLUMN stage_changed_at TEXT;
CREATE INDEX deals_stage ON deals (stage, closed_on);

-- The weekly report: NULL follows the role (on for leads and admins, off for KAMs and BDs).
ALTER TABLE managers ADD COLUMN notify_weekly INTEGER;
