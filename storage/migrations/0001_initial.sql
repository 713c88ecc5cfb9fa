-- KAM Assistant: the whole domain schema (see docs/DOMAIN in ../shared/DOMAIN.md).
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; calendar dates are 'YYYY-MM-DD';
-- money is integer minor units plus an ISO 4217 currency code.

CREATE TABLE managers (
    id                  INTEGER PRIMARY KEY,
    telegram_id         INTEGER NOT NULL UNIQUE,
    full_name           TEXT    NOT NULL,
    username            TEXT,
    role                TEXT    NOT NULL CHECK (role IN ('admin', 'lead', 'kam', 'bd')),
    language            TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'zh', 'ru')),
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    digest_time         TEXT    NOT NULL DEFAULT '09:00',
    digest_days         TEXT    NOT NULL DEFAULT '1,2,3,4,5',
    digest_when_empty   INTEGER NOT NULL DEFAULT 1,
    quiet_start         TEXT    NOT NULL DEFAULT '21:00',
    quiet_end           TEXT    NOT NULL DEFAULT '08:00',
    notify_digest       INTEGER NOT NULL DEFAULT 1,
    notify_tasks        INTEGER NOT NULL DEFAULT 1,
    notify_meetings     INTEGER NOT NULL DEFAULT 1,
    notify_satisfaction INTEGER NOT NULL DEFAULT 1,
    notify_contracts    INTEGER NOT NULL DEFAULT 1,
    satisfaction_days   INTEGER NOT NULL DEFAULT 7,
    meeting_lead_minutes INTEGER NOT NULL DEFAULT 60,
    lead_id             INTEGER REFERENCES managers (id) ON DELETE SET NULL,
    active              INTEGER NOT NULL DEFAULT 1,
    blocked_at          TEXT,
    onboarded_at        TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'lead', 'kam', 'bd')),
    created_by  INTEGER NOT NULL REFERENCES managers (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER REFERENCES managers (id),
    used_at     TEXT,
    revoked_at  TEXT
);

CREATE TABLE accounts (
    id                       INTEGER PRIMARY KEY,
    name                     TEXT    NOT NULL,
    aliases                  TEXT    NOT NULL DEFAULT '',
    status                   TEXT    NOT NULL DEFAULT 'prospect'
                             CHECK (status IN ('prospect', 'active', 'at_risk', 'lost')),
    owner_id                 INTEGER REFERENCES managers (id) ON DELETE SET NULL,
    industry                 TEXT,
    city                     TEXT,
    website                  TEXT,
    description              TEXT,
    goals                    TEXT,
    financial_results        TEXT,
    corporate_culture        TEXT,
    industry_notes           TEXT,
    relationship_current     TEXT,
    relationship_future      TEXT,
    decision_process         TEXT,
    resources_plan           TEXT,
    opportunity_1y_minor     INTEGER,
    opportunity_1y_currency  TEXT,
    opportunity_3_5y_minor   INTEGER,
    opportunity_3_5y_currency TEXT,
    contact_cadence_days     INTEGER NOT NULL DEFAULT 30,
    last_contact_at          TEXT,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    archived_at              TEXT
);
CREATE INDEX accounts_owner ON accounts (owner_id);

-- Structure (divisions, branches, subsidiaries) and related organisations.
CREATE TABLE related_organisations (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('partner', 'competitor', 'supplier', 'customer',
                                                 'subsidiary', 'branch', 'division')),
    name        TEXT    NOT NULL,
    note        TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX related_organisations_account ON related_organisations (account_id);

-- Our people on the account: a registered manager or a named colleague (e.g. a sponsor).
CREATE TABLE account_team (
    id                    INTEGER PRIMARY KEY,
    account_id            INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    manager_id            INTEGER REFERENCES managers (id) ON DELETE CASCADE,
    name                  TEXT,
    role                  TEXT,
    is_executive_sponsor  INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT    NOT NULL,
    CHECK (manager_id IS NOT NULL OR name IS NOT NULL)
);
CREATE INDEX account_team_account ON account_team (account_id);
CREATE INDEX account_team_manager ON account_team (manager_id);

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    full_name      TEXT    NOT NULL,
    position       TEXT,
    decision_role  TEXT CHECK (decision_role IN ('decision_maker', 'influencer', 'user',
                                                 'gatekeeper', 'champion')),
    attitude       TEXT CHECK (attitude IN ('supporter', 'neutral', 'opponent')),
    phone          TEXT,
    email          TEXT,
    birthday       TEXT,
    notes          TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    archived_at    TEXT
);
CREATE INDEX contacts_account ON contacts (account_id);

CREATE TABLE meetings (
    id                     INTEGER PRIMARY KEY,
    account_id             INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    author_id              INTEGER NOT NULL REFERENCES managers (id),
    status                 TEXT    NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    kind                   TEXT    NOT NULL CHECK (kind IN ('visit', 'office', 'call', 'video',
                                                            'event', 'negotiation')),
    starts_at              TEXT    NOT NULL,
    location               TEXT,
    latitude               REAL,
    longitude              REAL,
    agenda                 TEXT,
    summary                TEXT,
    outcome                TEXT CHECK (outcome IN ('positive', 'neutral', 'negative')),
    outcome_reason         TEXT,
    remind_before_minutes  INTEGER,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    deleted_at             TEXT
);
CREATE INDEX meetings_account_time ON meetings (account_id, starts_at);
CREATE INDEX meetings_author_time ON meetings (author_id, starts_at);

