"""Time zones: suggestions per language and resolving what a manager typed."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import get_timezone_location

SUGGESTED: dict[str, tuple[str, ...]] = {
    "ru": (
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Novosibirsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Vladivostok",
        "Europe/Minsk",
        "Asia/Almaty",
    ),
    "zh": (
        "Asia/Shanghai",
        "Asia/Hong_Kong",
        "Asia/Taipei",
        "Asia/Singapore",
        "Asia/Tokyo",
        "Europe/Moscow",
    ),
    "en": (
        "Europe/London",
        "Europe/Berlin",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "Asia/Dubai",
        "Asia/Kolkata",
        "Asia/Singapore",
        "Australia/Sydney",
        "UTC",
    ),
}

# Cities people type in their own script, mapped to the zone that covers them.
CITY_ALIASES: dict[str, str] = {
    "москва": "Europe/Moscow",
    "мск": "Europe/Moscow",
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "спб": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "kazan": "Europe/Moscow",
    "калининград": "Europe/Kaliningrad",
    "самара": "Europe/Samara",
    "екатеринбург": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg",
    "пермь": "Asia/Yekaterinburg",
    "уфа": "Asia/Yekaterinburg",
    "омск": "Asia/Omsk",
    "новосибирск": "Asia/Novosibirsk",
    "красноярск": "Asia/Krasnoyarsk",
    "иркутск": "Asia/Irkutsk",
    "владивосток": "Asia/Vladivostok",
    "хабаровск": "Asia/Vladivostok",
    "минск": "Europe/Minsk",
    "алматы": "Asia/Almaty",
    "астана": "Asia/Almaty",
    "ташкент": "Asia/Tashkent",
    "киев": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "北京": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "上海": "Asia/Shanghai",
    "广州": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "深圳": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "成都": "Asia/Shanghai",
    "杭州": "Asia/Shanghai",
    "武汉": "Asia/Shanghai",
    "南京": "Asia/Shanghai",
    "天津": "Asia/Shanghai",
    "重庆": "Asia/Shanghai",
    "香港": "Asia/Hong_Kong",
    "台北": "Asia/Taipei",
    "新加坡": "Asia/Singapore",
    "东京": "Asia/Tokyo",
    "莫斯科": "Europe/Moscow",
    "伦敦": "Europe/London",
    "纽约": "America/New_York",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "seattle": "America/Los_Angeles",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "gmt": "UTC",
    "utc": "UTC",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return " ".join(text.replace("_", " ").replace("ё", "е").split())


@cache
def _zones_by_city() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/", "posix/", "right/")) or "/" not in name:
            continue
        city = _fold(name.rsplit("/", 1)[1])
        found.setdefault(city, []).append(name)
    return found


def is_valid_zone(name: str) -> bool:
    if name != "UTC" and name not in available_timezones():  # the scan takes ~35 ms
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def resolve_zone(text: str, limit: int = 6) -> list[str]:
    """IANA zones matching a typed city or zone name, best first (empty when none)."""
    if len(text) > 100:
        return []
    raw = text.strip()
    if is_valid_zone(raw):
        return [raw]
    folded = _fold(raw)
    if not folded:
        return []
    if folded in CITY_ALIASES:
        return [CITY_ALIASES[folded]]
    by_city = _zones_by_city()
    if folded in by_city:
        return by_city[folded][:limit]
    for name in sorted(available_timezones()):
        if _fold(name) == folded:
            return [name]
    if len(folded) < 3:
        return []
    prefix = [zone for city, zones in by_city.items() if city.startswith(folded) for zone in zones]
    alias = [zone for city, zone in CITY_ALIASES.items() if city.startswith(folded)]
    return list(dict.fromkeys(alias + prefix))[:limit]


def utc_offset_label(zone: str, at: datetime) -> str:
    """'UTC+3', 'UTC+5:30', 'UTC-4' for the zone at the given moment."""
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def city_of(zone: str, locale: str = "en") -> str:
    """The zone's exemplar city in the reader's language ('Москва', '上海', 'New York')."""
    try:
        return str(get_timezone_location(zone, locale=locale, return_city=True))
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def parse_clock_time(text: str) -> time | None:
    """'9', '09:30', '9.30', '21:00' → a time of day; anything else → None."""
    cleaned = text.strip().replace(".", ":").replace("：", ":")
    if len(cleaned) > 5:
        return None
    parts = cleaned.split(":")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 2:
        return None
    hour = int(parts[0])
    minute = int(parts[1]) if len(parts) == 2 else 0
    if len(parts) == 2 and len(parts[1]) != 2:
        return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)
