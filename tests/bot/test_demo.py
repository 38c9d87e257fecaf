"""`flock demo` plays the cohort's week on its own clock: each message at the moment it falls due."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import demo
from storage.database import create_engine, session_factory
from storage.next_due import next_due

COHORT = Path(__file__).resolve().parents[2] / "examples" / "cohort.jsonl"


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """The demo's account, line by line, and the database it leaves."""
    db_file = tmp_path_factory.mktemp("demo") / "demo.db"
    updates = demo.load(str(COHORT))
    assert updates is not None
    told = io.StringIO()
    with contextlib.redirect_stdout(told):
        assert asyncio.run(demo.run_demo(updates, str(COHORT), db_file)) == 0
    return told.getvalue().splitlines(), db_file


def _index(lines: list[str], start: str, after: int = 0) -> int:
    return next(i for i, line in enumerate(lines) if i >= after and line.startswith(start))


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def test_the_daily_digest_arrives_at_eight_in_the_course_s_time(played: tuple[list[str], Path]) -> None:
    lines, db_file = played

    for day in ("Tue", "Wed", "Thu", "Fri"):
        assert f"{day} 08:00 — daily digest to Maya Okafor (facilitator)" in lines
    with sqlite3.connect(db_file) as db:
        sent = [_utc(at) for (at,) in db.execute("select sent_at from outbox where kind = 'digest'")]
    # Europe/Madrid is UTC+1 in November.
    assert [(at.day, at.hour, at.minute) for at in sent] == [(3, 7, 0), (4, 7, 0), (5, 7, 0), (6, 7, 0)]


def test_an_unanswered_question_is_alerted_when_its_sla_runs_out_not_later(
    played: tuple[list[str], Path],
) -> None:
    lines, db_file = played

    asked = _index(lines, "Wed 09:15 — Aiko Sato in the group: #q Is there a recommended way")
    alert = _index(lines, "Wed 11:15 — 2h without an answer: alert to Maya Okafor (facilitator)")
    answer = _index(lines, "Wed 11:40 — Maya Okafor replies to Aiko Sato")
    assert asked < alert < answer
    with sqlite3.connect(db_file) as db:
        rows = db.execute(
            "select q.asked_at, a.created_at from alerts a join questions q on q.id = a.question_id "
            "order by a.id"
        ).fetchall()
    # Aiko's at its SLA; Leo's (the next test) when the quiet hours end; neither again.
    assert [(_utc(made) - _utc(asked)).total_seconds() / 3600 for asked, made in rows] == [2, 12]


def test_a_question_overdue_in_the_quiet_hours_is_alerted_when_they_end(
    played: tuple[list[str], Path],
) -> None:
    lines, _ = played

    asked = _index(lines, "Wed 19:30 — Leo Martin in the group: #q Which plotting library")
    alert = _index(lines, "Thu 07:30 — 12h without an answer (overdue in the quiet hours")
    assert asked < alert
    assert not any(line.startswith(("Wed 21:", "Wed 22:", "Wed 23:")) for line in lines)


def test_the_guest_session_plays_out_batch_answers_then_transcript(played: tuple[list[str], Path]) -> None:
    lines, _ = played

    reminder = _index(lines, "Thu 14:45 — reminder to @sofia_dataops, the guest")
    # Batches of two, most upvoted first: the anonymous question 3 (two votes), then question 1.
    first = _index(lines, "Thu 15:00 — question 3 goes to @sofia_dataops", reminder)
    second = _index(lines, "Thu 15:00 — question 1 goes to @sofia_dataops", first)
    answered = _index(lines, "Thu 15:06 — Sofia Lind replies privately", second)
    relayed = _index(lines, "            ↳ @sofia_dataops's answer is relayed to the group", answered)
    asker = _index(lines, "            ↳ and to Aiko Sato, who asked, privately", relayed)
    # Ten minutes after a batch the next one goes, answered or not.
    _index(lines, "Thu 15:10 — question 2 goes to @sofia_dataops", asker)
    transcript = _index(lines, "Thu 15:45 — the session is over: its transcript is posted", asker)
    leftovers = _index(lines, "Thu 15:45 — the questions the guest left unanswered", transcript)
    told = "\n".join(lines[transcript:leftovers])
    assert "## Q3. Is DVC worth it for a team of two" in told  # question 3 on the board
    assert "Version the pointers in git, never the bytes." in told
    assert "Do you snapshot raw data" in lines[leftovers + 2]


