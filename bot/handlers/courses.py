"""/setup, /detach, /course, /settings, /facilitator, /facilitators."""

from __future__ import annotations

from telegram import Update

from bot import convert, i18n, texts
from bot.context import FlockContext
from bot.handlers.common import (
    Refusal,
    argument_text,
    command,
    in_group,
    is_chat_admin,
    named_or_replied,
    reply,
    require_group,
    require_sender,
    tags,
)
from facilitation import courses, parsing
from facilitation.model import Scope


async def setup(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    if not in_group(message):
        raise Refusal(i18n._(texts.SETUP_IN_PRIVATE))
    words = argument_text(message).split()
    if not words:
        raise Refusal(i18n._(texts.SETUP_USAGE))
    hashtag = parsing.course_tag(words[0])
    scope = Scope.ALL
    # Only `tagged` (`étiquetées`) is a keyword, so a title may start with any word ("All about Python").
    if len(words) > 1 and parsing.is_tagged(words[1]):
        scope = Scope.TAGGED
        words.pop(1)
    person = require_sender(message)
    admin = await is_chat_admin(context, message.chat_id, person.id)
    # Flock sees every message as an admin or with privacy mode off; reactions only as an admin.
    bot_admin = await is_chat_admin(context, message.chat_id, context.bot.id) if admin else None
    result = await courses.setup(
        context.uow(),
        convert.chat(message.chat),
        person,
        admin,
        hashtag,
        scope,
        " ".join(words[1:]) or None,
        context.now(),
        bot_admin,
    )
    sees_all = bool(bot_admin) or context.bot.bot.can_read_all_group_messages
    await reply(
        update,
        texts.setup_done(result.course, result.scope, result.created, not sees_all, result.renamed_from),
    )


async def detach(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    person = require_sender(message)
    admin = await is_chat_admin(context, message.chat_id, person.id)
    course = await courses.detach(context.uow(), message.chat_id, person, admin, tags(argument_text(message)))
    await reply(update, texts.detached(course))


async def course(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    require_group(message)
    await reply(update, texts.course_views(await courses.describe_chat(context.uow(), message.chat_id)))


async def settings(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    words = [w for w in argument_text(message).split() if not w.startswith("#")]
    chat_id = message.chat_id if in_group(message) else None
    named = tags(argument_text(message))
    if not words:
        found = await courses.show_settings(context.uow(), chat_id, person, named)
        await reply(update, texts.settings_shown(found))
        return
    key, value = parsing.setting_key(words[0]), " ".join(words[1:])
    if not value:
        raise Refusal(texts.setting_needs_value(key))
    changed = await courses.change_setting(context.uow(), chat_id, person, named, key, value, context.now())
    if key == "language" and chat_id is not None:  # the group reads the new one from now on
        with i18n.speaking(changed.settings.language):
            await reply(update, texts.setting_changed(changed, key))
        return
    await reply(update, texts.setting_changed(changed, key))


async def facilitator(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    words = argument_text(message).split()
    action = parsing.facilitator_action(words[0]) if words else None
    target = named_or_replied(message, words[1:], i18n._(texts.BOT_CANNOT_FACILITATE))
    if action not in ("add", "remove") or target is None:
        raise Refusal(i18n._(texts.FACILITATOR_USAGE))
    chat_id = message.chat_id if in_group(message) else None
    named = tags(argument_text(message))
    if action == "add":
        found, who, added = await courses.add_facilitator(
            context.uow(), chat_id, person, named, target, context.now()
        )
        await reply(update, texts.facilitator_added(found, who, added))
    else:
        found, who = await courses.remove_facilitator(context.uow(), chat_id, person, named, target)
        await reply(update, texts.facilitator_removed(found, who))


async def facilitators(update: Update, context: FlockContext) -> None:
    message = update.effective_message
    assert message is not None
    person = require_sender(message)
    chat_id = message.chat_id if in_group(message) else None
    found, people = await courses.list_facilitators(
        context.uow(), chat_id, person, tags(argument_text(message))
    )
    await reply(update, texts.facilitators(found, people))


HANDLERS = [
    command("setup", setup),
    command("detach", detach),
    command("course", course),
    command("settings", settings),
    command("facilitator", facilitator),
    command("facilitators", facilitators),
]
