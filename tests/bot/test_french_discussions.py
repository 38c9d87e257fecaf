"""Scheduled discussions in a French course: the facilitator's replies and what the group reads."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bot.test_discussions import ANA, BEN, CHAT, SECOND, reactions, say, sent, set_up
from tests.builders import private
from tests.support.harness import Harness


async def test_a_french_course_schedules_and_runs_a_discussion_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings language fr")

    [reply] = sent(
        await say(
            flock, CHAT, ANA, '/discussion "Outils" demain 19h chaque 2sem écart 5m\nLequel ?\nPourquoi ?'
        )
    )
    [refused] = sent(await say(flock, CHAT, ANA, '/discussion "Outils" demain 19h chaque 3j\nLequel ?'))
    flock.clock.current = datetime(2026, 11, 3, 18, 45, tzinfo=UTC)
    reminder = sent(await flock.tick())
    flock.clock.current = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
    opening = sent(await flock.tick())
    answered = await say(flock, CHAT, BEN, "A1 : celui-ci, pourquoi pas ?")

    assert reply.startswith(
        "Discussion <b>1</b> programmée : « Outils », mar. 3 nov. à 19:00 (UTC), toutes les 2 semaines,"
        " une question toutes les 5 min."
    )
    assert "<b>Q2</b> Pourquoi ?" in reply
    assert reply.endswith(
        "Elle se termine mar. 3 nov. à 19:10 (UTC).\n"
        "/discussions liste les discussions à venir ; /discussion_cancel 1 l’annule.\n"
        "⚠️ Je ne suis pas administrateur de Onboarding 2026 : je n’y verrai pas les réactions. "
        "Nommez-moi administrateur pour que le récapitulatif classe les réponses selon elles."
    )
    assert refused.startswith("Je n’ai pas compris le rythme « 3j ».")
    assert "Programmez une discussion ainsi" in refused
    assert reminder == [
        "⏰ Dans 15 minutes : <b>Outils</b>, une discussion ici même. Venez participer, ou simplement lire."
    ]
    assert opening[0].startswith("💬 <b>Outils</b> commence maintenant !\n2 questions, une toutes les 5 min.")
    assert opening[1] == "<b>Q1</b> Lequel ?"
    assert sent(answered) == []
    assert len(reactions(answered)) == 1
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_in_french_help_names_the_scheduled_commands_and_a_gone_chat_is_told_in_french(
    flock: Harness,
) -> None:
    await set_up(flock, CHAT, SECOND)
    await say(flock, CHAT, ANA, "/settings language fr")
    await say(flock, CHAT, ANA, '/discussion "Outils" demain 19h\nLequel ?')
    await say(flock, SECOND, ANA, "/detach")
    await flock.send(flock.telegram.post(private(ANA), {**ANA, "language_code": "fr"}, "/language fr"))

    [help_text] = sent(await say(flock, CHAT, BEN, "/help"))
    flock.clock.current = datetime(2026, 11, 3, 18, 45, tzinfo=UTC)
    told = sent(await flock.tick(), ANA)

    assert "Programmé, pour les animateurs : <code>/discussion" in help_text
    assert "/announce_cancel en arrête une." in help_text
    assert told == [
        "La discussion 1 de #onb26 (« Outils ») n’est pas publiée dans Onboarding 2026 (evening) : le groupe "
        "n’est plus rattaché au cours, ou il m’a retiré. Je ne le redirai pas pour cette discussion."
    ]
