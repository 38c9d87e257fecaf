"""Everything Flock writes, as pure functions from results to HTML text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape as _escape

from bot.i18n import ngettext
from bot.links import deep_link, message_link
from facilitation.courses import CourseView
from facilitation.detection import as_asked
from facilitation.introductions import Roster
from facilitation.model import Course, Introduction, Person, Question, Scope
from facilitation.parsing import format_duration
from facilitation.questions import ChatQuestions

EXCERPT = 90


def escape(text: str) -> str:
    """For HTML text content; quotes need no escaping there and read badly as entities."""
    return _escape(text, quote=False)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def questions(count: int) -> str:
    return ngettext("{count} question", "{count} questions", count)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


def question_excerpt(text: str, hashtags: Iterable[str], limit: int = EXCERPT) -> str:
    """Every excerpt of a question: as it reads, without its courses' hashtags (as_asked)."""
    return excerpt(as_asked(text, hashtags), limit)


def name(person: Person) -> str:
    return escape(person.name)


def linked(label: str, question: Question) -> str:
    url = message_link(question.ref)
    return f'<a href="{_escape(url)}">{label}</a>' if url else label


def age(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    hours = minutes // 60
    return f"{hours}h" if hours < 48 else f"{hours // 24}d"


HELP_GROUP = (
    "<b>Flock</b> keeps this course talking.\n\n"
    "Learners: introduce yourself with <code>#intro</code> or /intro, ask with "
    "<code>#question</code>, <code>#q</code> or /ask, and reply to a question to answer it. "
    "The asker marks it done with /solved (as a reply).\n"
    "/questions lists open questions here.\n\n"
    "Facilitators: /course, /settings, /facilitators, /roster, /unanswered, /digest, /stats "
    "(sent to you privately), /dismiss and /forget (as replies), /alerts_here in a facilitators' group.\n"
    "/privacy: what Flock stores and how to remove it."
)

HELP_PRIVATE = (
    "<b>Flock</b> keeps a training cohort talking: it collects introductions and questions in "
    "the course group and tells facilitators when a question goes unanswered.\n\n"
    "/mine — your questions and their state\n"
    "/intro — your introduction (add text to replace it)\n"
    "/privacy — what I store about you; /forget_me removes it\n"
    "\nFacilitators:\n"
    "/unanswered — questions still waiting for an answer\n"
    "/digest — the digest now (it also comes daily)\n"
    "/stats [7d|30d|all] — numbers and a chart\n"
    "/roster — who introduced themselves\n"
    "/export — everything as a zip of CSV files\n"
    "/settings — a course's settings\n"
    "/forget @username #tag — remove a learner's words from a course\n\n"
    "To start a course, add me to its group and run <code>/setup #tag Title</code> there."
)

PRIVATE_FALLBACK = (
    "I work mostly in course groups. /mine shows your questions, /intro your introduction, "
    "and /help everything else."
)

SETUP_USAGE = (
    "Usage: <code>/setup #tag [Title]</code> to dedicate this chat to a course, or "
    "<code>/setup #tag tagged</code> to follow only messages carrying #tag here."
)
SETUP_IN_PRIVATE = "Run /setup in the course group, as one of its admins."
ANONYMOUS_ADMIN = (
    "You're posting anonymously, so I can't tell who you are. Turn off “Remain anonymous” "
    "in your admin rights, then run the command again."
)
SENT_PRIVATELY = "I've sent it to you in a private message."


def start_me_first(bot_username: str) -> str:
    link = deep_link(bot_username, "hello")
    return f'I can\'t message you yet. <a href="{link}">Start a chat with me</a>, then try again.'


GROUP_ONLY = "That command works in a course group."
PRIVATE_ONLY = "That command works in a private chat with me."
BUTTON_GONE = "That button isn't valid any more."
SOMETHING_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."


def setup_done(
    course: Course, scope: Scope, created: bool, privacy_warning: bool, renamed_from: str | None = None
) -> str:
    what = "Created" if created else "Attached"
    follows = (
        "every message here belongs to the course"
        if scope is Scope.ALL
        else f"only messages carrying {course.tag} belong to the course"
    )
    lines = [
        f"{what} <b>{escape(course.title)}</b> ({course.tag}): {follows}.",
        "Learners: introduce yourselves with #intro and ask with #question or #q.",
    ]
    if renamed_from is not None:
        lines.insert(1, f"Renamed from <b>{escape(renamed_from)}</b>.")
    if created:
        lines.append("You're its first facilitator. /settings shows what you can adjust.")
    if privacy_warning:
        lines.append(
            "⚠️ I can't see ordinary messages here yet. Make me an admin, or turn off "
            "Group Privacy in @BotFather (Bot Settings → Group Privacy), then re-add me."
        )
    return "\n".join(lines)


def detached(course: Course) -> str:
    return f"Detached {course.tag} from this chat. Everything collected so far is kept."


def course_views(views: list[CourseView]) -> str:
    if not views:
        return "This chat isn't attached to a course. A chat admin can run <code>/setup #tag</code>."
    return "\n\n".join(_course_view(v) for v in views)


def _course_view(view: CourseView) -> str:
    course = view.attachment.course
    scope = "whole chat" if view.attachment.scope is Scope.ALL else f"messages tagged {course.tag}"
    people = ", ".join(name(p) for p in view.facilitators) or "none"
    return f"<b>{escape(course.title)}</b> ({course.tag}) — {scope}\nFacilitators: {people}\n" + (
        settings(course)
    )


def settings(course: Course) -> str:
    s = course.settings
    quiet = f"{s.quiet.start:%H:%M}-{s.quiet.end:%H:%M}" if s.quiet else "off"
    retention = f" · retention {s.retention.days}d" if s.retention else ""  # shown when on
    return (
        f"sla {format_duration(s.sla)} · timezone {escape(s.timezone)} · quiet {quiet} · "
        f"digest {f'{s.digest_at:%H:%M}' if s.digest_at else 'off'} · detect {s.detect.value}{retention}"
    )


SETTINGS_USAGE = (
    "Change one with <code>/settings key value</code>:\n"
    "<code>sla 2h</code> — how long a question may wait for an answer\n"
    "<code>timezone Europe/Berlin</code>\n"
    "<code>quiet 22:00-07:00</code> or <code>quiet off</code> — no alerts then\n"
    "<code>digest 08:00</code> or <code>digest off</code> — daily digest time\n"
    "<code>detect auto</code> or <code>detect tagged</code> — recognise questions, or #question only\n"
    "<code>retention 90d</code> or <code>retention off</code> — remove message texts older than that"
)


def setting_needs_value(key: str) -> str:
    return f"Give a value too: <code>/settings {escape(key[:20])} …</code>\n\n{SETTINGS_USAGE}"


def settings_shown(course: Course) -> str:
    return f"<b>{escape(course.title)}</b> ({course.tag})\n{settings(course)}\n\n{SETTINGS_USAGE}"


def setting_changed(course: Course, key: str) -> str:
    return f"Updated {course.tag}: {key} changed.\n{settings(course)}"


def facilitator_added(course: Course, person: Person, added: bool) -> str:
    if not added:
        return f"{name(person)} already facilitates {course.tag}."
    return f"{name(person)} now facilitates {course.tag}."


def facilitator_removed(course: Course, person: Person) -> str:
    return f"{name(person)} no longer facilitates {course.tag}."


FACILITATOR_USAGE = (
    "Reply to someone's message with <code>/facilitator add</code> (or <code>remove</code>), "
    "or name them: <code>/facilitator add @username</code>."
)


BOT_CANNOT_FACILITATE = "A bot can't facilitate a course. Reply to a person's message instead."


def facilitators(course: Course, people: list[Person]) -> str:
    listed = "\n".join(f"• {name(p)}" for p in people) or "none"
    return f"Facilitators of {course.tag}:\n{listed}"


def bot_added() -> str:
    return (
        "Hi! I'm Flock. I collect this group's introductions and questions and make sure no "
        "question is left hanging.\nA chat admin can attach the group to a course with "
        "<code>/setup #tag Course title</code>."
    )


def greeting(names: list[str], course_titles: list[str]) -> str:
    people = _join([escape(n) for n in names])
    course = escape(course_titles[0]) if course_titles else "the course"
    return (
        f"Welcome to {course}, {people}! 👋\n"
        "Tell us a little about yourself: who you are, where you're joining from and what you "
        "hope to get out of the course. Add #intro to your message (or use /intro)."
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def intro_saved(course: Course) -> str:
    return f"Thanks! Your introduction for {course.tag} is saved. 🤗"


def my_intros(intros: list[tuple[Course, Introduction]]) -> str:
    if not intros:
        return (
            "You haven't introduced yourself yet. Post in your course group with #intro, or send "
            "<code>/intro #tag Hi, I'm …</code> here."
        )
    return (
        "\n\n".join(f"<b>{course.tag}</b>: {escape(intro.text)}" for course, intro in intros)
        + "\n\nSend <code>/intro your new text</code> to replace it."
    )


def rosters(items: list[Roster]) -> str:
    return "\n\n".join(_roster(r) for r in items)


def _roster(roster: Roster) -> str:
    course = roster.course
    head = f"<b>{escape(course.title)}</b> ({course.tag}) — {plural(len(roster.entries), 'learner')}"
    introduced = (
        "\n".join(f"• {name(e.person)}: {excerpt(e.introduction or '', 60)}" for e in roster.introduced)
        or "nobody yet"
    )
    silent = "\n".join(f"• {name(e.person)} ({plural(e.posts, 'post')})" for e in roster.silent) or "nobody"
    return (
        f"{head}\n\n<b>Introduced</b> ({len(roster.introduced)})\n{introduced}\n\n"
        f"<b>Posted but never introduced</b> ({len(roster.silent)})\n{silent}"
    )


ASK_USAGE = "Write your question after the command: <code>/ask How do I …?</code>"


def question_tracked() -> str:
    return "Got it — I'm tracking your question. Reply to it to answer."


def solved(questions: list[Question]) -> str:
    return "✅ Marked as solved. Thanks!" if questions else "Nothing to mark."


def which_solved(questions: list[Question]) -> str:
    lines = [f"{n}. {linked(excerpt(q.text, 70), q)}" for n, q in enumerate(questions, 1)]
    return "Which of your questions is solved?\n" + "\n".join(lines)


def solved_one(question: Question) -> str:
    return f"✅ Marked as solved: {linked(excerpt(question.text, 70), question)} Thanks!"


def dismissed(questions: list[Question]) -> str:
    return "Dismissed: I'll stop tracking that message as a question."


def chat_questions(result: ChatQuestions, now: datetime) -> str:
    if not result.open and not result.answered:
        return "No open questions here. 🎉"
    parts = []
    if result.open:
        parts.append("<b>Waiting for an answer</b>\n" + _question_lines(result.open, now, result.hashtags))
    if result.answered:
        answered = _question_lines(result.answered, now, result.hashtags)
        parts.append("<b>Answered, not yet solved</b>\n" + answered)
    return "\n\n".join(parts)


def _question_lines(questions: Iterable[Question], now: datetime, hashtags: Iterable[str]) -> str:
    tags = list(hashtags)
    return "\n".join(
        f"• {linked(question_excerpt(q.text, tags, 70), q)} — {name(q.asker)}, {age(q.asked_at, now)} ago"
        for q in questions
    )


STATE_LABELS = {
    "open": "⏳ waiting for an answer",
    "answered": "💬 answered",
    "resolved": "✅ solved",
    "dismissed": "🚫 not a question",
}


def my_questions(items: list[tuple[list[Course], Question]], now: datetime) -> str:
    if not items:
        return "You haven't asked anything yet. Ask in your course group with #question."
    return "<b>Your questions</b>\n" + "\n".join(
        f"• {' '.join(c.tag for c in courses)} "
        f"{linked(question_excerpt(q.text, [c.tag for c in courses], 70), q)} — "
        f"{STATE_LABELS[q.state.value]}, {age(q.asked_at, now)} ago"
        for courses, q in items
    )


def welcome_private(person: Person, facilitated: list[Course]) -> str:
    lines = [f"Hi {name(person)}! {HELP_PRIVATE}"]
    if facilitated:
        tags = ", ".join(c.tag for c in facilitated)
        lines.append(f"\nYou facilitate {tags}: I'll send you alerts and digests here.")
    return "\n".join(lines)


def alerts_routed(course: Course, here: bool, topic: bool = False) -> str:
    if here:
        return f"Alerts and digests for {course.tag} will come to this {'topic' if topic else 'chat'}."
    return f"Alerts and digests for {course.tag} will come to each facilitator privately."


def unanswered(found: list[tuple[Course, list[Question]]], now: datetime) -> str:
    parts = []
    for course, questions in found:
        if not questions:
            parts.append(f"<b>{course.tag}</b>: nothing unanswered. 🎉")
            continue
        parts.append(
            f"<b>{course.tag}</b> — {plural(len(questions), 'unanswered question')}\n"
            + _question_lines(questions, now, [course.tag])
        )
    return "\n\n".join(parts)
