"""Introductions: #intro and /intro, replacement with history, edits, and the roster."""

from bot import texts
from bot.recording import Call, api_error
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin, sets the course up: its facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
DAN = user(14, "Dan", "dan_d")
CHAT = group(-1001500, "Onboarding 2026")
SHARED = group(-1001700, "Company chat")
HUG = "🤗"


async def set_up_course(
    flock: Harness, chat: JSON = CHAT, hashtag: str = "#onb26", tagged: bool = False
) -> None:
    flock.make_admin(chat, ANA)
    keyword = " tagged" if tagged else ""
    await flock.send(flock.telegram.post(chat, ANA, f"/setup {hashtag}{keyword} Onboarding 2026"))


def reactions(calls: list[Call]) -> list[tuple[int, str]]:
    return [
        (c.params["message_id"], c.params["reaction"][0]["emoji"])
        for c in calls
        if c.method == "setMessageReaction"
    ]


async def test_intro_hashtag_saves_introduction_and_reacts_with_a_hug(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben, a designer from Lisbon. Anyone else nearby?")

    calls = await flock.send(update)

    assert reactions(calls) == [(update["message"]["message_id"], HUG)]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows(
        "select person_id, text, chat_id, message_id, replaced_at from introductions"
    ) == [
        (
            12,
            "Hi, I'm Ben, a designer from Lisbon. Anyone else nearby?",
            CHAT["id"],
            update["message"]["message_id"],
            None,
        )
    ]
    assert await flock.rows("select count(*) from questions") == [(0,)]


async def test_intro_command_in_group_saves_introduction_and_reacts(flock: Harness) -> None:
    await set_up_course(flock)
    update = flock.telegram.post(CHAT, BEN, "/intro Hi, I'm Ben.\nI design things.")

    calls = await flock.send(update)

    assert reactions(calls) == [(update["message"]["message_id"], HUG)]
    assert [c for c in calls if c.method == "sendMessage"] == []
    assert await flock.rows("select person_id, text, message_id from introductions") == [
        (12, "Hi, I'm Ben.\nI design things.", update["message"]["message_id"])
    ]
    assert await flock.rows("select person_id, posts from learners") == [(12, 1)]


async def test_intro_command_in_group_without_text_explains(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/intro"))

    assert replies == ["Write your introduction after the command: /intro Hi, I'm …"]
    assert await flock.rows("select count(*) from introductions") == [(0,)]


async def test_intro_in_a_chat_without_course_explains(flock: Harness) -> None:
    replies = await flock.replies(flock.telegram.post(CHAT, BEN, "/intro Hi, I'm Ben"))

    assert replies == ["This chat isn't attached to a course yet. A chat admin can run /setup #tag."]
    assert await flock.rows("select count(*) from introductions") == [(0,)]


async def test_intro_hashtag_in_tagged_chat_needs_the_course_hashtag(flock: Harness) -> None:
    await set_up_course(flock, SHARED, tagged=True)

    untagged = await flock.send(flock.telegram.post(SHARED, BEN, "#intro Hi, I'm Ben"))
    tagged = await flock.send(flock.telegram.post(SHARED, CLEO, "#intro #onb26 Hi, I'm Cleo"))

    assert untagged == []
    assert len(reactions(tagged)) == 1
    assert await flock.rows("select person_id from introductions") == [(13,)]


async def test_new_introduction_replaces_the_current_one_and_keeps_history(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben"))
    flock.clock.advance(days=1)

    await flock.send(flock.telegram.post(CHAT, BEN, "/intro Hi again, I'm Ben and I moved to Porto"))

    rows = await flock.rows("select text, replaced_at is null from introductions order by id")
    assert [(text, bool(current)) for text, current in rows] == [
        ("Hi, I'm Ben", False),
        ("Hi again, I'm Ben and I moved to Porto", True),
    ]


async def test_introductions_of_different_people_do_not_replace_each_other(flock: Harness) -> None:
    await set_up_course(flock)

    await flock.send(
        flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben"),
        flock.telegram.post(CHAT, CLEO, "#intro Hi, I'm Cleo"),
    )

    assert await flock.rows("select person_id from introductions where replaced_at is null order by 1") == [
        (12,),
        (13,),
    ]


async def test_editing_an_introduction_updates_its_text(flock: Harness) -> None:
    await set_up_course(flock)
    original = flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Bem")
    await flock.send(original)

    calls = await flock.send(flock.telegram.edit(original, "#intro Hi, I'm Ben, from Lisbon"))

    assert calls == []
    assert await flock.rows("select text, replaced_at from introductions") == [
        ("Hi, I'm Ben, from Lisbon", None)
    ]


async def test_editing_an_intro_command_updates_the_introduction(flock: Harness) -> None:
    await set_up_course(flock)
    original = flock.telegram.post(CHAT, BEN, "/intro Hi, I'm Bem")
    await flock.send(original)

    calls = await flock.send(flock.telegram.edit(original, "/intro Hi, I'm Ben, from Lisbon"))

    assert calls == []
    assert await flock.rows("select text, replaced_at from introductions") == [
        ("Hi, I'm Ben, from Lisbon", None)
    ]


async def test_edit_adding_intro_hashtag_saves_an_introduction(flock: Harness) -> None:
    await set_up_course(flock)
    original = flock.telegram.post(CHAT, BEN, "Hi all, I'm Ben")
    await flock.send(original)

    calls = await flock.send(flock.telegram.edit(original, "Hi all, I'm Ben #intro"))

    assert reactions(calls) == [(original["message"]["message_id"], HUG)]
    assert await flock.rows("select text from introductions") == [("Hi all, I'm Ben",)]


async def test_intro_in_private_without_text_shows_current_introductions(flock: Harness) -> None:
    await set_up_course(flock)
    other = group(-1001800, "Leadership 2026")
    await set_up_course(flock, other, "#lead26")
    await flock.send(
        flock.telegram.post(CHAT, BEN, "#intro Old text"),
        flock.telegram.post(CHAT, BEN, "#intro Hi, I'm <Ben> & I design"),
        flock.telegram.post(other, BEN, "#intro Ben here, new team lead"),
    )

    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/intro"))

    assert replies == [
        "<b>#lead26</b>: Ben here, new team lead\n\n"
        "<b>#onb26</b>: Hi, I'm &lt;Ben&gt; &amp; I design\n\n"
        "Send <code>/intro your new text</code> to replace it."
    ]


async def test_intro_in_private_without_any_introduction_explains(flock: Harness) -> None:
    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/intro"))

    assert replies == [texts.my_intros([])]
    assert "#intro" in replies[0]


async def test_intro_text_in_private_saves_it_for_the_learners_only_course(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "Hello everyone"))

    calls = await flock.send(flock.telegram.post(private(BEN), BEN, "/intro I'm Ben, a designer"))

    assert [(c.method, c.chat_id, c.text) for c in calls] == [
        ("sendMessage", BEN["id"], "Thanks! Your introduction for #onb26 is saved. 🤗")
    ]
    assert await flock.rows("select person_id, text, chat_id, message_id from introductions") == [
        (12, "I'm Ben, a designer", None, None)
    ]


async def test_intro_text_in_private_names_the_course_when_there_are_several(flock: Harness) -> None:
    await set_up_course(flock)
    other = group(-1001800, "Leadership 2026")
    await set_up_course(flock, other, "#lead26")
    await flock.send(
        flock.telegram.post(CHAT, BEN, "Hello everyone"),
        flock.telegram.post(other, BEN, "Hello leaders"),
    )

    ambiguous = await flock.replies(flock.telegram.post(private(BEN), BEN, "/intro I'm Ben"))
    named = await flock.replies(flock.telegram.post(private(BEN), BEN, "/intro #lead26 I'm Ben, new lead"))

    assert ambiguous == ["Which course? Add its hashtag: #lead26, #onb26."]
    assert named == ["Thanks! Your introduction for #lead26 is saved. 🤗"]
    assert await flock.rows("select c.hashtag from introductions i join courses c on c.id = i.course_id") == [
        ("lead26",)
    ]


async def test_intro_text_in_private_before_posting_in_a_course_explains(flock: Harness) -> None:
    await set_up_course(flock)

    replies = await flock.replies(flock.telegram.post(private(BEN), BEN, "/intro I'm Ben"))

    assert replies == ["I haven't seen you in a course chat yet. Introduce yourself there."]
    assert await flock.rows("select count(*) from introductions") == [(0,)]


async def test_roster_by_facilitator_is_sent_privately(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(
        flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben, a designer"),
        flock.telegram.post(CHAT, CLEO, "Hello!"),
        flock.telegram.post(CHAT, CLEO, "Where is the reading list for today?"),
        flock.telegram.post(CHAT, ANA, "Welcome all, I'm your facilitator"),
    )

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/roster"))

    assert [(c.method, c.chat_id) for c in calls] == [("sendMessage", ANA["id"]), ("sendMessage", CHAT["id"])]
    roster, confirmation = calls[0].text, calls[1].text
    assert confirmation == texts.SENT_PRIVATELY
    assert roster == (
        "<b>Onboarding 2026</b> (#onb26) — 2 learners\n\n"
        "<b>Introduced</b> (1)\n• Ben: Hi, I'm Ben, a designer\n\n"
        "<b>Posted but never introduced</b> (1)\n• Cleo (2 posts)"
    )


async def test_roster_in_private_is_the_reply(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben"))

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/roster"))

    assert len(replies) == 1
    assert replies[0].startswith("<b>Onboarding 2026</b> (#onb26) — 1 learner\n")
    assert "• Ben: Hi, I'm Ben" in replies[0]


async def test_roster_by_a_learner_is_refused(flock: Harness) -> None:
    await set_up_course(flock)
    await flock.send(flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben"))

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "/roster"))

    assert [(c.method, c.chat_id, c.text) for c in calls] == [
        ("sendMessage", CHAT["id"], "Only facilitators of #onb26 can do that.")
    ]


async def test_roster_for_a_facilitator_who_never_started_the_bot_links_to_it(flock: Harness) -> None:
    await set_up_course(flock)
    flock.api.failures["sendMessage"] = lambda p: (
        (403, api_error(403, "Forbidden: bot can't initiate conversation with a user"))
        if int(p["chat_id"]) == ANA["id"]
        else None
    )

    calls = await flock.send(flock.telegram.post(CHAT, ANA, "/roster"))

    assert [(c.method, c.chat_id) for c in calls] == [("sendMessage", ANA["id"]), ("sendMessage", CHAT["id"])]
    assert calls[1].text == texts.start_me_first("flock_test_bot")
    assert 'href="https://t.me/flock_test_bot?start=hello"' in calls[1].text
