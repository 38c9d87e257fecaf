"""The command menus Telegram shows, per kind of chat."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

GROUP = [
    BotCommand("askguest", "Ask the guest of a Q&A session"),
    BotCommand("ask", "Ask the course a question"),
    BotCommand("intro", "Introduce yourself"),
    BotCommand("questions", "Open questions in this chat"),
    BotCommand("solved", "Mark a question solved (reply to it)"),
    BotCommand("course", "What course this chat belongs to"),
    BotCommand("privacy", "What Flock stores and how to remove it"),
    BotCommand("help", "How Flock works"),
]
ADMINS = [
    *GROUP,
    BotCommand("setup", "Attach this chat to a course: #tag [title]"),
    BotCommand("detach", "Detach this chat from a course"),
    BotCommand("settings", "Course settings (facilitators)"),
    BotCommand("facilitator", "Add or remove a facilitator"),
    BotCommand("facilitators", "Who runs this course"),
    BotCommand("roster", "Who introduced themselves"),
    BotCommand("digest", "Digest of this course, sent privately"),
    BotCommand("dismiss", "Not a question (reply to it)"),
    BotCommand("stats", "Question stats: 7d, 30d or all (facilitators)"),
    BotCommand("unanswered", "Open questions of your courses"),
    BotCommand("guest", 'Schedule a guest Q&A: @user "Title" start [length]'),
    BotCommand("sessions", "Guest sessions coming up"),
    BotCommand("alerts_here", "Send this course's alerts to this chat"),
    BotCommand("forget", "Remove a learner's words from this course (reply)"),
]
PRIVATE = [
    BotCommand("mine", "Your questions and their state"),
    BotCommand("intro", "Your introduction"),
    BotCommand("roster", "Roster of your courses (facilitators)"),
    BotCommand("digest", "Digest of your courses (facilitators)"),
    BotCommand("stats", "Question stats: 7d, 30d or all (facilitators)"),
    BotCommand("export", "Download a course as CSV files (facilitators)"),
    BotCommand("unanswered", "Open questions of your courses (facilitators)"),
    BotCommand("settings", "Course settings (facilitators)"),
    BotCommand("facilitators", "Facilitators of your course"),
    BotCommand("forget", "Remove a learner's words: @username #tag (facilitators)"),
    BotCommand("privacy", "What Flock stores about you"),
    BotCommand("forget_me", "Remove your words and name from Flock"),
    BotCommand("help", "How Flock works"),
]

MENUS: list[tuple[BotCommandScope, list[BotCommand]]] = [
    (BotCommandScopeAllGroupChats(), GROUP),
    (BotCommandScopeAllChatAdministrators(), ADMINS),
    (BotCommandScopeAllPrivateChats(), PRIVATE),
]


async def publish(bot: Bot) -> None:
    for scope, commands in MENUS:
        await bot.set_my_commands(commands, scope=scope)
