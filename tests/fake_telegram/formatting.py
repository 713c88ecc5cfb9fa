"""Telegram text formatting: HTML, MarkdownV2 and legacy Markdown parsing.

The parsers are ports of tdlib's ``parse_html``, ``parse_markdown_v2`` and ``parse_markdown``
(td/telegram/MessageEntity.cpp), working on UTF-8 bytes exactly like tdlib does, so that byte
offsets and error descriptions match what the real Bot API answers.  After parsing, the text is
cleaned and trimmed like tdlib's ``fix_formatted_text`` (control characters become spaces,
``\\r`` is dropped, leading/trailing spaces and newlines are trimmed).

Entity offsets and lengths are counted in UTF-16 code units, like Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_PRIORITY: dict[str, int] = {
    "mention": 50,
    "hashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "bold": 90,
    "italic": 91,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "text_mention": 49,
    "cashtag": 50,
    "phone_number": 50,
    "underline": 92,
    "strikethrough": 93,
    "blockquote": 0,
    "expandable_blockquote": 0,
    "spoiler": 94,
    "custom_emoji": 99,
}

# tdlib's names of entity types, used in MarkdownV2 error descriptions.
_TD_TYPE_NAME: dict[str, str] = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)

_HTML_ENTITY_NAMES: dict[bytes, int] = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}

_ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_USER_LINK_RE = re.compile(r"^tg://user\?id=(\d+)$")


@dataclass
class FormattedText:
    """Plain text after entity parsing plus its entities (Bot API ``MessageEntity`` dicts)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort like tdlib: by offset, then longer first, then by type priority."""
    return sorted(
        entities,
        key=lambda e: (int(e["offset"]), -int(e["length"]), _PRIORITY.get(str(e["type"]), 50)),
    )


# --------------------------------------------------------------------------- helpers on bytes


def _at(data: bytes, i: int) -> int:
    """``text[i]`` of a NUL-terminated C string: 0 past the end."""
    return data[i] if 0 <= i < len(data) else 0


def _is_space(c: int) -> bool:
    # tdlib's is_space() also treats '\0' as a space.
    return c in (0x20, 0x09, 0x0D, 0x0A, 0x00, 0x0B, 0x0C)


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_alnum(c: int) -> bool:
    return _is_alpha(c) or _is_digit(c)


def _is_hex_digit(c: int) -> bool:
    return _is_digit(c) or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _is_first_code_unit(c: int) -> bool:
    return (c & 0xC0) != 0x80


def _utf16_units_of_lead(c: int) -> int:
    return 2 if c >= 0xF0 else 1


def _bytes_text(data: bytes | bytearray) -> str:
    return bytes(data).decode("utf-8", errors="replace")


def _entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    entity.update({k: v for k, v in extra.items() if v is not None})
    return entity


def _checked_link(url: str) -> str:
    """A loose version of tdlib's LinkManager::get_checked_link: '' means 'drop the entity'."""
    url = url.strip()
    if not url:
        return ""
    match = _SCHEME_RE.match(url)
    if match is None:
        return "http://" + url
    if match.group(1).lower() not in _ALLOWED_LINK_SCHEMES:
        return ""
    return url


def _link_entity(url: str, offset: int, length: int) -> dict[str, Any] | None:
    user = _USER_LINK_RE.match(url.strip())
    if user is not None:
        user_dict = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
        return _entity("text_mention", offset, length, user=user_dict)
    checked = _checked_link(url)
    if not checked:
        return None
    return _entity("text_link", offset, length, url=checked)


# --------------------------------------------------------------------------------------- HTML


def _decode_html_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Port of tdlib's decode_html_entity: returns (code point, new position), 0 if none."""
    end = pos + 1
    res = 0
    if _at(data, pos + 1) == 0x23:  # '#'
        end += 1
        if _at(data, pos + 2) == 0x78:  # 'x'
            end += 1
            while _is_hex_digit(_at(data, end)):
                res = res * 16 + int(chr(data[end]), 16)
                end += 1
        else:
            while _is_digit(_at(data, end)):
                res = res * 10 + data[end] - 0x30
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(_at(data, end)):
            end += 1
        code = _HTML_ENTITY_NAMES.get(bytes(data[pos + 1 : end]))
        if code is None:
            return 0, pos
        res = code
    if _at(data, end) == 0x3B:  # ';'
        end += 1
    return res, end


