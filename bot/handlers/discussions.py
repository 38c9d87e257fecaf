"""/discussion, /discussions, /discussion_prompts, /discussion_move, /discussion_cancel,
/discussion_transcript, and the reactions people give answers."""

from __future__ import annotations

import re

from telegram import InputFile, ReactionType, ReactionTypeCustomEmoji, ReactionTypeEmoji, Update
from telegram.constants import ReactionEmoji
from telegram.ext import BaseHandler, MessageReactionHandler

from bot import convert, render_discussions
from bot.context import FlockContext
from bot.handlers.common import Refusal, argument_text, command, in_group, reply, require_sender, said, tags
from bot.i18n import _
from bot.texts import escape
from facilitation import discussion_reactions, discussion_recap, discussions, parsing
from facilitation.errors import ParseError

_HASHTAG = re.compile(r"(?<![\w#/])#\w+")
_ALL = frozenset({"all", "tout", "toutes", "tous"})


async def schedule(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    request = discussions.split(argument_text(message))
    first_line = _HASHTAG.sub("", request.first_line).strip()
    if not first_line:
        raise Refusal(escape(_(discussions.USAGE)))
    try:
        done = await discussions.schedule(
            context.uow(),
            convert.ref(message) if in_group(message) else None,
            person,
            tags(request.first_line),
            discussions.Request(first_line, request.prompts),
            context.now(),
        )
    except ParseError as error:  # what is wrong, then the forms it takes
        raise Refusal(escape(said(error)) + "\n\n" + escape(_(discussions.USAGE))) from None
    await reply(update, render_discussions.scheduled(done.round, done.no_reactions))


async def listing(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    found = await discussions.listed(
        context.uow(), message.chat_id if in_group(message) else None, person.id, tags(argument_text(message))
    )
    await reply(update, render_discussions.listing(found))


def _discussion_id(update: Update, usage: str, name: str) -> tuple[int, str]:
    """The number after the command, and the rest (other words of the first line, then lines)."""
    message = update.effective_message
    assert message is not None
    first, newline, lines = argument_text(message).partition("\n")
    words = first.split(maxsplit=1)
    discussion_id = parsing.number(words[0]) if words else None
    if discussion_id is None:
        raise Refusal(_(usage, command=name))
    rest = words[1] if len(words) > 1 else ""
    return discussion_id, rest + newline + lines


async def prompts(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.PROMPTS_USAGE
    discussion_id, rest = _discussion_id(update, usage, "/discussion_prompts")
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    if not lines:
        raise Refusal(_(usage, command="/discussion_prompts"))
    person = require_sender(update.effective_message)
    round = await discussions.replace_prompts(context.uow(), discussion_id, person, lines, context.now())
    await reply(update, render_discussions.prompts_replaced(round))


async def move(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.MOVE_USAGE
    discussion_id, when = _discussion_id(update, usage, "/discussion_move")
    if not when.strip():
        raise Refusal(_(usage, command="/discussion_move"))
    person = require_sender(update.effective_message)
    round = await discussions.move(context.uow(), discussion_id, person, when.strip(), context.now())
    await reply(update, render_discussions.moved(round))


async def cancel(update: Update, context: FlockContext) -> None:
    assert update.effective_message is not None
    usage = render_discussions.DISCUSSION_ID_USAGE
    discussion_id, rest = _discussion_id(update, usage, "/discussion_cancel")
    everything = rest.strip().lower() in _ALL
    person = require_sender(update.effective_message)
    done = await discussions.cancel(context.uow(), discussion_id, person, everything, context.now())
    await reply(update, render_discussions.cancelled(done.round, done.whole_series, done.next_start))


async def transcript(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    discussion_id, _rest = _discussion_id(
        update, render_discussions.DISCUSSION_ID_USAGE, "/discussion_transcript"
    )
    person = require_sender(message)
    round, text = await discussion_recap.latest_transcript(
        context.uow(), discussion_id, person.id, message.chat_id if in_group(message) else None
    )
    data = {"discussion_id": round.discussion.id, "title": round.discussion.title}
    await message.reply_document(
        InputFile(text.encode("utf-8"), filename=render_discussions.transcript_name(round.discussion.id)),
        caption=render_discussions.transcript_caption(data),
    )


# Flock's own acknowledgement of an answer (bot/outbox_renderers.py): not a like.
_OWN = ReactionEmoji.WRITING_HAND.value


def _emoji(reaction: ReactionType) -> str:
    if isinstance(reaction, ReactionTypeEmoji):
        return str(reaction.emoji)
    if isinstance(reaction, ReactionTypeCustomEmoji):
        return f"custom:{reaction.custom_emoji_id}"
    return str(reaction.type)  # paid


async def reaction(update: Update, context: FlockContext) -> None:
    """A person's reactions to a message, as they now stand (Telegram sends them to admins)."""
    change = update.message_reaction
    if change is None:
        return
    reactor = change.user.id if change.user else change.actor_chat.id if change.actor_chat else None
    if reactor is None or (change.user is not None and change.user.is_bot):
        return  # Flock's own acknowledgement, or another bot's
    emojis = tuple(_emoji(r) for r in change.new_reaction)
    found = discussion_reactions.ReactionChange(change.chat.id, change.message_id, reactor, emojis)
    await discussion_reactions.reacted(context.uow(), found)


async def reaction_count(update: Update, context: FlockContext) -> None:
    """A message's totals where reactions are anonymous; Flock's own ✍ on an answer is one of them."""
    counts = update.message_reaction_count
    if counts is None:
        return
    total = sum(c.total_count - (1 if _emoji(c.type) == _OWN else 0) for c in counts.reactions)
    found = discussion_reactions.ReactionTotals(counts.chat.id, counts.message_id, total)
    await discussion_reactions.counted(context.uow(), found)


HANDLERS: list[BaseHandler[Update, FlockContext, None]] = [
    command("discussion", schedule),
    command("discussions", listing),
    command("discussion_prompts", prompts),
    command("discussion_move", move),
    command("discussion_cancel", cancel),
    command("discussion_transcript", transcript),
    MessageReactionHandler(reaction, message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_UPDATED),
    MessageReactionHandler(
        reaction_count, message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED
    ),
]
