"""Reading one free-text message as a meeting: which client, who, when, and what next.

"Met Ivan Petrov at VT-Metal today, agreed Q3 prices, send offer by Friday" gives the
account VT-Metal, the contact Ivan Petrov, today, and the next step "send offer" due Friday.
Only guesses: the handler shows them on a review card and nothing is saved without Save.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from domain.date_phrases import find_date_phrase, is_ahead
from domain.dates import ParsedWhen
from domain.meeting_draft import MAX_STEP_TEXT, MeetingDraft, NextStep, iso
from domain.paging import clip
from domain.search import Candidate, cjk, normalize, spaced, transliterate

MAX_TEXT = 4000
MIN_FUZZY_ACCOUNT = 84.0  # a typo or two in a client's name
_CLAUSES = re.compile(r"[,;.!?\n，。；！？、]+|\s+(?:and|и|а|then|затем|потом)\s+")
_FOLLOW_UP_WORDS = re.compile(
    r"\b(?:send|prepare|call|email|follow up|remind|check|deliver|sign|share|schedule|"
    r"отправить|выслать|прислать|подготовить|позвонить|написать|согласовать|подписать|"
    r"напомнить|проверить|договориться)\b|发送|发|准备|寄|打电话|联系|确认|签",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FollowUp:
    text: str
    due: ParsedWhen | None


@dataclass(frozen=True)
class QuickGuess:
    account_id: int | None
    account_alternatives: tuple[int, ...] = ()  # other plausible accounts, best first
    contact_ids: tuple[int, ...] = ()
    when: ParsedWhen | None = None  # None: just now
    follow_ups: tuple[FollowUp, ...] = ()
    summary: str = ""


def clauses(text: str) -> list[str]:
    return [part.strip() for part in _CLAUSES.split(text) if part and part.strip()]


def _windows(clause: str, max_words: int = 5) -> list[str]:
    """Every run of up to ``max_words`` words (or CJK runs of up to 8 characters)."""
    words = clause.split()
    found: list[str] = []
    for size in range(min(max_words, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            found.append(" ".join(words[start : start + size]))
    if cjk().search(clause):
        compact = "".join(words)
        for size in range(min(8, len(compact)), 1, -1):
            for start in range(len(compact) - size + 1):
                found.append(compact[start : start + size])
    return found


def find_when(
    text: str, *, now: datetime, tz: ZoneInfo, prefer: Literal["past", "future"] = "past"
) -> tuple[str, ParsedWhen] | None:
    """The date phrase inside ``text``, its prepositions included ("до пятницы", "周五前");
    see ``domain.date_phrases.find_date_phrase`` for the text without it."""
    found = find_date_phrase(text, now=now, tz=tz, prefer=prefer)
    return None if found is None else (found.phrase, found.when)


def _account_match(text: str, accounts: Sequence[Candidate]) -> list[int]:
    folded = f" {spaced(text)} "
    compact = folded.replace(" ", "")
    exact: list[int] = []
    for candidate in accounts:
        for name in candidate.texts:
            wanted = normalize(name)
            if not wanted:
                continue
            if f" {wanted} " in folded or (
                cjk().search(wanted) and wanted.replace(" ", "") in compact
            ):
                exact.append(candidate.id)
                break
    if exact:
        return exact
    # fuzzy: every run of up to three words against every name, in C (rapidfuzz)
    names: list[str] = []
    owners: list[int] = []
    for candidate in accounts:
        for name in candidate.texts:
            normalized = normalize(name)
            if normalized:
                names.append(normalized)
                owners.append(candidate.id)
    scored: dict[int, float] = {}
    windows = {normalize(w) for w in _windows(text, 3)}
    for window in windows:
        if len(window) < 4 or window.replace(" ", "").isdigit():
            continue
        for _, score, index in process.extract(
            window, names, scorer=fuzz.ratio, score_cutoff=MIN_FUZZY_ACCOUNT, limit=3
        ):
            scored[owners[index]] = max(scored.get(owners[index], 0.0), score)
    return [k for k, _ in sorted(scored.items(), key=lambda item: -item[1])]


def _word_like(word: str, name_part: str) -> bool:
    """Name parts in another case ("Иваном" ~ "Иван", "Petrova" ~ "Petrov")."""
    if len(name_part) < 3:
        return word == name_part
    if word == name_part:
        return True
    prefix = min(len(name_part), 4)
    return word[:prefix] == name_part[:prefix] and fuzz.ratio(word, name_part) >= 75


def _contact_matches(text: str, contacts: Sequence[Candidate]) -> list[int]:
    """Contacts named in the text; across scripts ("Иваном Петровым" → "Ivan Petrov") only
    when nobody is named in their own script."""
    words = spaced(text).split()
    latin_words = [transliterate(word) for word in words]
    compact = normalize(text).replace(" ", "")
    same_script: list[int] = []
    other_script: list[int] = []
    for candidate in contacts:
        parts = normalize(candidate.label).split()
        if not parts:
            continue
        if cjk().search(candidate.label):
            if "".join(parts) in compact or (len(parts[0]) >= 2 and parts[0] in compact):
                same_script.append(candidate.id)
            continue
        if _names(parts, words):
            same_script.append(candidate.id)
        elif _names([transliterate(part) for part in parts], latin_words):
            other_script.append(candidate.id)
    return same_script or other_script


def _names(parts: list[str], words: list[str]) -> bool:
    hits = sum(1 for part in parts if any(_word_like(w, part) for w in words))
    # a surname alone is enough; a first name alone only when the contact has one name
    surname_hit = any(_word_like(w, parts[-1]) for w in words)
    return hits == len(parts) or (surname_hit and len(parts[-1]) >= 4)


def _follow_up(
    clause: str, *, now: datetime, tz: ZoneInfo, any_words: bool = False
) -> FollowUp | None:
    """A clause with a deadline ("до пятницы", "by Friday", "周五前") or a verb of a follow-up
    ("send", "отправить", "发送") is a next step; its date phrase is its due date. With
    ``any_words`` every clause counts as a next step (the meeting flow's next-step screen)."""
    found = find_date_phrase(clause, now=now, tz=tz, prefer="future")
    verb = any_words or _FOLLOW_UP_WORDS.search(clause) is not None
    if found is not None and (found.deadline or (verb and is_ahead(found.when, now, tz))):
        return FollowUp(found.rest or clause, found.when)
    return FollowUp(clause, None) if verb else None


def next_step(text: str, *, now: datetime, tz: ZoneInfo) -> FollowUp:
    """A next step typed on its own ("call Ivan back tomorrow at 15:30"): its text without
    the date phrase, and the date (a future one, with its time if one was typed), read as the
    one-message log reads its follow-ups."""
    text = " ".join(text.split())
    follow = _follow_up(text, now=now, tz=tz, any_words=True)
    if follow is None or follow.due is None or not is_ahead(follow.due, now, tz):
        return FollowUp(text, None)  # a day without a time counts until its end
    return follow


def guess(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    accounts: Sequence[Candidate],
    contacts_of: Mapping[int, Sequence[Candidate]],
) -> QuickGuess:
    """Best guesses for a quick log; ``contacts_of`` maps account id → its contacts."""
    text = text.strip()[:MAX_TEXT]
    parts = clauses(text)
    matched = _account_match(text, accounts)
    account_id = matched[0] if matched else None
    contact_ids: list[int] = []
    if account_id is not None:
        contact_ids = _contact_matches(text, contacts_of.get(account_id, ()))
    follow_ups: list[FollowUp] = []
    when: ParsedWhen | None = None
    for clause in parts:
        follow = _follow_up(clause, now=now, tz=tz)
        if follow is not None:
            follow_ups.append(follow)
            continue
        if when is None:
            found = find_when(clause, now=now, tz=tz, prefer="past")
            if found is not None:
                when = found[1]
    return QuickGuess(
        account_id=account_id,
        account_alternatives=tuple(matched[1:4]),
        contact_ids=tuple(contact_ids),
        when=when,
        follow_ups=tuple(follow_ups[:5]),
        summary=text,
    )


def prefill(
    draft: MeetingDraft, text: str, found: QuickGuess, names: Mapping[int, str], now: datetime
) -> None:
    """The draft of a quick log, ready for its card: the text as the summary, a past time, the
    follow-ups as next steps, the client (named from `names`) and its people."""
    draft.add_note(text)
    draft.return_to_review = True
    if found.when is not None and found.when.at < now:
        draft.starts_at, draft.starts_has_time = iso(found.when.at), found.when.has_time
    for follow in found.follow_ups:
        due = iso(follow.due.at) if follow.due is not None else None
        has_time = follow.due.has_time if follow.due is not None else False
        draft.next_steps.append(NextStep(clip(follow.text, MAX_STEP_TEXT), due, has_time))
    if found.account_id is not None:
        draft.account_id, draft.account_name = found.account_id, names[found.account_id]
        draft.contact_ids = list(found.contact_ids)
