"""What Telegram's HTML parse mode accepts, checked the way its parser would refuse a message."""

from __future__ import annotations

from html.parser import HTMLParser

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# Telegram's tags and the attributes each may carry (core.telegram.org/bots/api#html-style).
ALLOWED: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "span": {"class"},
    "tg-spoiler": set(),
    "a": {"href"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class Rejected(AssertionError):
    """Telegram would answer 400 "can't parse entities" (or "message is too long")."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            raise Rejected(f"tag <{tag}> is not one Telegram allows")
        extra = {name for name, _ in attrs} - ALLOWED[tag]
        if extra:
            raise Rejected(f"<{tag}> may not carry {sorted(extra)}")
        self.open.append(tag)
        self.tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise Rejected(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise Rejected(f"</{tag}> closes nothing open (open: {self.open})")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if any(c in data for c in "<>&"):
            raise Rejected(f"unescaped <, > or & in {data[:60]!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise Rejected(f"&{name}; is not an entity Telegram knows")
        self.text.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.text.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))

    def handle_comment(self, data: str) -> None:
        raise Rejected("HTML comment")

    def handle_decl(self, decl: str) -> None:
        raise Rejected("declaration")

    def handle_pi(self, data: str) -> None:
        raise Rejected("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise Rejected("unknown declaration")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(html: str, limit: int = MESSAGE_LIMIT) -> str:
    """The text a reader sees; raises Rejected where Telegram would refuse the message."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    if reader.rawdata:  # HTMLParser keeps what it could not read, e.g. a lone "&" or "<"
        raise Rejected(f"unreadable markup at {reader.rawdata[:60]!r}")
    if reader.open:
        raise Rejected(f"tags left open: {reader.open}")
    shown = "".join(reader.text)
    if not shown.strip():
        raise Rejected("message is empty")
    if utf16_length(shown) > limit:
        raise Rejected(f"{utf16_length(shown)} characters, more than {limit}")
    return shown


def tags_used(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.tags
