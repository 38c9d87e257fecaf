"""Telegram-shaped update JSON, built the way the Bot API sends it."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from facilitation.ports import Clock

JSON = dict[str, Any]
ANONYMOUS_ADMIN_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


def user(
    user_id: int,
    first_name: str,
    username: str | None = None,
    last_name: str | None = None,
    is_bot: bool = False,
) -> JSON:
    data: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        data["username"] = username
    if last_name:
        data["last_name"] = last_name
    return data


def group(chat_id: int, title: str, *, forum: bool = False, kind: str = "supergroup") -> JSON:
    data: JSON = {"id": chat_id, "type": kind, "title": title}
    if forum:
        data["is_forum"] = True
    return data


def message_link(chat: JSON, update: JSON) -> str:
    """The t.me link to the update's message in a supergroup, as Flock writes it."""
    return f"https://t.me/c/{str(chat['id']).removeprefix('-100')}/{update['message']['message_id']}"


def private(person: JSON) -> JSON:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


class Telegram:
    """Numbers updates and messages, dates them by the test clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._updates: Iterator[int] = itertools.count(1000)
        self._messages: defaultdict[int, Iterator[int]] = defaultdict(lambda: itertools.count(100))

    def skip_ahead(self, updates: int, messages: int) -> None:
        """Number on from here: for a copy of a database that holds the earlier numbers."""
        self._updates = itertools.count(updates)
        self._messages = defaultdict(lambda: itertools.count(messages))

    def number_from(self, chat: JSON, first: int) -> None:
        """The chat's next message is numbered `first` (a supergroup made from a group starts at 1)."""
        self._messages[chat["id"]] = itertools.count(first)

    def _date(self) -> int:
        return int(self.clock.now().timestamp())

    def update(self, kind: str, payload: JSON) -> JSON:
        return {"update_id": next(self._updates), kind: payload}

    def message(
        self,
        chat: JSON,
        sender: JSON | None,
        text: str | None = None,
        *,
        reply_to: JSON | None = None,
        topic: int | None = None,
        caption: str | None = None,
        sender_chat: JSON | None = None,
        **extra: Any,
    ) -> JSON:
        message: JSON = {
            "message_id": next(self._messages[chat["id"]]),
            "date": self._date(),
            "chat": chat,
            **extra,
        }
        if sender is not None:
            message["from"] = sender
        if sender_chat is not None:
            message["sender_chat"] = sender_chat
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if caption is not None:
            message["caption"] = caption
            message["photo"] = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
            reply_to = reply_to or self.topic_root(chat, topic)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def topic_root(self, chat: JSON, topic: int) -> JSON:
        return {
            "message_id": topic,
            "date": self._date(),
            "chat": chat,
            "forum_topic_created": {"name": "Topic", "icon_color": 7322096},
            "message_thread_id": topic,
            "is_topic_message": True,
        }

    def post(self, chat: JSON, sender: JSON | None, text: str | None = None, **kw: Any) -> JSON:
        return self.update("message", self.message(chat, sender, text, **kw))

    def edit(self, original: JSON, text: str) -> JSON:
        message = dict(original["message"])
        message["text"] = text
        message["edit_date"] = self._date()
        return self.update("edited_message", message)

    def sticker(self, chat: JSON, sender: JSON) -> JSON:
        return self.post(
            chat,
            sender,
            sticker={
                "file_id": "CAAC",
                "file_unique_id": "AgAD",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        )

    def joined(self, chat: JSON, *people: JSON) -> JSON:
        return self.post(chat, people[0], new_chat_members=list(people))

    def migrated(self, chat: JSON, new_id: int) -> JSON:
        return self.post(chat, None, migrate_to_chat_id=new_id, sender_chat=chat)

    def member_change(
        self,
        chat: JSON,
        person: JSON,
        old: str,
        new: str,
        *,
        mine: bool = False,
        by: JSON | None = None,
    ) -> JSON:
        change: JSON = {
            "chat": chat,
            "from": by or person,
            "date": self._date(),
            "old_chat_member": {"status": old, "user": person},
            "new_chat_member": {"status": new, "user": person},
        }
        for side, status in (("old_chat_member", old), ("new_chat_member", new)):
            if status == "kicked":
                change[side]["until_date"] = 0
        return self.update("my_chat_member" if mine else "chat_member", change)

    def press(self, person: JSON, message: JSON, data: str) -> JSON:
        """A button pressed under a message the bot sent (the Message JSON it answered with)."""
        return self.update(
            "callback_query",
            {
                "id": str(next(self._updates)),
                "from": person,
                "chat_instance": "ci",
                "data": data,
                "message": message,
            },
        )
