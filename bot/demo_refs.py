"""What Flock has said during a replay, and the cohort file's references to it.

A replayed update may point at a message Flock sent: a reply to the question board, a button
pressed under it, the guest's invite link. Its id, its buttons' data and the invite's token are
only known once Flock has sent it, so the cohort file names the message by its chat and its
words, and the replay fills in the rest (examples/make_cohort.py describes the references).
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

from bot.recording import JSON, Call

SENT = ("sendMessage", "sendPhoto", "sendDocument")


class UnknownReference(Exception):
    """The cohort file points at something Flock has not said (yet)."""


class Said:
    """Flock's messages so far, as the chats show them now (edits applied), oldest first."""

    def __init__(self) -> None:
        self._messages: dict[tuple[int, int], JSON] = {}
        self._markup: dict[tuple[int, int], str] = {}  # their HTML, where the links are

    def record(self, calls: list[Call], at: datetime) -> None:
        for call in calls:
            if call.method in SENT and isinstance(call.result, dict):
                message = {**call.result, "date": int(at.timestamp())}
                for part in ("text", "caption"):  # as a reader gets them: markup stripped
                    if part in call.params:
                        message[part] = plain(str(call.params[part]))
                _set_markup(message, call.params)
                key = (call.chat_id, int(message["message_id"]))
                self._messages[key], self._markup[key] = message, str(call.params.get("text", ""))
            elif call.method == "editMessageText":
                key = (call.chat_id, int(call.params["message_id"]))
                edited = self._messages.pop(key, None)
                if edited is not None:  # the latest words of a chat come last
                    edited = {**edited, "text": plain(call.text)}
                    _set_markup(edited, call.params)
                    self._messages[key], self._markup[key] = edited, call.text

    def latest(self, chat_id: int, containing: str) -> JSON:
        for (chat, _), message in reversed(self._messages.items()):
            if chat == chat_id and containing in str(message.get("text") or message.get("caption", "")):
                return message
        raise UnknownReference(f"Flock has sent nothing containing “{containing}” to chat {chat_id} yet")

    def resolve(self, value: Any) -> Any:
        """The update with every reference replaced by what it stands for."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "$flock_message" in value:
            wanted = value["$flock_message"]
            return self.latest(int(wanted["chat"]), str(wanted["containing"]))
        if "$deep_link" in value:
            wanted = value["$deep_link"]
            return "/start " + self._payload(int(wanted["chat"]), str(wanted["payload"]))
        resolved = {key: self.resolve(item) for key, item in value.items()}
        data = resolved.get("data")
        if isinstance(data, dict) and "$flock_button" in data:
            resolved["data"] = _button(resolved.get("message", {}), str(data["$flock_button"]))
        return resolved

    def _payload(self, chat_id: int, prefix: str) -> str:
        pattern = re.compile(r"\?start=(" + re.escape(prefix) + r"[\w-]*)")
        for chat, message_id in reversed(self._messages):
            if chat == chat_id and (found := pattern.search(self._markup[(chat, message_id)])):
                return found.group(1)
        raise UnknownReference(f"Flock has sent no {prefix}… link to chat {chat_id} yet")


def plain(markup: str) -> str:
    """HTML as a reader sees it."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _set_markup(message: JSON, params: JSON) -> None:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def buttons(message: JSON) -> list[JSON]:
    """The inline buttons under a message, row by row."""
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def _button(message: JSON, label: str) -> str:
    """The data of the button whose label is `label`, or starts with it and a space."""
    for button in buttons(message):
        text = str(button.get("text", ""))
        if text == label or text.startswith(label + " "):
            return str(button["callback_data"])
    raise UnknownReference(f"no button “{label}” under Flock's message “{str(message.get('text'))[:40]}”")
