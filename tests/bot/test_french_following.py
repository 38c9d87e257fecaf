"""Following a hashtag in French: a French course's replies and catch-up, a French source's
admin, and a French learner's private follow."""

from __future__ import annotations

from tests.bot.test_following import ANA, BEN, CHAT, DAN, ERIN, EVENT, messages, say, set_up, until
from tests.builders import private
from tests.support.harness import Harness

ERIN_FR = {**ERIN, "language_code": "fr"}
BEN_FR = {**BEN, "language_code": "fr"}


async def test_a_french_course_follows_a_hashtag_and_reads_its_catch_up_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, ANA, "/settings language fr")
    shared = await say(flock, private(ERIN_FR), ERIN_FR, "/share #devcon26")
    await say(flock, EVENT, ERIN, "/share #devcon26")
    followed = await say(flock, CHAT, ANA, "/follow #devcon26 à 18h")
    talk = flock.telegram.post(EVENT, DAN, "#devcon26 Super conférence")
    await flock.send(talk, flock.telegram.post(EVENT, ERIN, "Oui !", reply_to=talk["message"]))
    await flock.send(flock.telegram.post(EVENT, DAN, "#devcon26 Deuxième message"))

    sent = await until(flock, 18)

    assert shared == ["Lancez /share dans le groupe ou le canal dont vous voulez partager les messages."]
    assert followed == [
        "#devcon26 est suivi pour #onb26 : chaque jour à 18:00 (UTC), ce groupe reçoit ce qui a été "
        "publié sous #devcon26 dans les groupes qui le partagent, s’il y a du nouveau. "
        "/unfollow #devcon26 l’arrête.\n1 groupe partage #devcon26 pour l’instant."
    ]
    [catch_up] = messages(sent, CHAT)
    assert catch_up.startswith(
        "<b>#devcon26</b> : 2 nouveaux messages depuis lun. 2 nov. à 09:00\n\n1. Dan dans <a href="
    )
    assert "DevCon 2026</a> · 1 réponse\n#devcon26 Super conférence" in catch_up


async def test_a_french_learner_is_told_in_french(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN_FR, "Bonjour à tous")
    refused = await say(flock, private(BEN_FR), BEN_FR, "/follow")
    followed = await say(flock, private(BEN_FR), BEN_FR, "/follow #devcon26")
    listed = await say(flock, private(BEN_FR), BEN_FR, "/following")
    await say(flock, private(BEN_FR), BEN_FR, "/unfollow #devcon26")
    none = await say(flock, private(BEN_FR), BEN_FR, "/following")

    assert refused == ["Indiquez le hashtag à suivre, comme /follow #devcon26 ou /follow #devcon26 à 18:00."]
    assert followed[0].startswith("Vous suivez #devcon26 : chaque jour à 08:00 (UTC), je vous enverrai")
    assert followed[0].endswith(
        "\nAucun groupe ne partage encore #devcon26 : demandez à un administrateur du groupe ou du "
        "canal de l’événement de m’y ajouter et d’envoyer /share #devcon26."
    )
    assert listed == ["<b>Vous suivez</b>\n• #devcon26, chaque jour à 08:00 (UTC)"]
    assert none == [
        "Vous ne suivez aucun hashtag. /follow #tag vous donne un récapitulatif quotidien d’un hashtag "
        "partagé ailleurs."
    ]
