"""A meeting being logged or planned: the draft kept between steps, its checks and defaults.

The draft lives in the conversation's user data, which is persisted as JSON after every
update, so it is a plain dataclass with :meth:`MeetingDraft.to_dict` / :meth:`from_dict`
and every time is kept as ISO text in UTC.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

KINDS = ("visit", "office", "call", "video", "event", "negotiation")
OUTCOMES = ("positive", "neutral", "negative")
SATISFACTION_CHOICES = (3, 7, 14)  # days; 0 = not needed
REMIND_CHOICES = (15, 30, 60, 120, 1440)  # minutes before a planned meeting; 0 = none
IDLE_AFTER = timedelta(minutes=30)
# A meeting "in the future" by less than this is still "now" (clocks and typing take time).
PLANNED_SLACK = timedelta(minutes=10)

MAX_NAME = 200
MAX_LINE = 300
MAX_STEP_TEXT = 1000
MAX_NOTES_CHARS = 100_000
MAX_ATTACHMENTS = 30
MAX_NEXT_STEPS = 10
MAX_NEW_CONTACTS = 10


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def from_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def place(location: str | None, latitude: float | None, longitude: float | None) -> str | None:
    """Where a meeting is: the place typed or sent, else the pinned point's coordinates."""
    if location:
        return location
    if latitude is not None and longitude is not None:
        return f"{latitude:.5f}, {longitude:.5f}"
    return None


@dataclass
class NewContact:
    name: str
    position: str | None = None


@dataclass
class NextStep:
    text: str
    due_at: str | None = None  # ISO UTC
    due_has_time: bool = False


@dataclass
class DraftAttachment:
    kind: str  # voice | audio | photo | video | document
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    caption: str | None = None


