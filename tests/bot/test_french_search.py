"""/search in French: a French course's group reads its results in French, a French-speaking
learner hers in private, and French words are found (stemmed in French on PostgreSQL)."""

from __future__ import annotations

from tests.builders import group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
LEA = {**user(12, "Léa", "lea_q"), "language_code": "fr-CA"}  # learner, French app
MARC = {**user(13, "Marc", "marc_b"), "language_code": "fr"}  # learner who answers
CHAT = group(-1001500, "Intégration 2026")


async def set_up_french_course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Intégration 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))


async def test_a_french_course_searches_and_answers_in_french(flock: Harness) -> None:
    await set_up_french_course(flock)
    asked = flock.telegram.post(CHAT, LEA, "Comment changer mon mot de passe du VPN ?")
    await flock.send(asked)
    await flock.send(
        flock.telegram.post(
            CHAT, MARC, "Passe par le portail libre-service.\nPuis attends.", reply_to=asked["message"]
        )
    )

    [in_group] = await flock.replies(flock.telegram.post(CHAT, MARC, "/search mot de passe"))
    [alone] = await flock.replies(flock.telegram.post(private(LEA), LEA, "/search portail"))
    [usage] = await flock.replies(flock.telegram.post(CHAT, MARC, "/search"))
    [common] = await flock.replies(flock.telegram.post(CHAT, MARC, "/search comment"))
    [nothing] = await flock.replies(flock.telegram.post(CHAT, MARC, "/search girafe"))

    link = f"https://t.me/c/1500/{asked['message']['message_id']}"
    expected = (
        f'1. <a href="{link}">Comment changer mon mot de passe du VPN ?</a> — 💬 avec réponse\n'
        "    ↳ Passe par le portail libre-service."
    )
    assert in_group == "<b>Résultats pour « mot passe »</b>\n" + expected
    assert alone == "<b>Résultats pour « portail »</b>\n" + expected
    assert usage == "Écrivez ce que vous cherchez après la commande, par exemple : /search vpn mot de passe"
    assert common == (
        "« comment » ne contient que des mots courants : essayez des mots plus précis, "
        "par exemple /search vpn mot de passe"
    )
    assert (
        nothing
        == "Rien trouvé pour « girafe ». Essayez d’autres mots, ou posez la question au cours avec #question."
    )


async def test_a_french_word_is_found_in_its_plural(flock: Harness) -> None:
    await set_up_french_course(flock)
    await flock.send(flock.telegram.post(CHAT, LEA, "Où sont les présentations de la formation ?"))

    [found] = await flock.replies(flock.telegram.post(CHAT, MARC, "/search formations"))

    assert "Où sont les présentations de la formation ?" in found
