"""Telegram's length limits, applied to our HTML without breaking its markup.

Telegram refuses a message over 4096 characters (a caption over 1024) for good: retrying never
helps. The limits count the text shown, in UTF-16 units; counting the HTML instead is stricter,
so whatever fits here fits there. A cut never splits a tag or an entity, closes the tags left
open, and ends with "…".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

MESSAGE = 4096
CAPTION = 1024
TOAST = 200  # a button's answer (answerCallbackQuery), plain text
ELLIPSIS = "…"
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?([\w-]+)")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(html: str, limit: int = MESSAGE) -> str:
    if _units(html) <= limit:
        return html
    kept: list[str] = []
    open_tags: list[str] = []
    used = 0
    for token in _TOKEN.findall(html):
        closing = "".join(f"</{t}>" for t in reversed(open_tags))
        room = limit - used - _units(closing) - len(ELLIPSIS)
        is_tag = token.startswith("<") and len(token) > 1
        if not is_tag and not token.startswith("&"):
            whole = token
            token = _prefix(token, room)
            if token != whole:  # the text runs out of room here
                kept.append(token)
                break
        elif is_tag and not token.startswith("</"):
            name = _TAG_NAME.match(token)
            room -= len(f"</{name.group(1)}>") if name else 0  # it will need closing too
        if _units(token) > room or not token:
            break
        kept.append(token)
        used += _units(token)
        name = _TAG_NAME.match(token) if is_tag else None
        if name and token.startswith("</"):
            if open_tags and open_tags[-1] == name.group(1):
                open_tags.pop()
        elif name:
            open_tags.append(name.group(1))
    body = "".join(kept).rstrip()
    return body + ELLIPSIS + "".join(f"</{t}>" for t in reversed(open_tags))


def _prefix(text: str, room: int) -> str:
    """As much of the text as fits in `room` UTF-16 units, whole characters only."""
    if _units(text) <= room:
        return text
    cut, used = 0, 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > room:
            break
        used += size
        cut += 1
    return text[:cut]


def toast(text: str) -> str:
    """A button's answer: plain text, so a plain cut will do."""
    return text if _units(text) <= TOAST else _prefix(text, TOAST - 1).rstrip() + ELLIPSIS


def shortened(render: Callable[[int], str], limits: Iterable[int]) -> str:
    """A message with lists: rendered with each list limit in turn (longest first) until its HTML
    fits; else the shortest, cut after the last whole line that fits (each line closes its own
    tags) and ended with "…"."""
    text = ""
    for limit in limits:
        text = render(limit)
        if len(text) <= MESSAGE:
            return text
    head = text[: MESSAGE - 2]
    return head[: head.rfind("\n")] + "\n…"
