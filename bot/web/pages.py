"""The dashboard's pages, rendered on the server (Jinja2) in the viewer's language.

Each function renders one page (an HTML fragment the page's script puts in place) from a domain
service's answer; the texts are the bot's catalogue's, through the same `_` and `ngettext`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot import i18n, render_helpers, render_highlights, render_stories
from bot.i18n import N_, ngettext
from bot.links import message_link, post_link
from bot.render_alerts import STATUS
from bot.web import charts
from facilitation.dashboard import (
    Learners,
    RecapView,
    Sessions,
    SettingsPage,
    Stories,
    Today,
    Trends,
    WeekHighlights,
)
from facilitation.model import Course, MessageRef, Person, RoundState, Showcase, Story

ENVIRONMENT = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.globals.update(_=i18n._, ngettext=i18n.ngettext, message_link=message_link, spoken=i18n.spoken)

# What the page says after an action, as the alert buttons' toasts do.
DONE = {
    "claim": N_("It's yours. The others can see you took it."),
    "snooze": N_("Snoozed: I'll remind you in an hour if it's still unanswered."),
    "dismiss": N_("Dismissed: not tracked as a question any more."),
    "solve": N_("Marked solved. Thanks!"),
}
NOT_SIGNED = N_(
    "This page only opens from Telegram: use the Dashboard button in your private chat with the bot. "
    "(The link was not signed by Telegram, or it is more than a day old.)"
)
NOT_YOURS = N_("That course isn't one you facilitate, so there is nothing to show.")


def shell(base: str) -> str:
    """The page Telegram opens: no data, only the script that loads the rest with the init data."""
    return ENVIRONMENT.get_template("shell.html").render(base=base, language=i18n.spoken())


def courses(found: list[Course]) -> str:
    return ENVIRONMENT.get_template("courses.html").render(courses=found)


def today(page: Today, now: datetime, notice: str | None = None, problem: str | None = None) -> str:
    zone = ZoneInfo(page.course.settings.timezone)
    rows = [
        {
            "item": item,
            "question": item.waiting.question,
            "ago": i18n.ago(item.waiting.question.asked_at, now),
            "asked": i18n.when(item.waiting.question.asked_at, zone),
            "link": message_link(item.waiting.question.ref),
            "claimed": _claimed(item.waiting.claimed_by),
            "helping": _helping(item.helping),
        }
        for item in page.waiting
    ]
    return ENVIRONMENT.get_template("today.html").render(
        page=page, course=page.course, rows=rows, notice=notice, problem=problem, tab="today"
    )


# The Learners page's columns, by the sort each one sets.
COLUMNS = {
    "name": N_("Name"),
    "posts": N_("Posts"),
    "questions": N_("Questions"),
    "answers": N_("Answers"),
    "seen": N_("Last seen"),
}


SEEN = N_("seen {ago}")


def learners(page: Learners, now: datetime) -> str:
    """The first page whole; the next ones ("Show more") as rows the script appends."""
    # A page's rows repeat counts and ages: each phrase is put together once per value.
    posts = _phrases(lambda n: ngettext("{count} post", "{count} posts", n))
    questions = _phrases(lambda n: ngettext("{count} question", "{count} questions", n))
    answers = _phrases(lambda n: ngettext("{count} answer given", "{count} answers given", n))
    ages: dict[str, str] = {}
    rows = []
    for item in page.items:
        entry = item.entry
        age = i18n.age(entry.last_seen, now) if now - entry.last_seen >= timedelta(minutes=1) else ""
        if age not in ages:
            ages[age] = i18n._(SEEN, ago=i18n.ago(entry.last_seen, now))
        rows.append(
            {
                "item": item,
                "name": entry.person.name,
                "seen": ages[age],
                "counts": (posts(entry.posts), questions(item.asked), answers(item.answered)),
                "intro": entry.introduction,
                "quiet": item.quiet,
                "helper": item.helper,
            }
        )
    template = "learners.html" if page.counts is not None else "learner_rows.html"
    return ENVIRONMENT.get_template(template).render(
        page=page,
        course=page.course,
        rows=rows,
        columns=[(sort, i18n._(label)) for sort, label in COLUMNS.items()],
        tab="learners",
    )


def _phrases(phrase: Callable[[int], str]) -> Callable[[int], str]:
    """A count's phrase, remembered by count for the page being rendered."""
    done: dict[int, str] = {}

    def remembered(count: int) -> str:
        if count not in done:
            done[count] = phrase(count)
        return done[count]

    return remembered