@dataclass
class MeetingDraft:
    token: str
    created_at: str
    touched_at: str
    mode: str = "held"  # what the manager started: "held" (log) or "planned" (plan)
    step: str = "account"
    return_to_review: bool = False
    account_id: int | None = None
    account_name: str | None = None  # shown; for a new client, the name to create
    starts_at: str | None = None  # None: "just now", fixed at Save
    starts_has_time: bool = True
    kind: str = "visit"
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contact_ids: list[int] = field(default_factory=list)
    new_contacts: list[NewContact] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the summary (held) or agenda (planned)
    agenda: str | None = None  # a planned meeting's agenda, kept when it is recorded as held
    attachments: list[DraftAttachment] = field(default_factory=list)
    outcome: str | None = None
    outcome_reason: str | None = None
    next_steps: list[NextStep] = field(default_factory=list)
    pending_step: str | None = None  # a next step's text waiting for its due date
    redate: int | None = None  # the next step whose due date is being changed on the card
    pending_name: str | None = None  # a typed client name offered as "New client"
    satisfaction_days: int = 7
    remind_before_minutes: int = 60
    source_meeting_id: int | None = None  # a planned meeting being recorded as held
    editing_meeting_id: int | None = None  # an existing meeting being edited

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        token: str,
        now: datetime,
        *,
        mode: str = "held",
        satisfaction_days: int = 7,
        remind_before_minutes: int = 60,
    ) -> MeetingDraft:
        return cls(
            token=token,
            created_at=iso(now),
            touched_at=iso(now),
            mode=mode,
            satisfaction_days=satisfaction_days,
            remind_before_minutes=remind_before_minutes,
        )

    def has_content(self) -> bool:
        """Whether discarding it would lose anything the manager entered."""
        return bool(
            self.account_id is not None
            or self.account_name
            or self.notes
            or self.attachments
            or self.next_steps
            or self.editing_meeting_id
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeetingDraft:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["new_contacts"] = [NewContact(**c) for c in values.get("new_contacts", [])]
        values["next_steps"] = [NextStep(**s) for s in values.get("next_steps", [])]
        values["attachments"] = [DraftAttachment(**a) for a in values.get("attachments", [])]
        return cls(**values)

    # --- what it is --------------------------------------------------------------------

    def start_time(self, now: datetime) -> datetime:
        return now if self.starts_at is None else from_iso(self.starts_at)

    def is_planned(self, now: datetime) -> bool:
        """A time ahead of now makes it a planned meeting (agenda, reminder, no outcome).

        When logging, a few minutes ahead is still "now" (clocks and typing take time); when
        planning, any time ahead stays planned, even one that passes while the card is open.
        """
        if self.starts_at is None:
            return False
        at = from_iso(self.starts_at)
        if self.mode == "planned":
            return at > now - PLANNED_SLACK
        return at > now + PLANNED_SLACK

    def speaks_of_future(self, now: datetime) -> bool:
        """Whether the steps ask about a meeting to come ("Who will attend?")."""
        return self.is_planned(now) or (self.mode == "planned" and self.starts_at is None)

    @property
    def edits_held(self) -> bool:
        """An edit of a saved held meeting (not a planned one being recorded as held)."""
        return self.editing_meeting_id is not None and self.source_meeting_id is None

    @property
    def is_new_account(self) -> bool:
        return self.account_id is None and bool(self.account_name)

    @property
    def notes_text(self) -> str:
        return "\n\n".join(part for part in self.notes if part)

    @property
    def notes_length(self) -> int:
        return sum(len(part) for part in self.notes)

    def add_note(self, text: str) -> bool:
        """Appends a part of the summary; False when the draft is already at its limit."""
        text = text.strip()
        if not text:
            return True
        if self.notes_length + len(text) > MAX_NOTES_CHARS:
            return False
        self.notes.append(text)
        return True

    def add_attachment(self, attachment: DraftAttachment) -> bool:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            return False
        if any(a.file_id == attachment.file_id for a in self.attachments):
            return True
        self.attachments.append(attachment)
        return True

    def toggle_contact(self, contact_id: int) -> None:
        if contact_id in self.contact_ids:
            self.contact_ids.remove(contact_id)
        else:
            self.contact_ids.append(contact_id)

    def toggle_team(self, manager_id: int) -> None:
        if manager_id in self.team_ids:
            self.team_ids.remove(manager_id)
        else:
            self.team_ids.append(manager_id)

    def add_new_contact(self, name: str, position: str | None) -> bool:
        if len(self.new_contacts) >= MAX_NEW_CONTACTS:
            return False
        folded = name.casefold()
        if not any(c.name.casefold() == folded for c in self.new_contacts):
            self.new_contacts.append(NewContact(name, position))
        return True

    def set_account(self, account_id: int | None, name: str) -> None:
        """Choosing another client forgets the previous client's people."""
        if account_id != self.account_id or account_id is None:
            self.contact_ids = []
            if account_id is not None or name != self.account_name:
                self.new_contacts = []
        self.account_id = account_id
        self.account_name = name

    def satisfaction_due(self, now: datetime) -> datetime | None:
        if self.satisfaction_days <= 0:
            return None
        return max(self.start_time(now), now) + timedelta(days=self.satisfaction_days)

    def attendee_count(self) -> int:
        return len(self.contact_ids) + len(self.new_contacts)

    # --- checks ------------------------------------------------------------------------

    def problems(self, now: datetime) -> list[str]:
        """What stops a Save, as message-id suffixes (e.g. "no_account")."""
        found: list[str] = []
        if self.account_id is None and not self.account_name:
            found.append("no_account")
        if self.kind not in KINDS:
            found.append("bad_kind")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            found.append("bad_outcome")
        if self.starts_at is not None:
            at = from_iso(self.starts_at)
            if abs(at - now) > timedelta(days=3660):
                found.append("bad_time")
        if self.pending_step:
            found.append("pending_step")
        return found


_SENTENCE_MARKS = set(".!?;:%。！？；：…")
_NAME_PARTICLES = frozenset({"van", "von", "der", "de", "da", "di", "del", "la", "le", "bin", "al"})


def looks_like_a_person(text: str) -> bool:
    """Whether text typed at the "who was there" step names a person rather than the meeting.

    "Ivan Petrov, CFO" or "王伟，财务总监" name people; "Agreed Q3 prices, send the offer" or
    "讨论了第三季度价格" are what was discussed and must not become contacts.
    """
    name, _ = split_name_and_position(text)
    if not name or len(text) > 120 or any(ch.isdigit() for ch in name):
        return False
    if any(ch in _SENTENCE_MARKS for ch in name):
        return False
    if all("\u4e00" <= ch <= "\u9fff" for ch in name.replace(" ", "")):
        return len(name.replace(" ", "")) <= 4
    words = name.split()
    if len(words) > 4:
        return False
    # "Talked about logistics": a capital and then lower-case words is a sentence, as are
    # three lower-case words; "Ivan Petrov", "ivan petrov", "Ludwig van Beethoven" are names.
    lower = [w for w in words if w[:1].islower() and w not in _NAME_PARTICLES]
    if lower and len(lower) < len(words):
        return False
    return not lower or len(words) <= 2


def split_name_and_position(text: str) -> tuple[str, str | None]:
    """ "Ivan Petrov, CFO" → ("Ivan Petrov", "CFO"); also " - ", "—", "，" and a new line."""
    text = " ".join(text.replace("\n", ", ").split()) if "\n" in text else text.strip()
    for separator in (",", "，", " — ", " – ", " - ", "("):
        if separator in text:
            name, _, position = text.partition(separator)
            name, position = name.strip(), position.strip().rstrip(")").strip()
            if name:
                return name[:MAX_NAME], (position[:MAX_NAME] or None)
    return " ".join(text.split())[:MAX_NAME], None
