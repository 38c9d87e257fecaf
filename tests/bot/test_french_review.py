"""What a reviewer playing a French cohort found: erased names, compact lengths, counted days,
guillemets, the transcript's time zone, one length per session, "just now", the /setup hint."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot import i18n, render_alerts, render_digest, render_sessions, render_stats
from bot.recording import Call
from facilitation.model import Listed
from facilitation.redaction import FORMER_LEARNER
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator
LEA = {**user(13, "Léa", "lea_q"), "language_code": "fr"}  # learner, French app
ZOE = {**user(21, "Zoé", "zoe_expert"), "language_code": "fr"}  # a French-speaking guest
CHAT = group(-1001500, "Onboarding 2026")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def sent(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.chat_id == chat["id"] and c.method in ("sendMessage", "sendDocument")]


async def course(flock: Harness, *settings: str) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    for setting in settings:
        await flock.send(flock.telegram.post(CHAT, ANA, f"/settings {setting}"))


async def schedule(flock: Harness, line: str) -> tuple[Call, Call]:
    """The facilitator's reply and the board; the guest opens the invite."""
    reply, board = sent(await flock.send(flock.telegram.post(CHAT, ANA, f"/guest @zoe_expert {line}")), CHAT)
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", reply.text)
    assert token is not None, reply.text
    await flock.send(flock.telegram.post(private(ZOE), ZOE, f"/start guest_{token.group(1)}"))
    return reply, board


def item(**changes: object) -> dict[str, object]:
    return {
        "course": "#onb26",
        "asker": FORMER_LEARNER,
        "text": "Où sont les diapos ?",
        "asked_at": (NOW - timedelta(days=2)).isoformat(),
        "chat_id": -1001500,
        "message_id": 7,
        "thread_id": None,
        **changes,
    }


def test_an_erased_learner_is_named_in_the_readers_language_wherever_a_stored_name_is_shown() -> None:
    with i18n.speaking("fr"):
        alert = render_alerts.alert_text(item(), NOW)
        batch = render_alerts.batch_text({"course": "#onb26", "items": [item()] * 6}, NOW)
        still = render_alerts.alert_text(item(not_yet=True, answerers=[FORMER_LEARNER, "Ben"]), NOW)
        silent = render_digest._names("Ont écrit", Listed(["Camille", FORMER_LEARNER], 2), 10)
        leftovers = render_sessions.leftovers(
            {
                "title": "Carrières",
                "questions": [
                    {"n": 1, "text": "[effacé]", "asker": FORMER_LEARNER},
                    {"n": 2, "text": "Et après ?", "asker": "", "asked_by": FORMER_LEARNER},
                ],
            }
        )
    assert "Ancien participant a demandé il y a 2 j" in alert
    assert "Ancien participant a demandé il y a 2 j" in batch
    assert "les réponses de Ancien participant et Ben" in still
    assert silent.endswith("Camille, Ancien participant")
    assert "Q1. [effacé] — Ancien participant" in leftovers
    assert "Q2. Et après ? — Ancien participant (question anonyme)" in leftovers
    assert FORMER_LEARNER not in alert + batch + still + silent + leftovers


def test_lengths_ages_and_busiest_days_read_as_the_language_writes_them() -> None:
    with i18n.speaking("fr"):
        assert render_stats.wait(timedelta(minutes=20)) == "20 min"
        assert render_stats.wait(timedelta(seconds=24)) == "24 s"
        assert i18n.ago(NOW - timedelta(seconds=20), NOW) == "à l’instant"
        assert i18n.ago(NOW - timedelta(hours=3), NOW) == "il y a 3 h"
        assert i18n.when(NOW, UTC) == "lun. 2 nov. à 10:00"
    with i18n.speaking("en"):
        assert render_stats.wait(timedelta(minutes=20)) == "20m"
        assert i18n.ago(NOW - timedelta(seconds=20), NOW) == "0m ago"
        assert i18n.when(NOW, UTC) == "Mon 2 Nov, 10:00"


async def test_french_guillemets_quote_a_guest_session_title_and_its_length_reads_the_same_everywhere(
    flock: Harness,
) -> None:
    await course(flock, "language fr")

    reply, board = await schedule(flock, "« Carrières » dans 2 h 45 min")

    assert "« Carrières » avec @zoe_expert" in reply.text
    assert reply.text.split("\n")[0].endswith(", 45 minutes.")
    assert "45 minutes." in board.text.split("\n")[1]
    assert await flock.rows("select title from guest_sessions") == [("Carrières",)]


async def test_an_english_session_of_an_hour_reads_one_hour_in_the_reply_and_on_the_board(
    flock: Harness,
) -> None:
    await course(flock)

    reply, board = await schedule(flock, '"Careers" tomorrow 15:00')

    assert reply.text.split("\n")[0].endswith(", 1 h.")
    assert board.text.split("\n")[1].endswith(", 1 h.")


async def test_the_transcript_gives_the_start_in_the_course_s_time_zone(flock: Harness) -> None:
    await course(flock, "language fr", "timezone Europe/Paris")
    await schedule(flock, "« Carrières » demain 15h 30 min")

    flock.clock.advance(days=2)
    end = await flock.tick()

    (document,) = [c for c in sent(end, CHAT) if c.method == "sendDocument"]
    markdown = document.files["document"][1].decode()
    assert "pour \\#onb26, 2026-11-03 15:00 (Europe/Paris).\n" in markdown


async def test_the_settings_speak_the_language_of_their_reader_and_name_keys_as_typed(flock: Harness) -> None:
    await course(flock, "language fr")

    needs = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings délai"))
    unknown = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings couleur rouge"))
    changed = await flock.replies(flock.telegram.post(CHAT, ANA, "/settings conservation 90j"))
    language = await flock.replies(flock.telegram.post(private(LEA), LEA, "/language klingon"))

    assert needs[0].startswith("Donnez aussi une valeur : <code>/settings délai …</code>")
    assert unknown == [
        "Il n’y a pas de réglage « couleur ». "
        "Réglages : délai, fuseau, silence, résumé, détection, conservation, langue, début, relance, moments."
    ]
    assert changed == [
        "#onb26 : réglage « conservation » modifié.\n"
        "délai 2 h · fuseau UTC · silence non · résumé 08:00 · détection auto · conservation 90 j · "
        "langue français"
    ]
    assert language == [
        "Choisissez fr (français), en (anglais) ou auto (la langue de votre application Telegram)."
    ]


async def test_setup_tells_a_french_speaking_facilitator_how_to_switch(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)

    replies = await flock.replies(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))

    assert replies[0].endswith("\nFrançais : <code>/settings language fr</code>")
