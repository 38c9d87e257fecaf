"""Earlier answers offered in French: privately in the asker's language, in a French course's
group in French, and the buttons' answers too."""

from __future__ import annotations

from bot.recording import Call
from tests.builders import JSON, group, message_link, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
LEA = {**user(12, "Léa", "lea_q"), "language_code": "fr-CA"}  # asked the earlier question
MARC = {**user(13, "Marc", "marc_b"), "language_code": "fr"}  # answered it
JEAN = {**user(14, "Jean", "jean_j"), "language_code": "fr"}  # asks again
CHAT = group(-1001500, "Intégration 2026")
EARLIER = "Comment réinitialiser mon mot de passe du VPN ?"
NEW = "Comment réinitialiser le mot de passe VPN ?"


async def set_up(flock: Harness, *, jean_started: bool) -> JSON:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Intégration 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))
    if jean_started:
        await flock.send(flock.telegram.post(private(JEAN), JEAN, "/start"))
    asked = flock.telegram.post(CHAT, LEA, EARLIER)
    await flock.send(asked)
    await flock.send(
        flock.telegram.post(
            CHAT, MARC, "Passe par le portail libre-service.\nPuis attends.", reply_to=asked["message"]
        )
    )
    return asked


def offers(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.params]


async def test_a_french_asker_is_offered_the_earlier_answer_in_french(flock: Harness) -> None:
    earlier = await set_up(flock, jean_started=True)
    new = flock.telegram.post(CHAT, JEAN, NEW)

    [offer] = offers(await flock.send(new))
    row = offer.params["reply_markup"]["inline_keyboard"][0]
    pressed = await flock.send(flock.telegram.press(JEAN, offer.result, row[0]["callback_data"]))

    link = message_link(CHAT, earlier)
    asked = message_link(CHAT, new)
    assert offer.text == (
        f'À propos de votre question <a href="{asked}">« {NEW} »</a> dans #onb26 : elle a déjà été posée, '
        f'<a href="{link}">« {EARLIER} »</a>, et on y a répondu :\n'
        "<blockquote>Passe par le portail libre-service.</blockquote>\nEst-ce que cela y répond ?"
    )
    assert [b["text"] for b in row] == ["Ça y répond", "Pas tout à fait"]
    assert [c.params["text"] for c in pressed if c.method == "editMessageText"] == [
        f'✅ Tant mieux — votre question <a href="{asked}">« {NEW} »</a> est marquée comme résolue.'
    ]


async def test_in_a_french_course_s_group_the_offer_and_a_stranger_s_toast_are_in_french(
    flock: Harness,
) -> None:
    earlier = await set_up(flock, jean_started=False)

    [offer] = offers(await flock.send(flock.telegram.post(CHAT, JEAN, NEW)))
    row = offer.params["reply_markup"]["inline_keyboard"][0]
    pressed = await flock.send(flock.telegram.press(MARC, offer.result, row[1]["callback_data"]))
    declined = await flock.send(flock.telegram.press(JEAN, offer.result, row[1]["callback_data"]))

    assert offer.text.startswith("Cette question a déjà été posée : ")
    assert offer.text.endswith("(Seule la personne qui l’a posée peut le dire.)")
    assert [c.params.get("text") for c in pressed if c.method == "answerCallbackQuery"] == [
        "Seule la personne qui a posé la question peut répondre ici."
    ]
    link = message_link(CHAT, earlier)
    assert [c.params["text"] for c in declined if c.method == "editMessageText"] == [
        f'Compris, Jean : la réponse à <a href="{link}">« {EARLIER} »</a> ne convient pas tout à fait, '
        "la question reste donc ouverte pour le cours."
    ]


async def test_a_duplicates_alert_says_so_in_french_with_the_earlier_question(flock: Harness) -> None:
    earlier = await set_up(flock, jean_started=False)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/language fr"))
    new = flock.telegram.post(CHAT, JEAN, "Mon VPN dit que mon mot de passe a expiré, que faire ?")
    await flock.send(new)
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    link = message_link(CHAT, earlier)

    calls = await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=new["message"]))

    [edited] = [c for c in calls if c.method == "editMessageText"]
    assert edited.text == (
        f"{alert.text}\n\n"
        f'<b>✅ Résolue comme doublon d’<a href="{link}">une question précédente</a> (marquée par Ana)</b>'
    )


