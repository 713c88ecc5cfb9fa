"""What a typed text becomes before the bot keeps or searches it.

Control characters (other than line breaks and tabs) and invisible characters that serve
only to hide or spoof text are removed: zero-width spaces and joiners outside emoji, the
word joiner, byte order marks, soft hyphens, and the bidirectional overrides and isolates
(U+202A-U+202E, U+2066-U+2069) with which "evil.exe" is made to read "exe.live".
Right-to-left scripts and their direction marks (U+200E, U+200F), emoji (the zero-width
joiner inside 👨‍👩‍👧 included) and every other character are kept as typed. The text is
put in Unicode NFC form, so that the same name typed on two phones is stored the same way.
"""

from __future__ import annotations

import re
import unicodedata

_ZWJ = "\u200d"
# C0/C1 controls except \t and \n, DEL; zero-width space and non-joiner, word joiner,
# BOM/zero-width no-break space, soft hyphen, and the bidi embedding/override/isolate marks.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u200c\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]"
)
# A zero-width joiner that does not join two pictographs (as in 👨‍👩‍👧) hides nothing useful.
_LONE_ZWJ = re.compile(
    r"(?<![\u2600-\u27bf\U0001f000-\U0001faff\ufe0f])\u200d"
    r"|\u200d(?![\u2600-\u27bf\U0001f000-\U0001faff])"
)


def clean(text: str) -> str:
    """``text`` without hidden characters, in NFC; line breaks become \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HIDDEN.sub("", text)
    if _ZWJ in text:
        text = _LONE_ZWJ.sub("", text)
    return unicodedata.normalize("NFC", text)
