"""/search and the full-text index behind it: kept in step with every write, on both databases."""

from __future__ import annotations

import pytest

from facilitation import matching
from facilitation.search_terms import terms
from tests.bot.test_privacy import buttons, edits, prompt
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitates #onb26
BEN = user(12, "Ben", "ben_b")  # learner in #onb26
CLEO = user(13, "Cleo", "cleo_p")  # learner in #onb26
ZOE = user(15, "Zoe", "zoe_z")  # facilitates #lead26
SAM = user(16, "Sam", "sam_s")  # learner in #lead26 only
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001800, "Leadership 2026")


async def set_up(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.make_admin(OTHER, ZOE)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(OTHER, ZOE, "/setup #lead26 Leadership 2026"))


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: object) -> JSON:
    update = flock.telegram.post(chat, person, text, **kw)
    await flock.send(update)
    return update


async def search(flock: Harness, chat: JSON, person: JSON, words: str) -> str:
    [answer] = await flock.replies(flock.telegram.post(chat, person, f"/search {words}".rstrip()))
    return answer


async def indexed(flock: Harness, word: str) -> int:
    """How many questions and introductions the index finds for the word, whatever the database."""
    if flock.flock.engine.dialect.name == "postgresql":
        found = "document @@ plainto_tsquery('english', :word)"
        tables = [
            f"(select count(*) from {t} where {found})" for t in ("question_search", "introduction_search")
        ]
    else:
        tables = [
            f"(select count(*) from {t} where {t} match :word)"
            for t in ("question_search", "introduction_search")
        ]
        word = f'"{word}"'
    [(count,)] = await flock.rows(f"select {' + '.join(tables)}", word=word)
    return int(count)


async def vpn_question(flock: Harness) -> JSON:
    asked = await say(flock, CHAT, BEN, "How do I reset my VPN password?")
    await say(
        flock, CHAT, CLEO, "Use the self-service portal.\nThen wait five minutes.", reply_to=asked["message"]
    )
    return asked


async def test_a_group_search_replies_with_the_question_its_state_first_answer_line_and_link(
    flock: Harness,
) -> None:
    await set_up(flock)
    asked = await vpn_question(flock)
    await say(flock, CHAT, BEN, "Where are the slides from day one?")

    found = await search(flock, CHAT, CLEO, "resetting passwords")  # stemmed: reset, password

    link = f"https://t.me/c/1500/{asked['message']['message_id']}"
    assert found == (
        "<b>Found for “resetting passwords”</b>\n"
        f'1. <a href="{link}">How do I reset my VPN password?</a> — 💬 answered\n'
        "    ↳ Use the self-service portal."
    )


async def test_the_best_answer_is_a_facilitators_over_the_first(flock: Harness) -> None:
    await set_up(flock)
    asked = await vpn_question(flock)
    await say(flock, CHAT, ANA, "Ask IT for a reset token.", reply_to=asked["message"])

    found = await search(flock, CHAT, BEN, "vpn")

    assert found.endswith("↳ Ask IT for a reset token.")


async def test_questions_and_answers_taken_in_one_batch_are_found(flock: Harness) -> None:
    await set_up(flock)
    asked = flock.telegram.post(CHAT, BEN, "Which printer prints badges?")
    answer = flock.telegram.post(CHAT, CLEO, "The one by reception.", reply_to=asked["message"])
    other = flock.telegram.post(CHAT, CLEO, "Is the cafeteria open on Friday?")
    await flock.send(asked, answer, other)

    found = await search(flock, CHAT, BEN, "badge printer")
    cafeteria = await search(flock, CHAT, BEN, "cafeteria")

    assert "Which printer prints badges?" in found
    assert "↳ The one by reception." in found
    assert "Is the cafeteria open on Friday?" in cafeteria
    assert "⏳ waiting for an answer" in cafeteria


