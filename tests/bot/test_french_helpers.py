"""Peer helpers in French: a French-speaking learner is invited, answers and sets topics in French,
is asked about a question in French; a French course's facilitator sets the nudge in French and
reads the alert and the digest line in French."""

from __future__ import annotations

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = {**user(11, "Ana", "ana_f"), "language_code": "fr"}  # facilitator
BEN = user(12, "Ben")
LEA = {**user(17, "Léa", "lea_q"), "language_code": "fr"}  # knows Python
CHAT = group(-1001500, "Intégration 2026")


def to(calls: list[Call], person: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == person["id"]]


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


def labels(message: Call) -> list[str]:
    return [b["text"] for row in message.params["reply_markup"]["inline_keyboard"] for b in row]


async def test_a_french_learner_is_invited_asked_and_counted_in_french(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #int26 Intégration 2026"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))
    nudge = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings relance 20 min"))
    zero = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings relance 0 min"))
    long = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings relance 61j"))
    garbled = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings relance bientôt"))
    [shown] = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings"))
    await flock.send(flock.telegram.post(private(LEA), LEA, "/start"))

    await flock.send(flock.telegram.post(CHAT, LEA, "#présentation Léa, je code en Python."))
    [invite] = to(await flock.tick(), LEA)
    yes = await flock.send(press(flock, LEA, invite, "Oui, signalez-moi"))
    topics = await flock.replies(flock.telegram.post(private(LEA), LEA, "/helper sujets pandas, SQL"))
    question = flock.telegram.post(CHAT, BEN, "Comment fusionner deux tables pandas en Python ?")
    await flock.send(question)
    flock.clock.advance(minutes=20)
    [asked] = to(await flock.tick(), LEA)
    pressed = await flock.send(press(flock, LEA, asked, "Je réponds"))
    flock.clock.advance(hours=2)
    [alert] = to(await flock.tick(), ANA)
    flock.clock.advance(minutes=5)
    await flock.send(flock.telegram.post(CHAT, LEA, "Avec pd.merge().", reply_to=question["message"]))
    digest = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert nudge[0].startswith("#int26 : réglage « relance » modifié.")
    assert "relance 20 min" in nudge[0]
    assert zero == ["Une relance attend d’une minute à 60 jours, par exemple 20 min, ou non."]
    assert long == zero
    assert "<code>relance non</code> — combien de temps une question attend" in shown  # as the other lines
    assert garbled == [
        "Je n’ai pas compris la relance « bientôt » : d’une minute à 60 jours, par exemple 20 min, ou non."
    ]
    assert invite.text.startswith("Merci pour votre présentation dans #int26 !")
    assert labels(invite) == ["Oui, signalez-moi", "Non merci"]
    assert [c.text for c in yes if c.method == "editMessageText"] == [
        "👍 Merci ! Je vous signalerai de temps en temps une question que vous connaissez peut-être "
        "(3 par jour au plus)."
    ]
    assert topics == [
        "👍 Je pourrai vous signaler les questions de #int26 qui correspondent à votre présentation, "
        "à vos réponses ou à vos sujets : pandas, SQL."
    ]
    assert asked.text.startswith(
        "🙋 Ben a posé une question dans #int26 et personne n’a encore répondu ; "
        "vous connaissez peut-être la réponse :\n"
    )
    assert labels(asked) == ["Je réponds", "Pas pour moi"]
    assert [c.params.get("text") for c in pressed if c.method == "answerCallbackQuery"] == [
        "🙌 Merci ! Les animateurs voient que vous vous en occupez."
    ]
    link = f"https://t.me/c/{str(CHAT['id']).removeprefix('-100')}/{question['message']['message_id']}"
    assert [c.text for c in pressed if c.method == "editMessageText" and c.chat_id == LEA["id"]] == [
        f'🙋 Vous avez dit que vous y répondrez : <a href="{link}">« Comment fusionner deux tables pandas '
        "en Python ? »</a>. Répondez-y dans le groupe quand vous pourrez."
    ]
    assert alert.text.endswith("🙋 Réponse promise par Léa (entraide).")
    assert (
        "🙋 Participants sollicités pour des questions en attente : 1 demande · 1 avec réponse" in digest[0]
    )


async def test_a_french_helper_turning_it_off_or_mistyping_reads_the_french_command_words(
    flock: Harness,
) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #int26 Intégration 2026"))
    await flock.send(flock.telegram.post(CHAT, LEA, "#présentation Léa, je code en Python."))

    off = await flock.replies(flock.telegram.post(private(LEA), LEA, "/helper non"))
    typo = await flock.replies(flock.telegram.post(private(LEA), LEA, "/helper peut-être"))
    elsewhere = await flock.replies(flock.telegram.post(private(LEA), LEA, "/helper oui #dat26"))
    [shown] = await flock.replies(flock.telegram.post(private(LEA), LEA, "/helper"))

    assert off == [
        "D’accord : je ne vous signalerai plus de questions de #int26. /helper oui pour revenir en arrière."
    ]
    assert typo[0].startswith("Je ne connais pas « peut-être » après /helper. Vous pouvez écrire :\n")
    assert shown.startswith("<b>Entraide</b>\n• #int26 : je ne vous signale rien\n")
    assert elsewhere == [
        "Quel cours ? #dat26 ne fait pas partie de vos cours : ajoutez le hashtag de l’un des vôtres, #int26."
    ]
