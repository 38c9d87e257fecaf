"""Reactions to a discussion's answers, counted for its recap.

Telegram tells a bot about reactions only in chats where it is an admin: a person's reactions as
they now stand (message_reaction), or, where reactions are anonymous, the message's totals
(message_reaction_count). Only answers count: for any other message nothing is stored (the
batch's snapshot read which reacted messages are answers, so asking costs no statement).
An answer's count is the distinct (person, emoji) reactions it has now: taking one back lowers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitation.ports import UnitOfWork


@dataclass(frozen=True)
class ReactionChange:
    chat_id: int
    message_id: int
    reactor_id: int  # a person, or the chat an anonymous admin reacts as
    emojis: tuple[str, ...]  # their reactions now; empty: all taken back


@dataclass(frozen=True)
class ReactionTotals:
    chat_id: int
    message_id: int
    total: int  # every reaction on the message, Flock's own acknowledgement aside


async def reacted(uow: UnitOfWork, change: ReactionChange) -> bool:
    """True when the message is an answer and its count was kept."""
    async with uow:
        answer = await uow.discussions.answer_at(change.chat_id, change.message_id)
        if answer is None:
            return False
        await uow.discussions.set_reactions(answer, change.reactor_id, tuple(dict.fromkeys(change.emojis)))
        await uow.commit()
    return True


async def counted(uow: UnitOfWork, totals: ReactionTotals) -> bool:
    async with uow:
        answer = await uow.discussions.answer_at(totals.chat_id, totals.message_id)
        if answer is None:
            return False
        await uow.discussions.set_anonymous_reactions(answer, max(0, totals.total))
        await uow.commit()
    return True