async def test_marking_a_duplicate_in_a_french_course_points_and_refuses_in_french(flock: Harness) -> None:
    await set_up(flock, jean_started=False)
    waiting = flock.telegram.post(CHAT, LEA, "La séance de vendredi est-elle enregistrée ?")
    await flock.send(waiting)
    new = flock.telegram.post(CHAT, JEAN, "Y aura-t-il un enregistrement de la séance de vendredi ?")
    await flock.send(new)
    link = message_link(CHAT, waiting)

    no_link = await flock.send(flock.telegram.post(CHAT, ANA, "/duplicate", reply_to=new["message"]))
    marked = await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=new["message"]))
    again = await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=new["message"]))

    assert [c.text for c in no_link if c.method == "sendMessage"] == [
        "Ajoutez le lien de la question précédente après /duplicate : dans Telegram, copiez-le depuis "
        "cette question (Copier le lien du message)."
    ]
    assert [c.text for c in marked if c.method == "sendMessage"] == [
        f'Jean, cette question a déjà été posée : <a href="{link}">« La séance de vendredi est-elle '
        "enregistrée ? »</a>. Suivez-la pour la réponse."
    ]
    assert [c.text for c in again if c.method == "sendMessage"] == [
        "Cette question est déjà marquée comme doublon : la personne qui l’a posée y a été renvoyée."
    ]


async def test_marking_a_duplicate_from_its_alert_is_confirmed_in_french_with_both_questions(
    flock: Harness,
) -> None:
    earlier = await set_up(flock, jean_started=False)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/language fr"))
    new = flock.telegram.post(CHAT, JEAN, "Mon VPN dit que mon mot de passe a expiré, que faire ?")
    await flock.send(new)
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    link = message_link(CHAT, earlier)

    calls = await flock.send(
        flock.telegram.post(private(ANA), ANA, f"/duplicate {link}", reply_to=alert.result)
    )

    asked = message_link(CHAT, new)
    assert [c.text for c in calls if c.method == "sendMessage" and c.chat_id == ANA["id"]] == [
        f'Marquée comme doublon : <a href="{asked}">« Mon VPN dit que mon mot de passe a expiré, que '
        f'faire ? »</a> est résolue, et Jean a reçu le lien vers <a href="{link}">« {EARLIER} »</a>.'
    ]


async def test_an_earlier_answer_accepted_after_the_alert_is_said_on_it_in_french(flock: Harness) -> None:
    earlier = await set_up(flock, jean_started=False)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/language fr"))
    [offer] = offers(await flock.send(flock.telegram.post(CHAT, JEAN, NEW)))
    flock.clock.advance(hours=2, minutes=1)
    [alert] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    row = offer.params["reply_markup"]["inline_keyboard"][0]

    pressed = await flock.send(flock.telegram.press(JEAN, offer.result, row[0]["callback_data"]))

    link = message_link(CHAT, earlier)
    [edited] = [c for c in pressed if c.method == "editMessageText" and c.chat_id == ANA["id"]]
    assert edited.text == (
        f"{alert.text}\n\n"
        f'<b>✅ Résolue par la réponse à <a href="{link}">une question précédente</a> (selon Jean)</b>'
    )


async def test_a_duplicate_of_a_later_question_is_pointed_there_in_french(flock: Harness) -> None:
    await set_up(flock, jean_started=False)
    new = flock.telegram.post(CHAT, JEAN, "Y aura-t-il un enregistrement de la séance de vendredi ?")
    await flock.send(new)
    flock.clock.advance(minutes=5)
    later = flock.telegram.post(CHAT, LEA, "La séance de vendredi est-elle enregistrée ?")
    await flock.send(later)
    link = message_link(CHAT, later)

    calls = await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=new["message"]))

    assert [c.text for c in calls if c.method == "sendMessage"] == [
        f'Jean, cette question est suivie dans un autre fil : <a href="{link}">« La séance de vendredi '
        "est-elle enregistrée ? »</a>. Jetez-y un œil."
    ]
