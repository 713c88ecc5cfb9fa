"""Button labels for lists of accounts: one rule, so that buttons never look alike.

Where several listed accounts share a name (the admin sees other managers' "VT-Metal"),
each of them also names its owner; where the owners are the same too, its city; and where
even that does not tell them apart, its number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from domain.paging import clip
from domain.search import normalize

SEPARATOR = " · "


@dataclass(frozen=True)
class AccountTag:
    """What may tell an account apart from another of the same name."""

    id: int
    name: str
    owner: str | None = None
    city: str | None = None


def _extras(tag: AccountTag, group: Sequence[AccountTag]) -> list[str]:
    owners = {g.owner or "" for g in group}
    extras = []
    if len(owners) > 1:
        extras.append(tag.owner or "—")
    same_owner = [g for g in group if (g.owner or "") == (tag.owner or "")]
    if len(same_owner) > 1 and len({g.city or "" for g in same_owner}) > 1:
        extras.append(tag.city or "—")
    return extras


def distinct_labels(accounts: Sequence[AccountTag], limit: int = 40) -> dict[int, str]:
    """A label per account id: the (clipped) name, plus the owner and/or city when another
    listed account has the same name; never two equal labels for different accounts."""
    groups: dict[str, list[AccountTag]] = defaultdict(list)
    for tag in accounts:
        groups[normalize(tag.name) or tag.name].append(tag)
    labels: dict[int, str] = {}
    for group in groups.values():
        for tag in group:
            extras = _extras(tag, group) if len(group) > 1 else []
            labels[tag.id] = _compose(tag.name, extras, limit)
    counts: dict[str, int] = defaultdict(int)
    for label in labels.values():
        counts[label] += 1
    for tag in accounts:  # still alike (same owner and city, or clipped alike): the number
        if counts[labels[tag.id]] > 1:
            extras = [*_extras(tag, groups[normalize(tag.name) or tag.name]), f"#{tag.id}"]
            labels[tag.id] = _compose(tag.name, extras, limit)
    return labels


def _compose(name: str, extras: list[str], limit: int) -> str:
    if not extras:
        return clip(name, limit)
    suffix = SEPARATOR + SEPARATOR.join(clip(e, 20) for e in extras)
    return clip(name, max(limit - len(suffix), 12)) + suffix


def needs_tags(names: Sequence[str]) -> bool:
    """Whether any two of the names are alike (then owners and cities are worth reading)."""
    normalized = [normalize(name) or name for name in names]
    return len(set(normalized)) < len(normalized)
