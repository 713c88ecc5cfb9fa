-- A KAM's search reads the search texts of the KAM's own accounts only. They were read from
-- FTS5's own text table (`search_index_content`) by rowid: about 1,300 rows scattered over
-- the whole table for a KAM with 200 accounts (2.5-3 ms). `search_rows` holds the same rows
-- (rid = the index's rowid, kind, text) clustered by account: one range per account (0.7 ms).
-- `first_line` is the name (a typo is looked for in a contact's name only), kept at hand;
-- `folded` is the text with Russian capitals, ё and Ё as small letters (е for ё; in three
-- steps, `folded_1` and `folded_2` computed on the way: SQLite's parser nests only so deep), and
-- `folded_name` its first line: a word of Russian, ASCII and caseless letters is found there
-- with LIKE, as GLOB with a character class per letter finds it in `text`, three times faster.
-- The triggers write a row here first and copy it into the index, so both always hold the
-- same text (tests/unit/test_lookup_search.py checks it).

CREATE TABLE search_rows (
    account_id INTEGER NOT NULL,
    rid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    first_line TEXT GENERATED ALWAYS AS (substr(text, 1, instr(text, char(10)))) STORED,
    folded_1 TEXT GENERATED ALWAYS AS (
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(text,
        'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'),
        'И', 'и'), 'Й', 'й'), 'К', 'к'), 'Л', 'л')
    ) VIRTUAL,
    folded_2 TEXT GENERATED ALWAYS AS (
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(folded_1,
        'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у'),
        'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч')
    ) VIRTUAL,
    folded TEXT GENERATED ALWAYS AS (
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(folded_2,
        'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'),
        'Ё', 'е'), 'ё', 'е')
    ) STORED,
    folded_name TEXT GENERATED ALWAYS AS (substr(folded, 1, instr(folded, char(10)))) STORED,
    PRIMARY KEY (account_id, rid)
) WITHOUT ROWID;

INSERT INTO search_rows (account_id, rid, kind, text)
SELECT c1, id, c2, c0 FROM search_index_content;

DROP TRIGGER search_account_insert;
DROP TRIGGER search_account_update;
DROP TRIGGER search_account_delete;
DROP TRIGGER search_contact_insert;
DROP TRIGGER search_contact_update;
DROP TRIGGER search_contact_delete;
DROP TRIGGER search_related_insert;
DROP TRIGGER search_related_update;
DROP TRIGGER search_related_delete;

CREATE TRIGGER search_account_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO search_rows (account_id, rid, kind, text)
    VALUES (new.id, new.id * 4, 'account',
            new.name || char(10) || new.aliases || char(10)
            || CASE WHEN instr(new.name || char(10) || new.aliases, 'ё') + instr(new.name || char(10) || new.aliases, 'Ё') > 0
                THEN replace(replace(new.name || char(10) || new.aliases, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END);
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows WHERE account_id = new.id AND rid = new.id * 4;
END;

CREATE TRIGGER search_account_update AFTER UPDATE OF name, aliases ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
    DELETE FROM search_rows WHERE account_id = old.id AND rid = old.id * 4;
    INSERT INTO search_rows (account_id, rid, kind, text)
    VALUES (new.id, new.id * 4, 'account',
            new.name || char(10) || new.aliases || char(10)
            || CASE WHEN instr(new.name || char(10) || new.aliases, 'ё') + instr(new.name || char(10) || new.aliases, 'Ё') > 0
                THEN replace(replace(new.name || char(10) || new.aliases, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END);
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows WHERE account_id = new.id AND rid = new.id * 4;
END;

CREATE TRIGGER search_account_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4;
    DELETE FROM search_rows WHERE account_id = old.id AND rid = old.id * 4;
END;

CREATE TRIGGER search_contact_insert AFTER INSERT ON contacts WHEN new.archived_at IS NULL BEGIN
    INSERT INTO search_rows (account_id, rid, kind, text)
    VALUES (new.account_id, new.id * 4 + 1, 'contact',
            new.full_name || char(10) || coalesce(new.email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10)
            || CASE WHEN instr(new.full_name, 'ё') + instr(new.full_name, 'Ё') > 0
                THEN replace(replace(new.full_name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END);
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows
    WHERE account_id = new.account_id AND rid = new.id * 4 + 1;
END;

CREATE TRIGGER search_contact_update
AFTER UPDATE OF full_name, email, phone, account_id, archived_at ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
    DELETE FROM search_rows WHERE account_id = old.account_id AND rid = old.id * 4 + 1;
    INSERT INTO search_rows (account_id, rid, kind, text)
    SELECT new.account_id, new.id * 4 + 1, 'contact',
            new.full_name || char(10) || coalesce(new.email, '') || char(10)
            || replace(replace(replace(replace(replace(replace(replace(coalesce(new.phone, ''),
               ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), char(160), '') || char(10)
            || CASE WHEN instr(new.full_name, 'ё') + instr(new.full_name, 'Ё') > 0
                THEN replace(replace(new.full_name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END
    WHERE new.archived_at IS NULL;
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows
    WHERE account_id = new.account_id AND rid = new.id * 4 + 1;
END;

CREATE TRIGGER search_contact_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 1;
    DELETE FROM search_rows WHERE account_id = old.account_id AND rid = old.id * 4 + 1;
END;

CREATE TRIGGER search_related_insert AFTER INSERT ON related_organisations BEGIN
    INSERT INTO search_rows (account_id, rid, kind, text)
    VALUES (new.account_id, new.id * 4 + 2, 'related',
            new.name || char(10)
            || CASE WHEN instr(new.name, 'ё') + instr(new.name, 'Ё') > 0
                THEN replace(replace(new.name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END);
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows
    WHERE account_id = new.account_id AND rid = new.id * 4 + 2;
END;

CREATE TRIGGER search_related_update AFTER UPDATE OF name, account_id ON related_organisations
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
    DELETE FROM search_rows WHERE account_id = old.account_id AND rid = old.id * 4 + 2;
    INSERT INTO search_rows (account_id, rid, kind, text)
    VALUES (new.account_id, new.id * 4 + 2, 'related',
            new.name || char(10)
            || CASE WHEN instr(new.name, 'ё') + instr(new.name, 'Ё') > 0
                THEN replace(replace(new.name, 'ё', 'е'), 'Ё', 'Е') || char(10) ELSE '' END);
    INSERT INTO search_index (rowid, text, account_id, kind)
    SELECT rid, text, account_id, kind FROM search_rows
    WHERE account_id = new.account_id AND rid = new.id * 4 + 2;
END;

CREATE TRIGGER search_related_delete AFTER DELETE ON related_organisations BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 4 + 2;
    DELETE FROM search_rows WHERE account_id = old.account_id AND rid = old.id * 4 + 2;
END;
