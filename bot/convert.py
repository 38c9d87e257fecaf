"""Telegram objects to the domain's plain values."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat as TgChat
from telegram import Message, MessageEntity, User
from telegram.constants import ChatType

from facilitation.languages import supported
from facilitation.model import Chat, MessageRef, Person
from facilitation.posts import Post

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


def person(user: User) -> Person:
    return Person(user.id, user.full_name or str(user.id), user.username, supported(user.language_code))


def author(message: Message) -> Person | None:
    """Who wrote it; an anonymous admin or a channel shows as the chat it posts as."""
    if message.sender_chat is not None:
        sender = message.sender_chat
        return Person(sender.id, sender.title or sender.username or "Anonymous", sender.username)
    return person(message.from_user) if message.from_user else None


def chat(tg_chat: TgChat) -> Chat:
    return Chat(
        tg_chat.id,
        tg_chat.title or tg_chat.full_name or str(tg_chat.id),
        tg_chat.type,
        bool(tg_chat.is_forum),
        tg_chat.username,
    )


def text(message: Message) -> str:
    return message.text or message.caption or ""


_LINKS: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]


def links(message: Message) -> tuple[str, ...]:
    """The web links in a message or its caption, in order, each once."""
    if not (message.entities or message.caption_entities):
        return ()
    found = {**message.parse_entities(_LINKS), **message.parse_caption_entities(_LINKS)}
    urls = [entity.url if entity.url else text for entity, text in found.items()]
    return tuple(dict.fromkeys(url for url in urls if url))


def ref(message: Message) -> MessageRef:
    thread = message.message_thread_id if message.is_topic_message else None
    return MessageRef(message.chat_id, message.message_id, thread)


def replied_to(message: Message) -> int | None:
    """The message this one replies to. Inside a forum topic Telegram marks every message as a
    reply to the topic's first service message; that is not a reply to anyone."""
    target = message.reply_to_message
    if target is None or target.forum_topic_created is not None:
        return None
    if message.is_topic_message and target.message_id == message.message_thread_id:
        return None
    return target.message_id


def moment(message: Message) -> datetime:
    when = message.edit_date or message.date
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def post(message: Message) -> Post | None:
    writer = author(message)
    if writer is None:
        return None
    return Post(
        chat(message.chat),
        ref(message),
        writer,
        text(message),
        moment(message),
        replied_to(message),
        links(message),
        media(message),
    )


def media(message: Message) -> tuple[str, str] | None:
    """The photo (its largest size) or document a caption goes with, by Telegram's file id."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.document is not None:
        return "document", message.document.file_id
    return None
