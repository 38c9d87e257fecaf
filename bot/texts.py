"""Everything Flock writes, as pure functions from results to HTML text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape as _escape

from bot.i18n import N_, _, ago, compact_length, keyword, ngettext
from bot.links import deep_link, message_link
from bot.render_languages import NAMES
from facilitation.courses import CourseView
from facilitation.detection import as_asked
from facilitation.introductions import Roster
from facilitation.model import Course, Introduction, Person, Question, Scope
from facilitation.questions import ChatQuestions
from facilitation.redaction import FORMER_LEARNER, REMOVED

EXCERPT = 90


def escape(text: str) -> str:
    """For HTML text content; quotes need no escaping there and read badly as entities."""
    return _escape(text, quote=False)


def questions(count: int) -> str:
    return ngettext("{count} question", "{count} questions", count)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = _(REMOVED) if text == REMOVED else " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


def question_excerpt(text: str, hashtags: Iterable[str], limit: int = EXCERPT) -> str:
    """Every excerpt of a question: as it reads, without its courses' hashtags (as_asked)."""
    return excerpt(as_asked(text, hashtags), limit)


def name(person: Person) -> str:
    return shown_name(person.name)


def shown_name(stored: str) -> str:
    """A name as stored, escaped; an erased person's in the reader's language."""
    return escape(_(FORMER_LEARNER) if stored == FORMER_LEARNER else stored)


def linked(label: str, question: Question) -> str:
    url = message_link(question.ref)
    return f'<a href="{_escape(url)}">{label}</a>' if url else label


def names(items: list[str]) -> str:
    """Names (already escaped) as a sentence lists them: "Ana, Ben and Cleo"."""
    if len(items) <= 1:
        return "".join(items)
    return _("{names} and {last}", names=", ".join(items[:-1]), last=items[-1])


HELP_GROUP = N_(
    "<b>Flock</b> keeps this course talking.\n\n"
    "Learners: introduce yourself with <code>#intro</code> or /intro, ask with "
    "<code>#question</code>, <code>#q</code> or /ask, and reply to a question to answer it. "
    "The asker marks it done with /solved (as a reply).\n"
    "/questions lists open questions here.\n\n"
    "Facilitators: /course, /settings, /facilitators, /roster, /unanswered, /digest, /stats "
    "(sent to you privately), /dismiss and /forget (as replies), /alerts_here in a facilitators' group.\n"
    "/privacy: what Flock stores and how to remove it.\n\n"
    "Languages: this group reads the course's language (a facilitator sets it with "
    "<code>/settings language fr</code> or <code>en</code>); in a private chat with me, "
    "/language chooses yours."
)

HELP_PRIVATE = N_(
    "<b>Flock</b> keeps a training cohort talking: it collects introductions and questions in "
    "the course group and tells facilitators when a question goes unanswered.\n\n"
    "/mine — your questions and their state\n"
    "/intro — your introduction (add text to replace it)\n"
    "/privacy — what I store about you; /forget_me removes it\n"
    "/language — the language I write to you in: <code>/language fr</code>, <code>en</code> "
    "or <code>auto</code>\n"
    "\nFacilitators:\n"
    "/unanswered — questions still waiting for an answer\n"
    "/digest — the digest now (it also comes daily)\n"
    "/stats [7d|30d|all] — numbers and a chart\n"
    "/roster — who introduced themselves\n"
    "/export — everything as a zip of CSV files\n"
    "/settings — a course's settings (<code>/settings language fr</code>: the course's groups read French)\n"
    "/forget @username #tag — remove a learner's words from a course\n\n"
    "To start a course, add me to its group and run <code>/setup #tag Title</code> there."
)

