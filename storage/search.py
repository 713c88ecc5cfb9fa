"""Finding a client in a second: names, aliases, contacts and related organisations.

The FTS5 trigram index `search_index` (migration 0003) narrows 60,000 rows down to a few
hundred candidates; `domain.search` ranks them (exact, then prefix, then fuzzy). Paths:

* words of 3+ characters: trigram MATCH (substring, Unicode case-insensitive);
* words of 2 characters (a 2-character Chinese name, "VT"): any trigram starting with them,
  listed from FTS5's vocabulary (every indexed text ends with a newline for this);
* single characters: a scan with LIKE (ASCII) or GLOB with a character class per letter,
  which is case-insensitive for Cyrillic too. (SQLite 3.40's FTS5 answers a GLOB/LIKE
  pattern under 3 characters with nothing, so the column is wrapped: `text || ''`);
* a KAM's search reads only the index rows of the KAM's own accounts, by rowid, testing
  every word with LIKE or GLOB;
* a phone number typed with or without +, spaces and dashes: its digits;
* typos: when nothing matched as written, the rows sharing two of the five rarest trigrams
  of the longer words (a KAM's: all their names, and the contacts whose name holds them),
  ranked by rapidfuzz in batches. A trigram's rows are counted up to 5,001 only.

Visibility: a KAM finds only accounts they own or are on the team of; leads/admins all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from domain.search import normalize, score_texts
from storage.accounts import VISIBLE_IDS
from storage.database import Database

HitKind = Literal["account", "contact", "related"]
MAX_QUERY = 100
_ROWS = 300
_PHONE = re.compile(r"^[\d\s()+\-.]+$")
_KIND_PENALTY = {"account": 0.0, "contact": 5.0, "related": 8.0}


@dataclass(frozen=True)
class SearchHit:
    account_id: int
    name: str
    status: str
    score: float
    kind: HitKind  # what matched best: the account itself, one of its contacts, a related org
    via: str | None  # the contact's or organisation's name when that matched


def phone_digits(query: str) -> str | None:
    """The digits of a typed phone number ('+7 (916) 123-45-67'), or None if not a phone."""
    text = query.strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4 and _PHONE.match(text):
        return digits
    return None


def _glob_word(word: str, *, fold_yo: bool = True) -> str:
    """'вт' → '*[вВ][тТ]*': a case-insensitive substring pattern for GLOB."""
    parts = []
    for ch in word:
        variants = {ch, ch.lower(), ch.upper()}
        if fold_yo and ch in "её":
            variants |= {"е", "ё", "Е", "Ё"}
        parts.append("[" + "".join(sorted(variants)) + "]")
    return "*" + "".join(parts) + "*"


def _contains(column: str, word: str, name: str) -> str:
    """A case-insensitive substring test of a (normalized) word: LIKE for ASCII (whose case
    LIKE ignores; a normalized word has no % or _), GLOB with a class per letter otherwise
    (about twice as slow)."""
    return f"{column} LIKE :{name}" if word.isascii() else f"{column} GLOB :{name}"


_RUSSIAN = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюя")


def _folds(word: str, *, fold_yo: bool = True) -> bool:
    """Whether LIKE finds a (normalized) word in `search_rows.folded` (Russian capitals and ё
    as small letters, ё as е; migration 0012) exactly where `_glob_word` finds it in the
    text: each letter ASCII (LIKE ignores its case), caseless, or a small Russian letter (е
    only when ё is folded too, `fold_yo`)."""
    return all(
        ch.isascii()
        or (ch in _RUSSIAN and (fold_yo or ch != "е"))
        or ch.lower() == ch == ch.upper()
        for ch in word
    )


def _kam_contains(word: str, name: str, *, name_only: bool = False, fold_yo: bool = True) -> str:
    """`_contains` on a KAM's `search_rows`, in the text or (`name_only`) its first line: LIKE
    on the folded copy for a word that `_folds`, three times faster than GLOB on the text;
    the pattern is `_pattern(..., kam=True)`'s."""
    if not word.isascii() and _folds(word, fold_yo=fold_yo):
        return f"x.folded{'_name' if name_only else ''} LIKE :{name}"
    return _contains(_KAM_CONTACT_NAME if name_only else "x.text", word, name)


def _pattern(word: str, *, fold_yo: bool = True, kam: bool = False) -> str:
    """The LIKE or GLOB pattern of `_contains` and `_kam_contains`; `fold_yo=False`: е does
    not match ё (as in the FTS5 index)."""
    if word.isascii() or (kam and _folds(word, fold_yo=fold_yo)):
        return f"%{word}%"
    return _glob_word(word, fold_yo=fold_yo)


