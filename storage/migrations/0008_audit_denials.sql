-- The audit log (issue 11): denials get their own action ('deny'), and every row knows the
-- account it belongs to (`account_id`, NULL for managers, invites and denials of strangers),
-- so that an account's history is one indexed read, deleted items included. SQLite cannot
-- widen a CHECK, so the table is rebuilt with its rows.
CREATE TABLE audit_log_v8 (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER REFERENCES managers (id),
    entity      TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'deny')),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    account_id  INTEGER
);
INSERT INTO audit_log_v8 (id, at, actor_id, entity, entity_id, action, field, old_value,
                          new_value)
    SELECT id, at, actor_id, entity, entity_id, action, field, old_value, new_value
    FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v8 RENAME TO audit_log;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_account ON audit_log (account_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- The account of the rows written before: from the rows that still exist, then (deleted
-- items) from the account_id their creation recorded.
UPDATE audit_log SET account_id = CASE entity
    WHEN 'account' THEN entity_id
    WHEN 'contact' THEN (SELECT account_id FROM contacts WHERE id = entity_id)
    WHEN 'meeting' THEN (SELECT account_id FROM meetings WHERE id = entity_id)
    WHEN 'task' THEN (SELECT account_id FROM tasks WHERE id = entity_id)
    WHEN 'satisfaction_check' THEN (SELECT account_id FROM satisfaction_checks WHERE id = entity_id)
    WHEN 'contract' THEN (SELECT account_id FROM contracts WHERE id = entity_id)
    WHEN 'obligation' THEN (SELECT c.account_id FROM obligations o
                            JOIN contracts c ON c.id = o.contract_id WHERE o.id = entity_id)
    WHEN 'deal' THEN (SELECT account_id FROM deals WHERE id = entity_id)
    WHEN 'related_organisation' THEN
        (SELECT account_id FROM related_organisations WHERE id = entity_id)
    WHEN 'account_team' THEN (SELECT account_id FROM account_team WHERE id = entity_id)
    WHEN 'client_spend' THEN (SELECT account_id FROM client_spend WHERE id = entity_id)
    WHEN 'previous_supplier' THEN (SELECT account_id FROM previous_suppliers WHERE id = entity_id)
END;
UPDATE audit_log SET account_id = (
    SELECT CAST(c.new_value AS INTEGER) FROM audit_log c
    WHERE c.entity = audit_log.entity AND c.entity_id = audit_log.entity_id
      AND c.field = 'account_id' AND c.new_value IS NOT NULL
    ORDER BY c.id LIMIT 1
) WHERE account_id IS NULL AND entity NOT IN ('manager', 'invite');
