"""Finding a client in a second: names, aliases, contacts and related organisations.

The FTS5 trigram index `search_index` (migration 0003) narrows 60,000 rows down to a few
hundred candidates; `domain.search` ranks them (exact, then prefix, then fuzzy). Paths:

* words of 3+ characters: trigram MATCH (substring, Unicode case-insensitive);
* words of 2 characters (a 2-character Chinese name, "VT"): any trigram starting with them,
  listed from FTS5's vocabulary (every indexed text ends with a newline for this);
* single characters: a GLOB scan with a character class per letter, which is
  case-insensitive for Cyrillic too. (SQLite 3.40's FTS5 answers a GLOB/LIKE pattern under
  3 characters with nothing, so the column is wrapped: `text || ''`);
* a KAM's search reads only the index rows of the KAM's own accounts, by rowid;
* a phone number typed with or without +, spaces and dashes: its digits;
* typos: when the above finds too little, any shared trigram of the longer words, ranked
  by rapidfuzz.

Visibility: a KAM finds only accounts they own or are on the team of; leads/admins all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from domain.search import normalize, score_text
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


def _glob_word(word: str) -> str:
    """'вт' → '*[вВ][тТ]*': a case-insensitive substring pattern for GLOB."""
    parts = []
    for ch in word:
        variants = {ch, ch.lower(), ch.upper()}
        if ch in "её":
            variants |= {"е", "ё", "Е", "Ё"}
        parts.append("[" + "".join(sorted(variants)) + "]")
    return "*" + "".join(parts) + "*"


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _trigrams(word: str) -> list[str]:
    return [word[i : i + 3] for i in range(len(word) - 2)]


_SELECT = (
    "SELECT f.text, f.kind, f.account_id, a.name, a.status"
    " FROM search_index f JOIN accounts a ON a.id = f.account_id"
)
# A KAM sees a handful of accounts: the index rows of those accounts only are read, by rowid
# (account id * 4, contact id * 4 + 1, organisation id * 4 + 2; migration 0003) from the
# index's own text table, FTS5's `search_index_content` (columns c0 text, c1 account_id,
# c2 kind), and filtered there: no row of another manager's account is read, and the phone
# digits are not recomputed. Archived contacts have no index row.
_KAM_KEYS = {
    "account": "SELECT id * 4 FROM v",
    "contact": "SELECT c.id * 4 + 1 FROM contacts c WHERE c.account_id IN v",
    "related": "SELECT o.id * 4 + 2 FROM related_organisations o WHERE o.account_id IN v",
}


def _kam_keys(kinds: Sequence[HitKind]) -> str:
    """The CTE `r(text, kind, account_id)`: the KAM's index rows of these kinds."""
    return (
        f"WITH v(id) AS ({VISIBLE_IDS}),"
        f" k(rid) AS ({' UNION ALL '.join(_KAM_KEYS[kind] for kind in kinds)}),"
        " r(text, kind, account_id) AS (SELECT x.c0, x.c2, x.c1"
        " FROM k CROSS JOIN search_index_content x ON x.id = k.rid)"
    )


_KAM_KINDS: dict[str | None, tuple[HitKind, ...]] = {
    None: ("account", "contact", "related"),
    "names": ("account", "related"),
    "contacts": ("contact",),
}
_KAM_ROWS = {
    only: f"{_kam_keys(kinds)} SELECT r.text, r.kind, r.account_id, a.name, a.status"
    " FROM r JOIN accounts a ON a.id = r.account_id"
    for only, kinds in _KAM_KINDS.items()
}
_FUZZY_ROWS = 300
# Contacts' names of a KAM's accounts sharing a trigram with the query (typo tolerance): the
# first line of a contact's index row is the name.
_KAM_CONTACT_NAMES = (
    f"{_kam_keys(('contact',))}, n(text, account_id) AS"
    " (SELECT substr(r.text, 1, instr(r.text, char(10))), r.account_id FROM r)"
    " SELECT n.text, 'contact' AS kind, n.account_id, a.name, a.status"
    " FROM n JOIN accounts a ON a.id = n.account_id"
    " WHERE a.archived_at IS NULL AND ({globs}) LIMIT :limit"
)
_KAM_CONTACT_ROWS = 1000
_MAX_PREFIX_TERMS = 300


class SearchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._vocab_ready = False

    async def _rows(
        self,
        *,
        match: str | None,
        globs: Sequence[str],
        manager_id: int,
        sees_all: bool,
        only: Literal["names", "contacts"] | None = None,
        limit: int = _ROWS,
    ) -> list[Any]:
        where = ["a.archived_at IS NULL"]
        params: dict[str, Any] = {"manager_id": manager_id, "limit": limit}
        column = "(f.text || '')" if sees_all else "r.text"
        if sees_all and match:
            where.append("search_index MATCH :match")
            params["match"] = match
        for number, pattern in enumerate(globs):
            where.append(f"{column} GLOB :g{number}")
            params[f"g{number}"] = pattern
        if only is not None:
            where.append(
                ("f" if sees_all else "r")
                + ".kind "
                + ("!=" if only == "names" else "=")
                + " 'contact'"
            )
        source = _SELECT if sees_all else _KAM_ROWS[only]
        sql = f"{source} WHERE {' AND '.join(where)} LIMIT :limit"
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
        if not grams:
            return {}
        # One equality lookup per trigram (fts5vocab has no IN optimisation), one round trip.
        sql = " UNION ALL ".join(
            "SELECT term, doc FROM temp.search_vocab WHERE term = ?" for _ in grams
        )
        return {str(row[0]): int(row[1]) for row in await self._vocab(sql, grams)}

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
        globs: list[str] = []
        match: str | None = None
        if sees_all:
            clauses = [_phrase(w) for w in words if len(w) >= 3]
            for word in (w for w in words if len(w) < 3):
                terms = await self._prefix_terms(word) if len(word) == 2 else None
                if terms is None:
                    globs.append(_glob_word(word))
                elif not terms:
                    return []  # the pair occurs nowhere in the index
                else:
                    clauses.append("(" + " OR ".join(_phrase(t) for t in terms) + ")")
            match = " AND ".join(clauses) or None
        else:
            globs = [_glob_word(w) for w in words]
        return await self._rows(match=match, globs=globs, manager_id=manager_id, sees_all=sees_all)

    async def _typo_rows(
        self, wanted: str, manager_id: int, sees_all: bool, *, contacts: bool
    ) -> list[Any]:
        """Typo tolerance: the rows sharing the query's rarest trigrams, for rapidfuzz to rank.

        Names (accounts, aliases, organisations) and contacts are read separately, so that
        the many contacts never crowd the names out of the row limit.
        """
        fuzzy_words = [w for w in wanted.split() if len(w) >= 4]
        if not fuzzy_words:
            return []
        fuzzy: str | None = None
        grams = list(dict.fromkeys(g for w in fuzzy_words for g in _trigrams(w)))[:24]
        if sees_all:
            counts = await self._doc_counts(grams)
            rare = sorted((g for g in grams if counts.get(g)), key=lambda g: counts[g])[:5]
            if not rare:
                return []
            if len(rare) >= 4:  # a typo spoils at most three trigrams: two of five survive
                pairs = [(a, b) for i, a in enumerate(rare) for b in rare[i + 1 :]]
                fuzzy = " OR ".join(f"({_phrase(a)} AND {_phrase(b)})" for a, b in pairs)
            else:
                fuzzy = " OR ".join(_phrase(g) for g in rare)
        rows: list[Any] = []
        for only in ("names", "contacts") if contacts and sees_all else ("names",):
            rows += await self._rows(
                match=fuzzy,
                globs=[],
                manager_id=manager_id,
                sees_all=sees_all,
                only=only,
                limit=_FUZZY_ROWS,
            )
        if contacts and not sees_all:
            rows += await self._kam_contact_names(manager_id, grams)
        return rows

    async def _kam_contact_names(self, manager_id: int, grams: Sequence[str]) -> list[Any]:
        """A KAM's contacts whose names share at least one of the trigrams."""
        params: dict[str, Any] = {"manager_id": manager_id, "limit": _KAM_CONTACT_ROWS}
        params.update({f"a{n}": _glob_word(gram) for n, gram in enumerate(grams)})
        globs = " OR ".join(f"n.text GLOB :a{n}" for n in range(len(grams)))
        return await self._db.fetch_all(_KAM_CONTACT_NAMES.format(globs=globs), params)

    @staticmethod
    def _rank(
        wanted: str, rows: Sequence[Any], *, is_phone: bool, typos: bool = False
    ) -> list[SearchHit]:
        best: dict[int, SearchHit] = {}
        order: list[int] = []
        for row in rows:
            kind: HitKind = row["kind"]
            lines = [line for line in str(row["text"]).split("\n") if line.strip()]
            # A typo is looked for in a contact's name only, not in e-mails and digits.
            texts = [
                normalize(line) for line in (lines[:1] if typos and kind == "contact" else lines)
            ]
            if is_phone:
                texts = [text for text in texts if text.isdigit()]
            score = max((score_text(wanted, text) for text in texts), default=0.0)
            if score <= 0:
                continue
            score -= _KIND_PENALTY[kind]
            account_id = int(row["account_id"])
            via = lines[0] if kind != "account" and lines else None
            hit = SearchHit(account_id, row["name"], row["status"], score, kind, via)
            if account_id not in best:
                order.append(account_id)
                best[account_id] = hit
            elif score > best[account_id].score:
                best[account_id] = hit
        ranked = sorted(
            (best[i] for i in order), key=lambda h: (-h.score, normalize(h.name), h.account_id)
        )
        return ranked