async def test_after_the_week_the_next_thing_due_is_saturday_s_digest(played: tuple[list[str], Path]) -> None:
    _, db_file = played
    engine = create_engine(f"sqlite+aiosqlite:///{db_file}")
    try:
        friday_night = datetime(2026, 11, 6, 22, 59, tzinfo=UTC)
        saturday_eight = datetime(2026, 11, 7, 7, 0, tzinfo=UTC)
        assert await next_due(session_factory(engine), friday_night) == saturday_eight
    finally:
        await engine.dispose()


def test_the_announcement_written_on_tuesday_is_posted_and_pinned_on_wednesday_morning(
    played: tuple[list[str], Path],
) -> None:
    lines, db_file = played

    scheduled = _index(lines, "Tue 18:30 — Maya Okafor in the group: /announce tomorrow 09:00 pin")
    posted = _index(
        lines, "Wed 09:00 — a scheduled announcement is posted in the group and pinned", scheduled
    )
    assert lines[posted + 1].strip().startswith("Thursday at 15:00: Sofia Lind on versioning data")
    assert not lines[posted + 2].startswith("Wed 09:00")  # the pin is part of it, not another message
    with sqlite3.connect(db_file) as db:
        assert db.execute("select posted, next_at from announcements").fetchall() == [(1, None)]


def test_the_friday_retro_posts_its_prompts_in_order_and_takes_answers_both_ways(
    played: tuple[list[str], Path],
) -> None:
    lines, db_file = played

    reminder = _index(lines, "Fri 15:45 — the discussion “Week 1 retro” is announced in 15 minutes")
    opening = _index(lines, "Fri 16:00 — the discussion “Week 1 retro” opens in the group", reminder)
    q1 = _index(lines, "Fri 16:00 — prompt Q1 of the discussion is posted", opening)
    by_reply = _index(lines, "Fri 16:03 — Priya Raman replies to Flock's “Q1 What clicked", q1)
    assert lines[by_reply + 1].strip() == "↳ Flock reacts ✍"  # an answer gets a reaction, never a message
    by_number = _index(lines, "Fri 16:05 — Leo Martin in the group: A1: pivot_table", by_reply)
    q2 = _index(lines, "Fri 16:10 — prompt Q2 of the discussion is posted", by_number)
    _index(lines, "Fri 16:16 — Priya Raman in the group: A2: a small notebook", q2)
    with sqlite3.connect(db_file) as db:
        answers = db.execute(
            "select p.number, count(*) from discussion_answers a join discussion_prompts p "
            "on p.id = a.prompt_id group by p.number order by p.number"
        ).fetchall()
        state = db.execute("select state from discussion_rounds").fetchall()
        questions = db.execute("select count(*) from questions where text like 'A_%'").fetchone()
    assert answers == [(1, 3), (2, 4)]
    assert state == [("ended",)]
    assert questions == (0,)


