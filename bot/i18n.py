"""One translation layer for every user-visible string.

Catalogues are gettext `.po` files in `locales/<language>/*.po` (one file per feature, merged),
keyed by symbolic message ids such as ``"help.text"``. Placeholders use ``{name}`` and every
value passed in is HTML-escaped unless it is wrapped in :class:`Html`.
"""

from __future__ import annotations

import gettext
import html
import logging
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from domain.formatting import number
from domain.languages import LANGUAGES

_LOG = logging.getLogger(__name__)
FALLBACK = "en"


class Html(str):
    """A string that is already safe HTML and is inserted without escaping."""

    __slots__ = ()


def N_(key: str) -> str:
    """Marks a message id used later (e.g. in a table of labels); returns it unchanged."""
    return key


@dataclass
class Catalog:
    language: str
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural: Any = None  # callable n -> index, from the catalogue's Plural-Forms header


_UNESCAPED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_PLURAL_STRING = re.compile(r"msgstr\[(\d+)\]")
_KEYWORDS = frozenset({"msgid", "msgid_plural", "msgstr"})
Entry = dict[str, list[str]]  # keyword (msgid, msgid_plural, msgstr, msgstr[1]) -> its parts


def _unquote(text: str, where: int) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"line {where}: expected a quoted string, got {text!r}")
    return _ESCAPE.sub(lambda found: _UNESCAPED.get(found[1], found[1]), text[1:-1])


def _entries(text: str) -> Iterator[Entry]:
    """The entries of a `.po` file, read as babel's reader does (a comment or a msgid ends an
    entry; obsolete ``#~`` entries are skipped). Contexts (msgctxt) and conflict markers are
    refused: message ids are unique keys here."""
    entry: Entry = {}
    parts: list[str] | None = None
    for line_number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line[0] == "#":
            if line[1:2] == "-":
                raise ValueError(f"line {line_number}: a merge conflict")
            if entry:
                yield entry
            entry, parts = {}, None
        elif line[0] == '"':
            if parts is None:
                raise ValueError(f"line {line_number}: a string outside msgid or msgstr")
            simple = line[-1] == '"' and len(line) > 1 and "\\" not in line
            parts.append(line[1:-1] if simple else _unquote(line, line_number))
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgid" and entry:
                yield entry
                entry = {}
            known = keyword in _KEYWORDS or _PLURAL_STRING.fullmatch(keyword)
            if not known or keyword in entry:
                raise ValueError(f"line {line_number}: unexpected {keyword!r}")
            value = value.strip()
            simple = value[:1] == '"' and value[-1:] == '"' and len(value) > 1
            parts = entry[keyword] = [
                value[1:-1] if simple and "\\" not in value else _unquote(value, line_number)
            ]
    if entry:
        yield entry


def _plural_forms(header: str) -> tuple[int, str]:
    """(nplurals, plural expression) from a catalogue's header; babel's defaults if absent."""
    for line in header.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            params = dict(part.strip().partition("=")[::2] for part in value.split(";"))
            return int(params.get("nplurals", 2)), params.get("plural", "(n != 1)").strip()
    return 2, "(n != 1)"


def _forms(entry: Entry, nplurals: int, where: str) -> tuple[str, ...]:
    forms = [""] * nplurals
    for keyword, parts in entry.items():
        found = _PLURAL_STRING.fullmatch(keyword)
        if found is None and keyword != "msgstr":
            continue
        index = int(found[1]) if found is not None else 0
        if index >= nplurals:
            raise ValueError(f"{where} has more forms than nplurals")
        forms[index] = "".join(parts)
    return tuple(forms)