async def test_private_search_looks_in_the_persons_courses_only(flock: Harness) -> None:
    await set_up(flock)
    await vpn_question(flock)
    await say(flock, OTHER, SAM, "Who approves the VPN budget for leadership?")

    bens = await search(flock, private(BEN), BEN, "vpn")
    sams = await search(flock, private(SAM), SAM, "vpn")
    zoes = await search(flock, private(ZOE), ZOE, "vpn")  # a facilitator: her course
    in_other = await search(flock, OTHER, SAM, "vpn password")

    assert "reset my VPN password" in bens
    assert "budget" not in bens
    assert "budget" in sams
    assert "reset my VPN" not in sams
    assert "budget" in zoes
    assert "reset my VPN" not in zoes
    assert "budget" in in_other
    assert "reset my VPN" not in in_other


async def test_someone_in_no_course_is_told_where_search_looks(flock: Harness) -> None:
    await set_up(flock)
    await vpn_question(flock)

    found = await search(flock, private(user(30, "Stranger")), user(30, "Stranger"), "vpn")

    assert found == "You aren't part of a course yet: once you post in one, /search looks there."


@pytest.mark.parametrize(
    "words",
    [
        '"',
        'vpn"',
        "NEAR(vpn password)",
        "vpn*",
        "-vpn",
        "vpn OR",
        "AND NOT vpn",
        "(vpn",
        "^vpn",
        "vpn:password",
    ],
)
async def test_query_syntax_typed_is_read_as_words(flock: Harness, words: str) -> None:
    await set_up(flock)
    await vpn_question(flock)

    found = await search(flock, CHAT, CLEO, words)

    if "vpn" in words:
        assert "How do I reset my VPN password?" in found
    else:
        assert found == "Write what to look for after the command, for example: /search vpn password"


async def test_empty_gets_the_usage_and_only_common_words_are_told_so(flock: Harness) -> None:
    await set_up(flock)

    empty = await search(flock, CHAT, CLEO, "")
    common = await search(flock, CHAT, CLEO, "how do I")
    nothing = await search(flock, CHAT, CLEO, "zeppelin")

    assert empty == "Write what to look for after the command, for example: /search vpn password"
    assert (
        common == "“how do I” is only common words: try more specific ones, for example /search vpn password"
    )
    assert nothing == "Nothing found for “zeppelin”. Try other words, or ask the course with #question."


async def test_a_long_search_is_said_back_shortened(flock: Harness) -> None:
    await set_up(flock)
    await vpn_question(flock)
    typed = "zeppelin balloon airship blimp dirigible hangar mooring gondola envelope ballast rudder"

    nothing = await search(flock, CHAT, CLEO, typed)

    said_back = typed[:59] + "…"  # 60 characters of what was typed
    assert nothing == f"Nothing found for “{said_back}”. Try other words, or ask the course with #question."


async def test_an_edited_question_is_found_by_its_new_words_only(flock: Harness) -> None:
    await set_up(flock)
    asked = await vpn_question(flock)

    await flock.send(flock.telegram.edit(asked, "How do I renew my laptop certificate?"))

    assert "Nothing found" in await search(flock, CHAT, CLEO, "vpn")
    assert "renew my laptop certificate" in await search(flock, CHAT, CLEO, "certificate")