# Scheduled discussions and announcements, after the rest of /help (facilitators run them).
HELP_GROUP_SCHEDULED = N_(
    'Scheduled, for facilitators: <code>/discussion "Title" tomorrow 19:00 every 1w gap 10m</code> '
    "with one prompt per line below runs a timed discussion here (Q1, Q2…, answered by replying or "
    "with A1, A2…); /discussions lists them, /discussion_prompts, /discussion_move and "
    "/discussion_cancel change one. /announce posts a message at its time (reply with it to your "
    "message, or write the text below it); /announcements lists them, /announce_cancel stops one."
)
HELP_PRIVATE_SCHEDULED = N_(
    "Scheduled, for facilitators (name the course with its #tag):\n"
    '<code>/discussion #tag "Title" tomorrow 19:00 every 1w</code> — a timed discussion, '
    "one prompt per line below\n"
    "/discussions — those coming up; /discussion_prompts, /discussion_move, /discussion_cancel change one\n"
    "<code>/announce #tag tomorrow 09:00 every 1w pin</code> — a post at its time, "
    "its text on the lines below\n"
    "/announcements — those waiting to go out; /announce_cancel stops one"
)


# Following a hashtag from afar and stories, last.
HELP_GROUP_BEYOND = N_(
    "Beyond this group: an admin's <code>/share #devcon26</code> lets other chats follow this "
    "group's posts with that hashtag; a facilitator's <code>/follow #devcon26 at 18:00</code> brings a daily "
    "catch-up of a hashtag shared elsewhere, and /following lists what this group follows. "
    "A post with <code>#story</code> or <code>#win</code> is a story: I ask its author privately "
    "whether it may be shared. <code>/showcase_here #tag</code> (facilitators) posts the shared "
    "ones in this group; /stories lists the course's stories."
)
HELP_PRIVATE_BEYOND = N_(
    "Beyond the course group:\n"
    "<code>/follow #devcon26</code> — a daily catch-up of a hashtag shared by other chats; "
    "/following lists what you follow\n"
    "<code>/share #devcon26</code> — in a group you administer: others may follow its posts "
    "with that hashtag\n"
    "Facilitators: <code>/showcase #tag @channel</code> — the channel where the course's stories "
    "are posted once their authors agree (<code>/showcase_here #tag</code> in a group); "
    "<code>/stories #tag</code> — the course's stories"
)


def help_in_group() -> str:
    return "\n\n".join([_(HELP_GROUP), _(HELP_GROUP_SCHEDULED), _(HELP_GROUP_BEYOND)])


def help_in_private() -> str:
    return "\n\n".join([_(HELP_PRIVATE), _(HELP_PRIVATE_SCHEDULED), _(HELP_PRIVATE_BEYOND)])


PRIVATE_FALLBACK = N_(
    "I work mostly in course groups. /mine shows your questions, /intro your introduction, "
    "and /help everything else."
)

SETUP_USAGE = N_(
    "Usage: <code>/setup #tag [Title]</code> to dedicate this chat to a course, or "
    "<code>/setup #tag tagged</code> to follow only messages carrying #tag here."
)
SETUP_IN_PRIVATE = N_("Run /setup in the course group, as one of its admins.")
ANONYMOUS_ADMIN = N_(
    "You're posting anonymously, so I can't tell who you are. Turn off “Remain anonymous” "
    "in your admin rights, then run the command again."
)
SENT_PRIVATELY = N_("I've sent it to you in a private message.")


def start_me_first(bot_username: str) -> str:
    link = deep_link(bot_username, "hello")
    return _(
        'I can\'t message you yet. <a href="{link}">Start a chat with me</a>, then try again.', link=link
    )


GROUP_ONLY = N_("That command works in a course group.")
PRIVATE_ONLY = N_("That command works in a private chat with me.")
BUTTON_GONE = N_("That button isn't valid any more.")
SOMETHING_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")


# Written as it is in both languages, for a French-speaking facilitator of a new (English) course.
FRENCH_HINT = "Français : <code>/settings language fr</code>"


def setup_done(
    course: Course, scope: Scope, created: bool, privacy_warning: bool, renamed_from: str | None = None
) -> str:
    title, tag = escape(course.title), course.tag
    if scope is Scope.ALL:
        if created:
            first = _(
                "Created <b>{title}</b> ({tag}): every message here belongs to the course.",
                title=title,
                tag=tag,
            )
        else:
            first = _(
                "Attached <b>{title}</b> ({tag}): every message here belongs to the course.",
                title=title,
                tag=tag,
            )
    elif created:
        first = _(
            "Created <b>{title}</b> ({tag}): only messages carrying {tag} belong to the course.",
            title=title,
            tag=tag,
        )
    else:
        first = _(
            "Attached <b>{title}</b> ({tag}): only messages carrying {tag} belong to the course.",
            title=title,
            tag=tag,
        )
    lines = [first, _("Learners: introduce yourselves with #intro and ask with #question or #q.")]
    if renamed_from is not None:
        lines.insert(1, _("Renamed from <b>{title}</b>.", title=escape(renamed_from)))
    if created:
        lines.append(_("You're its first facilitator. /settings shows what you can adjust."))
        if course.settings.language != "fr":  # a new course is English until set: say so in French
            lines.append(FRENCH_HINT)
    if privacy_warning:
        lines.append(
            _(
                "⚠️ I can't see ordinary messages here yet. Make me an admin, or turn off "
                "Group Privacy in @BotFather (Bot Settings → Group Privacy), then re-add me."
            )
        )
    return "\n".join(lines)


