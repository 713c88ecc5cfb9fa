from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import Html, all_translations, catalogs, missing_or_mismatched, translator
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
