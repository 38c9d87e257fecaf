"""Scheduled discussions in a French course: the facilitator's replies and what the group reads."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.bot.test_discussions import ANA, BEN, CHAT, reactions, say, sent, set_up
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
    assert reply.endswith("Elle se termine mar. 3 nov. à 19:10 (UTC).")
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
