"""The week's highlights in French: a French-speaking facilitator reads them, and sets them off,
in French."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = {**user(11, "Ana", "ana_f"), "language_code": "fr"}  # facilitator
BEN = user(12, "Ben")
LEA = {**user(17, "Léa", "lea_q"), "language_code": "fr"}
CHAT = group(-1001500, "Intégration 2026")
HEAD = "🌟 <b>Les moments forts de la semaine : Intégration 2026</b> (#int26)"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def highlights(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.text.startswith("🌟")]


async def say(flock: Harness, person: JSON, words: str, **kw: object) -> JSON:
    update = flock.telegram.post(CHAT, person, words, **kw)
    await flock.send(update)
    return update


async def course(flock: Harness) -> None:
    flock.clock.current = at(2026, 10, 27, 9, 0)
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #int26 Intégration 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))


async def test_a_french_facilitator_reads_the_weeks_highlights_in_french(flock: Harness) -> None:
    await course(flock)
    flock.clock.current = at(2026, 11, 2, 9, 0)
    wifi = await say(flock, BEN, "Quel est le mot de passe du wifi ?")
    lea = await say(flock, LEA, "Il est affiché à l’accueil", reply_to=wifi["message"])
    await say(flock, ANA, "Oui, à l’accueil", reply_to=wifi["message"])

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [sent] = highlights(await flock.tick())

    question = f"https://t.me/c/1500/{wifi['message']['message_id']}"
    first = f"https://t.me/c/1500/{lea['message']['message_id']}"
    assert sent == (
        f"{HEAD}\nlun. 2 nov. – dim. 8 nov.\n\n"
        "<b>🔥 Les questions qui ont reçu le plus de réponses</b>\n"
        f'• <a href="{question}">Quel est le mot de passe du wifi ?</a> — Ben · 2 réponses de 2 personnes\n\n'
        "<b>👋 Nouvelles voix</b>\n"
        f'<a href="{question}">Ben</a>, <a href="{first}">Léa</a> ont écrit pour la première fois. '
        "Un mot d’accueil fait toujours plaisir !\n\n"
        "<b>🤝 Entraide</b>\n"
        "Les participants qui ont répondu au plus de questions : Léa (1)"
    )


async def test_a_quiet_week_and_the_setting_in_french(flock: Harness) -> None:
    await course(flock)
    mistyped = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings moments peut-être"))

    flock.clock.current = at(2026, 11, 2, 8, 0)
    [quiet] = highlights(await flock.tick())
    off = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings moments non"))
    flock.clock.current = at(2026, 11, 9, 8, 0)
    while_off = highlights(await flock.tick())

    assert mistyped == ["Je n’ai pas compris « peut-être » : répondez oui ou non."]
    assert quiet == (
        f"{HEAD}\nlun. 26 oct. – dim. 1 nov.\n\n"
        "Une semaine calme : pas de réussite, de question très suivie, de nouvelle voix "
        "ni d’entraide cette fois. 🌿"
    )
    assert off[0].startswith("#int26 : réglage « moments » modifié.")
    assert off[0].endswith("moments non")
    assert while_off == []


async def test_the_weeks_stories_in_french(flock: Harness) -> None:
    await course(flock)
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    flock.clock.current = at(2026, 11, 2, 9, 0)
    ben = flock.telegram.post(CHAT, BEN, "#win J’ai présenté mon projet !")
    [ask] = [c for c in await flock.send(ben) if c.method == "sendMessage" and c.chat_id == BEN["id"]]
    keyboard = ask.params["reply_markup"]["inline_keyboard"]
    learner = next(b["callback_data"] for row in keyboard for b in row if b["text"] == "Yes, as “a learner”")
    await flock.send(flock.telegram.press(BEN, ask.result, learner))
    lea = [
        await say(flock, LEA, f"#réussite Exercice {n} terminé") for n in range(1, 6)
    ]  # never started Flock

    flock.clock.current = at(2026, 11, 9, 8, 0)
    [sent] = highlights(await flock.tick())

    def story(update: JSON) -> str:
        return f"https://t.me/c/1500/{update['message']['message_id']}"

    assert sent.startswith(
        f"{HEAD}\nlun. 2 nov. – dim. 8 nov.\n\n"
        "<b>🎉 Réussites</b>\n"
        f'• Ben : <a href="{story(ben)}">J’ai présenté mon projet !</a> — ✓ peut être partagée\n'
        + "".join(f'• Léa : <a href="{story(lea[n - 1])}">Exercice {n} terminé</a>\n' for n in range(1, 5))
        + "…et 1 de plus\n\n<b>👋 Nouvelles voix</b>\n"
    )
