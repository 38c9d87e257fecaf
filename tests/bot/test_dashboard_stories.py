"""The dashboard's Stories tab against the real Flock and database: the course's stories with
their authors' answers, links and showcase posts, the week's highlights as Monday's message tells
them (loaded into the tab once it is shown), and the highlights setting on the Settings form."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.bot.test_dashboard import ANA, BEN, CHAT, CLEO, Board, set_up, text_of
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

SHOWCASE = group(-1001900, "Wins wall")


def press(flock: Harness, person: JSON, message: Call, label: str) -> JSON:
    buttons = [b for row in message.params["reply_markup"]["inline_keyboard"] for b in row]
    return flock.telegram.press(
        person, message.result, next(b["callback_data"] for b in buttons if b["text"] == label)
    )


def sent_to(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


async def stories(flock: Harness) -> tuple[JSON, JSON, Call]:
    """#onb26 with a showcase; Ben's win (shared as Ben, posted there), then Cleo's story (she
    never started the bot, so she wasn't asked). Returns their posts and the showcase post."""
    await set_up(flock)
    flock.make_admin(SHOWCASE, ANA)
    await flock.send(flock.telegram.post(SHOWCASE, ANA, "/showcase_here #onb26"))
    await flock.send(flock.telegram.post(private(BEN), BEN, "/start"))
    win = flock.telegram.post(CHAT, BEN, "#win I passed the <b>security</b> exam!")
    [ask] = sent_to(await flock.send(win), BEN)
    [posted] = sent_to(await flock.send(press(flock, BEN, ask, "Yes, as Ben")), SHOWCASE)
    flock.clock.advance(minutes=5)
    story = flock.telegram.post(CHAT, CLEO, "#story First week done\nAnd I made two friends")
    await flock.send(story)
    return win, story, posted


async def test_stories_come_newest_first_with_their_authors_answer_links_and_showcase_post(
    flock: Harness,
) -> None:
    win, story, posted = await stories(flock)

    page = await Board(flock).get("/view/1/stories")

    shown = text_of(page)
    assert page.status_code == 200
    assert "2 stories" in shown
    assert "Stories their authors let go beyond the group are posted in Wins wall." in shown
    listed = shown.split("2 stories", 1)[1]
    assert listed.index("Cleo") < listed.index("Ben")  # the newest first
    assert "not asked: hasn't started the bot" in listed
    assert "yes, as Ben" in listed
    assert "I passed the &lt;b&gt;security&lt;/b&gt; exam!" in page.text  # escaped, never markup
    links = re.findall(r'<a class="(open|showcased)" href="([^"]+)"', page.text)
    assert links == [
        ("open", f"https://t.me/c/1500/{story['message']['message_id']}"),
        ("showcased", f"https://t.me/c/1900/{posted.result['message_id']}"),
        ("open", f"https://t.me/c/1500/{win['message']['message_id']}"),
    ]


async def test_the_weeks_highlights_open_the_tab_as_mondays_message_tells_them(flock: Harness) -> None:
    await stories(flock)  # on Monday 2 November: this week so far
    board = Board(flock)

    tab = await board.get("/view/1/stories?week=last")
    this_week = await board.get("/view/1/highlights")
    last_week = await board.get("/view/1/highlights?week=last")
    unknown = await board.get("/view/1/highlights?week=<script>")

    shown = text_of(this_week)
    assert "Highlights since Mon 2 Nov" in shown
    assert "🎉 Stories • Ben: I passed the &lt;b&gt;security&lt;/b&gt; exam! — ✓ in the showcase" in shown
    assert "• Cleo: First week done" in shown
    assert "👋 New voices" in shown  # Ben and Cleo posted for the first time
    assert "Highlights, Mon 26 Oct – Sun 1 Nov" in text_of(last_week)
    assert "Nothing to tell yet" in text_of(last_week)
    assert 'data-load="/view/1/highlights?week=last"' in tab.text  # the tab loads them
    assert "2 stories" in text_of(tab)  # the list is the course's, whatever the week
    assert unknown.status_code == 200
    assert "<script>" not in unknown.text
    assert "Highlights since Mon 2 Nov" in text_of(unknown)  # an unknown week is this one


