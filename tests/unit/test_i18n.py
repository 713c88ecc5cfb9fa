from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import (
    Html,
    all_translations,
    catalogs,
    missing_or_mismatched,
    read_po,
    translator,
)
from domain.languages import language_from_telegram

ROOT = Path(__file__).resolve().parents[2]
# t("key"), N_("key"), .plural("key": message ids written literally in the code.
_USED = re.compile(r"""(?:\bt|\bN_|\.t|\.plural)\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def test_every_message_exists_in_every_language_with_the_same_placeholders() -> None:
    assert list(missing_or_mismatched()) == []


def test_every_message_the_code_uses_is_in_the_catalogues() -> None:
    english = catalogs()["en"].messages
    used: set[str] = set()
    for folder in ("bot", "handlers", "domain"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(_USED.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no message ids"
    assert sorted(key for key in used if key not in english) == []


def test_values_are_escaped_unless_marked_as_html() -> None:
    t = translator("en")
    assert "&lt;b&gt;Evil&lt;/b&gt;" in t("start.welcome_back", name="<b>Evil</b>")
    assert "<i>ok</i>" in t("start.welcome_back", name=Html("<i>ok</i>"))


def test_menu_labels_are_recognised_in_every_language() -> None:
    assert all_translations("menu.help") == {"❓ Help", "❓ Помощь", "❓ 帮助"}


def test_unknown_language_falls_back_to_english() -> None:
    assert translator("de")("button.back") == translator("en")("button.back")


def test_telegram_language_codes() -> None:
    assert language_from_telegram("zh-hans") == "zh"
    assert language_from_telegram("ru-RU") == "ru"
    assert language_from_telegram("uk") == "ru"
    assert language_from_telegram("en-GB") == "en"
    assert language_from_telegram("de", default="zh") == "zh"
    assert language_from_telegram(None) == "en"


def test_the_catalogue_reader_reads_what_babels_reader_reads() -> None:
    """bot.i18n reads the `.po` files itself (babel's reader costs three times as long and
    its import more at start-up); every shipped file must read the same."""
    from babel.messages.pofile import read_po as babel_read_po

    files = sorted((ROOT / "locales").glob("*/*.po"))
    assert len(files) >= 30
    for path in files:
        with path.open("rb") as handle:
            theirs = babel_read_po(handle, locale=None, abort_invalid=True)
        expected: dict[str, str | tuple[str, ...]] = {}
        for message in theirs:
            if message.id:
                key = str(message.id[0] if isinstance(message.id, tuple) else message.id)
                value = message.string
                expected[key] = tuple(value) if isinstance(value, tuple) else str(value or "")
        plural, messages = read_po(path.read_text(encoding="utf-8"), path.name)
        assert messages == expected, path
        assert plural == theirs.plural_expr, path


def test_the_catalogue_reader_unescapes_joins_and_refuses_what_it_does_not_know() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : 2);\\n"\n\n'
        "# a comment\n"
        'msgid "a.b"\nmsgstr ""\n"Say \\"hi\\"\\n"\n"\\ttab \\\\ back"\n'
        '#, fuzzy\nmsgid "c.d"\nmsgid_plural "c.d"\nmsgstr[0] "one"\nmsgstr[2] "many"\n'
        '#~ msgid "old"\n#~ msgstr "gone"\n'
    )
    plural, messages = read_po(text)
    assert plural == "(n==1 ? 0 : 2)"
    assert messages == {"a.b": 'Say "hi"\n\ttab \\ back', "c.d": ("one", "", "many")}
    for bad in (
        'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n',
        'msgid "a"\nmsgstr "b"\nmsgstr "c"\n',
        'msgid "a"\n',
        'msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n',
        'msgid "a"\nmsgid_plural "a"\nmsgstr[2] "x"\n',
        '"stray"\n',
        "#-#-#-#-# conflict\n",
        'msgid "a\n',
    ):
        with pytest.raises(ValueError, match=r"x\.po"):
            read_po(bad, "x.po")


def test_no_menu_label_reads_as_a_command() -> None:
    """The menu-label filters skip a command without reading the catalogues (the first
    answer after a start): so no label, in any language, may begin with "/"."""
    from handlers.menu import LAYOUT

    labels = {label for row in LAYOUT for entry in row for label in all_translations(entry.key)}
    assert labels and not [label for label in labels if label.startswith("/")]
