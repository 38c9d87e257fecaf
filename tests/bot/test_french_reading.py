"""Reading stays bilingual whatever is chosen: in a course set to French, a French-speaking learner
introduces herself with #présentation, asks the French way (no "?"), closes with #résolu, and a
facilitator types French settings values; the English forms keep working beside them."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
LEA = {**user(12, "Léa", "lea_q"), "language_code": "fr-CA"}  # learner, French app
MARC = {**user(13, "Marc", "marc_b"), "language_code": "fr"}  # learner who answers
CHAT = group(-1001500, "Intégration 2026")
EYES, HUG, PARTY = "👀", "🤗", "🎉"


async def set_up_french_course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Intégration 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))


def reactions(calls: list[Call]) -> list[tuple[int, str]]:
    return [
        (c.params["message_id"], c.params["reaction"][0]["emoji"])
        for c in calls
        if c.method == "setMessageReaction" and c.params.get("reaction")
    ]


async def say(flock: Harness, person: JSON, text: str, reply_to: JSON | None = None) -> list[str]:
    return await flock.replies(flock.telegram.post(CHAT, person, text, reply_to=reply_to))


async def test_a_french_learner_introduces_herself_asks_and_closes_her_question_in_french(
    flock: Harness,
) -> None:
    await set_up_french_course(flock)
    intro = flock.telegram.post(CHAT, LEA, "#Présentation Bonjour ! Je suis Léa, analyste à Québec.")

    introduced = await flock.send(intro)

    assert reactions(introduced) == [(intro["message"]["message_id"], HUG)]
    assert await flock.rows("select text from introductions") == [
        ("Bonjour ! Je suis Léa, analyste à Québec.",)
    ]

    asked = flock.telegram.post(CHAT, LEA, "Quelqu’un sait où sont les enregistrements de lundi")
    question = await flock.send(asked)

    assert reactions(question) == [(asked["message"]["message_id"], EYES)]
    assert await flock.rows("select asker_id, text, state from questions") == [
        (LEA["id"], "Quelqu’un sait où sont les enregistrements de lundi", "open")
    ]

    await flock.send(
        flock.telegram.post(CHAT, MARC, "Dans le dossier Séances du Drive.", reply_to=asked["message"])
    )
    thanks = flock.telegram.post(CHAT, LEA, "#résolu merci Marc", reply_to=asked["message"])
    solved = await flock.send(thanks)

    assert reactions(solved) == [(thanks["message"]["message_id"], PARTY)]
    assert await flock.rows("select state, closed_by from questions") == [("resolved", LEA["id"])]


async def test_french_statements_and_replies_are_not_taken_for_questions(flock: Harness) -> None:
    await set_up_french_course(flock)

    calls = await flock.send(flock.telegram.post(CHAT, LEA, "Rendez-vous demain à 15h pour la séance"))
    calls += await flock.send(flock.telegram.post(CHAT, LEA, "Quand j'ai lancé le script, ça a planté."))

    assert reactions(calls) == []
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_resolu_without_a_reply_solves_the_askers_only_open_question(flock: Harness) -> None:
    await set_up_french_course(flock)
    await say(flock, LEA, "Est-ce que la séance de jeudi est enregistrée")

    await say(flock, LEA, "C'est bon, #resolu")

    assert await flock.rows("select state from questions") == [("resolved",)]


async def test_english_tags_and_questions_still_read_in_a_french_course(flock: Harness) -> None:
    await set_up_french_course(flock)

    await say(flock, ANA, "#intro Hi, I'm Ana, your facilitator.")
    await say(flock, ANA, "Does anyone know where the slides are?")

    assert await flock.rows("select text from introductions") == [("Hi, I'm Ana, your facilitator.",)]
    assert await flock.rows("select text from questions") == [("Does anyone know where the slides are?",)]


async def test_settings_read_french_keys_and_values(flock: Harness) -> None:
    await set_up_french_course(flock)

    for command in (
        "/settings quiet 22h-7h",
        "/settings sla 45 min",
        "/settings résumé 8h30",
        "/settings détection étiquetées",
        "/settings conservation 90 jours",
    ):
        await say(flock, ANA, command)
    chosen = await flock.rows(
        "select sla_seconds, quiet_start, quiet_end, digest_at, detect, retention_seconds from courses"
    )
    await say(flock, ANA, "/settings quiet non")
    await say(flock, ANA, "/settings digest désactivé")
    await say(flock, ANA, "/settings retention off")
    turned_off = await flock.rows("select quiet_start, digest_on, retention_seconds from courses")

    assert [tuple(str(v) for v in row) for row in chosen] == [
        ("2700", "22:00", "07:00", "08:30", "tagged", str(90 * 86400))
    ]
    assert [tuple(bool(v) if v is not None else None for v in row) for row in turned_off] == [
        (None, False, None)
    ]


async def test_a_value_that_cant_be_read_is_explained_in_the_course_language(flock: Harness) -> None:
    await set_up_french_course(flock)

    assert await say(flock, ANA, "/settings sla bientôt") == [
        "Je n’ai pas compris la durée « bientôt ». Essayez 90s, 45 min, 2 h, 1j ou 1h30."
    ]
    assert await say(flock, ANA, "/settings quiet 25h-7h") == [
        "Je n’ai pas compris l’heure « 25h ». Écrivez HH:MM, comme 08:00 (ou 8h00)."
    ]


async def test_a_guest_session_is_scheduled_in_french_words(flock: Harness) -> None:
    await set_up_french_course(flock)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await say(flock, ANA, "/settings fuseau America/Montreal")

    await say(flock, ANA, '/guest @ada_expert "Carrières en données" demain à 15h 1h30')

    [(starts, ends)] = await flock.rows("select starts_at, ends_at from guest_sessions")
    read = [
        v if isinstance(v, datetime) else datetime.fromisoformat(v).replace(tzinfo=UTC)
        for v in (starts, ends)
    ]
    assert read == [datetime(2026, 11, 3, 20, tzinfo=UTC), datetime(2026, 11, 3, 21, 30, tzinfo=UTC)]