def detached(course: Course) -> str:
    return _("Detached {tag} from this chat. Everything collected so far is kept.", tag=course.tag)


def course_views(views: list[CourseView]) -> str:
    if not views:
        return _("This chat isn't attached to a course. A chat admin can run <code>/setup #tag</code>.")
    return "\n\n".join(_course_view(v) for v in views)


def _course_view(view: CourseView) -> str:
    course = view.attachment.course
    title = escape(course.title)
    if view.attachment.scope is Scope.ALL:
        head = _("<b>{title}</b> ({tag}) — whole chat", title=title, tag=course.tag)
    else:
        head = _("<b>{title}</b> ({tag}) — messages tagged {tag}", title=title, tag=course.tag)
    people = ", ".join(name(p) for p in view.facilitators) or _("none")
    facilitated_by = _("Facilitators: {names}", names=people)
    return f"{head}\n{facilitated_by}\n{settings(course)}"


def settings(course: Course) -> str:
    """The settings as they are typed (`/settings key value`), with the keys and keywords of the
    language spoken: "sla 2h · timezone UTC …" / "délai 2 h · fuseau UTC …"."""
    s, k = course.settings, keyword
    quiet = f"{s.quiet.start:%H:%M}-{s.quiet.end:%H:%M}" if s.quiet else k("off")
    parts = [
        f"{k('sla')} {compact_length(s.sla)}",
        f"{k('timezone')} {escape(s.timezone)}",
        f"{k('quiet')} {quiet}",
        f"{k('digest')} {f'{s.digest_at:%H:%M}' if s.digest_at else k('off')}",
        f"{k('detect')} {k(s.detect.value)}",
    ]
    if s.retention:  # shown when on
        parts.append(f"{k('retention')} {compact_length(s.retention)}")
    if s.language != "en":  # shown when not English
        parts.append(f"{k('language')} {NAMES[s.language]}")
    if s.starts_on:  # shown when set
        parts.append(f"{k('start')} {s.starts_on.isoformat()}")
    if s.nudge is not None:  # shown when set (unset: half the SLA)
        parts.append(f"{k('nudge')} {compact_length(s.nudge) if s.nudge else k('off')}")
    if not s.highlights:  # shown when off
        parts.append(f"{k('highlights')} {k('off')}")
    return " · ".join(parts)


SETTINGS_USAGE = N_(
    "Change one with <code>/settings key value</code>:\n"
    "<code>sla 2h</code> — how long a question may wait for an answer\n"
    "<code>timezone Europe/Berlin</code>\n"
    "<code>quiet 22:00-07:00</code> or <code>quiet off</code> — no alerts then\n"
    "<code>digest 08:00</code> or <code>digest off</code> — daily digest time\n"
    "<code>detect auto</code> or <code>detect tagged</code> — recognise questions, or #question only\n"
    "<code>retention 90d</code> or <code>retention off</code> — remove message texts older than that"
)

START_USAGE = N_(
    "<code>start 2026-12-01</code> or <code>start off</code> — the course's day 1, "
    "for announcements at <code>week 3 mon 09:00</code>"
)

HIGHLIGHTS_USAGE = N_(
    "<code>highlights on</code> or <code>highlights off</code> — the week's highlights, with Monday's digest"
)

NUDGE_USAGE = N_(
    "<code>nudge 20m</code> or <code>nudge off</code> — how long a question waits before I ask "
    "peers who may know (half the SLA unless set)"
)


