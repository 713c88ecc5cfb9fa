"""Entities that domain, storage and handlers share.

The rule: domain/ never imports storage/ or telegram; storage/ and handlers/ may import
domain/. So a type that a use case reads or returns lives here, and storage re-exports it
under its old name (``from storage.tasks import Task`` keeps working). Read models that only
storage and handlers use (a meeting with its attendees, a timeline page) stay in storage/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

# --- meetings ------------------------------------------------------------------------------

MeetingStatus = Literal["planned", "held", "cancelled"]
MeetingKind = Literal["visit", "office", "call", "video", "event", "negotiation"]
Outcome = Literal["positive", "neutral", "negative"]
AttachmentKind = Literal["voice", "audio", "photo", "video", "document"]
MEETING_KINDS: tuple[MeetingKind, ...] = (
    "visit",
    "office",
    "call",
    "video",
    "event",
    "negotiation",
)
OUTCOMES: tuple[Outcome, ...] = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class AttachmentIn:
    kind: AttachmentKind
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class TaskIn:
    text: str
    due_at: datetime | None
    due_has_time: bool = False


@dataclass(frozen=True)
class NewContactIn:
    full_name: str
    position: str | None = None


@dataclass(frozen=True)
class MeetingIn:
    """Everything one Save writes. Either ``account_id`` or ``new_account_name`` is set.

    Built by ``domain.usecases.meetings.plan_save`` (the rules: held or planned, which
    follow-up tasks and which satisfaction check); written by ``storage.meetings``.
    """

    author_id: int
    status: MeetingStatus
    kind: MeetingKind
    starts_at: datetime
    starts_has_time: bool = True
    account_id: int | None = None
    new_account_name: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    agenda: str | None = None
    summary: str | None = None
    outcome: Outcome | None = None
    outcome_reason: str | None = None
    remind_before_minutes: int | None = None
    contact_ids: tuple[int, ...] = ()
    new_contacts: tuple[NewContactIn, ...] = ()
    team_ids: tuple[int, ...] = ()
    attachments: tuple[AttachmentIn, ...] = ()
    tasks: tuple[TaskIn, ...] = ()
    satisfaction_due_at: datetime | None = None
    client_token: str | None = None
    # Turn this existing meeting (e.g. a planned one that took place) into the saved one.
    existing_id: int | None = None

    @property
    def is_contact(self) -> bool:
        """A held meeting is a contact with the client (moves the account's last contact)."""
        return self.status == "held"


# --- tasks ---------------------------------------------------------------------------------

TaskOrigin = Literal["follow_up", "action_plan", "recovery", "manual"]
TaskStatus = Literal["open", "done", "cancelled"]


@dataclass(frozen=True)
class Task:
    id: int
    account_id: int | None
    meeting_id: int | None
    assignee_id: int
    created_by: int | None
    text: str
    origin: TaskOrigin
    goal: str | None
    resources: str | None
    due_at: datetime | None
    due_has_time: bool  # False: only the day matters (the digest reports it)
    snoozed_until: datetime | None
    status: TaskStatus
    completed_at: datetime | None
    escalated_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- satisfaction checks -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckView:
    """A check with what the question needs: the account, the contact, the meeting."""

    id: int
    account_id: int
    account_name: str
    manager_id: int
    contact_id: int | None
    contact_name: str | None
    meeting_id: int | None
    meeting_at: datetime | None
    due_at: datetime
    status: str
    score: int | None
    comment: str | None
    answered_at: datetime | None


# --- contracts and obligations -------------------------------------------------------------

Party = Literal["ours", "client"]
Recurrence = Literal["none", "weekly", "monthly", "quarterly", "yearly", "days"]
ObligationOutcome = Literal["met", "missed", "delayed"]


@dataclass(frozen=True)
class ObligationView:
    id: int
    contract_id: int
    contract_title: str
    contract_status: str
    account_id: int
    account_name: str
    owner_id: int | None
    party: Party
    description: str
    due_on: date
    recurrence: Recurrence
    status: str
    delayed_to: date | None
    kind: str = "other"  # domain.contracts.OBLIGATION_KINDS
    recur_every: int | None = None  # every N days ("days")
    recur_day: int | None = None  # on day N of the month ("monthly", "quarterly")

    @property
    def effective_due(self) -> date:
        return self.delayed_to if self.status == "delayed" and self.delayed_to else self.due_on


@dataclass(frozen=True)
class NewTask:
    """A task a use case creates (a recovery task, ...); storage inserts it as it is."""

    assignee_id: int
    text: str
    origin: TaskOrigin
    account_id: int | None = None
    meeting_id: int | None = None
    due_at: datetime | None = None
    due_has_time: bool = False
