"""Black-box: earlier answers offered and a peer helper pinged, played against a real `flock run`.

A course in a forum group has a history of questions asked through Flock and answered by
replies, one of them resolved. New questions phrased differently are offered the right earlier
one: privately to Ben, who started the bot, and as one reply in the question's topic to Eli, who
hasn't. Ben's "That answers it" resolves his question (no alert; the digest counts it), Eli's
"Not quite" leaves his open and is never asked again; a related but different question and an
unrelated one are offered nothing. Lena, who said "Yes, ping me" after her introduction, is
pinged with the unrelated one once it has waited the nudge time, says "I'll answer", the
facilitator's alert shows it, and her answer counts in the digest.
"""

from __future__ import annotations

import pytest

from bot.recording import Call
from tests.builders import JSON, group, private
from tests.support.process_cohort import (
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
    said,
    set_up,
    start,
)
from tests.support.telegram_html import visible_text

pytestmark = pytest.mark.process

FORUM = group(-1005301, "Data course", forum=True)
HELP = 7  # the forum's "Help" topic
OFFER = "Does that answer it?"


def offers(calls: list[Call], to: JSON) -> list[Call]:
    return [c for c in messages(calls, to) if OFFER in c.text]


def toasts(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def state(cohort: Cohort, question: JSON) -> str:
    [(found,)] = cohort.db.rows(
        "select state from questions where chat_id = :c and message_id = :m", c=FORUM["id"], m=mid(question)
    )
    return str(found)


def asked(cohort: Cohort, person: JSON, words: str, **kw: object) -> tuple[JSON, list[Call]]:
    """A question: Flock acknowledges it with 👀 and says nothing in the group."""
    update, calls = cohort.say(FORUM, person, words, **kw)
    assert [c.params["reaction"][0]["emoji"] for c in calls if c.method == "setMessageReaction"] == ["👀"]
    return update, calls


def test_earlier_answers_offered_and_a_peer_helper_pinged(cohort: Cohort) -> None:
    start(cohort, ANA, BEN, LENA)
    set_up(cohort, FORUM, "dat26", "Data course")
    _, calls = cohort.say(FORUM, ANA, "/settings nudge 20m")
    assert "nudge" in said(calls, FORUM)[0]

    # The course's history: questions asked through Flock, answered by replies; Dan's resolved.
    pandas, _ = asked(cohort, CLEO, "How do I install pandas on the lab laptop?")
    cohort.say(
        FORUM,
        DAN,
        "Run pip install pandas in the lab terminal, then restart Jupyter.",
        reply_to=pandas["message"],
    )
    dataset, _ = asked(cohort, DAN, "Where can I download the dataset for the week 2 project?", topic=HELP)
    cohort.say(
        FORUM,
        CLEO,
        "It's on the course drive, in the Week 2 folder.",
        reply_to=dataset["message"],
        topic=HELP,
    )
    _, calls = cohort.say(FORUM, DAN, "/solved", reply_to=dataset["message"], topic=HELP)
    review, _ = asked(cohort, ELI, "What time does the Friday review session start?")
    cohort.say(FORUM, ANA, "10:00, in room B.", reply_to=review["message"])
    assert [state(cohort, q) for q in (pandas, dataset, review)] == ["answered", "resolved", "answered"]

    # Lena introduces herself; at the next tick she is asked, privately, whether she'd help. The
    # process ticks on its own: the invitation may come while her message is still being settled.
    _, calls = cohort.say(FORUM, LENA, "Hi, I'm Lena, a data analyst: statistics, SQL and dashboards #intro")
    calls += cohort.advance(lambda c: bool(messages(calls + c, LENA)), "Lena's invitation", minutes=1)
    [invitation] = messages(calls, LENA)
    assert said(calls, LENA) == [
        "Thanks for introducing yourself in #dat26! When a question there waits for an answer and it "
        "matches what you wrote, may I ping you privately? (At most 3 a day, never in quiet hours.)"
    ]
    calls = cohort.press(LENA, invitation, "Yes, ping me")
    assert [c.text for c in edits(calls, private(LENA))] == [
        "👍 Thanks! I'll ping you now and then about a question you may know (at most 3 a day)."
    ]

    # Ben has started the bot: the earlier answer comes to him privately, nothing in the group.
    bens, calls = asked(cohort, BEN, "Is there a way to get pandas installed on my lab laptop?")
    [offer] = offers(calls, BEN)
    assert messages(calls, FORUM) == []
    assert offer.text == (
        f'About your question <a href="{link(FORUM, bens)}">“Is there a way to get pandas installed on my '
        f'lab laptop?”</a> in #dat26: it was asked before, <a href="{link(FORUM, pandas)}">“How do I '
        "install pandas on the lab laptop?”</a>, and answered:\n<blockquote>Run pip install pandas in "
        "the lab terminal, then restart Jupyter.</blockquote>\nDoes that answer it?"
    )
    calls = cohort.press(BEN, offer, "That answers it")
    assert [c.text for c in edits(calls, private(BEN))] == [
        f'✅ Glad it helped — your question <a href="{link(FORUM, bens)}">“Is there a way to get pandas '
        "installed on my lab laptop?”</a> is marked as solved."
    ]
    assert state(cohort, bens) == "resolved"

    # Eli hasn't: one reply in his question's topic, pointing at Dan's resolved question.
    elis, calls = asked(cohort, ELI, "Where do I get the dataset for the week 2 project?", topic=HELP)
    [offer] = offers(calls, FORUM)
    assert offer.params["message_thread_id"] == HELP
    assert offer.params["reply_parameters"]["message_id"] == mid(elis)
    in_topic = link(FORUM, dataset).replace("/5301/", f"/5301/{HELP}/")  # a topic's message link names it
    assert f'<a href="{in_topic}">“Where can I download the dataset' in offer.text
    assert visible_text(offer.text) == (
        "This was asked before: “Where can I download the dataset for the week 2 project?”, and answered:\n"
        "It's on the course drive, in the Week 2 folder.\n"
        "Does that answer it? (Only the person who asked can say.)"
    )
    calls = cohort.press(ELI, offer, "Not quite")
    assert [visible_text(c.text) for c in edits(calls, FORUM)] == [
        "Got it, Eli: the answer to “Where can I download the dataset for the week 2 project?” isn't "
        "quite it, so the question stays open for the course."
    ]
    assert f'<a href="{in_topic}">' in edits(calls, FORUM)[0].text
    assert toasts(cohort.press(ELI, offer, "Not quite")) == ["You've already answered this."]
    assert (
        offers(cohort.send(cohort.telegram.edit(elis, "Where do I get the week 2 project dataset?")), FORUM)
        == []
    )
    assert state(cohort, elis) == "open"

    # A related but different question, and an unrelated one: nothing offered.
    room, calls = asked(cohort, DAN, "Which room is the Friday review session in?")
    assert messages(calls, FORUM) == []
    assert messages(calls, DAN) == []
    book, calls = asked(cohort, CLEO, "Can anyone recommend a good book on statistics?")
    assert messages(calls, FORUM) == []
    assert messages(calls, CLEO) == []

    # 20 minutes on, the unanswered questions are pointed at helpers: only Lena's kind of question.
    calls = cohort.advance(lambda c: bool(messages(c, LENA)), "Lena pinged", minutes=20)
    [ping] = messages(calls, LENA)
    assert said(calls, LENA) == [
        "🙋 Cleo asked in #dat26 and nobody has answered yet — you may know:\n"
        "“Can anyone recommend a good book on statistics?”\n\nReply to the question in the group if you can."
    ]
    assert f'<a href="{link(FORUM, book)}">' in ping.text
    calls = cohort.press(LENA, ping, "I'll answer")
    assert toasts(calls) == ["🙌 Thanks! The facilitators can see you're on it."]
    [kept] = [c for c in calls if c.method != "answerCallbackQuery"]  # the ask keeps what she said
    assert (kept.method, kept.chat_id, "reply_markup" in kept.params) == (
        "editMessageText",
        LENA["id"],
        False,
    )
    assert visible_text(kept.text) == (
        "🙋 You said you'll answer “Can anyone recommend a good book on statistics?”: "
        "reply to it in the group when you can."
    )

    # Two hours after they were asked: alerts for the open questions, none for Ben's resolved one;
    # the one Lena is on says so.
    calls = cohort.advance(lambda c: len(alerts(c, ANA, "#dat26")) >= 3, "the alerts", hours=2)
    alerted = [visible_text(a.text) for a in alerts(calls, ANA, "#dat26")]
    assert sorted(alerted) == [
        "⏰ Unanswered in #dat26\nCleo asked 2h ago: “Can anyone recommend a good book on statistics?”\n"
        "🙋 Lena said they'll answer (peer helper).",
        "⏰ Unanswered in #dat26\nDan asked 2h ago: “Which room is the Friday review session in?”",
        # Eli's is still open, as he last wrote it
        "⏰ Unanswered in #dat26\nEli asked 2h ago: “Where do I get the week 2 project dataset?”",
    ]

    # Lena answers; the digest counts her answer to the ask and Ben's answer from earlier ones.
    cohort.say(FORUM, LENA, "Think Stats by Allen Downey, free online.", reply_to=book["message"])
    assert state(cohort, book) == "answered"
    _, calls = cohort.say(private(ANA), ANA, "/digest #dat26")
    digest = "\n".join(said(calls, ANA))
    assert "1 answered from earlier answers" in digest
    assert "🙋 Peers pointed at waiting questions: 1 ask · 1 answered" in digest
    assert cohort.db.rows("select outcome from offers order by question_id") == [("accepted",), ("declined",)]
    assert state(cohort, room) == "open"
    cohort.stop_cleanly()