def test_the_friday_retro_ends_with_its_recap_ranked_by_reactions_and_its_transcript(
    played: tuple[list[str], Path],
) -> None:
    lines, db_file = played

    scheduled = _index(lines, "Thu 17:00 — Maya Okafor in the group: /discussion")
    warned = _index(lines, "              ⚠️ I'm not an admin of Data Skills — Autumn 2026", scheduled)
    promoted = _index(
        lines, "Fri 15:30 — Maya Okafor makes Flock an admin of “Data Skills — Autumn 2026”", warned
    )
    reacted = _index(
        lines, "Fri 16:08 — Maya Okafor reacts 👍 to Tomás Ibarra's “a1 - seeing which data", promoted
    )
    recap = _index(lines, "Fri 16:20 — the discussion “Week 1 retro” is over: its recap is posted", reacted)
    transcript = _index(lines, "Fri 16:20 — and its transcript, as a document", recap)
    told = [line.strip() for line in lines[recap + 1 : transcript]]
    assert told[:2] == [
        "📝 Recap: Week 1 retro",
        "6 people took part, 1 of them for the first time in the course. Welcome!",  # Nadia
    ]
    # The most reactions first, then the most replies: not the order they were written in.
    assert told[3:8] == [
        "Q1 What clicked for you this week?",
        "3 answered.",
        "1. Tomás Ibarra: seeing which data version a chart was made from (3 reactions)",
        "2. Leo Martin: pivot_table, and why my index had duplicates. (1 reaction)",
        "3. Priya Raman: Reading other people's pandas code in the answers here.",
    ]
    assert told[9:14] == [
        "Q2 What will you try next week?",
        "4 answered.",
        "1. Nadia Haddad: say something here instead of only reading 🙂 (2 reactions)",
        "2. Aiko Sato: Setting up DVC for our team's notebooks. (1 reaction, 1 reply)",
        "3. Priya Raman: a small notebook of pandas recipes (1 reaction)",
    ]
    assert not any("not counted" in line for line in told)  # Flock is an admin: it saw them
    document = "\n".join(lines[transcript : _index(lines, "Fri 16:40", transcript)])
    assert "discussion-1.md:" in document
    assert "Took part: 6. First time in the course: 1. Answers: 7." in document
    assert "- **Aiko Sato**: Setting up DVC for our team's notebooks. (reactions: 1, replies: 1)" in document
    assert "  - *Leo Martin*: Same here: DVC plus a Makefile. Happy to share ours." in document
    with sqlite3.connect(db_file) as db:
        figures = db.execute(
            "select participants, answer_count, first_voices from discussion_rounds"
        ).fetchall()
    assert figures == [(6, 7, 1)]


def test_an_earlier_answer_is_offered_and_accepted(played: tuple[list[str], Path]) -> None:
    lines, db_file = played

    asked = _index(lines, "Thu 18:00 — Ben in the group: Why does pandas refuse to pivot my table?")
    assert lines[asked + 1].strip() == "↳ Flock offers an earlier answer, as a reply to the question"
    assert lines[asked + 2].strip().startswith("This was asked before: “How do I pivot a table in pandas")
    assert lines[asked + 3].strip().startswith("Use pivot_table instead of pivot")  # Leo's answer, Tuesday
    assert lines[asked + 5].strip() == "[That answers it] [Not quite]"
    pressed = _index(lines, "Thu 18:03 — Ben taps [That answers it]", asked)
    assert [line.strip() for line in lines[pressed + 1 : pressed + 3]] == [
        "↳ Flock edits its message in the group:",
        "✅ Glad it helped, Ben: the answer to “How do I pivot a table in pandas when the index has "
        "duplicate values? I keep ge…” settles it, and the question is marked as solved.",
    ]
    digest = _index(lines, "Fri 08:00 — daily digest to Maya Okafor (facilitator)", pressed)
    assert any("1 answered from earlier answers" in line for line in lines[digest : digest + 40])
    with sqlite3.connect(db_file) as db:
        resolved = db.execute(
            "select q.state, o.outcome from offers o join questions q on q.id = o.question_id"
        ).fetchall()
    assert resolved == [("resolved", "accepted")]