async def test_forget_me_takes_the_words_out_of_the_index(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    await say(flock, CHAT, BEN, "#intro Hi, I'm Ben and I keep zyzzyva beetles.")
    asked = await say(flock, CHAT, BEN, "How do I feed a zyzzyva at home?")
    await say(flock, CHAT, CLEO, "Fresh zyzzyva leaves, I think.", reply_to=asked["message"])
    assert await indexed(flock, "zyzzyva") == 2
    confirm = await prompt(flock, private(BEN), BEN, "/forget_me")

    await flock.send(flock.telegram.press(BEN, confirm.result, buttons(confirm)["Forget me"]))

    assert await indexed(flock, "zyzzyva") == 0
    assert "Nothing found" in await search(flock, CHAT, CLEO, "zyzzyva")


async def test_forgetting_an_answerer_leaves_the_question_found_without_their_answer(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    asked = await say(flock, CHAT, BEN, "Where do I park my bicycle?")
    await say(flock, CHAT, CLEO, "Behind building quokka.", reply_to=asked["message"])
    confirm = await prompt(flock, private(CLEO), CLEO, "/forget_me")

    await flock.send(flock.telegram.press(CLEO, confirm.result, buttons(confirm)["Forget me"]))

    found = await search(flock, CHAT, BEN, "bicycle")
    assert "Where do I park my bicycle?" in found
    assert "↳" not in found
    assert await indexed(flock, "quokka") == 0


async def test_a_facilitators_forget_takes_the_learners_words_out_of_the_index(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))
    await say(flock, CHAT, BEN, "#intro I'm Ben, I build wombat robots.")
    await say(flock, CHAT, BEN, "Is the wombat lab open at night?")
    confirm = await prompt(flock, private(ANA), ANA, "/forget @ben_b #onb26")

    calls = await flock.send(flock.telegram.press(ANA, confirm.result, buttons(confirm)["Forget Ben"]))

    assert edits(calls)[0].startswith("Done.")
    assert await indexed(flock, "wombat") == 0


async def test_retention_takes_purged_texts_out_of_the_index(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "#intro I'm Ben, I collect narwhal stamps.")
    await say(flock, CHAT, BEN, "Where is the narwhal room?")
    flock.clock.advance(days=31)
    await say(flock, CHAT, CLEO, "Where is the narwhal cafe?")
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings retention 30d"))

    await flock.tick()

    assert await indexed(flock, "narwhal") == 1
    found = await search(flock, CHAT, CLEO, "narwhal")
    assert "narwhal cafe" in found
    assert "narwhal room" not in found


async def test_a_new_introduction_replaces_the_old_one_in_what_the_index_finds(flock: Harness) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "#intro I'm Ben, I like okapi.")
    await say(flock, CHAT, CLEO, "#intro Cleo here, I like okapi too.")

    await say(flock, CHAT, BEN, "#intro I'm Ben, I like axolotl.")

    async with flock.flock.runtime.uow() as uow:
        course = await uow.courses.by_hashtag("onb26")
        assert course is not None
        okapi = await uow.search.introduced(course, terms("okapi"), 5)
        axolotl = await uow.search.introduced(course, terms("axolotl"), 5)
    assert okapi == [CLEO["id"]]  # Ben's old introduction is found no more
    assert axolotl == [BEN["id"]]


async def test_the_index_finds_one_courses_introductions_and_earlier_settled_questions(
    flock: Harness,
) -> None:
    await set_up(flock)
    await say(flock, CHAT, BEN, "#intro I'm Ben, I write Kubernetes operators.")
    await say(flock, OTHER, SAM, "#intro Sam here, Kubernetes admin.")
    await vpn_question(flock)  # answered
    await say(flock, CHAT, CLEO, "My VPN password expired, what now?")  # still open: not an earlier answer
    await say(flock, OTHER, SAM, "Where do I reset the VPN password for leadership?")

    async with flock.flock.runtime.uow() as uow:
        course = await uow.courses.by_hashtag("onb26")
        assert course is not None
        people = await uow.search.introduced(course, terms("kubernetes"), 5)
        new = sorted(matching.stems("How can I reset the VPN password?"))
        shared, sizes = matching.needed(len(new)), matching.sizes(len(new))
        candidates = await uow.search.match(course, new, sizes, shared, 10**9, 5)
        matched = await uow.search.found([c.question_id for c in candidates])
        earlier = await uow.search.match(course, new, sizes, shared, 1, 5)

    assert people == [BEN["id"]]
    assert [f.question.text for f in matched] == ["How do I reset my VPN password?"]
    assert [f.answer for f in matched] == ["Use the self-service portal.\nThen wait five minutes."]
    assert earlier == []
