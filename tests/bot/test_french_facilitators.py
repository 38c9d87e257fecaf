"""Alerts, digests and follow-ups in French: each facilitator reads alerts and digests in their
own language (a French app's facilitator of an English course reads French, an English one of a
French course English), a facilitators' group (/alerts_here) reads the course's language, buttons
speak the message's language and their answers the presser's; the asker's follow-up is theirs."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import texts
from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
ANA_FR = {**ANA, "language_code": "fr"}  # the same facilitator, her app in French
BEN = user(12, "Ben")  # learner
CLEO = user(13, "Cleo", "cleo_p")  # learner
LEA = {**user(17, "Léa", "lea_q"), "language_code": "fr-CA"}  # a French-speaking learner
EVE = user(15, "Eve <3")
CHAT = group(-1001500, "Onboarding 2026")
STAFF = group(-1001900, "Facilitators")
QUESTION = "How do I reset my portal password?"


async def set_up(flock: Harness, facilitator: JSON = ANA_FR, *, french_course: bool = False) -> None:
    flock.make_admin(CHAT, facilitator)
    await flock.send(flock.telegram.post(CHAT, facilitator, "/setup #onb26 Onboarding 2026"))
    if french_course:
        await flock.send(flock.telegram.post(CHAT, facilitator, "/settings language fr"))
    await flock.send(flock.telegram.post(private(facilitator), facilitator, "/start"))


async def say(flock: Harness, person: JSON, words: str, **kw: object) -> JSON:
    update = flock.telegram.post(CHAT, person, words, **kw)
    await flock.send(update)
    return update


def alerts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]


def labels(message: Call) -> list[str]:
    return [b["text"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


def toasts(calls: list[Call]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


def edits(calls: list[Call]) -> list[tuple[int, str]]:
    return [(c.chat_id, c.text) for c in calls if c.method == "editMessageText"]


def alert_fr(question: JSON) -> str:
    link = f"https://t.me/c/1500/{question['message']['message_id']}"
    return (
        "⏰ <b>Sans réponse dans #onb26</b>\n"
        f'Ben a demandé il y a 2 h : <a href="{link}">« How do I reset my portal password? »</a>'
    )


async def test_a_french_facilitator_of_an_english_course_gets_the_alert_in_french_with_buttons(
    flock: Harness,
) -> None:
    await set_up(flock)
    question = await say(flock, BEN, QUESTION)
    flock.clock.advance(hours=2)

    [alert] = alerts(await flock.tick())
    claimed = await flock.send(press(flock, ANA_FR, alert, "Je m’en occupe"))
    again = await flock.send(press(flock, ANA_FR, alert, "Je m’en occupe"))

    assert (alert.chat_id, alert.text) == (ANA["id"], alert_fr(question))
    assert labels(alert) == ["Je m’en occupe", "Rappel dans 1 h", "Pas une question"]
    assert toasts(claimed) == ["Elle est à vous. Les autres voient que vous vous en occupez."]
    assert edits(claimed) == [(ANA["id"], f"{alert_fr(question)}\n\n<b>🙋 Prise en charge par Ana</b>")]
    assert toasts(again) == ["Vous vous en occupez déjà."]


async def test_a_french_facilitator_gets_the_daily_digest_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, BEN, "#intro Hi, I'm Ben, a designer from Lisbon")
    await say(flock, CLEO, "Hello everyone!")
    slides = await say(flock, BEN, "#q Where are the slides from day one?")
    flock.clock.advance(minutes=30)
    await say(flock, CLEO, "In the shared drive, folder Day 1", reply_to=slides["message"])
    flock.clock.advance(minutes=10)
    await say(flock, EVE, "#q Does <b>bold</b> & co work in the portal?")
    flock.clock.current = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)

    calls = await flock.tick()

    digests = [c for c in calls if c.method == "sendMessage" and c.text.startswith("📋")]
    assert [(c.chat_id, c.text) for c in digests] == [
        (
            ANA["id"],
            "📋 <b>Résumé : Onboarding 2026</b> (#onb26)\n"
            "Depuis lun. 2 nov. à 09:00 (UTC)\n\n"
            "<b>⏳ Sans réponse</b> (1)\n"
            '• <a href="https://t.me/c/1500/105">Does &lt;b&gt;bold&lt;/b&gt; &amp; co work in the portal?'
            "</a> — Eve &lt;3, 22 h\n\n"
            "<b>💬 Avec réponse, pas encore résolues</b> (1)\n"
            '• <a href="https://t.me/c/1500/103">Where are the slides from day one?</a> — Ben, 23 h\n\n'
            "<b>🤗 Nouvelles présentations</b> (1)\n"
            '• <a href="https://t.me/c/1500/101">Ben</a> : Hi, I\'m Ben, a designer from Lisbon\n\n'
            "<b>🙈 Ont écrit sans s’être présentés</b> (2)\nCleo, Eve &lt;3\n\n"
            "<b>🏅 Entraide entre pairs</b>\nCleo (1)\n\n"
            # plurals by the French rule: "2 questions posées", "1 avec réponse"
            "<b>📈 Chiffres</b>\n2 questions posées · 1 avec réponse · "
            "délai médian de première réponse : 30 min · première réponse d’un pair : 1 sur 1\n\n"
            "<b>👥 Participants</b> (3)\n"
            "• Ben — présentation ✓ · questions : 1 · réponses : 0 · vu il y a 23 h\n"
            "• Cleo — sans présentation · questions : 0 · réponses : 1 · vu il y a 22 h\n"
            "• Eve &lt;3 — sans présentation · questions : 1 · réponses : 0 · vu il y a 22 h",
        )
    ]
    [overdue] = alerts(calls)  # Eve's question, overdue meanwhile: French too
    assert overdue.text.startswith("⏰ <b>Sans réponse dans #onb26</b>\nEve &lt;3 a demandé il y a 22 h : ")
    [chart] = [c for c in calls if c.method == "sendPhoto"]
    assert chart.params["caption"] == "#onb26 · questions par jour selon leur issue, 7 derniers jours"


async def test_digest_asked_for_in_the_group_comes_privately_in_french_and_the_group_hears_english(
    flock: Harness,
) -> None:
    await set_up(flock)
    await say(flock, BEN, QUESTION)

    calls = await flock.send(flock.telegram.post(CHAT, ANA_FR, "/digest"))

    sent = [(c.chat_id, c.text) for c in calls if c.method == "sendMessage"]
    assert [chat for chat, _ in sent] == [ANA["id"], CHAT["id"]]
    assert sent[0][1].startswith("📋 <b>Résumé : Onboarding 2026</b> (#onb26)\nDepuis ")
    assert "<b>📈 Chiffres</b>\n1 question posée · 0 avec réponse" in sent[0][1]
    assert sent[1][1] == texts.SENT_PRIVATELY


async def test_a_french_course_s_facilitators_group_gets_alerts_in_french_and_toasts_in_the_presser_s(
    flock: Harness,
) -> None:
    await set_up(flock, ANA, french_course=True)
    await flock.send(flock.telegram.post(STAFF, ANA, "/alerts_here"))
    question = await say(flock, BEN, QUESTION)
    flock.clock.advance(hours=2)

    [alert] = alerts(await flock.tick())
    claimed = await flock.send(press(flock, ANA, alert, "Je m’en occupe"))
    for n in range(6):
        await say(flock, CLEO, f"Question {n}: where is the handout for part {n}?")
    flock.clock.advance(hours=2)
    batch = [c for c in await flock.tick() if c.method == "sendMessage"]

    assert (alert.chat_id, alert.text) == (STAFF["id"], alert_fr(question))
    assert labels(alert) == ["Je m’en occupe", "Rappel dans 1 h", "Pas une question"]
    assert toasts(claimed) == ["It's yours. The others can see you took it."]  # Ana reads English
    assert edits(claimed) == [(STAFF["id"], f"{alert_fr(question)}\n\n<b>🙋 Prise en charge par Ana</b>")]
    assert [c.chat_id for c in batch] == [STAFF["id"]]
    lines = batch[0].text.split("\n")
    assert lines[0] == "⏰ <b>7 questions sans réponse dans #onb26</b>"
    assert lines[-1] == "/unanswered liste toutes les questions ouvertes."


async def test_an_english_facilitator_of_a_french_course_gets_english_alerts(flock: Harness) -> None:
    await set_up(flock, ANA, french_course=True)
    await say(flock, BEN, QUESTION)
    flock.clock.advance(hours=2)

    [alert] = alerts(await flock.tick())

    assert (alert.chat_id, alert.text) == (
        ANA["id"],
        "⏰ <b>Unanswered in #onb26</b>\n"
        'Ben asked 2h ago: <a href="https://t.me/c/1500/102">“How do I reset my portal password?”</a>',
    )
    assert labels(alert) == ["I'll take it", "Snooze 1h", "Not a question"]


async def test_a_french_asker_is_followed_up_in_french_and_her_facilitator_hears_english(
    flock: Harness,
) -> None:
    await set_up(flock, ANA)
    await flock.send(flock.telegram.post(private(LEA), LEA, "/start"))
    question = await say(flock, LEA, QUESTION)

    answered = await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the link on the login page.", reply_to=question["message"])
    )
    [ask] = [c for c in answered if c.method == "sendMessage" and c.chat_id == LEA["id"]]
    flock.clock.advance(hours=24)
    [reminder] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == LEA["id"]]
    not_yet = await flock.send(press(flock, LEA, ask, "Pas encore"))

    quoted = '<a href="https://t.me/c/1500/101">« How do I reset my portal password? »</a>'
    assert ask.text == (
        f"Cleo a répondu à votre question {quoted} dans #onb26.\n\n"
        "Cette réponse a-t-elle résolu votre question ?"
    )
    assert labels(ask) == ["Oui, résolue", "Pas encore"]
    assert (reminder.chat_id, reminder.text) == (
        LEA["id"],
        f"Toujours en suspens ? Les réponses ont-elles résolu votre question {quoted} dans #onb26 ?",
    )
    assert labels(reminder) == ["Oui, résolue", "Pas encore"]
    assert edits(not_yet) == [
        (LEA["id"], "C’est noté — j’ai prévenu les animateurs qu’elle a toujours besoin d’aide.")
    ]
    assert [(c.chat_id, c.text) for c in not_yet if c.method == "sendMessage"] == [
        (
            ANA["id"],
            "🙋 <b>Still needs help in #onb26</b>\n"
            'Léa asked 24h ago: <a href="https://t.me/c/1500/101">“How do I reset my portal password?”</a>\n'
            "Léa says the answers from Cleo didn't help.",
        )
    ]
