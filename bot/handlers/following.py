"""/share, /shares (groups and channels), /follow, /following, /unfollow; a channel's posts and
everyone's reactions, counted for the posts collected under a shared hashtag."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler, MessageHandler, MessageReactionHandler, filters

from bot import convert, render_following
from bot.context import FlockContext
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    friendly,
    in_group,
    is_chat_admin,
    reply,
    require_sender,
    tags,
)
from bot.i18n import _
from facilitation import following, parsing, sharing


def _is_channel(message: Message) -> bool:
    return message.chat.type == "channel"


async def _admin(context: FlockContext, message: Message) -> tuple[int | None, bool]:
    """Who shares, and whether they are the chat's admin. Only admins post in a channel, and a
    group's anonymous admin posts as the group itself."""
    if _is_channel(message) or (
        message.sender_chat is not None and message.sender_chat.id == message.chat_id
    ):
        return None, True
    person = require_sender(message)
    return person.id, await is_chat_admin(context, message.chat_id, person.id)


async def share(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if not (in_group(message) or _is_channel(message)):
        raise Refusal(_(render_following.SHARE_IN_CHAT))
    words = argument_text(message).split()
    named = tags(" ".join(words))
    by, admin = await _admin(context, message)
    if words and parsing.is_off(words[0]):
        found = await sharing.unshare(context.uow(), message.chat_id, admin, named)
        await reply(update, render_following.unshared(found))
        return
    result = await sharing.share(context.uow(), convert.chat(message.chat), by, admin, named, context.now())
    await reply(update, render_following.shared(result))


async def shares(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if not (in_group(message) or _is_channel(message)):
        raise Refusal(_(render_following.SHARE_IN_CHAT))
    await reply(update, render_following.shares(await sharing.listed(context.uow(), message.chat_id)))


async def follow(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    request = following.read_request(argument_text(message).split())
    group = in_group(message)
    found = await following.follow(
        context.uow(),
        message.chat_id if group else None,
        convert.ref(message).thread_id if group else None,
        person.id,
        request,
        context.now(),
    )
    await reply(update, render_following.followed(found))


async def followed(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    found = await following.listed(context.uow(), message.chat_id)
    await reply(update, render_following.following(found, in_group(message)))


async def unfollow(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    chat_id = message.chat_id if in_group(message) else None
    tag = await following.unfollow(context.uow(), chat_id, person.id, tags(argument_text(message)))
    await reply(update, render_following.unfollowed(tag))


async def channel_post(update: Update, context: FlockContext) -> None:
    message = update.channel_post
    post = convert.post(message) if message is not None else None
    if post is None:
        return
    named = parsing.hashtags(post.text)
    await sharing.collect_alone(context.uow(), post.shared(), named, post.reply_to, context.now())


async def channel_edit(update: Update, context: FlockContext) -> None:
    message = update.edited_channel_post
    post = convert.post(message) if message is not None else None
    if post is not None:
        await sharing.edited_alone(context.uow(), post.shared(), parsing.hashtags(post.text))


async def reaction(update: Update, context: FlockContext) -> None:
    if update.message_reaction is not None:
        change = update.message_reaction
        delta = len(change.new_reaction) - len(change.old_reaction)
        await sharing.reacted(context.uow(), change.chat.id, change.message_id, delta)
    elif update.message_reaction_count is not None:
        counted = update.message_reaction_count
        total = sum(r.total_count for r in counted.reactions)
        await sharing.reactions_now(context.uow(), counted.chat.id, counted.message_id, total)


_CHANNEL = filters.UpdateType.CHANNEL_POST

HANDLERS: list[object] = [
    command("share", share),
    command("shares", shares),
    CommandHandler("share", friendly(share), filters=_CHANNEL),
    CommandHandler("shares", friendly(shares), filters=_CHANNEL),
    command("follow", follow),
    command("following", followed),
    command("unfollow", unfollow),
    MessageHandler(_CHANNEL & ~filters.COMMAND, channel_post),
    MessageHandler(filters.UpdateType.EDITED_CHANNEL_POST, channel_edit),
]
# In a handler group of its own (bot/app.py): a reaction may count for other things too, and
# the Application hands an update to one handler per group.
REACTIONS = MessageReactionHandler(reaction)