def _append_code_point(out: bytearray, code: int) -> None:
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError("surrogate")
    out += chr(code).encode("utf-8")


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML. Raises ``ApiError`` with Telegram's wording on malformed input."""

    def fail(reason: str) -> ApiError:
        return bad_request(f"can't parse entities: {reason}")

    if "\0" in source:
        raise fail("Text must not contain null bytes")
    data = source.encode("utf-8", errors="surrogatepass")
    size = len(data)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16_offset = 0
    # (tag name, argument, utf16 offset, byte position in the output)
    nested: list[tuple[str, str, int, int]] = []

    i = 0
    while i < size:
        c = data[i]
        if c == 0x26:  # '&'
            code, new_pos = _decode_html_entity(data, i)
            if code != 0:
                try:
                    _append_code_point(out, code)
                except ValueError:
                    raise fail(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    ) from None
                utf16_offset += 2 if code > 0xFFFF else 1
                i = new_pos
                continue
        if c != 0x3C:  # '<'
            if _is_first_code_unit(c):
                utf16_offset += _utf16_units_of_lead(c)
            out.append(c)
            i += 1
            continue

        begin_pos = i
        i += 1
        if _at(data, i) != 0x2F:  # not '/': a start tag
            while not _is_space(_at(data, i)) and _at(data, i) != 0x3E:
                i += 1
            if _at(data, i) == 0:
                raise fail(f"Unclosed start tag at byte offset {begin_pos}")
            tag_name = _bytes_text(data[begin_pos + 1 : i].lower())
            if tag_name not in _HTML_TAGS:
                raise fail(f'Unsupported start tag "{tag_name}" at byte offset {begin_pos}')

            argument = ""
            while _at(data, i) != 0x3E:
                while _at(data, i) != 0 and _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) == 0x3E:
                    break
                attribute_begin = i
                while not _is_space(_at(data, i)) and _at(data, i) not in (
                    0x3D,
                    0x3E,
                    0x2F,
                    0x22,
                    0x27,
                ):
                    i += 1
                attribute_name = bytes(data[attribute_begin:i])
                if not attribute_name:
                    raise fail(
                        f'Empty attribute name in the tag "{tag_name}" at byte offset {begin_pos}'
                    )
                while _at(data, i) != 0 and _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) != 0x3D:  # attribute without a value
                    if _at(data, i) == 0:
                        raise fail(f'Unclosed start tag "{tag_name}" at byte offset {begin_pos}')
                    if tag_name == "blockquote" and attribute_name == b"expandable":
                        argument = "1"
                    continue
                i += 1
                while _at(data, i) != 0 and _is_space(_at(data, i)):
                    i += 1
                if _at(data, i) == 0:
                    raise fail(f'Unclosed start tag "{tag_name}" at byte offset {begin_pos}')

                value = bytearray()
                if _at(data, i) not in (0x27, 0x22):
                    token_begin = i
                    while _is_alnum(_at(data, i)) or _at(data, i) in (0x2E, 0x2D):
                        i += 1
                    value += data[token_begin:i].lower()
                    if not _is_space(_at(data, i)) and _at(data, i) != 0x3E:
                        raise fail(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    end_character = data[i]
                    i += 1
                    while _at(data, i) != end_character and _at(data, i) != 0:
                        if data[i] == 0x26:
                            code, new_pos = _decode_html_entity(data, i)
                            if code != 0:
                                try:
                                    _append_code_point(value, code)
                                except ValueError:
                                    value += b"?"
                                i = new_pos
                                continue
                        value.append(data[i])
                        i += 1
                    if _at(data, i) == end_character:
                        i += 1
                if _at(data, i) == 0:
                    raise fail(f"Unclosed start tag at byte offset {begin_pos}")

                attribute_value = _bytes_text(value)
                if tag_name == "a" and attribute_name == b"href":
                    argument = attribute_value
                elif (
                    tag_name == "code"
                    and attribute_name == b"class"
                    and attribute_value.startswith("language-")
                ):
                    argument = attribute_value[9:]
                elif (
                    tag_name == "span"
                    and attribute_name == b"class"
                    and attribute_value.startswith("tg-")
                ):
                    argument = attribute_value[3:]
                elif (tag_name == "tg-emoji" and attribute_name == b"emoji-id") or (
                    tag_name == "blockquote" and attribute_name == b"expandable"
                ):
                    argument = attribute_value if tag_name == "tg-emoji" else "1"

            if tag_name == "span" and argument != "spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin_pos}')
            nested.append((tag_name, argument, utf16_offset, len(out)))
            i += 1  # skip '>'
            continue

        # an end tag
        if not nested:
            raise fail(f"Unexpected end tag at byte offset {begin_pos}")
        while not _is_space(_at(data, i)) and _at(data, i) != 0x3E:
            i += 1
        end_tag_name = _bytes_text(data[begin_pos + 2 : i].lower())
        while _is_space(_at(data, i)) and _at(data, i) != 0:
            i += 1
        if _at(data, i) != 0x3E:
            raise fail(f"Unclosed end tag at byte offset {begin_pos}")
        tag_name, argument, entity_offset, entity_begin = nested[-1]
        if end_tag_name and end_tag_name != tag_name:
            raise fail(
                f'Unmatched end tag at byte offset {begin_pos}, expected "</{tag_name}>", '
                f'found "</{end_tag_name}>"'
            )
        if utf16_offset > entity_offset:
            length = utf16_offset - entity_offset
            entity = _html_entity(
                tag_name, argument, entity_offset, length, entities, out, entity_begin
            )
            if entity is not None:
                entities.append(entity)
        nested.pop()
        i += 1  # skip '>'

    if nested:
        raise fail(f'Can\'t find end tag corresponding to start tag "{nested[-1][0]}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    try:
        text = bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise fail("Strings must be encoded in UTF-8") from None
    return FormattedText(text, sort_entities(entities))


def _html_entity(
    tag_name: str,
    argument: str,
    offset: int,
    length: int,
    entities: list[dict[str, Any]],
    out: bytearray,
    entity_begin: int,
) -> dict[str, Any] | None:
    """The entity produced by closing ``tag_name``; may merge pre+code into ``entities``."""
    simple = {
        "i": "italic",
        "em": "italic",
        "b": "bold",
        "strong": "bold",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "u": "underline",
        "ins": "underline",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if tag_name in simple:
        return _entity(simple[tag_name], offset, length)
    if tag_name == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise bad_request("can't parse entities: Invalid custom emoji identifier specified")
        return _entity("custom_emoji", offset, length, custom_emoji_id=argument)
    if tag_name == "tg-time":
        return None
    if tag_name == "a":
        url = argument or _bytes_text(out[entity_begin:])
        return _link_entity(url, offset, length)
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag_name == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return None
        return _entity("pre", offset, length)
    if tag_name == "code":
        if last is not None and same_span and last["type"] == "pre" and argument:
            last["language"] = argument
            return None
        return _entity("code", offset, length, language=argument or None)
    if tag_name == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        return _entity(kind, offset, length)
    raise AssertionError(f"unreachable tag {tag_name}")  # pragma: no cover


# --------------------------------------------------------------------------------- MarkdownV2


def _md_reserved_error(c: int) -> ApiError:
    return bad_request(
        f"can't parse entities: Character '{chr(c)}' is reserved and must be escaped with "
        "the preceding '\\'"
    )


def parse_markdown_v2(source: str) -> FormattedText:
    """Parse Telegram MarkdownV2 like tdlib's parse_markdown_v2."""

    def fail(reason: str) -> ApiError:
        return bad_request(f"can't parse entities: {reason}")

    data = source.encode("utf-8", errors="surrogatepass")
    size = len(data)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16_offset = 0
    # [type, argument, utf16 offset, byte offset in the source, byte position in the output]
    nested: list[tuple[str, str, int, int, int]] = []
    have_blockquote = False
    can_start_blockquote = True

    i = 0
    while i < size:
        c = data[i]
        nxt = _at(data, i + 1)
        if c == 0x5C and 0 < nxt <= 126:  # '\\' escapes any ASCII character
            i += 1
            utf16_offset += 1
            out.append(data[i])
            if data[i] != 0x0D:
                can_start_blockquote = data[i] == 0x0A
            i += 1
            continue

        reserved = b"_*[]()~`>#+-=|{}.!\n"
        if nested and nested[-1][0] in ("code", "pre", "pre_code"):
            reserved = b"`"
        if c not in reserved:
            if _is_first_code_unit(c):
                utf16_offset += _utf16_units_of_lead(c)
                if c != 0x0D:
                    can_start_blockquote = False
            out.append(c)
            i += 1
            continue

        is_end = False
        if nested:
            top = nested[-1][0]
            if have_blockquote and c == 0x0A and (i + 1 == size or nxt != 0x3E):
                is_end = True
            elif top == "bold":
                is_end = c == 0x2A
            elif top == "italic":
                is_end = c == 0x5F and nxt != 0x5F
            elif top == "code":
                is_end = c == 0x60
            elif top in ("pre", "pre_code"):
                is_end = c == 0x60 and nxt == 0x60 and _at(data, i + 2) == 0x60
            elif top in ("text_link", "custom_emoji"):
                is_end = c == 0x5D
            elif top == "underline":
                is_end = c == 0x5F and nxt == 0x5F
            elif top == "strikethrough":
                is_end = c == 0x7E
            elif top == "spoiler":
                is_end = c == 0x7C and nxt == 0x7C

        if not is_end:
            kind = ""
            argument = ""
            entity_byte_offset = i
            if c == 0x5F:
                if nxt == 0x5F:
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == 0x2A:
                kind = "bold"
            elif c == 0x7E:
                kind = "strikethrough"
            elif c == 0x7C:
                if nxt != 0x7C:
                    raise _md_reserved_error(c)
                i += 1
                kind = "spoiler"
            elif c == 0x5B:
                kind = "text_link"
            elif c == 0x60:
                if nxt == 0x60 and _at(data, i + 2) == 0x60:
                    i += 3
                    kind = "pre"
                    language_end = i
                    while (
                        not _is_space(_at(data, language_end)) and _at(data, language_end) != 0x60
                    ):
                        language_end += 1
                    if i != language_end and language_end < size and data[language_end] != 0x60:
                        kind = "pre_code"
                        argument = _bytes_text(data[i:language_end])
                        i = language_end
                    if _at(data, i) in (0x0A, 0x0D):
                        if _at(data, i + 1) in (0x0A, 0x0D) and _at(data, i) != _at(data, i + 1):
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    kind = "code"
            elif c == 0x21:
                if nxt != 0x5B:
                    raise _md_reserved_error(c)
                i += 1
                kind = "custom_emoji"
            elif c == 0x0A:
                utf16_offset += 1
                out.append(0x0A)
                can_start_blockquote = True
                i += 1
                continue
            elif c == 0x3E:
                if not can_start_blockquote:
                    raise _md_reserved_error(c)
                if have_blockquote:
                    i += 1
                    continue
                kind = "blockquote"
                have_blockquote = True
            else:
                raise _md_reserved_error(c)
            nested.append((kind, argument, utf16_offset, entity_byte_offset, len(out)))
            i += 1
            continue

        # the end of an entity
        kind = nested[-1][0]
        if c == 0x0A and kind != "blockquote":
            spoiler_ok = kind == "spoiler" and (
                nested[-1][3] == i - 2
                or (nested[-1][3] == i - 3 and len(out) != 0 and out[-1] == 0x0D)
            )
            if not spoiler_ok:
                raise fail(
                    f"Can't find end of {_TD_TYPE_NAME[kind]} entity at byte offset {nested[-1][3]}"
                )
            nested.pop()
            kind = nested[-1][0]
            if kind != "blockquote":
                raise fail(
                    f"Can't find end of {_TD_TYPE_NAME[kind]} entity at byte offset {nested[-1][3]}"
                )
            kind = "expandable_blockquote"
        _, argument, entity_offset, _, entity_begin = nested[-1]
        skip_entity = utf16_offset == entity_offset
        result_entity: dict[str, Any] | None = None
        length = utf16_offset - entity_offset
        if kind in ("bold", "italic", "code", "strikethrough"):
            result_entity = _entity(kind, entity_offset, length)
        elif kind in ("underline", "spoiler"):
            i += 1
            result_entity = _entity(kind, entity_offset, length)
        elif kind in ("pre", "pre_code"):
            i += 2
            result_entity = _entity("pre", entity_offset, length, language=argument or None)
        elif kind == "text_link":
            if _at(data, i + 1) != 0x28:  # '('
                url = _bytes_text(out[entity_begin:])
            else:
                i += 2
                url_begin = i
                url_bytes = bytearray()
                while i < size and data[i] != 0x29:
                    if data[i] == 0x5C and 0 < _at(data, i + 1) <= 126:
                        url_bytes.append(data[i + 1])
                        i += 2
                        continue
                    url_bytes.append(data[i])
                    i += 1
                if _at(data, i) != 0x29:
                    raise fail(f"Can't find end of a URL at byte offset {url_begin}")
                url = _bytes_text(url_bytes)
            result_entity = _link_entity(url, entity_offset, length)
        elif kind == "custom_emoji":
            if _at(data, i + 1) != 0x28:
                raise fail("The entity must contain a tg://emoji or tg://time URL")
            i += 2
            url_begin = i
            url_bytes = bytearray()
            while i < size and data[i] != 0x29:
                if data[i] == 0x5C and 0 < _at(data, i + 1) <= 126:
                    url_bytes.append(data[i + 1])
                    i += 2
                    continue
                url_bytes.append(data[i])
                i += 1
            if _at(data, i) != 0x29:
                raise fail(f"Can't find end of a URL at byte offset {url_begin}")
            match = re.fullmatch(r"tg://emoji\?id=(\d+)", _bytes_text(url_bytes))
            if match is None:
                raise fail("Invalid tg://emoji or tg://time URL specified")
            result_entity = _entity(
                "custom_emoji", entity_offset, length, custom_emoji_id=match.group(1)
            )
        else:  # blockquote / expandable_blockquote ended by a newline
            have_blockquote = False
            out.append(data[i])
            can_start_blockquote = True
            utf16_offset += 1
            skip_entity = False
            result_entity = _entity(kind, entity_offset, utf16_offset - entity_offset)
        if not skip_entity and result_entity is not None:
            entities.append(result_entity)
        nested.pop()
        i += 1

    if have_blockquote and nested:
        kind = "blockquote"
        if nested[-1][0] == "spoiler" and nested[-1][3] == size - 2:
            nested.pop()
            kind = "expandable_blockquote"
        if nested and nested[-1][0] == "blockquote":
            length = utf16_offset - nested[-1][2]
            if length != 0:
                entities.append(_entity(kind, nested[-1][2], length))
            nested.pop()
    if nested:
        raise fail(
            f"Can't find end of {_TD_TYPE_NAME[nested[-1][0]]} entity at byte offset "
            f"{nested[-1][3]}"
        )
    return FormattedText(_bytes_text(out), sort_entities(entities))


def parse_markdown(source: str) -> FormattedText:
    """Parse legacy Telegram Markdown like tdlib's parse_markdown."""
    data = source.encode("utf-8", errors="surrogatepass")
    size = len(data)
    out = bytearray()
    entities: list[dict[str, Any]] = []
    utf16_offset = 0
    i = 0
    while i < size:
        c = data[i]
        if c == 0x5C and _at(data, i + 1) in (0x5F, 0x2A, 0x60, 0x5B):
            out.append(data[i + 1])
            utf16_offset += 1
            i += 2
            continue
        if c not in (0x5F, 0x2A, 0x60, 0x5B):
            if _is_first_code_unit(c):
                utf16_offset += _utf16_units_of_lead(c)
            out.append(c)
            i += 1
            continue
        begin_pos = i
        end_character = 0x5D if c == 0x5B else c
        is_pre = False
        language = ""
        i += 1
        if c == 0x60 and _at(data, i) == 0x60 and _at(data, i + 1) == 0x60:
            i += 2
            is_pre = True
            language_end = i
            while not _is_space(_at(data, language_end)) and _at(data, language_end) != 0x60:
                language_end += 1
            if i != language_end and language_end < size and data[language_end] != 0x60:
                language = _bytes_text(data[i:language_end])
                i = language_end
            if _at(data, i) in (0x0A, 0x0D):
                if _at(data, i + 1) in (0x0A, 0x0D) and _at(data, i) != _at(data, i + 1):
                    i += 2
                else:
                    i += 1
        entity_offset = utf16_offset
        while i < size and (
            data[i] != end_character
            or (is_pre and not (_at(data, i + 1) == 0x60 and _at(data, i + 2) == 0x60))
        ):
            if _is_first_code_unit(data[i]):
                utf16_offset += _utf16_units_of_lead(data[i])
            out.append(data[i])
            i += 1
        if i == size:
            raise bad_request(
                "can't parse entities: Can't find end of the entity starting at byte offset "
                f"{begin_pos}"
            )
        if entity_offset != utf16_offset:
            length = utf16_offset - entity_offset
            if c == 0x5F:
                entities.append(_entity("italic", entity_offset, length))
            elif c == 0x2A:
                entities.append(_entity("bold", entity_offset, length))
            elif c == 0x5B:
                if _at(data, i + 1) != 0x28:
                    url = _bytes_text(data[begin_pos + 1 : i])
                else:
                    i += 2
                    url_start = i
                    while i < size and data[i] != 0x29:
                        i += 1
                    url = _bytes_text(data[url_start:i])
                link = _link_entity(url, entity_offset, length)
                if link is not None:
                    entities.append(link)
            elif is_pre:
                entities.append(_entity("pre", entity_offset, length, language=language or None))
            else:
                entities.append(_entity("code", entity_offset, length))
        if is_pre:
            i += 2
        i += 1
    return FormattedText(_bytes_text(out), sort_entities(entities))


# ------------------------------------------------------------------------- final text fix-up


def _validate_explicit_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    entities: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request('can\'t parse MessageEntity: Field "offset" must be of type Number')
        if offset < 0 or offset > 1_000_000:
            raise bad_request(f"Receive an entity with incorrect offset {offset}")
        if length < 0 or length > 1_000_000:
            raise bad_request(f"Receive an entity with incorrect length {length}")
        if offset + length > total:
            raise bad_request(
                f"entity beginning at UTF-16 offset {offset} ends after the end of the text at "
                f"UTF-16 offset {offset + length}"
            )
        if length > 0:
            entities.append(dict(item))
    return sort_entities(entities)


def _clean_and_trim(
    text: str, entities: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]] | None:
    """tdlib's fix_formatted_text; returns None when the text is empty after trimming."""
    chars: list[str] = []
    position_map: list[int] = []  # old UTF-16 offset -> new UTF-16 offset
    new_offset = 0
    for ch in text:
        code = ord(ch)
        width = 2 if code > 0xFFFF else 1
        position_map.extend([new_offset] * width)
        if code == 0x0D or 0x2028 <= code <= 0x202E:
            continue  # tdlib drops '\r' and the Unicode line/paragraph/bidi controls
        if code < 0x20 and code != 0x0A:
            ch = " "
        chars.append(ch)
        new_offset += width
    position_map.append(new_offset)

    remapped: list[dict[str, Any]] = []
    for entity in entities:
        start = position_map[entity["offset"]]
        end = position_map[entity["offset"] + entity["length"]]
        if end > start:
            remapped.append({**entity, "offset": start, "length": end - start})

    cleaned = "".join(chars)
    stripped_right = cleaned.rstrip(" \n")
    if not stripped_right:
        return None
    limit = utf16_len(stripped_right)
    trimmed: list[dict[str, Any]] = []
    for entity in remapped:
        if entity["offset"] >= limit:
            continue
        if entity["offset"] + entity["length"] > limit:
            entity = {**entity, "length": limit - entity["offset"]}
        trimmed.append(entity)

    first_entity = min((e["offset"] for e in trimmed), default=len(stripped_right))
    lead = 0
    while lead < first_entity and lead < len(stripped_right) and stripped_right[lead] in " \n":
        lead += 1
    result_text = stripped_right[lead:]
    for entity in trimmed:
        entity["offset"] -= lead
    return result_text, sort_entities(trimmed)


def format_text(
    text: str,
    parse_mode: str | None,
    explicit_entities: Any = None,
) -> FormattedText | None:
    """Parse + clean text like the Bot API; None when nothing is left after trimming.

    Raises ``ApiError`` for parse errors and an unsupported parse_mode. An empty result is
    returned as None so that the caller picks the wording ("message text is empty") or accepts
    it (captions may be empty).
    """
    mode = (parse_mode or "").strip().lower()
    if explicit_entities is not None and explicit_entities != []:
        parsed = FormattedText(text, _validate_explicit_entities(text, explicit_entities))
    elif mode == "":
        parsed = FormattedText(text, [])
    elif mode == "html":
        parsed = parse_html(text)
    elif mode == "markdownv2":
        parsed = parse_markdown_v2(text)
    elif mode == "markdown":
        parsed = parse_markdown(text)
    else:
        raise bad_request("unsupported parse_mode")
    fixed = _clean_and_trim(parsed.text, parsed.entities)
    if fixed is None:
        return None
    return FormattedText(fixed[0], fixed[1])