def test_a_peer_helper_is_pinged_after_the_nudge_time_and_answers(played: tuple[list[str], Path]) -> None:
    lines, db_file = played

    yes = _index(lines, "Thu 17:35 — Aiko Sato taps [Yes, ping me]")
    asked = _index(
        lines, "Thu 18:10 — Tomás Ibarra in the group: Has anyone run a notebook from Airflow?", yes
    )
    pinged = _index(lines, "Thu 18:40 — Flock points Aiko Sato, a peer helper, at a waiting question", asked)
    assert lines[pinged + 1].strip() == (
        "🙋 Tomás Ibarra asked in #dsk26 and nobody has answered yet — you may know:"
    )
    assert lines[pinged + 5].strip() == "[I'll answer] [Not for me]"
    on_it = _index(lines, "Thu 18:45 — Aiko Sato taps [I'll answer]", pinged)
    assert (
        lines[on_it + 1].strip()
        == "↳ Flock shows Aiko Sato: 🙌 Thanks! The facilitators can see you're on it."
    )
    _index(lines, "Thu 18:55 — Aiko Sato replies to Tomás Ibarra: The DAG runs", on_it)
    digest = _index(lines, "Fri 08:00 — daily digest to Maya Okafor (facilitator)", on_it)
    assert "🙋 Peers pointed at waiting questions: 1 ask · 1 answered" in [
        line.strip() for line in lines[digest : digest + 40]
    ]
    with sqlite3.connect(db_file) as db:
        asks = db.execute("select response from helper_asks").fetchall()
    assert asks == [("answering",)]


def test_the_course_follows_the_conference_hashtag_and_gets_its_catch_up_at_seven(
    played: tuple[list[str], Path],
) -> None:
    lines, db_file = played

    shared = _index(lines, "Wed 19:41 — Jonas Weber in “DevCon 2026”: /share #devcon26")
    assert lines[shared + 1].strip() == "↳ Flock replies in “DevCon 2026”:"
    followed = _index(lines, "Wed 19:50 — Maya Okafor in the group: /follow #devcon26 at 19:00", shared)
    assert "every day at 19:00 (Europe/Madrid)" in lines[followed + 2]
    _index(lines, "Wed 20:30 — Marco Rossi in “DevCon 2026”: Anyone up for the food trucks", followed)
    # Thursday 19:00, course time: one catch-up, the most reactions and replies first, the link
    # on its own; Marco's lunch call had no hashtag and stayed in the conference's group.
    caught_up = _index(lines, "Thu 19:00 — the day's catch-up of #devcon26 is posted in the group", followed)
    told = [line.strip() for line in lines[caught_up + 1 : caught_up + 11]]
    assert told == [
        "#devcon26: 2 new posts since Wed 4 Nov, 19:50",  # when Maya followed it
        "",
        "1. Inés Castro in DevCon 2026 · 2 reactions, 1 reply",
        "Slides of my keynote on reproducible notebooks: "
        "https://devcon.example/talks/reproducible-notebooks #devcon26",
        "",
        "2. Marco Rossi in DevCon 2026 · 1 reaction",
        "#devcon26 Panel takeaway: version the data, not only the code.",
        "",
        "Links shared",
        "• https://devcon.example/talks/reproducible-notebooks — Inés Castro in DevCon 2026",
    ]
    assert not lines[caught_up + 11].strip()  # nothing more in it
    assert not any("catch-up of #devcon26" in line for line in lines[caught_up + 1 :])  # Friday: nothing new
    with sqlite3.connect(db_file) as db:
        sent = db.execute("select chat_id, sent_at from outbox where kind = 'catch_up'").fetchall()
    assert [(chat, _utc(at).hour) for chat, at in sent] == [(-1001234567890, 18)]  # 19:00 in Madrid


def test_aiko_s_win_is_posted_once_to_the_showcase_with_her_consent(played: tuple[list[str], Path]) -> None:
    lines, _ = played
    told = _index(lines, "Fri 17:45 — Aiko Sato in the group: #win")
    pressed = _index(lines, "Fri 17:50 — Aiko Sato taps [Yes, as Aiko]", told)

    assert lines[told + 1].strip() == "↳ Flock writes to Aiko Sato"
    assert "[Yes, as Aiko] [Yes, as “a learner”] [Keep it in the group]" in lines[told + 6]
    assert "↳ Flock reacts 🎉" in lines[told + 7]
    posted = [i for i, line in enumerate(lines) if "the story is posted once in the showcase" in line]
    assert posted == [pressed + 3]
    assert lines[pressed + 4].strip() == "🎉 A story from Data Skills — Autumn 2026"
    assert lines[pressed + 8].strip() == "— Aiko"