def _typo_match(rare: Sequence[str]) -> str:
    """The MATCH for typos: two of the five rarest trigrams (a typo spoils at most three, so
    two survive), or one of them when there are fewer than four."""
    if len(rare) >= 4:
        pairs = [(a, b) for i, a in enumerate(rare) for b in rare[i + 1 :]]
        return " OR ".join(f"({_phrase(a)} AND {_phrase(b)})" for a, b in pairs)
    return " OR ".join(_phrase(g) for g in rare)


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]


_SELECT = (
    "SELECT f.text, f.kind, f.account_id, a.name, a.status"
    " FROM search_index f JOIN accounts a ON a.id = f.account_id"
)
# A KAM sees a handful of accounts: only the search rows of those accounts are read, from
# `search_rows` (migration 0012: the index's rows, rid = its rowid, clustered by account), one
# range per account, and filtered there: no row of another manager's account is read, and
# the phone digits are not recomputed. Archived contacts have no row. The rows come in the
# order accounts, contacts, organisations (each by account), which the ranking's ties and
# the limits below keep to.
_KAM_FROM = (
    f"WITH v(id) AS ({VISIBLE_IDS}) SELECT {{text}} AS text, x.kind, x.account_id, a.name,"
    " a.status FROM v CROSS JOIN search_rows x ON x.account_id = v.id"
    " JOIN accounts a ON a.id = x.account_id WHERE a.archived_at IS NULL"
)
_KAM_ORDER = "ORDER BY x.rid % 4, x.account_id, x.rid"
_KAM_ROWS = _KAM_FROM.format(text="x.text")
"""The KAM's search rows (to be filtered by more of a WHERE on `x.text`, then ordered)."""
_FUZZY_ROWS = 300
_KAM_CONTACT_ROWS = 1000
_KAM_CONTACT_NAME = "x.first_line"
_KAM_TYPO_NAMES = (
    f"SELECT * FROM ({_KAM_ROWS} AND x.kind != 'contact' {_KAM_ORDER} LIMIT {_FUZZY_ROWS})"
)
"""Typo tolerance for a KAM: every name row of the KAM's accounts (at most 300: accounts and
organisations; all ranked, they are few)."""


def _kam_typo_rows(rare: Sequence[str]) -> str:
    """`_KAM_TYPO_NAMES`, and the KAM's contacts whose name (the first line, the only one a
    typo is looked for in) holds two of the `rare` trigrams (one when there are fewer than
    four), each tested with LIKE or GLOB (parameters :t0, :t1, ...), in one statement."""
    held = " + ".join(
        f"({_kam_contains(gram, f't{n}', name_only=True, fold_yo=False)})"
        for n, gram in enumerate(rare)
    )
    return (
        f"{_KAM_TYPO_NAMES} UNION ALL SELECT * FROM ({_KAM_FROM.format(text=_KAM_CONTACT_NAME)}"
        f" AND x.kind = 'contact' AND {held} >= {2 if len(rare) >= 4 else 1} {_KAM_ORDER}"
        f" LIMIT {_KAM_CONTACT_ROWS})"
    )


def _typo_rows(*, contacts: bool, listed: bool) -> str:
    """A lead's or an admin's typo rows: those holding the rare trigrams (:match, an FTS5
    MATCH), names and contacts limited apart. A contact's row is the one whose rowid is 1
    modulo 4 (migration 0003): told from the rowid, the other kind's matches are passed over
    without reading their text. `listed`: the trigrams are rare enough (`_COUNTED_ROWS`) for
    the MATCH's rowids to be listed once (`m`) and the rows read by rowid, rather than the
    MATCH run for each kind, which stops at its limit (common trigrams); the same rows."""
    kinds = ("!=", "=") if contacts else ("!=",)
    if not listed:
        return " UNION ALL ".join(
            f"SELECT * FROM ({_SELECT} WHERE a.archived_at IS NULL AND search_index MATCH :match"
            f" AND f.rowid % 4 {operator} 1 LIMIT {_FUZZY_ROWS})"
            for operator in kinds
        )
    listing = "WITH m(rid) AS MATERIALIZED (SELECT rowid FROM search_index WHERE search_index"
    return f"{listing} MATCH :match) " + " UNION ALL ".join(
        "SELECT * FROM (SELECT x.c0 AS text, x.c2 AS kind, x.c1 AS account_id, a.name, a.status"
        " FROM m CROSS JOIN search_index_content x ON x.id = m.rid JOIN accounts a ON a.id = x.c1"
        f" WHERE a.archived_at IS NULL AND m.rid % 4 {operator} 1 LIMIT {_FUZZY_ROWS})"
        for operator in kinds
    )