async def test_without_a_showcase_or_a_story_the_tab_says_how_to_get_them(flock: Harness) -> None:
    await set_up(flock)

    shown = text_of(await Board(flock).get("/view/1/stories"))

    assert "0 stories" in shown
    assert "No showcase yet. Run /showcase_here in the group that should show the stories." in shown
    assert "No stories yet. A post tagged #story or #win in the group becomes one." in shown
    assert "Nothing to tell yet" in text_of(await Board(flock).get("/view/1/highlights"))


async def test_a_forgotten_persons_stories_are_gone_from_the_tab(flock: Harness) -> None:
    await stories(flock)
    [asked] = await flock.send(flock.telegram.post(private(BEN), BEN, "/forget_me"))
    keyboard = asked.params["reply_markup"]["inline_keyboard"]
    forget = next(b["callback_data"] for row in keyboard for b in row if b["text"] == "Forget me")
    await flock.send(flock.telegram.press(BEN, asked.result, forget))

    page = await Board(flock).get("/view/1/stories")
    told = await Board(flock).get("/view/1/highlights")

    assert "1 story" in text_of(page)
    assert "security" not in page.text
    assert "Ben" not in text_of(page)
    assert "security" not in told.text
    assert "Cleo: First week done" in text_of(told)


async def test_stories_come_fifty_at_a_time_and_show_more_carries_on(flock: Harness) -> None:
    await set_up(flock)
    for n in range(51):
        await flock.send(flock.telegram.post(CHAT, user(3000 + n, f"Teller {n:02d}"), f"#win number {n:02d}"))
        flock.clock.advance(minutes=1)
    board = Board(flock)

    first = await board.get("/view/1/stories")
    rest = await board.get("/view/1/stories?offset=50")

    assert "51 stories" in text_of(first)
    assert first.text.count('<li class="story') == 50
    listed = first.text.split('<ul class="list stories">', 1)[1]
    assert "number 50" in listed
    assert "number 00" not in listed
    assert 'data-more="/view/1/stories?offset=50"' in first.text
    assert rest.text.count('<li class="story') == 1
    assert "number 00" in rest.text
    assert "Highlights" not in rest.text
    assert "data-more" not in rest.text


async def test_highlights_on_the_settings_form_as_settings_highlights_takes_it(flock: Harness) -> None:
    await set_up(flock)
    board = Board(flock)

    shown = await board.get("/view/1/settings")
    off = await board.client.post(
        BASE_URL + "/settings/1/highlights", headers=board.signed(ANA), content=b"value=off"
    )
    wrong = await board.client.post(
        BASE_URL + "/settings/1/highlights", headers=board.signed(ANA), content=b"value=maybe"
    )
    told = text_of(await board.get("/view/1/highlights"))
    french = await board.get("/view/1/settings", {**ANA, "language_code": "fr"})

    assert 'id="setting-highlights" name="value" value="on"' in shown.text
    assert "Updated #onb26: highlights changed." in text_of(off)
    assert 'id="setting-highlights" name="value" value="off"' in off.text
    assert wrong.status_code == 422
    assert "I couldn't read “maybe”: use on or off." in text_of(wrong)
    assert await flock.rows("select highlights_on from courses where id = 1") == [(False,)]
    assert "Not sent on Mondays: highlights are off in Settings." in told
    assert 'id="setting-highlights" name="value" value="non"' in french.text
    assert "moments" in text_of(french)


BASE_URL = "/dashboard"


async def test_the_stories_tab_reads_in_french(flock: Harness) -> None:
    await stories(flock)

    french = {**ANA, "language_code": "fr"}
    shown = text_of(await Board(flock).get("/view/1/stories", french))
    told = text_of(await Board(flock).get("/view/1/highlights", french))

    assert "Séances Réussites Réglages Cette semaine jusqu’ici La semaine dernière" in shown
    assert "Moments forts depuis lun. 2 nov. 🎉 Réussites • Ben :" in told
    assert "2 réussites Les réussites que leurs auteurs acceptent de partager hors du groupe" in shown
    assert "Cleo lun. 2 nov. à 09:05" in shown
    assert "pas demandé : n’a pas démarré le bot" in shown
    assert "oui, en tant que Ben dans la vitrine Ouvrir dans Telegram" in shown
