"""The languages the bot speaks and how Telegram's language codes map onto them."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "zh", "ru")

# Telegram sends IETF tags such as "ru", "zh-hans", "pt-br". Speakers of these languages are
# far more likely to read Russian than English.
_RUSSIAN_READERS = {"ru", "uk", "be", "kk", "ky", "uz", "tg", "hy", "az", "ka"}


def language_from_telegram(code: str | None, default: str = "en") -> str:
    """Our language for a Telegram user's `language_code`."""
    if not code:
        return default
    base = code.lower().replace("_", "-").split("-")[0]
    if base == "zh":
        return "zh"
    if base in _RUSSIAN_READERS:
        return "ru"
    if base == "en":
        return "en"
    return default


def babel_locale(language: str) -> str:
    """The Babel locale used to format dates and numbers for one of our languages."""
    return {"zh": "zh_Hans_CN", "ru": "ru_RU"}.get(language, "en_GB")
