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

from bot import i18n
from facilitation.languages import DEFAULT, N_, SUPPORTED

GROUP = [
    ("askguest", N_("Ask the guest of a Q&A session")),
    ("ask", N_("Ask the course a question")),
    ("intro", N_("Introduce yourself")),
    ("questions", N_("Open questions in this chat")),
    ("search", N_("Find earlier questions and answers: /search words")),
    ("solved", N_("Mark a question solved (reply to it)")),
    ("course", N_("What course this chat belongs to")),
    ("privacy", N_("What Flock stores and how to remove it")),
    ("shares", N_("Hashtags this chat lets other chats follow")),
    ("following", N_("Hashtags followed here")),
    ("help", N_("How Flock works")),
]
ADMINS = [
    *GROUP,
    ("setup", N_("Attach this chat to a course: #tag [title]")),
    ("detach", N_("Detach this chat from a course")),
    ("settings", N_("Course settings (facilitators)")),
    ("facilitator", N_("Add or remove a facilitator")),
    ("facilitators", N_("Who runs this course")),
    ("roster", N_("Who introduced themselves")),
    ("digest", N_("Digest of this course, sent privately")),
    ("dashboard", N_("Open the dashboard, sent privately (facilitators)")),
    ("dismiss", N_("Not a question (reply to it)")),
    ("duplicate", N_("Asked before: reply to it with a link to the earlier question")),
    ("stats", N_("Question stats: 7d, 30d or all (facilitators)")),
    ("unanswered", N_("Open questions of your courses")),
    ("guest", N_('Schedule a guest Q&A: @user "Title" start [length]')),
    ("sessions", N_("Guest sessions coming up")),
    ("discussion", N_('Schedule a discussion: "Title" start, then a prompt per line')),
    ("discussions", N_("Discussions coming up (facilitators)")),
    ("discussion_transcript", N_("A discussion's latest transcript: id (facilitators)")),
    ("alerts_here", N_("Send this course's alerts to this chat")),
    ("forget", N_("Remove a learner's words from this course (reply)")),
    ("announce", N_("Schedule an announcement: when [every 1w] [pin] [here]")),
    ("announcements", N_("Announcements waiting to go out")),
    ("announce_cancel", N_("Cancel a scheduled announcement: id")),
    ("share", N_("Let other chats follow a hashtag posted here: #tag, or off #tag")),
    ("follow", N_("A daily catch-up of a hashtag shared elsewhere: #tag [at 18:00]")),
    ("unfollow", N_("Stop following a hashtag: #tag")),
    ("stories", N_("The course's #story and #win posts, sent privately (facilitators)")),
    ("showcase_here", N_("Post the course's shared stories in this group: #tag")),
]
PRIVATE = [
    ("mine", N_("Your questions and their state")),
    ("search", N_("Find earlier questions and answers in your courses")),
    ("intro", N_("Your introduction")),
    ("helper", N_("Whether I may ping you about questions you may know: on, off, topics")),
    ("roster", N_("Roster of your courses (facilitators)")),
    ("digest", N_("Digest of your courses (facilitators)")),
    ("dashboard", N_("Your courses on one page (facilitators)")),
    ("stats", N_("Question stats: 7d, 30d or all (facilitators)")),
    ("export", N_("Download a course as CSV files (facilitators)")),
    ("unanswered", N_("Open questions of your courses (facilitators)")),
    ("settings", N_("Course settings (facilitators)")),
    ("discussions", N_("Discussions coming up (facilitators)")),
    ("discussion_transcript", N_("A discussion's latest transcript: id (facilitators)")),
    ("facilitators", N_("Facilitators of your course")),
    ("forget", N_("Remove a learner's words: @username #tag (facilitators)")),
    ("privacy", N_("What Flock stores about you")),
    ("forget_me", N_("Remove your words and name from Flock")),
    ("language", N_("The language I write to you in")),
    ("announce", N_("Schedule an announcement: #tag when (facilitators)")),
    ("announcements", N_("Announcements waiting to go out (facilitators)")),
    ("announce_cancel", N_("Cancel a scheduled announcement: id (facilitators)")),
    ("follow", N_("A daily catch-up of a hashtag shared elsewhere: #tag [at 18:00]")),
    ("following", N_("Hashtags you follow")),
    ("unfollow", N_("Stop following a hashtag: #tag")),
    ("stories", N_("A course's #story and #win posts (facilitators)")),
    ("showcase", N_("Where shared stories are posted: #tag @channel, or off #tag (facilitators)")),
    ("help", N_("How Flock works")),
]

Menu = list[tuple[str, str]]  # (command, description)
MENUS: list[tuple[BotCommandScope, Menu]] = [
    (BotCommandScopeAllGroupChats(), GROUP),
    (BotCommandScopeAllChatAdministrators(), ADMINS),
    (BotCommandScopeAllPrivateChats(), PRIVATE),
]


async def publish(bot: Bot) -> None:
    """English for everyone, and each other language for the people whose app speaks it."""
    for language in SUPPORTED:
        with i18n.speaking(language):
            for scope, menu in MENUS:
                commands = [BotCommand(name, i18n._(description)) for name, description in menu]
                code = None if language == DEFAULT else language
                await bot.set_my_commands(commands, scope=scope, language_code=code)