def read_po(text: str, name: str = "<po>") -> tuple[str, dict[str, str | tuple[str, ...]]]:
    """(plural expression, messages) of one `.po` file: the same as babel's reader gives
    (tests/unit/test_i18n.py compares them), in a third of its time and without importing
    it. A plural message has nplurals forms, missing ones empty."""
    try:
        return _read(text)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _read(text: str) -> tuple[str, dict[str, str | tuple[str, ...]]]:
    nplurals, plural = 2, "(n != 1)"
    messages: dict[str, str | tuple[str, ...]] = {}
    for entry in _entries(text):
        key = "".join(entry.get("msgid", ()))
        if "msgid" not in entry or len(entry) == 1 + ("msgid_plural" in entry):
            raise ValueError(f"message {key!r} has no msgstr")
        if not key:
            nplurals, plural = _plural_forms("".join(entry.get("msgstr", ())))
            continue
        if key in messages:
            raise ValueError(f"message {key!r} is defined twice")
        if "msgid_plural" not in entry:
            messages[key] = "".join(entry.get("msgstr", ()))
            continue
        messages[key] = _forms(entry, nplurals, f"message {key!r}")
    return plural, messages


def _load_catalog(language: str) -> Catalog:
    found = Catalog(language)
    import locales  # a package of data files on disk (importlib.resources costs 10 ms more)

    folder = Path(locales.__file__).parent / language
    for entry in sorted(folder.glob("*.po")):
        plural, messages = read_po(entry.read_text(encoding="utf-8"), f"{language}/{entry.name}")
        if found.plural is None:
            found.plural = gettext.c2py(plural)
        for key, value in messages.items():
            if key in found.messages:
                raise ValueError(f"{language}: message {key!r} is defined twice ({entry.name})")
            found.messages[key] = value
    return found


@cache
def catalog(language: str) -> Catalog:
    """One language's messages, read when first needed (an English answer reads no other)."""
    return _load_catalog(language)


def catalogs() -> dict[str, Catalog]:
    return {language: catalog(language) for language in LANGUAGES}


def _escape(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """Translates message ids into one language; call it like ``t("help.text", name=...)``."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else FALLBACK
        self._catalog = catalog(self.language)

    def _lookup(self, key: str) -> str | tuple[str, ...]:
        value = self._catalog.messages.get(key)
        if not value:
            value = catalog(FALLBACK).messages.get(key)
            _LOG.warning("message %r missing in %s", key, self.language)
        return value or key

    def __call__(self, key: str, /, **values: Any) -> str:
        text = self._lookup(key)
        if isinstance(text, tuple):
            text = text[-1]
        return text.format(**{k: self._value(v) for k, v in values.items()}) if values else text

    def _value(self, value: Any) -> str:
        """A value for a placeholder: whole numbers as the language writes them (2,000 /
        2 000), everything else escaped."""
        if isinstance(value, int) and not isinstance(value, bool):
            return number(value, self.language)
        return _escape(value)

    def plural(self, key: str, count: int, /, **values: Any) -> str:
        """A message with plural forms for ``count``, shown in ``{count}`` as the language
        writes numbers (1,981 / 1 981)."""
        forms = self._lookup(key)
        if isinstance(forms, str):
            text = forms
        else:
            index = int(self._catalog.plural(count)) if self._catalog.plural else 0
            text = forms[min(index, len(forms) - 1)]
        escaped = {k: self._value(v) for k, v in values.items()}
        return text.format(count=number(count, self.language), **escaped)


@cache
def translator(language: str) -> Translator:
    return Translator(language)


def all_translations(key: str) -> set[str]:
    """The message in every language, e.g. to recognise a reply-keyboard label."""
    found: set[str] = set()
    for language in LANGUAGES:
        value = catalog(language).messages.get(key)
        if isinstance(value, str) and value:
            found.add(value)
    return found


def missing_or_mismatched() -> Iterable[str]:
    """Problems between the catalogues: absent or empty messages, differing placeholders."""
    every = catalogs()
    keys = set().union(*(c.messages for c in every.values()))
    for key in sorted(keys):
        reference: set[str] | None = None
        for language, catalog in every.items():
            value = catalog.messages.get(key)
            if not value or (isinstance(value, tuple) and not all(value)):
                yield f"{language}: {key} is missing"
                continue
            texts = value if isinstance(value, tuple) else (value,)
            found = set().union(*(placeholders(text) for text in texts))
            if reference is None:
                reference = found
            elif found != reference:
                yield f"{language}: {key} has placeholders {sorted(found)}, not {sorted(reference)}"