CREATE TABLE meeting_contacts (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, contact_id)
);

CREATE TABLE meeting_team (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    manager_id  INTEGER NOT NULL REFERENCES managers (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, manager_id)
);

CREATE TABLE meeting_attachments (
    id              INTEGER PRIMARY KEY,
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('voice', 'audio', 'photo', 'video',
                                                     'document')),
    file_id         TEXT    NOT NULL,
    file_unique_id  TEXT,
    file_name       TEXT,
    mime_type       TEXT,
    caption         TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX meeting_attachments_meeting ON meeting_attachments (meeting_id);

-- Follow-ups, action-plan steps, recovery tasks.
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    meeting_id      INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    assignee_id     INTEGER NOT NULL REFERENCES managers (id),
    created_by      INTEGER REFERENCES managers (id),
    text            TEXT    NOT NULL,
    origin          TEXT    NOT NULL DEFAULT 'manual'
                    CHECK (origin IN ('follow_up', 'action_plan', 'recovery', 'manual')),
    goal            TEXT,
    resources       TEXT,
    due_at          TEXT,
    due_has_time    INTEGER NOT NULL DEFAULT 0,
    snoozed_until   TEXT,
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    completed_at    TEXT,
    escalated_at    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX tasks_assignee_due ON tasks (assignee_id, status, due_at);
CREATE INDEX tasks_account ON tasks (account_id);

CREATE TABLE satisfaction_checks (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    meeting_id   INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    contact_id   INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    manager_id   INTEGER NOT NULL REFERENCES managers (id),
    due_at       TEXT    NOT NULL,
    asked_at     TEXT,
    answered_at  TEXT,
    score        INTEGER CHECK (score BETWEEN 1 AND 5),
    comment      TEXT,
    status       TEXT    NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'asked', 'answered', 'skipped')),
    created_at   TEXT    NOT NULL
);
CREATE INDEX satisfaction_checks_due ON satisfaction_checks (manager_id, status, due_at);
CREATE INDEX satisfaction_checks_account ON satisfaction_checks (account_id);

CREATE TABLE contracts (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    number        TEXT,
    signed_on     TEXT,
    starts_on     TEXT,
    ends_on       TEXT,
    amount_minor  INTEGER,
    currency      TEXT,
    status        TEXT    NOT NULL DEFAULT 'active'
                  CHECK (status IN ('draft', 'active', 'at_risk', 'completed', 'terminated',
                                    'expired')),
    notes         TEXT,
    created_by    INTEGER REFERENCES managers (id),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX contracts_account ON contracts (account_id);

CREATE TABLE obligations (
    id           INTEGER PRIMARY KEY,
    contract_id  INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    party        TEXT    NOT NULL CHECK (party IN ('ours', 'client')),
    description  TEXT    NOT NULL,
    due_on       TEXT    NOT NULL,
    recurrence   TEXT    NOT NULL DEFAULT 'none'
                 CHECK (recurrence IN ('none', 'weekly', 'monthly', 'quarterly', 'yearly')),
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'met', 'missed', 'delayed')),
    delayed_to   TEXT,
    resolved_at  TEXT,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX obligations_due ON obligations (status, due_on);

-- Deals, tenders and signed agreements with the reason for each success or failure.
CREATE TABLE deals (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind               TEXT    NOT NULL DEFAULT 'deal' CHECK (kind IN ('deal', 'tender', 'agreement')),
    title              TEXT    NOT NULL,
    stage              TEXT    NOT NULL DEFAULT 'lead'
                       CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won',
                                        'lost')),
    amount_minor       INTEGER,
    currency           TEXT,
    probability        INTEGER CHECK (probability BETWEEN 0 AND 100),
    expected_close_on  TEXT,
    closed_on          TEXT,
    result_reason      TEXT,
    owner_id           INTEGER REFERENCES managers (id),
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX deals_account ON deals (account_id);

CREATE TABLE client_spend (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    need          TEXT    NOT NULL,
    amount_minor  INTEGER,
    currency      TEXT,
    period        TEXT CHECK (period IN ('month', 'quarter', 'year', 'once')),
    note          TEXT,
    created_at    TEXT    NOT NULL
);
CREATE INDEX client_spend_account ON client_spend (account_id);

CREATE TABLE previous_suppliers (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    supplied     TEXT,
    period       TEXT,
    reason_left  TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX previous_suppliers_account ON previous_suppliers (account_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES managers (id),
    entity      TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- One row per reminder that must reach a manager exactly once; `key` names the source row
-- and occasion (e.g. 'task:42:due:2026-11-26T09:00:00Z').
CREATE TABLE reminder_deliveries (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    manager_id  INTEGER NOT NULL REFERENCES managers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    ref_id      INTEGER,
    due_at      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_at  TEXT,
    sent_at     TEXT,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX reminder_deliveries_pending ON reminder_deliveries (status, due_at);

-- python-telegram-bot persistence (conversation states, user and chat data) as JSON.
CREATE TABLE bot_user_data (
    user_id     INTEGER PRIMARY KEY,
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE bot_chat_data (
    chat_id     INTEGER PRIMARY KEY,
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE bot_conversations (
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
