-- Search finds a name written with ё when it is typed with е, and the other way round. The
-- query is normalized with ё as е (domain.search.normalize), but FTS5's trigram tokenizer
-- keeps ё apart from е: a lead's or an admin's search for "Пётр" found nothing. Now a row
-- whose names hold ё (an account's name and aliases, a contact's name, an organisation's
-- name) also carries them written with е, on lines after its own. The first line is
-- unchanged (shown as "via", and the line a contact's typo is matched against).

DROP TRIGGER search_account_insert;
DROP TRIGGER search_account_update;
DROP TRIGGER search_account_delete;
DROP TRIGGER search_contact_insert;
DROP TRIGGER search_contact_update;
DROP TRIGGER search_contact_delete;
DROP TRIGGER search_related_insert;
DROP TRIGGER search_related_update;
DROP TRIGGER search_related_delete;

DELETE FROM search_index;

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4,
       name || char(10) || aliases || char(10)
            || CASE WHEN instr(name || char(10) || aliases, 'ё') + instr(name || char(10) || aliases, 'Ё') > 0
                THEN replace(replace(name || char(10) || aliases, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
       id, 'account'
FROM accounts;

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4 + 1,
       full_name || char(10) || coalesce(email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10)
            || CASE WHEN instr(full_name, 'ё') + instr(full_name, 'Ё') > 0
                THEN replace(replace(full_name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
       account_id, 'contact'
FROM contacts WHERE archived_at IS NULL;

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4 + 2,
       name || char(10)
            || CASE WHEN instr(name, 'ё') + instr(name, 'Ё') > 0
                THEN replace(replace(name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
       account_id, 'related'
FROM related_organisations;

CREATE TRIGGER search_account_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4,
            new.name || char(10) || new.aliases || char(10)
            || CASE WHEN instr(new.name || char(10) || new.aliases, 'ё') + instr(new.name || char(10) || new.aliases, 'Ё') > 0
                THEN replace(replace(new.name || char(10) || new.aliases, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.id, 'account');
END;

CREATE TRIGGER search_account_update AFTER UPDATE OF name, aliases ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4,
            new.name || char(10) || new.aliases || char(10)
            || CASE WHEN instr(new.name || char(10) || new.aliases, 'ё') + instr(new.name || char(10) || new.aliases, 'Ё') > 0
                THEN replace(replace(new.name || char(10) || new.aliases, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.id, 'account');
END;

CREATE TRIGGER search_account_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
END;

CREATE TRIGGER search_contact_insert AFTER INSERT ON contacts WHEN new.archived_at IS NULL BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 1,
            new.full_name || char(10) || coalesce(new.email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10)
            || CASE WHEN instr(new.full_name, 'ё') + instr(new.full_name, 'Ё') > 0
                THEN replace(replace(new.full_name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.account_id, 'contact');
END;

CREATE TRIGGER search_contact_update
AFTER UPDATE OF full_name, email, phone, account_id, archived_at ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT new.id * 4 + 1,
            new.full_name || char(10) || coalesce(new.email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10)
            || CASE WHEN instr(new.full_name, 'ё') + instr(new.full_name, 'Ё') > 0
                THEN replace(replace(new.full_name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.account_id, 'contact'
    WHERE new.archived_at IS NULL;
END;

CREATE TRIGGER search_contact_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
END;

CREATE TRIGGER search_related_insert AFTER INSERT ON related_organisations BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 2,
            new.name || char(10)
            || CASE WHEN instr(new.name, 'ё') + instr(new.name, 'Ё') > 0
                THEN replace(replace(new.name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.account_id, 'related');
END;

CREATE TRIGGER search_related_update AFTER UPDATE OF name, account_id ON related_organisations
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 2,
            new.name || char(10)
            || CASE WHEN instr(new.name, 'ё') + instr(new.name, 'Ё') > 0
                THEN replace(replace(new.name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END,
            new.account_id, 'related');
END;

CREATE TRIGGER search_related_delete AFTER DELETE ON related_organisations BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
END;
