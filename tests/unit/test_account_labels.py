"""One rule for account buttons: names alike get the owner, then the city, then the number."""

from __future__ import annotations

from domain.account_labels import AccountTag, distinct_labels, needs_tags


def test_unique_names_stay_as_they_are() -> None:
    labels = distinct_labels([AccountTag(1, "VT-Metal", "Anna"), AccountTag(2, "NRG", "Anna")])
    assert labels == {1: "VT-Metal", 2: "NRG"}


def test_same_name_other_owners_name_the_owner() -> None:
    tags = [
        AccountTag(1, "VT-Metal", "Anna", "Moscow"),
        AccountTag(2, "VT-Metal", "Boris", "Moscow"),
        AccountTag(3, "vt metal", "Chen", None),
    ]
    labels = distinct_labels(tags)
    assert labels == {1: "VT-Metal · Anna", 2: "VT-Metal · Boris", 3: "vt metal · Chen"}


def test_same_owner_names_the_city_and_then_the_number() -> None:
    tags = [
        AccountTag(1, "VT-Metal", "Anna", "Moscow"),
        AccountTag(2, "VT-Metal", "Anna", "Kazan"),
        AccountTag(3, "VT-Metal", "Boris", "Kazan"),
        AccountTag(4, "Sigma", "Anna", None),
        AccountTag(5, "Sigma", "Anna", None),
    ]
    labels = distinct_labels(tags)
    assert labels[1] == "VT-Metal · Anna · Moscow" and labels[2] == "VT-Metal · Anna · Kazan"
    assert labels[3] == "VT-Metal · Boris"
    assert labels[4] == "Sigma · #4" and labels[5] == "Sigma · #5"
    assert len(set(labels.values())) == len(tags)


def test_long_names_keep_the_owner_visible() -> None:
    name = "Very Long Holding Company Name Incorporated International"
    labels = distinct_labels([AccountTag(1, name, "Anna"), AccountTag(2, name, "Boris")], 40)
    assert labels[1].endswith(" · Anna") and len(labels[1]) <= 40
    assert labels[1] != labels[2]


def test_needs_tags() -> None:
    assert needs_tags(["VT-Metal", "vt metal"]) and not needs_tags(["VT-Metal", "NRG"])