WINDOWS = {"7d": N_("7 days"), "30d": N_("30 days"), "all": N_("Since the start")}


def trends(found: Trends) -> str:
    stats = found.stats

    def day(value: date) -> str:
        return i18n.dated(value, "d MMM")

    asked_label, answered_label = i18n._("asked"), i18n._("answered")
    per_day = charts.questions_per_day(stats.days, asked_label, answered_label, day)
    waits = charts.first_answer_per_day(stats.days, i18n.compact_length, day)
    peer = stats.peer_share
    return ENVIRONMENT.get_template("trends.html").render(
        stats=stats,
        found=found,
        course=stats.course,
        per_day=per_day,
        waits=waits,
        width=charts.WIDTH,
        height=charts.HEIGHT,
        baseline=charts.BASELINE,
        median=i18n.compact_length(stats.median_first_answer) if stats.median_first_answer else None,
        peer_percent=round(100 * peer) if peer is not None else None,
        windows=[(value, i18n._(label)) for value, label in WINDOWS.items()],
        tab="trends",
    )


PHASES = {
    "collecting": N_("collecting questions"),
    "live": N_("live"),
    "ended": N_("ended"),
    "cancelled": N_("cancelled"),
}


def sessions(page: Sessions) -> str:
    zone = ZoneInfo(page.course.settings.timezone)
    return ENVIRONMENT.get_template("sessions.html").render(
        course=page.course,
        sessions=[
            {
                "view": view,
                "when": i18n.when(view.session.starts_at, zone),
                "phase": i18n._(PHASES[view.session.phase.value]),
            }
            for view in page.sessions
        ],
        rounds=[
            {"round": r, "when": i18n.when(r.starts_at, zone), "live": r.state is RoundState.LIVE}
            for r in page.rounds
        ],
        recaps=[_recap(view, zone) for view in page.recaps],
        tab="sessions",
    )


def _recap(view: RecapView, zone: ZoneInfo) -> dict[str, Any]:
    """The recap the chats got, with each top answer's link to its message."""
    recap: dict[str, Any] = view.recap
    prompts = [
        {
            **prompt,
            "top": [
                {
                    **answer,
                    "link": message_link(
                        MessageRef(answer["chat_id"], answer["message_id"], answer["thread_id"])
                    ),
                }
                for answer in prompt["top"]
            ],
        }
        for prompt in recap["prompts"]
    ]
    return {
        **recap,
        "prompts": prompts,
        "when": i18n.when(view.round.starts_at, zone),
        "transcript": view.transcript,
    }


HIGHLIGHTS_SHOWN = 5  # names per section, as Monday's message shows them when it has room


def stories(page: Stories) -> str:
    """The first page whole (showcase, a place for the week's highlights, stories); the next
    ones as rows the script appends."""
    zone = ZoneInfo(page.course.settings.timezone)
    rows = [_story(story, zone) for story in page.stories]
    if page.total is None:
        return ENVIRONMENT.get_template("story_rows.html").render(page=page, course=page.course, rows=rows)
    return ENVIRONMENT.get_template("stories.html").render(
        page=page,
        course=page.course,
        rows=rows,
        showcase=_showcase(page.showcase) if page.showcase else None,
        weeks=[("this", i18n._("This week so far")), ("last", i18n._("Last week"))],
        here=i18n._(render_stories.HERE_IN_GROUP),
        tab="stories",
    )


def _story(story: Story, zone: ZoneInfo) -> dict[str, Any]:
    showcase = None
    if story.showcase_ref is not None:
        ref = story.showcase_ref
        showcase = post_link(ref.chat_id, ref.message_id, None, story.showcase_username)
    return {
        "story": story,
        "when": i18n.when(story.posted_at, zone),
        "link": message_link(story.ref),
        # /stories' words for what the author said (escaped there, for Telegram's HTML).
        "choice": Markup(render_stories.choice(story)),
        "shared": story.consent.shared,
        "showcase": showcase,
    }


def _showcase(showcase: Showcase) -> Markup:
    """Where consented stories go: a public chat linked by its name, a private one named."""
    chat = showcase.chat
    if chat.username:
        where = Markup('<a href="https://t.me/{0}" target="_blank" rel="noopener">@{0}</a>').format(
            chat.username
        )
    else:
        where = Markup.escape(chat.title)
    return Markup(i18n._("Stories their authors let go beyond the group are posted in {chat}.", chat=where))