def settings_usage(course: Course | None = None) -> str:
    """How to change a setting; with the course, the language its groups read now."""
    language = NAMES.get(course.settings.language, "English") if course else None
    usage = (
        _(SETTINGS_USAGE) + "\n" + _(START_USAGE) + "\n" + _(NUDGE_USAGE) + "\n" + _(HIGHLIGHTS_USAGE) + "\n"
    )
    if language is None:
        return usage + _(
            "<code>language fr</code> or <code>language en</code> — the language of the course's groups"
        )
    return usage + _(
        "<code>language fr</code> or <code>language en</code> — the language of the course's groups "
        "(now: {language})",
        language=language,
    )


def setting_needs_value(key: str) -> str:
    needs = _("Give a value too: <code>/settings {key} …</code>", key=escape(keyword(key)[:20]))
    return f"{needs}\n\n{settings_usage()}"


def settings_shown(course: Course) -> str:
    return f"<b>{escape(course.title)}</b> ({course.tag})\n{settings(course)}\n\n{settings_usage(course)}"


def setting_changed(course: Course, key: str) -> str:
    changed = _("Updated {tag}: {key} changed.", tag=course.tag, key=escape(keyword(key)))
    return f"{changed}\n{settings(course)}"


def facilitator_added(course: Course, person: Person, added: bool) -> str:
    if not added:
        return _("{name} already facilitates {tag}.", name=name(person), tag=course.tag)
    return _("{name} now facilitates {tag}.", name=name(person), tag=course.tag)


def facilitator_removed(course: Course, person: Person) -> str:
    return _("{name} no longer facilitates {tag}.", name=name(person), tag=course.tag)


FACILITATOR_USAGE = N_(
    "Reply to someone's message with <code>/facilitator add</code> (or <code>remove</code>), "
    "or name them: <code>/facilitator add @username</code>."
)


BOT_CANNOT_FACILITATE = N_("A bot can't facilitate a course. Reply to a person's message instead.")


def facilitators(course: Course, people: list[Person]) -> str:
    listed = "\n".join(f"• {name(p)}" for p in people) or _("none")
    return _("Facilitators of {tag}:", tag=course.tag) + f"\n{listed}"


def bot_added() -> str:
    return _(
        "Hi! I'm Flock. I collect this group's introductions and questions and make sure no "
        "question is left hanging.\nA chat admin can attach the group to a course with "
        "<code>/setup #tag Course title</code>, or let courses follow a hashtag posted here with "
        "<code>/share #tag</code>."
    )


def greeting(newcomers: list[str], course_titles: list[str]) -> str:
    """Read by the whole group: in the course's language (the outbox renders it in the chat's)."""
    people = names([escape(n) for n in newcomers])
    course = escape(course_titles[0]) if course_titles else _("the course")
    return _(
        "Welcome to {course}, {people}! 👋\n"
        "Tell us a little about yourself: who you are, where you're joining from and what you "
        "hope to get out of the course. Add #intro to your message (or use /intro).",
        course=course,
        people=people,
    )


def intro_saved(course: Course) -> str:
    return _("Thanks! Your introduction for {tag} is saved. 🤗", tag=course.tag)


def my_intros(intros: list[tuple[Course, Introduction]]) -> str:
    if not intros:
        return _(
            "You haven't introduced yourself yet. Post in your course group with #intro, or send "
            "<code>/intro #tag Hi, I'm …</code> here."
        )
    return (
        "\n\n".join(
            _("<b>{tag}</b>: {text}", tag=course.tag, text=escape(intro.text)) for course, intro in intros
        )
        + "\n\n"
        + _("Send <code>/intro your new text</code> to replace it.")
    )


def rosters(items: list[Roster]) -> str:
    return "\n\n".join(_roster(r) for r in items)


def _roster(roster: Roster) -> str:
    course = roster.course
    learners = ngettext("{count} learner", "{count} learners", len(roster.entries))
    head = f"<b>{escape(course.title)}</b> ({course.tag}) — {learners}"
    introduced = "\n".join(
        "• " + _("{name}: {text}", name=name(e.person), text=excerpt(e.introduction or "", 60))
        for e in roster.introduced
    ) or _("nobody yet")
    silent = "\n".join(f"• {name(e.person)} ({_posts(e.posts)})" for e in roster.silent) or _("nobody")
    introduced_head = _("<b>Introduced</b> ({count})", count=len(roster.introduced))
    silent_head = _("<b>Posted but never introduced</b> ({count})", count=len(roster.silent))
    return f"{head}\n\n{introduced_head}\n{introduced}\n\n{silent_head}\n{silent}"


