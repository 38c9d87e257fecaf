"""Links to messages and deep links to the bot."""

from __future__ import annotations

import re

from facilitation.model import MessageRef


def message_link(ref: MessageRef) -> str | None:
    """t.me/c links work for supergroups (ids -100…); basic groups have no message links."""
    digits = str(ref.chat_id)
    if not digits.startswith("-100"):
        return None
    internal = digits.removeprefix("-100")
    if ref.thread_id:
        return f"https://t.me/c/{internal}/{ref.thread_id}/{ref.message_id}"
    return f"https://t.me/c/{internal}/{ref.message_id}"


_MESSAGE_LINK = re.compile(r"(?:https?://)?t\.me/c/([0-9]{1,15})/(?:([0-9]{1,12})/)?([0-9]{1,12})/?")


def linked_message(text: str) -> MessageRef | None:
    """The message a t.me/c link (as message_link writes them) points to, if the text holds one."""
    found = _MESSAGE_LINK.search(text)
    if found is None:
        return None
    thread = int(found.group(2)) if found.group(2) else None
    return MessageRef(int(f"-100{found.group(1)}"), int(found.group(3)), thread)


def deep_link(bot_username: str, payload: str = "") -> str:
    return f"https://t.me/{bot_username}?start={payload}" if payload else f"https://t.me/{bot_username}"


def post_link(chat_id: int, message_id: int, thread_id: int | None, username: str | None) -> str | None:
    """A message anyone who can read the chat can open: by the chat's username when it is
    public, else t.me/c (members only); None for a basic group's."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    return message_link(MessageRef(chat_id, message_id, thread_id))
