"""/help names following a hashtag from afar (/share, /follow, /following) and stories
(/showcase_here, /showcase, /stories), each with an example, in English and in French."""

from __future__ import annotations

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
BEN = user(12, "Ben")
LEA = {**user(13, "Léa", "lea_q"), "language_code": "fr"}
CHAT = group(-1001500, "Onboarding 2026")
FRENCH = group(-1001600, "Intégration 2026")


def said(calls: list[Call], chat: JSON) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


async def help_in(flock: Harness, chat: JSON, person: JSON) -> str:
    [text] = said(await flock.send(flock.telegram.post(chat, person, "/help")), chat)
    return text


async def test_help_names_following_and_stories_in_a_group_and_in_private(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))

    in_group = await help_in(flock, CHAT, BEN)
    in_private = await help_in(flock, private(ANA), ANA)

    assert in_group.startswith("<b>Flock</b> keeps this course talking.")
    assert in_group.endswith(
        "Beyond this group: an admin's <code>/share #devcon26</code> lets other chats follow this "
        "group's posts with that hashtag; a facilitator's <code>/follow #devcon26 at 18:00</code> "
        "brings a daily catch-up of a hashtag shared elsewhere, and /following lists what this group "
        "follows. A post with <code>#story</code> or <code>#win</code> is a story: I ask its author "
        "privately whether it may be shared. <code>/showcase_here #tag</code> (facilitators) posts the "
        "shared ones in this group; /stories lists the course's stories."
    )
    assert in_private.startswith("<b>Flock</b> keeps a training cohort talking")
    beyond = in_private.split("\n\nBeyond the course group:\n")[1].splitlines()
    assert beyond[0].startswith("<code>/follow #devcon26</code> — a daily catch-up")
    assert beyond[0].endswith("/following lists what you follow")
    assert beyond[1].startswith("<code>/share #devcon26</code> — in a group you administer")
    assert beyond[2].startswith("Facilitators: <code>/showcase #tag @channel</code> — the channel")
    assert "<code>/showcase_here #tag</code> in a group" in beyond[2]
    assert beyond[2].endswith("<code>/stories #tag</code> — the course's stories")
    for text in (in_group, in_private):
        for command in (
            "/share #devcon26",
            "/follow #devcon26",
            "/following",
            "/showcase_here #tag",
            "/stories",
        ):
            assert command in text
    assert "/showcase #tag @channel" in in_private


async def test_help_on_following_and_stories_in_french(flock: Harness) -> None:
    flock.make_admin(FRENCH, ANA)
    await flock.send(flock.telegram.post(FRENCH, ANA, "/setup #int26 Intégration 2026"))
    await flock.send(flock.telegram.post(FRENCH, ANA, "/settings language fr"))

    in_group = await help_in(flock, FRENCH, BEN)
    lea = await help_in(flock, private(LEA), LEA)

    assert "Au-delà de ce groupe : <code>/share #devcon26</code>, envoyé par un administrateur" in in_group
    assert "<code>/follow #devcon26 à 18h</code>, envoyé par un animateur" in in_group
    assert in_group.endswith("/stories liste les réussites du cours.")
    assert (
        "Au-delà du groupe du cours :\n<code>/follow #devcon26</code> — un récapitulatif quotidien "
        "d’un hashtag partagé par d’autres discussions ; /following liste ce que vous suivez\n"
    ) in lea
    assert "Animateurs : <code>/showcase #tag @canal</code> — le canal où les réussites" in lea
    assert lea.endswith("<code>/stories #tag</code> — les réussites du cours")