def _posts(count: int) -> str:
    return ngettext("{count} post", "{count} posts", count)


ASK_USAGE = N_("Write your question after the command: <code>/ask How do I …?</code>")


def question_tracked() -> str:
    return _("Got it — I'm tracking your question. Reply to it to answer.")


def solved(questions: list[Question]) -> str:
    return _("✅ Marked as solved. Thanks!") if questions else _("Nothing to mark.")


def which_solved(questions: list[Question]) -> str:
    lines = [f"{n}. {linked(excerpt(q.text, 70), q)}" for n, q in enumerate(questions, 1)]
    return _("Which of your questions is solved?") + "\n" + "\n".join(lines)


def solved_one(question: Question) -> str:
    return _("✅ Marked as solved: {question} Thanks!", question=linked(excerpt(question.text, 70), question))


def dismissed(questions: list[Question]) -> str:
    return _("Dismissed: I'll stop tracking that message as a question.")


def chat_questions(result: ChatQuestions, now: datetime) -> str:
    if not result.open and not result.answered:
        return _("No open questions here. 🎉")
    parts = []
    if result.open:
        waiting = _question_lines(result.open, now, result.hashtags)
        parts.append(_("<b>Waiting for an answer</b>") + "\n" + waiting)
    if result.answered:
        answered = _question_lines(result.answered, now, result.hashtags)
        parts.append(_("<b>Answered, not yet solved</b>") + "\n" + answered)
    return "\n\n".join(parts)


def _question_lines(questions: Iterable[Question], now: datetime, hashtags: Iterable[str]) -> str:
    tags = list(hashtags)
    return "\n".join(
        "• "
        + _(
            "{question} — {asker}, {ago}",
            question=linked(question_excerpt(q.text, tags, 70), q),
            asker=name(q.asker),
            ago=ago(q.asked_at, now),
        )
        for q in questions
    )


STATE_LABELS = {
    "open": N_("⏳ waiting for an answer"),
    "answered": N_("💬 answered"),
    "resolved": N_("✅ solved"),
    "dismissed": N_("🚫 not a question"),
}


def my_questions(items: list[tuple[list[Course], Question]], now: datetime) -> str:
    if not items:
        return _("You haven't asked anything yet. Ask in your course group with #question.")
    return (
        _("<b>Your questions</b>")
        + "\n"
        + "\n".join(
            f"• {' '.join(c.tag for c in courses)} "
            + _(
                "{question} — {state}, {ago}",
                question=linked(question_excerpt(q.text, [c.tag for c in courses], 70), q),
                state=_(STATE_LABELS[q.state.value]),
                ago=ago(q.asked_at, now),
            )
            for courses, q in items
        )
    )


def welcome_private(person: Person, facilitated: list[Course]) -> str:
    lines = [_("Hi {name}!", name=name(person)) + " " + help_in_private()]
    if facilitated:
        tags = ", ".join(c.tag for c in facilitated)
        lines.append("\n" + _("You facilitate {tags}: I'll send you alerts and digests here.", tags=tags))
    return "\n".join(lines)


def alerts_routed(course: Course, here: bool, topic: bool = False) -> str:
    if here and topic:
        return _("Alerts and digests for {tag} will come to this topic.", tag=course.tag)
    if here:
        return _("Alerts and digests for {tag} will come to this chat.", tag=course.tag)
    return _("Alerts and digests for {tag} will come to each facilitator privately.", tag=course.tag)


def unanswered(found: list[tuple[Course, list[Question]]], now: datetime) -> str:
    parts = []
    for course, questions in found:
        if not questions:
            parts.append(_("<b>{tag}</b>: nothing unanswered. 🎉", tag=course.tag))
            continue
        count = ngettext("{count} unanswered question", "{count} unanswered questions", len(questions))
        parts.append(f"<b>{course.tag}</b> — {count}\n" + _question_lines(questions, now, [course.tag]))
    return "\n\n".join(parts)
