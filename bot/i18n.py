"""One translation layer for every user-visible string.

Catalogues are gettext `.po` files in `locales/<language>/*.po` (one file per feature, merged),
keyed by symbolic message ids such as ``"help.text"``. Placeholders use ``{name}`` and every
value passed in is HTML-escaped unless it is wrapped in :class:`Html`.
"""

from __future__ import annotations

import gettext
import html
import logging
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
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


def _load_catalog(language: str) -> Catalog:
    from babel.messages.pofile import read_po  # only when a catalogue is first read

    found = Catalog(language)
    folder = resources.files("locales").joinpath(language)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            po = read_po(handle, locale=None, abort_invalid=True)
        if found.plural is None:
            found.plural = gettext.c2py(po.plural_expr)
        for message in po:
            if not message.id:
                continue
            key = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
            if key in found.messages:
                raise ValueError(f"{language}: message {key!r} is defined twice ({entry.name})")
            value = message.string
            if isinstance(value, (tuple, list)):
                found.messages[key] = tuple(str(v) for v in value)
            else:
                found.messages[key] = value or ""
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