_COUNTED_ROWS = 5000
"""Trigrams in more index rows than this are all as common (`_doc_counts`); a lead's or an
admin's typo rows are listed once when the rare trigrams hold at most this many."""
_MAX_PREFIX_TERMS = 300


class SearchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._vocab_ready = False

    async def _rows(
        self, *, match: str | None, substrings: Sequence[str], manager_id: int, sees_all: bool
    ) -> list[Any]:
        where = []
        params: dict[str, Any] = {"manager_id": manager_id, "limit": _ROWS}
        if sees_all and match:
            where.append("search_index MATCH :match")
            params["match"] = match
        for number, word in enumerate(substrings):
            name = f"g{number}"
            test = (
                _contains("(f.text || '')", word, name) if sees_all else _kam_contains(word, name)
            )
            where.append(test)
            params[name] = _pattern(word, kam=not sees_all)
        if sees_all:
            where.insert(0, "a.archived_at IS NULL")
            sql = f"{_SELECT} WHERE {' AND '.join(where)} LIMIT :limit"
        else:  # _KAM_ROWS has the WHERE (the archived accounts)
            sql = f"{_KAM_ROWS} AND {' AND '.join(where or ['1'])} {_KAM_ORDER} LIMIT :limit"
        return await self._db.fetch_all(sql, params)

    async def _vocab(self, sql: str, params: Sequence[str]) -> list[Any]:
        """Reads FTS5's vocabulary of the index (trigram -> rows), kept as a temp table."""
        async with self._db.reading() as conn:
            if not self._vocab_ready:
                await conn.execute(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab"
                    " USING fts5vocab(main, 'search_index', 'row')"
                )
                self._vocab_ready = True
            return list(await conn.execute_fetchall(sql, tuple(params)))

    async def _doc_counts(self, grams: Sequence[str]) -> dict[str, int]:
        """How many index rows hold each trigram, counted up to `_COUNTED_ROWS + 1`: exact for
        the rare ones, and a trigram past that is as common as any other (its order among
        them is the query's). Counting stops there (a MATCH reads the trigram's list only so
        far; FTS5's vocabulary reads all of it: about 2 ms for 50,000 rows)."""
        if not grams:
            return {}
        sql = " UNION ALL ".join(
            f"SELECT {number}, count(*) FROM (SELECT rowid FROM search_index"
            f" WHERE search_index MATCH ? LIMIT {_COUNTED_ROWS + 1})"
            for number in range(len(grams))
        )
        rows = await self._db.fetch_all(sql, [_phrase(gram) for gram in grams])
        return {grams[int(row[0])]: int(row[1]) for row in rows}

    async def _prefix_terms(self, word: str) -> list[str] | None:
        """Trigrams starting with a 2-character word; None when too many to list."""
        rows = await self._vocab(
            "SELECT term FROM temp.search_vocab WHERE term >= ? AND term < ? LIMIT ?",
            [word, word + "\U0010ffff", str(_MAX_PREFIX_TERMS + 1)],
        )
        return None if len(rows) > _MAX_PREFIX_TERMS else [str(row[0]) for row in rows]

    async def search(
        self, query: str, *, manager_id: int, sees_all: bool, limit: int = 10
    ) -> list[SearchHit]:
        """Accounts matching `query`, best first (at most `limit`).

        Leads/admins: a trigram MATCH (3+ characters as a phrase, 2 characters as any trigram
        they start), GLOB for single characters. KAMs: GLOB over their own accounts' rows.
        Typo tolerance (only when nothing matched as written) ranks the rows that share the
        query's rarest trigrams: names, aliases and organisations, and contacts' names.
        """
        query = query[:MAX_QUERY]
        digits = phone_digits(query)
        wanted = digits if digits else normalize(query)
        if not wanted:
            return []
        rows = await self._as_written(wanted, manager_id=manager_id, sees_all=sees_all)
        hits = self._rank(wanted, rows, is_phone=digits is not None)
        if hits or digits is not None:
            return hits[:limit]
        rows = await self._typo_rows(wanted, manager_id, sees_all, contacts=True)
        return self._rank(wanted, rows, is_phone=False, typos=True)[:limit]

    async def resembling(self, name: str, *, limit: int = 3) -> list[SearchHit]:
        """Accounts (of anyone) whose name or alias resembles `name`: "Did you mean …?".

        Unlike `search`, close spellings count even when something matched as written
        (`Sigma` ~ Sygma Trade next to Sigma itself); contacts and organisations do not.
        """
        wanted = normalize(name[:MAX_QUERY])
        if not wanted:
            return []
        rows = await self._as_written(wanted, manager_id=0, sees_all=True)
        rows += await self._typo_rows(wanted, 0, True, contacts=False)
        names = [row for row in rows if row["kind"] == "account"]
        return self._rank(wanted, names, is_phone=False, typos=True)[:limit]

    async def _as_written(self, wanted: str, *, manager_id: int, sees_all: bool) -> list[Any]:
        """The rows containing every word of the query as typed (see the module's paths)."""
        words = wanted.split()
        substrings: list[str] = []
        match: str | None = None
        if sees_all:
            clauses = [_phrase(w) for w in words if len(w) >= 3]
            for word in (w for w in words if len(w) < 3):
                terms = await self._prefix_terms(word) if len(word) == 2 else None
                if terms is None:
                    substrings.append(word)
                elif not terms:
                    return []  # the pair occurs nowhere in the index
                else:
                    clauses.append("(" + " OR ".join(_phrase(t) for t in terms) + ")")
            match = " AND ".join(clauses) or None
        else:  # LIKE words first: a row they rule out is not tested with GLOB
            substrings = sorted(words, key=lambda word: not _folds(word))
        return await self._rows(
            match=match, substrings=substrings, manager_id=manager_id, sees_all=sees_all
        )

    async def _typo_rows(
        self, wanted: str, manager_id: int, sees_all: bool, *, contacts: bool
    ) -> list[Any]:
        """Typo tolerance: the rows sharing the query's rarest trigrams, for rapidfuzz to rank.

        One statement; names (accounts, aliases, organisations) and contacts are limited
        separately, so that the many contacts never crowd the names out. A KAM's names are
        all ranked (they are few), as the rows found as written are.
        """
        if not any(len(word) >= 4 for word in wanted.split()):
            return []
        rare, listed = await self._rare_trigrams(wanted)
        if not sees_all:
            if not rare:
                return await self._db.fetch_all(_KAM_TYPO_NAMES, {"manager_id": manager_id})
            params: dict[str, Any] = {"manager_id": manager_id}
            params.update(
                {f"t{n}": _pattern(g, fold_yo=False, kam=True) for n, g in enumerate(rare)}
            )
            return await self._db.fetch_all(_kam_typo_rows(rare), params)
        if not rare:
            return []
        sql = _typo_rows(contacts=contacts, listed=listed <= _COUNTED_ROWS)
        return await self._db.fetch_all(sql, {"match": _typo_match(rare)})

    async def _rare_trigrams(self, wanted: str) -> tuple[list[str], int]:
        """The five rarest trigrams (`_doc_counts`) of the words of 4+ characters, and how
        many index rows hold them (the sum of their counts)."""
        fuzzy_words = [w for w in wanted.split() if len(w) >= 4]
        grams = list(dict.fromkeys(g for w in fuzzy_words for g in _trigrams(w)))[:24]
        counts = await self._doc_counts(grams)
        rare = sorted((g for g in grams if counts.get(g)), key=lambda g: counts[g])[:5]
        return rare, sum(counts[g] for g in rare)

    @staticmethod
    def _rank(
        wanted: str, rows: Sequence[Any], *, is_phone: bool, typos: bool = False
    ) -> list[SearchHit]:
        lines = [[line for line in str(row["text"]).split("\n") if line.strip()] for row in rows]
        texts: list[str] = []
        owners: list[int] = []
        for number, (row, found) in enumerate(zip(rows, lines, strict=True)):
            # A typo is looked for in a contact's name only, not in e-mails and digits.
            for line in found[:1] if typos and row["kind"] == "contact" else found:
                text = normalize(line)
                if not is_phone or text.isdigit():
                    texts.append(text)
                    owners.append(number)
        scores = [0.0] * len(rows)
        for owner, score in zip(owners, score_texts(wanted, texts), strict=True):
            scores[owner] = max(scores[owner], score)
        best: dict[int, SearchHit] = {}
        for row, found, score in zip(rows, lines, scores, strict=True):
            if score <= 0:
                continue
            kind: HitKind = row["kind"]
            score -= _KIND_PENALTY[kind]
            account_id = int(row["account_id"])
            if account_id not in best or score > best[account_id].score:
                via = found[0] if kind != "account" and found else None
                best[account_id] = SearchHit(
                    account_id, row["name"], row["status"], score, kind, via
                )
        return sorted(best.values(), key=lambda h: (-h.score, normalize(h.name), h.account_id))
