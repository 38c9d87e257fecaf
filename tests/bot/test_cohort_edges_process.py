"""Black-box: the eleven edges of issue 12 played against a real `flock run`.

A facilitator (Ana, an admin of every group), learners and a guest (Ada) act only through
Telegram-shaped updates; each step asserts what each person then receives and, where it says
more, what the database holds (tests/support/process_cohort.py drives it).

Every situation has a group of its own: Flock keeps under Telegram's 20 messages a minute per
group, and one group's traffic must not wait behind another's.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private
from tests.support.bot_api_server import UPGRADED
from tests.support.process_cohort import (
    ADA,
    ANA,
    BEN,
    CLEO,
    DAN,
    ELI,
    LENA,
    Cohort,
    alerts,
    edits,
    link,
    messages,
    mid,
    reactions,
    said,
    set_up,
    start,
)
from tests.support.telegram_html import visible_text

pytestmark = pytest.mark.process


OLD = group(-4001, "Cohort A", kind="group")
NEW = group(-1004001, "Cohort A")  # the supergroup it becomes


def test_a_group_upgraded_to_a_supergroup_mid_course(cohort: Cohort) -> None:
    start(cohort, ANA, BEN, DAN)
    cohort.telegram.number_from(OLD, 1)
    set_up(cohort, OLD, "upg26", "Upgrade cohort")  # message 1

    # Before: Ben's question (message 2) is acknowledged, a guest session's board is posted and
    # edited as questions come, and Ben's question goes overdue and is alerted to Ana.
    bens, calls = cohort.say(OLD, BEN, "How do I get VPN access?")
    assert reactions(calls, OLD) == [(2, "👀")]
    _, calls = cohort.say(OLD, ANA, '/guest @ada_expert "Careers in data" tomorrow 15:00')
    old_board = next(c for c in messages(calls, OLD) if c.text.startswith("🎤"))
    _, calls = cohort.say(OLD, BEN, "/askguest How did you get your first data job?")
    assert [c.params["message_id"] for c in edits(calls, OLD)] == [old_board.result["message_id"]]
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#upg26")), "Ben's alert", hours=2)
    (bens_alert,) = alerts(calls, ANA, "#upg26")
    assert "How do I get VPN access?" in bens_alert.text

    # Telegram upgrades the group. Eli's join was the old group's last message: the greeting
    # Flock owes him is answered 400 with migrate_to_chat_id, and goes to the supergroup.
    cohort.fake.upgrade(OLD["id"], NEW["id"])
    cohort.send(cohort.telegram.joined(OLD, ELI))
    calls = cohort.advance(lambda c: bool(messages(c, NEW)), "the greeting in the supergroup", minutes=1)
    assert [(c.method, c.result) for c in calls if c.chat_id == OLD["id"]] == [("sendMessage", UPGRADED)]
    assert [t.split("!")[0] for t in said(calls, NEW)] == ["Welcome to Upgrade cohort, Eli"]
    assert cohort.db.rows("select old_chat_id, new_chat_id from chat_moves") == [(OLD["id"], NEW["id"])]
    posts = posts_of(cohort, ANA, "upg26")

    # Both service messages come: the old group's last message says where it went, the
    # supergroup's first (message 1: it numbers its messages afresh) where it came from.
    cohort.telegram.number_from(NEW, 1)
    calls = cohort.send(
        cohort.telegram.post(OLD, ANA, migrate_to_chat_id=NEW["id"]),
        cohort.telegram.post(NEW, ANA, migrate_from_chat_id=OLD["id"]),
    )
    (new_board,) = messages(calls, NEW)  # the board, posted again where it can be edited
    assert new_board.text.startswith("🎤")
    assert "How did you get your first data job? — Ben" in visible_text(new_board.text)
    assert [c for c in calls if c.chat_id == OLD["id"]] == []
    assert posts_of(cohort, ANA, "upg26") == posts  # service messages are nobody's posts

    # After: Dan's question is the supergroup's message 2, the number Ben's had in the group.
    dans, calls = cohort.say(NEW, DAN, "Where is the laptop policy?")
    assert mid(dans) == mid(bens) == 2
    assert reactions(calls, NEW) == [(2, "👀")]
    assert said(calls, NEW) == []  # no "Sorry, something went wrong"

    # Cleo's reply answers Dan's question, not Ben's: Dan is asked, Ben and Ana's alert are not.
    _, calls = cohort.say(NEW, CLEO, "On the intranet, under IT.", reply_to=dans["message"])
    (asked,) = said(calls, DAN)
    assert asked.startswith("Cleo answered your question")
    assert said(calls, BEN) == []
    assert edits(calls, ANA) == []

    # /questions: Ben's question stays in the group it was asked in (a basic group: no link),
    # Dan's links to his message in the supergroup.
    _, calls = cohort.say(NEW, ELI, "/questions")
    (listing,) = messages(calls, NEW)
    assert visible_text(listing.text).startswith("Waiting for an answer\n• How do I get VPN access? — Ben")
    assert f'<a href="{link(NEW, dans)}">Where is the laptop policy?</a> — Dan' in listing.text
    assert listing.text.count("<a ") == 1

    # An alert falls due for Eli's new question: it links to the supergroup's message.
    elis, _ = cohort.say(NEW, ELI, "Can I borrow a second monitor?")
    calls = cohort.advance(
        lambda c: any("monitor" in a.text for a in alerts(c, ANA, "#upg26")), "Eli's alert", hours=2
    )
    (elis_alert,) = [a for a in alerts(calls, ANA, "#upg26") if "monitor" in a.text]
    assert f'href="{link(NEW, elis)}"' in elis_alert.text

    # The guest board is edited in the supergroup as questions keep coming.
    _, calls = cohort.say(NEW, DAN, "/askguest Which courses helped you most?")
    (edit,) = edits(calls, NEW)
    assert edit.params["message_id"] == new_board.result["message_id"]
    board = visible_text(edit.text)
    assert "How did you get your first data job? — Ben" in board
    assert "Which courses helped you most? — Dan" in board

    # Each message stays tied to the chat it was written in; only the greeting ever met the old id.
    assert cohort.db.rows("select chat_id, message_id, asker_id, state from questions order by id") == [
        (OLD["id"], 2, BEN["id"], "open"),
        (NEW["id"], 2, DAN["id"], "answered"),
        (NEW["id"], mid(elis), ELI["id"], "open"),
    ]
    assert cohort.db.rows("select chat_id from attachments") == [(NEW["id"],)]
    upgraded = [c for c in cohort.fake.answers.calls if c.result == UPGRADED]
    assert [(c.method, c.chat_id) for c in upgraded] == [("sendMessage", OLD["id"])]
    cohort.stop_cleanly()


def posts_of(cohort: Cohort, person: JSON, tag: str) -> list[tuple[Any, ...]]:
    return cohort.db.rows(
        "select l.posts from learners l join courses c on c.id = l.course_id "
        "where l.person_id = :person and c.hashtag = :tag",
        person=person["id"],
        tag=tag,
    )


# 3. Two courses in one shared group


def two_courses_in_one_group(cohort: Cohort) -> None:
    shared = group(-1001503, "Company chat")
    set_up(cohort, shared, "alp26", "Alpha", tagged=True)
    cohort.say(shared, ANA, "/setup #bet26 tagged Beta")
    both, _ = cohort.say(shared, BEN, "#alp26 #bet26 Who presents on Friday afternoon?")
    cohort.say(shared, CLEO, "#alp26 Where is the alpha schedule?")

    # One question per message, listed once; /questions #bet26 lists Beta's only.
    _, calls = cohort.say(shared, DAN, "/questions")
    (everything,) = said(calls, shared)
    assert everything.count("Who presents on Friday afternoon?") == 1
    assert "Where is the alpha schedule?" in everything
    _, calls = cohort.say(shared, DAN, "/questions #bet26")
    (beta,) = said(calls, shared)
    assert "Who presents on Friday afternoon?" in beta
    assert "alpha schedule" not in beta

    # One reply: Ben is asked once whether it answered his question.
    _, calls = cohort.say(shared, CLEO, "Ana does, after lunch.", reply_to=both["message"])
    (asked,) = said(calls, BEN)
    assert "Did this answer your question?" in asked


# 4. Forum topics and /alerts_here


FORUM = group(-1001505, "Cohort D", forum=True)
STAFF_FORUM = group(-1001504, "Facilitators", forum=True)
ALERTS_TOPIC = 7


def alerts_in_a_forum_topic(cohort: Cohort) -> None:
    set_up(cohort, FORUM, "top26", "Forum course")
    cohort.admin(STAFF_FORUM)
    _, calls = cohort.say(STAFF_FORUM, ANA, "/alerts_here #top26", topic=ALERTS_TOPIC)
    (routed,) = messages(calls, STAFF_FORUM)
    assert visible_text(routed.text) == "Alerts and digests for #top26 will come to this topic."
    assert routed.params.get("message_thread_id") == ALERTS_TOPIC

    cohort.say(FORUM, BEN, "How do I install the course tools?", topic=5)
    cohort.say(FORUM, CLEO, "Where is the schedule for week two?", topic=9)
    _, calls = cohort.say(FORUM, CLEO, "/questions", topic=5)
    (in_topic,) = messages(calls, FORUM)
    assert in_topic.params.get("message_thread_id") == 5
    assert "course tools" in in_topic.text
    assert "schedule" not in in_topic.text


def forum_alerts_arrived_in_the_topic(calls: list[Call]) -> None:
    """(After the questions above went overdue.)"""
    sent = [c for c in calls if c.method == "sendMessage" and "#top26" in c.text]
    assert len(sent) == 2
    assert {(c.chat_id, c.params.get("message_thread_id")) for c in sent} == {
        (STAFF_FORUM["id"], ALERTS_TOPIC)
    }


# 5. An edit that stops being a question (and one that becomes one)


def an_edit_that_stops_asking(cohort: Cohort) -> None:
    chat = group(-1001506, "Cohort E")
    set_up(cohort, chat, "edt26", "Edits course")
    room, _ = cohort.say(chat, BEN, "#q which room is the Friday workshop in")
    cohort.say(chat, DAN, "Is the kickoff recorded?")

    calls = cohort.advance(
        lambda c: len(alerts(c, ANA, "#edt26")) == 2 and len(alerts(c, STAFF_FORUM, "#top26")) == 2,
        "the first alerts",
        hours=2,
    )
    assert sorted("room" in a.text for a in alerts(calls, ANA, "#edt26")) == [False, True]
    forum_alerts_arrived_in_the_topic(calls)

    # Ben edits his question away: it is withdrawn, and Ana's alert says so.
    calls = cohort.send(cohort.telegram.edit(room, "never mind, found it"))
    (withdrawn,) = edits(calls, ANA)
    assert "Withdrawn by Ben" in visible_text(withdrawn.text)
    # Cleo's remark edited into a question is tracked.
    slides, calls = cohort.say(chat, CLEO, "slides from day one")
    assert reactions(calls, chat) == []
    calls = cohort.send(cohort.telegram.edit(slides, "Where are the slides from day one?"))
    assert reactions(calls, chat) == [(mid(slides), "👀")]

    # An SLA later Dan's question is alerted again; Ben's withdrawn one is not.
    calls = cohort.advance(
        lambda c: any("kickoff" in a.text for a in alerts(c, ANA, "#edt26")), "Dan's second alert", hours=2
    )
    texts = [a.text for a in alerts(calls, ANA, "#edt26")]
    assert any("kickoff" in t for t in texts)
    assert not any("room" in t or "never mind" in t for t in texts)
    assert cohort.db.rows(
        "select state from questions where chat_id = :chat and message_id = :id",
        chat=chat["id"],
        id=mid(room),
    ) == [("dismissed",)]


# 6. Lowering the SLA


def lowering_the_sla(cohort: Cohort) -> None:
    chat = group(-1001507, "Cohort F")
    set_up(cohort, chat, "sla26", "SLA course")
    cohort.say(chat, ANA, "/settings sla 3h")
    cohort.say(chat, BEN, "Who signs off the expense forms?")
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#sla26")), "the alert under 3h", hours=3)
    assert len(alerts(calls, ANA, "#sla26")) == 1

    _, calls = cohort.say(chat, ANA, "/settings sla 20s")
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#sla26")), "the alert under 20s", seconds=20)
    assert len(alerts(calls, ANA, "#sla26")) == 1
    assert cohort.db.rows(
        "select a.period from alerts a join questions q on q.id = a.question_id "
        "where q.chat_id = :chat order by a.period",
        chat=chat["id"],
    ) == [(1,), (2,)]


# 9. "Not yet"


def not_yet(cohort: Cohort) -> None:
    chat = group(-1001510, "Cohort I")
    set_up(cohort, chat, "nyt26", "Portal course")
    question, _ = cohort.say(chat, BEN, "How do I reset my portal password?")
    _, calls = cohort.say(chat, CLEO, "Use the link on the login page.", reply_to=question["message"])
    (ask,) = messages(calls, BEN)
    assert "Did this answer your question?" in ask.text
    cohort.say(chat, DAN, "Or ask IT on the help desk.", reply_to=question["message"])
    cohort.clock.advance(minutes=10)

    # Ben says no: he is told the facilitators know, and they do, at once.
    calls = cohort.press(BEN, ask, "Not yet")
    assert [visible_text(c.text) for c in edits(calls, BEN)] == [
        "Got it — I've told the facilitators it still needs help."
    ]
    (told,) = alerts(calls, ANA, "#nyt26")
    seen = visible_text(told.text)
    assert seen.startswith("🙋 Still needs help in #nyt26\n")
    assert "Ben asked 10m ago" in seen
    assert f'href="{link(chat, question)}"' in told.text
    assert "Ben says the answers from Cleo and Dan didn't help." in seen


# 11. #solved that is not a reply


def solved_without_a_reply(cohort: Cohort) -> None:
    chat = group(-1001511, "Cohort K")
    set_up(cohort, chat, "sol26", "Tools course")
    kickoff, _ = cohort.say(chat, DAN, "Is there a recording of the kickoff?")
    tools, _ = cohort.say(chat, BEN, "How do I install the course tools?")
    cohort.say(chat, CLEO, "Use the installer on the wiki.", reply_to=tools["message"])

    # Ben has one open question here: "#solved" on its own closes it, with a 🎉 and no words.
    thanks, calls = cohort.say(chat, BEN, "#solved thanks everyone")
    assert reactions(calls, chat) == [(mid(thanks), "🎉")]
    assert messages(calls, chat) == []
    assert states(cohort, chat) == [(mid(kickoff), "open"), (mid(tools), "resolved")]

    # With two open, Flock asks which, and Ben's tap settles the one he means.
    slides, _ = cohort.say(chat, BEN, "Where are the <slides> from day one?")
    room, _ = cohort.say(chat, BEN, "Which room is the workshop in?")
    _, calls = cohort.say(chat, BEN, "#solved")
    (which,) = messages(calls, chat)
    assert visible_text(which.text) == (
        "Which of your questions is solved?\n"
        "1. Where are the <slides> from day one?\n"
        "2. Which room is the workshop in?"
    )
    assert f'href="{link(chat, room)}"' in which.text
    pressed = cohort.press(BEN, which, "2")
    assert [visible_text(c.text) for c in edits(pressed, chat)] == [
        "✅ Marked as solved: Which room is the workshop in? Thanks!"
    ]
    assert states(cohort, chat) == [
        (mid(kickoff), "open"),
        (mid(tools), "resolved"),
        (mid(slides), "open"),
        (mid(room), "resolved"),
    ]


def states(cohort: Cohort, chat: JSON) -> list[tuple[Any, ...]]:
    return cohort.db.rows(
        "select message_id, state from questions where chat_id = :chat order by id", chat=chat["id"]
    )


def test_questions_in_shared_groups_topics_edits_and_follow_ups(cohort: Cohort) -> None:
    start(cohort, ANA, BEN, CLEO, DAN)
    solved_without_a_reply(cohort)
    two_courses_in_one_group(cohort)
    not_yet(cohort)
    alerts_in_a_forum_topic(cohort)
    an_edit_that_stops_asking(cohort)  # two SLAs pass: the forum's alerts fall due on the way
    lowering_the_sla(cohort)
    cohort.stop_cleanly()


# 2. /forget_me


def forget_me(cohort: Cohort) -> None:
    chat = group(-1001502, "Cohort B")
    set_up(cohort, chat, "frg26", "Privacy course")
    cohort.say(chat, LENA, "#intro Hi, I'm Lena from the data team.")
    cohort.say(chat, LENA, "Where do I find the onboarding checklist?")
    slides, _ = cohort.say(chat, CLEO, "Where are the slides for day one?")
    _, calls = cohort.say(chat, LENA, "They are in the shared drive, folder one.", reply_to=slides["message"])
    assert said(calls, CLEO)[0].startswith("Lena answered your question")
    cohort.say(chat, LENA, "Thanks, see you all at the kickoff then.")
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#frg26")), "Lena's alert", hours=2)
    assert any("Lena" in a.text for a in alerts(calls, ANA, "#frg26"))

    _, calls = cohort.say(private(LENA), LENA, "/forget_me")
    (asked,) = messages(calls, LENA)
    calls = cohort.press(LENA, asked, "Forget me")
    (done,) = edits(calls, private(LENA))
    assert visible_text(done.text).startswith(
        "Done. Removed 1 introduction, 1 question and 1 answer. You now appear as “Former learner”."
    )

    # Her next post starts a new history; what was erased stays anonymous.
    cohort.say(chat, LENA, "Hello again, everyone!")
    _, calls = cohort.say(private(ANA), ANA, "/roster #frg26")
    (roster,) = said(calls, ANA)
    assert "Former learner (4 posts)" in roster
    assert "Lena (1 post)" in roster
    _, calls = cohort.say(chat, CLEO, "/questions")
    (waiting,) = said(calls, chat)
    assert "Former learner" in waiting
    assert "Lena" not in waiting
    _, calls = cohort.say(private(ANA), ANA, "/export #frg26")
    (document,) = [c for c in calls if c.method == "sendDocument"]
    archive = zipfile.ZipFile(io.BytesIO(document.params["_bytes"]["document"]))
    questions = archive.read("questions.csv").decode()
    erased = [row for row in csv.DictReader(io.StringIO(questions)) if row["question"] == "[removed]"]
    assert [row["asker_name"] for row in erased] == ["Former learner"]
    assert "Lena" not in questions
    assert cohort.db.count("select count(*) from outbox where lower(payload) like '%lena%'") == 0


# 7. /guest lengths; 10. the private "ask the guest" link


def guest_lengths_and_the_private_link(cohort: Cohort) -> None:
    chat = group(-1001512, "Cohort J")
    set_up(cohort, chat, "gst26", "Guest course")
    refusal = "A session lasts from 10 minutes to 8 hours, like 45m, 90m or 2h."
    for length in ("in 1m 0m", "in 1m 30d", "tomorrow 15:00 5m", "tomorrow 15:00 8h1m"):
        _, calls = cohort.say(chat, ANA, f'/guest @grace_expert "Ask me anything" {length}')
        assert said(calls, chat) == [refusal], length
    _, calls = cohort.say(chat, ANA, '/guest @grace_expert "Ask me anything" tomorrow 15:00 45m')
    assert said(calls, chat)[0].startswith(
        "Scheduled session 1: “Ask me anything” with @grace_expert, Tue 3 Nov, 15:00 (UTC), 45 min."
    )
    board = next(c for c in messages(calls, chat) if c.text.startswith("🎤"))
    found = re.search(r"start=(ask_\d+)", board.text)
    assert found is not None
    payload = found.group(1)

    # Dan taps the board's private link, then simply types his question.
    _, calls = cohort.say(private(DAN), DAN, f"/start {payload}")
    (opened,) = messages(calls, DAN)
    assert "type it as your next message" in opened.text
    buttons = [b["text"] for row in opened.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Ask with my name", "Ask anonymously"]
    _, calls = cohort.say(private(DAN), DAN, "What was your first data job like?")
    assert said(calls, DAN) == ["Added to the board for “Ask me anything”. Others can upvote it."]
    (edit,) = edits(calls, chat)
    assert "What was your first data job like? — Dan" in visible_text(edit.text)
    _, calls = cohort.say(private(DAN), DAN, "Thanks!")
    assert said(calls, DAN)[0].startswith("I work mostly in course groups")  # one question per tap

    # Cleo asks anonymously.
    _, calls = cohort.say(private(CLEO), CLEO, f"/start {payload}")
    (opened,) = messages(calls, CLEO)
    cohort.press(CLEO, opened, "Ask anonymously")
    _, calls = cohort.say(private(CLEO), CLEO, "Is the pay really that good?")
    (edit,) = edits(calls, chat)
    assert "Is the pay really that good? — anonymous" in visible_text(edit.text)


# 8. After a guest session ends


def after_a_guest_session_ends(cohort: Cohort) -> None:
    chat = group(-1001508, "Cohort H")
    set_up(cohort, chat, "car26", "Careers course")
    _, calls = cohort.say(chat, ANA, '/guest @ada_expert "Careers in data" in 30m')
    board = next(c for c in messages(calls, chat) if c.text.startswith("🎤"))
    invite = re.search(r"start=(guest_[A-Za-z0-9_-]+)", " ".join(c.text for c in calls))
    assert invite is not None
    cohort.say(private(ADA), ADA, f"/start {invite.group(1)}")
    cohort.say(chat, BEN, "/askguest How did you get your first data job?")
    cohort.say(chat, CLEO, "/askguest Which tools do you use every day?")

    # The session starts: Ada gets both questions and answers one.
    calls = cohort.advance(lambda c: len(questions_to(c, ADA)) == 2, "the questions to Ada", minutes=30)
    first, second = sorted(questions_to(calls, ADA), key=lambda c: "Question 2" in c.text)
    _, calls = cohort.say(private(ADA), ADA, "Python, SQL and a notebook.", reply_to=second.result)
    assert any("Python, SQL and a notebook." in t for t in said(calls, chat))
    assert any("Python, SQL and a notebook." in t for t in said(calls, CLEO))

    # It ends: the board is final, Ada is thanked, Ana gets the leftovers.
    calls = cohort.advance(lambda c: bool(thanks_to(c, ADA)), "the end of the session", minutes=60)
    final = [c for c in edits(calls, chat) if c.params["message_id"] == board.result["message_id"]][-1]
    shown = visible_text(final.text)
    assert "has ended: 1 of 2 questions answered" in shown
    assert "start=transcript_" in final.text
    assert "Upvote" not in shown
    assert "Ask your question" not in shown
    assert not final.params.get("reply_markup", {}).get("inline_keyboard")
    (leftovers,) = messages(calls, ANA)
    (thanked,) = said(calls, ADA)
    assert thanked.startswith("🙏 Thank you for “Careers in data”!")
    assert "reply" not in thanked.lower()
    _, calls = cohort.say(private(ADA), ADA, "Thanks all!")
    (said_after,) = said(calls, ADA)
    assert said_after.startswith("🙏 Thank you")
    assert "reply to one of the questions" not in said_after

    # A late answer: the transcript is posted again, the leftovers and the board say so.
    _, calls = cohort.say(private(ADA), ADA, "Through an internship, honestly.", reply_to=first.result)
    (document,) = [c for c in calls if c.method == "sendDocument"]
    assert document.chat_id == chat["id"]
    assert "updated with a late answer" in document.params["caption"]
    assert "Through an internship, honestly." in document.params["_bytes"]["document"].decode()
    (updated,) = edits(calls, ANA)
    assert updated.params["message_id"] == leftovers.result["message_id"]
    line = next(x for x in visible_text(updated.text).splitlines() if "How did you get your first" in x)
    assert "answered late" in line
    assert "2 of 2 questions answered" in visible_text(edits(calls, chat)[-1].text)


def questions_to(calls: list[Call], guest: JSON) -> list[Call]:
    return [c for c in messages(calls, guest) if c.text.startswith("❓")]


def thanks_to(calls: list[Call], guest: JSON) -> list[Call]:
    return [c for c in messages(calls, guest) if c.text.startswith("🙏 Thank you")]


def test_forgetting_and_guest_sessions(cohort: Cohort) -> None:
    start(cohort, ANA, BEN, CLEO, DAN, LENA)
    forget_me(cohort)
    guest_lengths_and_the_private_link(cohort)
    after_a_guest_session_ends(cohort)
    cohort.stop_cleanly()
