"""Completing and snoozing a task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from domain.entities import Task

TaskRefusal = Literal["not_open", "past"]
"""Why a task action changes nothing: the task is done or gone, or the time has passed."""


@dataclass(frozen=True)
class Completion:
    task_id: int
    completed_at: datetime


@dataclass(frozen=True)
class Snooze:
    task_id: int
    until: datetime
    previous: datetime | None


def plan_complete(task: Task, *, now: datetime) -> Completion | TaskRefusal:
    """Only an open task can be done."""
    if task.status != "open":
        return "not_open"
    return Completion(task.id, now)


def plan_snooze(task: Task, until: datetime, *, now: datetime) -> Snooze | TaskRefusal:
    """An open task's reminder moves to a moment still ahead."""
    if task.status != "open":
        return "not_open"
    if until <= now:
        return "past"
    return Snooze(task.id, until, task.snoozed_until)
