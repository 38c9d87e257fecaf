"""Sources: chats whose admins let a hashtag be followed from elsewhere, and what they collect.

Nothing leaves a chat unless an admin of that chat shared the hashtag there (`/share #tag`; a
channel's own post counts, only its admins post). From then on each post carrying the hashtag is
collected — its author, the chat, a link to it, its text and links — and its replies and
reactions counted, for the catch-ups of those who follow it (facilitation/following.py).
`/share off #tag` stops that and drops what was collected. Someone who used /forget_me is never
collected again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from facilitation import parsing
from facilitation.errors import NotAllowed, ParseError
from facilitation.languages import N_
from facilitation.model import Chat, Share, SharedPost
from facilitation.ports import UnitOfWork

USAGE = N_("Add the hashtag to share, like /share #devcon26, or /share off #devcon26 to stop.")
ADMINS_ONLY = N_("Only this chat's admins can share its posts with other chats.")


@dataclass(frozen=True)
class Shared:
    """What /share or /share off changed, and what the chat shares now."""

    changed: list[str]
    unchanged: list[str]
    shares: list[Share]


async def _change(
    uow: UnitOfWork,
    chat_id: int,
    admin: bool,
    tags: list[str],
    change: Callable[[str], Awaitable[bool]],
) -> Shared:
    """/share and /share off alike: refused to non-admins, each hashtag changed once (True when
    it changed), and what the chat shares afterwards."""
    if not tags:
        raise ParseError(USAGE)
    if not admin:
        raise NotAllowed(ADMINS_ONLY)
    async with uow:
        changed: list[str] = []
        unchanged: list[str] = []
        for tag in dict.fromkeys(tags):
            (changed if await change(tag) else unchanged).append(tag)
        shares = await uow.shares.of_chat(chat_id)
        await uow.commit()
    return Shared(changed, unchanged, shares)


async def share(
    uow: UnitOfWork, chat: Chat, by: int | None, admin: bool, tags: list[str], now: datetime
) -> Shared:
    """`by`: the admin (None for a channel's post); `admin`: whether Telegram says they are one."""
    return await _change(uow, chat.id, admin, tags, lambda tag: uow.shares.add(Share(chat, tag, by, now)))


async def unshare(uow: UnitOfWork, chat_id: int, admin: bool, tags: list[str]) -> Shared:
    return await _change(uow, chat_id, admin, tags, lambda tag: uow.shares.remove(chat_id, tag))


async def listed(uow: UnitOfWork, chat_id: int) -> list[Share]:
    async with uow:
        return await uow.shares.of_chat(chat_id)


async def collect(
    uow: UnitOfWork, post: SharedPost, tags: list[str], reply_to: int | None, now: datetime
) -> bool:
    """Inside the post's unit of work (facilitation.posts.receive, or a channel's post): the
    post (its `hashtag` left empty) is kept once per hashtag its chat shares, and counted as a
    reply to the post it replies to. Asks nothing of the database for a chat that shares
    nothing (an inbox batch read that once for all its messages). True when it wrote anything."""
    if not tags and reply_to is None:
        return False
    shared = await uow.shares.shared_tags(post.chat_id)
    if not shared:
        return False
    if reply_to is not None:
        await uow.shares.replied(post.chat_id, reply_to)
    kept = [tag for tag in dict.fromkeys(tags) if tag in shared]
    if kept and not await uow.shares.unrelayed(post.author_id):
        for tag in kept:
            await uow.shares.collect(post._replace(hashtag=tag), now)
    return True


async def edited(uow: UnitOfWork, post: SharedPost, tags: list[str]) -> None:
    """Inside an edit's unit of work: a collected post is kept as its author now wrote it, and
    no longer under a hashtag the edit took out (an edit adding one collects nothing new)."""
    shared = await uow.shares.shared_tags(post.chat_id)
    if shared:
        await uow.shares.retext(post, shared - set(tags))


async def edited_alone(uow: UnitOfWork, post: SharedPost, tags: list[str]) -> None:
    """A channel's edited post: `edited` in a unit of work of its own."""
    async with uow:
        await edited(uow, post, tags)
        await uow.commit()


async def collect_alone(
    uow: UnitOfWork, post: SharedPost, tags: list[str], reply_to: int | None, now: datetime
) -> None:
    """A post no other service looks at (a channel's): collected in a unit of work of its own."""
    async with uow:
        await collect(uow, post, tags, reply_to, now)
        await uow.commit()


async def reacted(uow: UnitOfWork, chat_id: int, message_id: int, change: int) -> None:
    """Someone's reactions to a message changed by `change` (a collected post's count follows)."""
    if change == 0:
        return
    async with uow:
        if await uow.shares.shared_tags(chat_id):
            await uow.shares.reacted(chat_id, message_id, change)
            await uow.commit()


async def reactions_now(uow: UnitOfWork, chat_id: int, message_id: int, total: int) -> None:
    """A channel's anonymous reactions: Telegram says the total."""
    async with uow:
        if await uow.shares.shared_tags(chat_id):
            await uow.shares.reactions_now(chat_id, message_id, total)
            await uow.commit()


def hashtag(word: str) -> str | None:
    """A word as a hashtag to share or follow (lower case, without '#'), if it is one."""
    found = parsing.hashtags(word)
    return found[0] if found else None
