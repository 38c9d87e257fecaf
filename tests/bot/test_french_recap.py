"""A discussion's recap and transcript in a French course, and the digest's line for a French
facilitator."""

from __future__ import annotations

from tests.bot.test_discussion_recap import (
    ANA,
    BEN,
    CHAT,
    LEO,
    MIA,
    documents,
    link,
    live,
    react,
    say,
    sent,
    set_up,
)
from tests.builders import private
from tests.support.harness import Harness


async def test_a_french_course_reads_its_recap_and_transcript_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings language fr")
    await live(flock, "Quel outil ?\nPourquoi ?")
    bens = await say(flock, CHAT, BEN, "A1 le tableau blanc")
    mias = await say(flock, CHAT, MIA, "A1 : les post-it")
    await say(flock, CHAT, LEO, "Bonne idée", reply_to=mias)
    await flock.send(
        react(flock, bens, LEO, "👍"), react(flock, bens, MIA, "🔥"), react(flock, mias, BEN, "👍")
    )
    flock.clock.advance(minutes=1)
    await flock.tick()  # Q2
    flock.clock.advance(minutes=1)

    end = await flock.tick()

    [recap] = sent(end, CHAT)
    assert recap.splitlines() == [
        "📝 <b>Récapitulatif : Tips</b>",
        "3 personnes ont participé, toutes pour la première fois dans le cours. Bienvenue !",
        "",
        "<b>Q1</b> Quel outil ?",
        "2 ont répondu.",
        f'1. <a href="{link(bens)}">Ben</a> : le tableau blanc (2 réactions)',
        f'2. <a href="{link(mias)}">Mia</a> : les post-it (1 réaction, 1 réponse)',
        "",
        "<b>Q2</b> Pourquoi ?",
        "Aucune réponse.",
    ]
    [document] = documents(end, CHAT)
    assert document.params["caption"] == "📄 Transcription de « Tips »"
    markdown = document.files["document"][1].decode()
    assert "Discussion de #onb26, 2026-11-02 09:01 (UTC)." in markdown
    assert "Participants : 3. Première fois dans le cours : 3. Réponses : 2." in markdown
    assert "- **Mia**: les post-it (réactions : 1, réponses : 1)" in markdown
    assert "## Q2. Pourquoi ?\n\nAucune réponse." in markdown


async def test_a_french_facilitator_reads_the_digest_line_in_french(flock: Harness) -> None:
    ana = {**ANA, "language_code": "fr"}
    await set_up(flock)
    await flock.send(flock.telegram.post(private(ana), ana, "/language fr"))
    await live(flock, "Quel outil ?")
    await say(flock, CHAT, BEN, "A1 le tableau blanc")
    flock.clock.advance(minutes=1)
    await flock.tick()
    flock.clock.current = flock.clock.current.replace(day=3, hour=8, minute=0)

    calls = await flock.tick()

    [digest] = [c.text for c in calls if c.method == "sendMessage" and c.chat_id == ANA["id"]]
    assert "<b>💬 Discussions</b>\n• « Tips » : 1 a participé · 1 réponse · 1 nouvelle voix" in digest
