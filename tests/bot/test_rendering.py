"""Rendered user text is text, never markup: whatever people call themselves or write, the HTML
Flock sends holds only the tags its templates put there, Telegram accepts it, it fits a message,
and the person's words come back out as they wrote them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render_alerts, render_sessions, render_stats, texts
from bot.fit import CAPTION, MESSAGE, fit, shortened, toast
from facilitation.courses import CourseView
from facilitation.introductions import Roster
from facilitation.model import (
    Attachment,
    Course,
    GuestSession,
    Introduction,
    MessageRef,
    Person,
    Phase,
    Question,
    QuestionState,
    RosterEntry,
    Scope,
)
from facilitation.questions import ChatQuestions
from facilitation.stats import CourseStats, Window
from tests.support.telegram_html import CAPTION_LIMIT, tags_used, visible_text

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)
REF = MessageRef(-1001500, 101)
MARKUP = "<>&\"'*_[]()`~|#/\\;=:"
# Words as people type them: markup characters, entities, tags, invisible and combining marks.
USER_TEXT = st.one_of(
    st.text(st.sampled_from([*MARKUP, "a", "b", " ", "é", "🙂", "\u202e", "\u200b", "\u0301"]), min_size=1),
    st.lists(
        st.sampled_from(
            ["<b>", "</b>", "</a>", "<a href='x'>", "&amp;", "&lt;", "&#39;", "&", "<", "x", " "]
        ),
        min_size=1,
    ).map("".join),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=50),
).filter(lambda t: t.strip() != "")


def person(name: str) -> Person:
    return Person(12, name, "ben")


def course(title: str) -> Course:
    return Course(1, "onb26", title)


def question(text: str, asker: str) -> Question:
    return Question(1, 1, person(asker), text, QuestionState.OPEN, NOW - timedelta(hours=3), REF)


def session(title: str) -> GuestSession:
    return GuestSession(
        1, course("Course"), title, "ada_expert", None, "tok", NOW, NOW + timedelta(hours=1), Phase.COLLECTING
    )


def item(text: str, who: str) -> dict[str, object]:
    """An alert's or follow-up's data as frozen in the outbox."""
    return {
        "alert_id": 1, "question_id": 1, "course": "#onb26", "asker": who, "answerer": who, "by": who,
        "status": "claimed", "text": text, "asked_at": (NOW - timedelta(hours=3)).isoformat(),
        "chat_id": REF.chat_id, "message_id": REF.message_id,
    }  # fmt: skip


def session_data(text: str, who: str) -> dict[str, object]:
    return {
        "session_id": 1, "title": text, "guest": "ada_expert", "course": "#onb26", "timezone": "UTC",
        "starts_at": NOW.isoformat(), "ends_at": (NOW + timedelta(hours=1)).isoformat(), "before": "1h",
        "n": 3, "asker": who, "text": text, "answer": text, "asked_by": who,
        "questions": [{"id": 1, "n": 1, "text": text, "asker": who, "votes": 2, "asked_by": who}],
    }  # fmt: skip


def excerpted(words: str) -> str:
    return " ".join(words.split())[:10]


@dataclass(frozen=True)
class Render:
    name: str
    html: Callable[[str], str]  # the user's words into the template
    shows: Callable[[str], str] = lambda words: words  # what of the words the reader must see
    limit: int = MESSAGE


RENDERS = [
    Render("setup_done", lambda t: texts.setup_done(course(t), Scope.ALL, True, True)),
    Render(
        "course_views",
        lambda t: texts.course_views([CourseView(Attachment(course(t), -1, Scope.ALL), [person(t)])]),
    ),
    Render("settings_shown", lambda t: texts.settings_shown(course(t))),
    Render(
        "setting_needs_value",
        lambda t: texts.setting_needs_value("".join(t.split())),
        lambda t: "".join(t.split())[:10],
    ),
    Render("facilitator_added", lambda t: texts.facilitator_added(course("C"), person(t), True)),
    Render("facilitator_removed", lambda t: texts.facilitator_removed(course("C"), person(t))),
    Render("facilitators", lambda t: texts.facilitators(course("C"), [person(t), person(t)])),
    Render("greeting", lambda t: texts.greeting([t, t], [t])),
    Render(
        "my_intros", lambda t: texts.my_intros([(course("C"), Introduction(1, 1, person("B"), t, NOW, REF))])
    ),
    Render(
        "rosters",
        lambda t: texts.rosters([Roster(course(t), [RosterEntry(person(t), t, 3, NOW)])]),
        excerpted,
    ),
    Render(
        "chat_questions",
        lambda t: texts.chat_questions(ChatQuestions([question(t, t)], [], ["onb26"]), NOW),
        excerpted,
    ),
    Render("my_questions", lambda t: texts.my_questions([([course("C")], question(t, "B"))], NOW), excerpted),
    Render("welcome_private", lambda t: texts.welcome_private(person(t), [course(t)])),
    Render("unanswered", lambda t: texts.unanswered([(course("C"), [question(t, t)])], NOW), excerpted),
    Render("alert_text", lambda t: render_alerts.alert_text(item(t, t), NOW), excerpted),
    Render("edited_alert_text", lambda t: render_alerts.edited_alert_text(item(t, t), NOW), excerpted),
    Render(
        "batch_text",
        lambda t: render_alerts.batch_text({"course": "#onb26", "items": [item(t, t)] * 6}, NOW),
        excerpted,
    ),
    Render("nudge_text", lambda t: render_alerts.nudge_text({"names": [t], "course": "#onb26"}, "flock_bot")),
    Render("followup_text", lambda t: render_alerts.followup_text(item(t, t)), excerpted),
    Render("scheduled", lambda t: render_sessions.scheduled(session(t), "flock_bot")),
    Render("announced", lambda t: render_sessions.announced(session_data(t, t), "flock_bot")),
    Render("cancelled", lambda t: render_sessions.cancelled(session_data(t, t))),
    Render("moved", lambda t: render_sessions.moved(session_data(t, t))),
    Render("reminder", lambda t: render_sessions.reminder(session_data(t, t))),
    Render("guest_not_ready", lambda t: render_sessions.guest_not_ready(session_data(t, t))),
    Render("welcome_guest", lambda t: render_sessions.welcome_guest(session(t))),
    Render("session_list", lambda t: render_sessions.session_list([session(t)])),
    Render("board", lambda t: render_sessions.board(session_data(t, t), "flock_bot"), excerpted),
    Render("asked_reply", lambda t: render_sessions.asked_reply(False, t)),
    Render("ask_privately", lambda t: render_sessions.ask_privately(session(t))),
    Render("guest_question", lambda t: render_sessions.guest_question(session_data(t, t))),
    Render("guest_answer", lambda t: render_sessions.guest_answer(session_data(t, t))),
    Render("guest_answer_private", lambda t: render_sessions.guest_answer_private(session_data(t, t))),
    Render(
        "transcript_caption", lambda t: render_sessions.transcript_caption(session_data(t, t)), limit=CAPTION
    ),
    Render("leftovers", lambda t: render_sessions.leftovers(session_data(t, t)), excerpted),
    Render(
        "stats_summary",
        lambda t: render_stats.summary(
            CourseStats(course(t), Window.WEEK, None, {}, None, 0, 0, [(person(t), 2)], [])
        ),
    ),
]


@pytest.mark.parametrize("render", RENDERS, ids=[r.name for r in RENDERS])
@settings(max_examples=60, deadline=None)
@given(words=USER_TEXT)
def test_user_text_is_shown_as_text_never_as_markup(render: Render, words: str) -> None:
    html = fit(render.html(words), render.limit)

    seen = visible_text(html, CAPTION_LIMIT if render.limit == CAPTION else MESSAGE)

    assert tags_used(html) == tags_used(fit(render.html("plain"), render.limit))
    assert render.shows(words) in seen


@pytest.mark.parametrize("render", RENDERS, ids=[r.name for r in RENDERS])
@pytest.mark.parametrize("words", ["x" * 100_000, "<b>&amp;" * 5000, "🙂" * 5000, "line\n" * 5000])
def test_huge_user_text_still_makes_a_message_telegram_accepts(render: Render, words: str) -> None:
    html = fit(render.html(words), render.limit)

    visible_text(html, CAPTION_LIMIT if render.limit == CAPTION else MESSAGE)


@settings(max_examples=200, deadline=None)
@given(
    html=st.lists(
        st.sampled_from(["<b>", "</b>", "<i>x", "</i>", "&amp;", "word ", "🙂", "\n"]), max_size=400
    ).map("".join),
    limit=st.integers(20, 300),
)
def test_fit_never_cuts_inside_markup(html: str, limit: int) -> None:
    balanced = texts.escape(html)  # any text, escaped, wrapped in a tag the cut must close
    wrapped = f'<b>{balanced}</b> <a href="https://t.me/c/1/2">x{balanced}</a>'

    cut = fit(wrapped, limit)

    assert len(cut.encode("utf-16-le")) // 2 <= limit
    visible_text(cut)


def test_toasts_fit_a_button_answer() -> None:
    assert len(toast("Ana " * 100)) <= 200
    assert toast("Taken.") == "Taken."


def test_a_message_with_lists_is_shortened_list_by_list_then_cut_at_a_whole_line() -> None:
    tried: list[int] = []

    def render(limit: int) -> str:  # one line per item: 300 characters with its newline
        tried.append(limit)
        return "\n".join(f"<b>{n}</b> " + "x" * 290 for n in range(limit))

    fits = shortened(render, (20, 13, 5))
    tried_first = list(tried)
    cut = shortened(render, (20, 15))

    assert tried_first == [20, 13]  # the longest that fits, nothing cut
    assert fits == render(13)
    assert len(cut) <= MESSAGE
    assert cut.endswith("</b> " + "x" * 290 + "\n…")  # 13 whole lines, then …
    assert cut.count("\n") == 13
    assert render(15).startswith(cut.removesuffix("\n…"))
