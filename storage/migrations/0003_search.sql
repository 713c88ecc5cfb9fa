-- Client search (issue 4): one FTS5 trigram index over everything a client may be found by.
-- Rows: the account itself (name and aliases), each contact (name, e-mail, phone digits) and
-- each related organisation (name). rowid = source id * 4 + kind (0 account, 1 contact,
-- 2 related organisation), so that triggers update a row by rowid without a scan.
-- Text lines are separated by a newline and the text ends with one, so that every character
-- pair starts a trigram (2-character queries look up trigrams by prefix); phone numbers are
-- kept as digits only.

CREATE VIRTUAL TABLE search_index USING fts5(
    text,
    account_id UNINDEXED,
    kind UNINDEXED,
    tokenize = 'trigram'
);

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4, name || char(10) || aliases || char(10), id, 'account' FROM accounts;

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4 + 1,
       full_name || char(10) || coalesce(email, '') || char(10)
       || replace(replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
          ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10),
       account_id, 'contact'
FROM contacts WHERE archived_at IS NULL;

INSERT INTO search_index (rowid, text, account_id, kind)
SELECT id * 4 + 2, name || char(10), account_id, 'related' FROM related_organisations;

CREATE TRIGGER search_account_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4, new.name || char(10) || new.aliases || char(10), new.id, 'account');
END;

CREATE TRIGGER search_account_update AFTER UPDATE OF name, aliases ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4, new.name || char(10) || new.aliases || char(10), new.id, 'account');
END;

CREATE TRIGGER search_account_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
END;

CREATE TRIGGER search_contact_insert AFTER INSERT ON contacts WHEN new.archived_at IS NULL BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 1,
            new.full_name || char(10) || coalesce(new.email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10),
            new.account_id, 'contact');
END;

CREATE TRIGGER search_contact_update
AFTER UPDATE OF full_name, email, phone, account_id, archived_at ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT new.id * 4 + 1,
           new.full_name || char(10) || coalesce(new.email, '') || char(10)
           || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
              ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10),
           new.account_id, 'contact'
    WHERE new.archived_at IS NULL;
END;

CREATE TRIGGER search_contact_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
END;

CREATE TRIGGER search_related_insert AFTER INSERT ON related_organisations BEGIN
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 2, new.name || char(10), new.account_id, 'related');
END;

CREATE TRIGGER search_related_update AFTER UPDATE OF name, account_id ON related_organisations
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
    INSERT INTO search_index (rowid, text, account_id, kind)
    VALUES (new.id * 4 + 2, new.name || char(10), new.account_id, 'related');
END;

CREATE TRIGGER search_related_delete AFTER DELETE ON related_organisations BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
END;
