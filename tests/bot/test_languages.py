"""Choosing the language: in private the person's choice, else their app's, else English; in a
course's groups the course's (/settings language). Reading stays bilingual whatever is chosen."""

from __future__ import annotations

from bot import commands
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
LEA = {**user(12, "Léa", "lea_q"), "language_code": "fr-CA"}  # learner, French app
TOM = {**user(13, "Tom", "tom_t"), "language_code": "de"}  # an app language Flock doesn't speak
CHAT = group(-1001500, "Onboarding 2026")


async def say(flock: Harness, chat: JSON, person: JSON, text: str) -> list[str]:
    return await flock.replies(flock.telegram.post(chat, person, text))


async def test_in_private_the_app_language_speaks_until_a_choice_is_made(flock: Harness) -> None:
    assert (
        "Je vous écris en français (la langue de votre application Telegram)"
        in (await say(flock, private(LEA), LEA, "/language"))[0]
    )
    assert (
        "I write to you in English (your Telegram app's language)"
        in (await say(flock, private(TOM), TOM, "/language"))[0]
    )

    chose = await say(flock, private(LEA), LEA, "/language en")
    now = await say(flock, private(LEA), LEA, "/language")

    assert chose == ["Done: I write to you in English from now on."]
    assert now[0].startswith("I write to you in English (you chose it).")


async def test_a_choice_answers_in_the_new_language_and_auto_goes_back_to_the_app(flock: Harness) -> None:
    assert await say(flock, private(ANA), ANA, "/language français") == [
        "C’est fait : je vous écris désormais en français."
    ]
    now = await say(flock, private(ANA), ANA, "/language")
    assert now[0].startswith("Je vous écris en français (votre choix).")
    assert await say(flock, private(ANA), ANA, "/language auto") == [
        "Done: I write to you in your Telegram app's language (English for now)."
    ]
    stored = await flock.rows("select language from people where id = :id", id=ANA["id"])
    assert stored == [(None,)]


async def test_an_unknown_language_is_refused_in_the_speakers_language_and_nothing_changes(
    flock: Harness,
) -> None:
    await say(flock, private(LEA), LEA, "/language en")

    assert await say(flock, private(LEA), LEA, "/language klingon") == [
        "Choose fr (français), en (English) or auto (your Telegram app's language)."
    ]
    assert await flock.rows("select language from people where id = :id", id=LEA["id"]) == [("en",)]


async def test_the_language_is_chosen_in_private_not_in_front_of_the_group(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await say(flock, CHAT, ANA, "/setup #onb26 Onboarding 2026")
    await say(flock, CHAT, ANA, "/settings language fr")

    replies = await say(flock, CHAT, LEA, "/language en")

    assert replies == [
        "Vous choisissez la langue dans laquelle je vous écris dans une conversation privée avec moi : "
        "/language fr ou /language en. Les groupes d’un cours lisent la langue du cours : "
        "/settings language fr."
    ]
    assert await flock.rows("select count(*) from people where language is not null") == [(0,)]


async def test_the_course_language_is_a_facilitators_setting(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await say(flock, CHAT, ANA, "/setup #onb26 Onboarding 2026")

    await say(flock, CHAT, ANA, "/settings language fr")
    refused = await say(flock, CHAT, LEA, "/settings language en")

    assert await flock.rows("select language from courses") == [("fr",)]
    assert len(refused) == 1


async def test_command_menus_are_published_in_each_language(flock: Harness) -> None:
    await commands.publish(flock.flock.app.bot)
    calls = [c for c in flock.api.take() if c.method == "setMyCommands"]

    french = [c for c in calls if c.params.get("language_code") == "fr"]
    english = [c for c in calls if "language_code" not in c.params]
    assert len(french) == len(english) == 3
    private_fr = next(c for c in french if c.params["scope"]["type"] == "all_private_chats")
    language = {"command": "language", "description": "La langue dans laquelle je vous écris"}
    assert language in private_fr.params["commands"]
