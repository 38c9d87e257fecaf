"""Stories in French: a French-speaking learner is asked in French and answers with French
buttons; the French course's showcase post, /showcase and /stories (a plural and a date) are in
French."""

from __future__ import annotations

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = {**user(11, "Ana", "ana_f"), "language_code": "fr"}  # facilitator
LEA = {**user(17, "Léa", "lea_q"), "language_code": "fr"}
CHAT = group(-1001500, "Intégration 2026")
VITRINE = group(-1001900, "Nos réussites")


def to(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


def labels(message: Call) -> list[str]:
    return [b["text"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


async def test_a_french_story_is_asked_shared_and_listed_in_french(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.make_admin(VITRINE, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #int26 Intégration 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))
    await flock.send(flock.telegram.post(private(LEA), LEA, "/start"))
    first = await flock.send(flock.telegram.post(CHAT, LEA, "#réussite J’ai fini mon premier module !"))
    [ask] = to(first, LEA)
    await flock.send(press(flock, LEA, ask, "Oui, en tant que Léa"))

    here = await flock.send(flock.telegram.post(VITRINE, ANA, "/showcase_here #int26"))
    where = await flock.replies(flock.telegram.post(private(ANA), ANA, "/showcase"))
    second = await flock.send(flock.telegram.post(CHAT, LEA, "#win Mon code est en production"))
    [ask_again] = to(second, LEA)
    kept = await flock.send(press(flock, LEA, ask_again, "La garder dans le groupe"))
    listed = await flock.replies(flock.telegram.post(private(ANA), ANA, "/stories"))

    assert ask.text.startswith("🎉 Merci d’avoir partagé votre réussite dans #int26 !")
    assert "Pouvons-nous la partager hors du groupe ?" in ask.text
    assert labels(ask) == [
        "Oui, en tant que Léa",
        "Oui, comme « un participant »",
        "La garder dans le groupe",
    ]
    [reply, posted] = to(here, VITRINE)
    assert reply.text == (
        "🎉 Les réussites de #int26 que leurs auteurs acceptent de partager hors du groupe seront "
        "publiées dans Nos réussites.\n1 réussite acceptée plus tôt y est publiée maintenant."
    )
    assert posted.text == (
        "🎉 <b>Une réussite du cours Intégration 2026</b>\n\nJ’ai fini mon premier module !\n\n— Léa"
    )
    assert where[0].startswith("#int26 : publiées dans Nos réussites")
    assert [c.text for c in kept if c.method == "editMessageText"] == [
        "👍 C’est noté : votre réussite reste dans le groupe."
    ]
    lines = listed[0].splitlines()
    assert lines[0] == "<b>Réussites de #int26</b>, les plus récentes d’abord"
    assert lines[1].endswith("— gardée dans le groupe")
    assert "Léa, " in lines[2]
    assert "oui, en tant que Léa" in lines[2]
    assert "dans la vitrine" in lines[2]