def highlights(found: WeekHighlights, now: datetime) -> str:
    """Monday's message's sections, as rendered for Telegram: its HTML (bold, links) is the
    escaped subset Telegram takes, so the page shows it as it is. Until today, or the Sunday."""
    h = found.highlights
    zone = ZoneInfo(h.timezone)
    day = i18n._(render_highlights.DAY)
    last = None if found.week == "this" else i18n.dated((h.end - timedelta(hours=12)).astimezone(zone), day)
    return ENVIRONMENT.get_template("highlights.html").render(
        course=found.course,
        first=i18n.dated(h.start.astimezone(zone), day),
        last=last,
        sections=[Markup(block) for block in render_highlights.sections(h, HIGHLIGHTS_SHOWN)],
    )


TOO_LONG = N_("That is too long for a setting.")
# The settings, in /settings' order, with what each one decides.
SETTINGS = [
    ("sla", N_("How long a question may wait for an answer"), "2h"),
    ("timezone", N_("Time zone (a place's name)"), "Europe/Berlin"),
    ("quiet", N_("Quiet hours: no alerts then"), "22:00-07:00"),
    ("digest", N_("Daily digest time"), "08:00"),
    ("detect", N_("Questions: auto recognises them, tagged takes only #question"), "auto"),
    ("retention", N_("Remove message texts older than"), "90d"),
    ("language", N_("What the course's groups read"), "fr"),
    ("start", N_("The course's day 1, for announcements by week"), "2026-12-01"),
    ("nudge", N_("How long a question waits before peer helpers are asked (half the SLA unless set)"), "20m"),
    ("highlights", N_("The week's highlights on Mondays, with the digest: on or off"), "off"),
]


def _length(value: timedelta) -> str:
    return i18n.compact_length(value).replace(" ", "")


def _typed(course: Course) -> dict[str, str]:
    """Each setting's value as /settings takes it, in the keywords of the language spoken."""
    s, off = course.settings, i18n.keyword("off")
    return {
        "sla": _length(s.sla),
        "timezone": s.timezone,
        "quiet": f"{s.quiet.start:%H:%M}-{s.quiet.end:%H:%M}" if s.quiet else off,
        "digest": f"{s.digest_at:%H:%M}" if s.digest_at else off,
        "detect": i18n.keyword(s.detect.value),
        "retention": _length(s.retention) if s.retention else off,
        "language": s.language,
        "start": s.starts_on.isoformat() if s.starts_on else off,
        "nudge": _length(s.nudge) if s.nudge else (off if s.nudge is not None else ""),  # "": unset
        "highlights": i18n.keyword("on") if s.highlights else off,
    }


def settings(
    page: SettingsPage,
    notice: str | None = None,
    problem: str | None = None,
    key: str | None = None,
    typed: str | None = None,
) -> str:
    course = page.course
    values = _typed(course)
    if key in values and typed is not None:  # what was typed stays, to be corrected
        values[key] = typed[:200]
    fields = [
        {
            "key": name,
            "label": i18n._(label),
            "word": i18n.keyword(name),
            "value": values[name],
            "example": example,
        }
        for name, label, example in SETTINGS
    ]
    follows = [
        {
            "hashtag": follow.hashtag,
            "at": f"{follow.at:%H:%M}",
            "next": i18n.when(follow.next_at, ZoneInfo(follow.timezone)),
        }
        for follow in page.follows
    ]
    return ENVIRONMENT.get_template("settings.html").render(
        course=course,
        fields=fields,
        follows=follows,
        notice=notice,
        problem=problem,
        failed=key,
        tab="settings",
    )


def changed(course: Course, key: str) -> str:
    return i18n._("Updated {tag}: {key} changed.", tag=course.tag, key=i18n.keyword(key))


def refused(message: str) -> str:
    return ENVIRONMENT.get_template("refused.html").render(message=i18n._(message))


NO_SUCH_ACTION = N_("That action doesn't exist.")


def _helping(helpers: list[Person]) -> str | None:
    """As the alert says it, under the question."""
    if not helpers:
        return None
    return render_helpers.helping_line({"helping": [p.name for p in helpers]})


def _claimed(by: Person | None) -> str | None:
    return i18n._(STATUS["claimed"], by=by.name) if by is not None else None
