"""The dashboard through its HTTP side, against the real Flock and database: who may see and do
what (every endpoint), the Today page, and its actions reaching the chat as the alert buttons do."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

from bot.recording import Call
from bot.web.app import HEADER, Dashboard
from bot.web.init_data import sign
from bot.webhook import create_app
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import TOKEN, WEB_URL, Harness

ANA = user(11, "Ana", "ana_f")  # facilitates #onb26
DAN = user(14, "Dan", "dan_k")  # facilitates #dsk26 only
BEN = user(12, "Ben")  # a learner of #onb26
CLEO = user(13, "Cleo", "cleo_p")
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001700, "Data Skills")
BASE = "/dashboard"


class Board:
    """The dashboard's routes as `flock run` serves them, and a browser-less client for them."""

    def __init__(self, flock: Harness) -> None:
        self.flock = flock
        pages = Dashboard(flock.flock.runtime.uow, flock.clock, TOKEN, BASE)
        app = Starlette(routes=pages.routes())
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock")

    def signed(self, person: JSON, age: timedelta = timedelta(0)) -> dict[str, str]:
        return {HEADER: sign(person, TOKEN, self.flock.clock.now() - age)}

    async def get(self, path: str, person: JSON | None = ANA, **kw: str) -> httpx.Response:
        headers = self.signed(person) if person is not None else {}
        return await self.client.get(BASE + path, headers={**headers, **kw})

    async def post(self, path: str, person: JSON | None = ANA) -> httpx.Response:
        headers = self.signed(person) if person is not None else {}
        return await self.client.post(BASE + path, headers=headers)


async def set_up(flock: Harness) -> None:
    """Ana runs #onb26 (and started the bot, so she gets alerts); Dan runs #dsk26 elsewhere."""
    flock.make_admin(CHAT, ANA)
    flock.make_admin(OTHER, DAN)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(OTHER, DAN, "/setup #dsk26 Data Skills"))
    await flock.send(flock.telegram.post(private(ANA), ANA, "/start"))


async def ask(flock: Harness, person: JSON, text: str, chat: JSON = CHAT) -> None:
    await flock.send(flock.telegram.post(chat, person, text))


def text_of(response: httpx.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)).replace("&#39;", "'").strip()


def edits(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method == "editMessageText"]


async def state(flock: Harness) -> list[object]:
    """Everything an action could change."""
    return [
        await flock.rows("select id, state, claimed_by, next_alert_at, closed_by from questions order by id"),
        await flock.rows("select id, claimed_by, outcome from alerts order by id"),
        await flock.rows("select count(*) from outbox"),
        await flock.rows("select id, sla_seconds, quiet_start, digest_on, language from courses order by id"),
    ]


# Who may see what ---------------------------------------------------------------------------

# Every endpoint that shows or changes a course's data, with course 1 (#onb26) and question 1
# (Ben's, in #onb26); question 2 is Cleo's in #dsk26.
ENDPOINTS = [
    ("GET", "/view/courses"),
    ("GET", "/view/1/today"),
    ("GET", "/view/1/learners"),
    ("GET", "/view/1/learners?sort=posts"),
    ("GET", "/view/1/learners?sort=posts&offset=100"),
    ("GET", "/view/1/trends"),
    ("GET", "/view/1/trends?window=all"),
    ("GET", "/view/1/sessions"),
    ("GET", "/view/1/stories"),
    ("GET", "/view/1/stories?week=last"),
    ("GET", "/view/1/stories?offset=50"),
    ("GET", "/view/1/highlights"),
    ("GET", "/view/1/highlights?week=last"),
    ("GET", "/view/1/settings"),
    ("POST", "/settings/1/sla"),
    ("POST", "/settings/1/highlights"),
    ("POST", "/act/1/1/claim"),
    ("POST", "/act/1/1/snooze"),
    ("POST", "/act/1/1/dismiss"),
    ("POST", "/act/1/1/solve"),
]


def forged(board: Board) -> dict[str, str]:
    return {HEADER: sign(ANA, "999:not-the-token", board.flock.clock.now())}


def replayed(board: Board) -> dict[str, str]:
    """Dan's genuine init data with Ana's user put in: the signature no longer fits."""
    data = sign(DAN, TOKEN, board.flock.clock.now())
    return {HEADER: data.replace("%22id%22%3A14", "%22id%22%3A11")}


REFUSED = {
    "missing": lambda board: {},
    "forged": forged,
    "expired": lambda board: board.signed(ANA, age=timedelta(hours=24, minutes=1)),
    "replayed for another user": replayed,
    "not init data": lambda board: {HEADER: "user=%7B%22id%22%3A11%7D&auth_date=1&hash=abc"},
}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("who", sorted(REFUSED))
async def test_every_endpoint_refuses_unsigned_data_with_401_and_changes_nothing(
    flock: Harness, method: str, path: str, who: str
) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    flock.clock.advance(hours=2, minutes=1)
    await flock.tick()
    board = Board(flock)
    before = await state(flock)

    headers = REFUSED[who](board)
    response = await board.client.request(method, BASE + path, headers=headers, content=b"value=1h")

    assert response.status_code == 401
    assert "only opens from Telegram" in text_of(response)
    assert "How do I reset" not in response.text
    assert await state(flock) == before
    assert [c for c in await flock.tick() if c.method != "getMe"] == []


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if e[1] != "/view/courses"])
@pytest.mark.parametrize("who", ["Dan, who runs another course", "Ben, a learner"])
async def test_every_course_endpoint_answers_403_to_whoever_does_not_facilitate_it(
    flock: Harness, method: str, path: str, who: str
) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    board = Board(flock)
    before = await state(flock)
    person = DAN if who.startswith("Dan") else BEN

    headers = board.signed(person)
    response = await board.client.request(method, BASE + path, headers=headers, content=b"value=1h")

    assert response.status_code == 403
    assert "isn't one you facilitate" in text_of(response)
    assert "How do I reset" not in response.text
    assert await state(flock) == before


async def test_a_question_of_another_course_is_refused_under_ones_own(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")  # question 1, #onb26
    await ask(flock, CLEO, "Where is the dataset for week one?", chat=OTHER)  # question 2, #dsk26
    board = Board(flock)
    before = await state(flock)

    response = await board.post("/act/1/2/dismiss", person=ANA)  # Ana's course, Dan's question

    assert response.status_code == 403
    assert await state(flock) == before


async def test_the_page_itself_holds_no_data_and_loads_nothing_from_elsewhere(flock: Harness) -> None:
    await set_up(flock)
    board = Board(flock)

    pages = [await board.client.get(BASE), await board.client.get(BASE + "/")]
    script = await board.client.get(BASE + "/static/dashboard.js")
    style = await board.client.get(BASE + "/static/dashboard.css")

    assert [p.status_code for p in pages] == [200, 200]
    assert "Onboarding" not in pages[0].text
    assert re.findall(r'(?:src|href)="([^"]+)"', pages[0].text) == [
        "/dashboard/static/dashboard.css",
        "/dashboard/static/dashboard.js",
    ]
    assert "default-src 'self'" in pages[0].headers["content-security-policy"]
    assert script.status_code == style.status_code == 200
    assert "X-Telegram-Init-Data" in script.text
    assert "tgWebAppData" in script.text
    assert "set-cookie" not in pages[0].headers


async def test_an_unknown_action_is_not_found_and_changes_nothing(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    board = Board(flock)
    before = await state(flock)

    response = await board.post("/act/1/1/delete")

    assert response.status_code == 404
    assert await state(flock) == before


# What a facilitator sees and does -----------------------------------------------------------


async def test_courses_lists_what_the_person_facilitates_and_a_learner_sees_none(flock: Harness) -> None:
    await set_up(flock)
    board = Board(flock)

    anas = text_of(await board.get("/view/courses", ANA))
    bens = await board.get("/view/courses", BEN)

    assert "Onboarding 2026 #onb26" in anas
    assert "Data Skills" not in anas
    assert bens.status_code == 200
    assert "You don't facilitate any course" in text_of(bens)


async def test_today_lists_what_waits_the_overdue_first_with_asker_age_claim_and_link(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")  # message 102 in the group
    flock.clock.advance(hours=1)
    await ask(flock, CLEO, "Is there a recording of the kickoff?")
    await flock.send(flock.telegram.post(CHAT, ANA, "Welcome everyone!"))
    flock.clock.advance(hours=1, minutes=30)

    page = text_of(await Board(flock).get("/view/1/today"))

    assert "2 questions waiting" in page
    assert page.index("Overdue Ben asked 2h ago") < page.index("Cleo asked 1h ago")
    assert page.count("Overdue") == 1
    assert "No one has taken it yet." in page
    assert "Open in Telegram" in page
    assert 'href="https://t.me/c/1500/' in (await Board(flock).get("/view/1/today")).text


async def test_take_it_on_the_dashboard_edits_the_alert_as_the_button_would(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    flock.clock.advance(hours=2, minutes=1)
    alert = [c for c in await flock.tick() if c.method == "sendMessage" and "reply_markup" in c.params]
    board = Board(flock)

    response = await board.post("/act/1/1/claim")
    await flock.flock.sender.flush()
    sent = flock.api.take()
    again = await board.post("/act/1/1/claim")

    assert len(alert) == 1
    assert response.status_code == 200
    assert "It's yours. The others can see you took it." in text_of(response)
    assert "🙋 Taken by Ana" in text_of(response)
    assert [(c.chat_id, c.params["message_id"]) for c in sent if c.method == "editMessageText"] == [
        (ANA["id"], alert[0].result["message_id"])
    ]
    assert "Taken by Ana" in edits(sent)[0]
    assert await flock.rows("select claimed_by from alerts") == [(ANA["id"],)]
    assert again.status_code == 409
    assert "You've already taken it." in text_of(again)


async def test_take_it_before_any_alert_holds_the_first_alert_back_a_full_sla(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    flock.clock.advance(hours=1)
    board = Board(flock)

    await board.post("/act/1/1/claim")
    flock.clock.advance(hours=1, minutes=30)  # past the question's first SLA
    early = await flock.tick()
    flock.clock.advance(minutes=31)  # a full SLA after the claim
    due = await flock.tick()

    assert await flock.rows("select claimed_by from questions") == [(ANA["id"],)]
    assert [c for c in early if c.method == "sendMessage"] == []
    assert [c.chat_id for c in due if c.method == "sendMessage"] == [ANA["id"]]
    assert "🙋 Taken by Ana" in text_of(await board.get("/view/1/today"))


async def test_snooze_not_a_question_and_solved_change_what_the_chat_buttons_change(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")  # 1
    await ask(flock, CLEO, "Anyone up for lunch?")  # 2
    await ask(flock, CLEO, "Where are the slides from day one?")  # 3
    flock.clock.advance(hours=2, minutes=1)
    await flock.tick()
    board = Board(flock)

    snoozed = await board.post("/act/1/1/snooze")
    dismissed = await board.post("/act/1/2/dismiss")
    solved = await board.post("/act/1/3/solve")
    await flock.flock.sender.flush()
    sent = flock.api.take()
    digest = await flock.replies(flock.telegram.post(private(ANA), ANA, "/digest"))

    assert "Snoozed: I'll remind you in an hour" in text_of(snoozed)
    assert "Dismissed: not tracked as a question any more." in text_of(dismissed)
    assert "Marked solved." in text_of(solved)
    assert "1 question waiting" in text_of(solved)
    assert await flock.rows("select id, state, closed_by from questions order by id") == [
        (1, "open", None),
        (2, "dismissed", ANA["id"]),
        (3, "resolved", ANA["id"]),
    ]
    assert sorted(t.split("\n")[-1] for t in edits(sent)) == [
        "<b>✅ Solved (marked by Ana)</b>",
        "<b>🚫 Not a question (dismissed by Ana)</b>",
    ]
    assert any(c.method == "setMessageReaction" and not c.params.get("reaction") for c in sent)
    assert "<b>⏳ Unanswered</b> (1)" in digest[0]
    assert "Where are the slides from day one?" in digest[0].split("Solved")[1]
    # Snoozed: the alert comes back an hour later, not before.
    flock.clock.advance(minutes=59)
    assert [c for c in await flock.tick() if c.method == "sendMessage"] == []
    flock.clock.advance(minutes=2)
    again = [c.text for c in await flock.tick() if c.method == "sendMessage"]
    assert len(again) == 1
    assert "How do I reset my portal password?" in again[0]


async def test_a_question_settled_meanwhile_is_said_on_the_page(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    board = Board(flock)
    await board.post("/act/1/1/solve")

    response = await board.post("/act/1/1/claim")

    assert response.status_code == 409
    assert "Nothing to do: that question is resolved." in text_of(response)


async def test_the_dashboard_speaks_the_viewers_language(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    flock.clock.advance(hours=3)
    board = Board(flock)
    french = {**ANA, "language_code": "fr"}

    courses = text_of(await board.get("/view/courses", french))
    today = text_of(await board.get("/view/1/today", french))
    learners = text_of(await board.get("/view/1/learners", french))
    refused = text_of(await board.client.get(BASE + "/view/courses", headers={"Accept-Language": "fr-CA"}))

    assert "Vos cours" in courses
    assert "1 question en attente" in today
    assert "En retard Ben a demandé il y a 3 h" in today
    assert "Je m’en occupe" in today
    assert "1 participant 1 jamais présenté 0 silencieux depuis une semaine" in learners
    assert "1 message 1 question 0 réponse donnée Jamais présenté" in learners
    assert "Questions par jour" in text_of(await board.get("/view/1/trends", french))
    settings_fr = text_of(await board.get("/view/1/settings", french))
    assert "délai Combien de temps une question peut attendre" in settings_fr
    assert "Cette page ne s’ouvre que depuis Telegram" in refused


async def test_learners_lists_who_posted_with_their_counts_and_flags_sortable(flock: Harness) -> None:
    await set_up(flock)
    question = flock.telegram.post(CHAT, BEN, "How do I reset my portal password?")
    await flock.send(question)
    await flock.send(flock.telegram.post(CHAT, BEN, "#intro Hi, I'm Ben, a designer from Lisbon"))
    flock.clock.advance(days=8)
    answer = flock.telegram.post(CHAT, CLEO, "Use the link in the welcome mail", reply_to=question["message"])
    await flock.send(answer)
    await flock.send(flock.telegram.post(CHAT, CLEO, "And the portal's FAQ helps too"))
    await flock.send(flock.telegram.post(CHAT, CLEO, "See you at the kickoff"))
    board = Board(flock)

    by_name = text_of(await board.get("/view/1/learners"))
    by_posts = text_of(await board.get("/view/1/learners?sort=posts"))
    by_nonsense = await board.get("/view/1/learners?sort=%3Cscript%3E")

    assert "2 learners" in by_name
    assert "1 never introduced 1 quiet for a week" in by_name
    assert by_name.index("Ben seen 8d ago") < by_name.index("Cleo seen 0m ago")
    bens = "2 posts 1 question 0 answers given Hi, I'm Ben, a designer from Lisbon Quiet for a week"
    assert bens in by_name
    assert "3 posts 0 questions 1 answer given Never introduced" in by_name
    assert "Ana" not in by_name.split("Learners", 1)[1]  # facilitators aren't learners
    assert by_posts.index("Cleo") < by_posts.index("Ben")  # 3 posts before 2
    assert by_nonsense.status_code == 200
    assert "<script>" not in by_nonsense.text


# Opening it from the chat -------------------------------------------------------------------


def web_app_buttons(calls: list[Call], chat: JSON) -> list[tuple[str, str]]:
    return [
        (button["text"], button["web_app"]["url"])
        for c in calls
        if c.method == "sendMessage" and c.chat_id == chat["id"] and "reply_markup" in c.params
        for row in c.params["reply_markup"]["inline_keyboard"]
        for button in row
    ]


async def test_dashboard_in_private_sends_the_button_and_sets_the_menu_button(flock: Harness) -> None:
    await set_up(flock)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/dashboard"))
    menu = [c.params for c in calls if c.method == "setChatMenuButton"]

    assert web_app_buttons(calls, ANA) == [("Open dashboard", WEB_URL)]
    assert menu[0]["chat_id"] == ANA["id"]
    assert menu[0]["menu_button"]["type"] == "web_app"
    assert menu[0]["menu_button"]["web_app"] == {"url": WEB_URL}


async def test_dashboard_in_a_group_comes_privately_to_a_facilitator_and_is_refused_to_others(
    flock: Harness,
) -> None:
    await set_up(flock)

    anas = await flock.send(flock.telegram.post(CHAT, ANA, "/dashboard"))
    bens = await flock.send(flock.telegram.post(CHAT, BEN, "/dashboard"))

    assert web_app_buttons(anas, ANA) == [("Open dashboard", WEB_URL)]
    assert [c.text for c in anas if c.method == "sendMessage" and c.chat_id == CHAT["id"]] == [
        "I've sent it to you in a private message."
    ]
    assert [c.text for c in bens if c.method == "sendMessage"] == ["Only facilitators of #onb26 can do that."]
    assert [c for c in bens if c.method == "setChatMenuButton"] == []


async def test_a_learner_asking_in_private_hears_it_is_for_facilitators(flock: Harness) -> None:
    await set_up(flock)

    calls = await flock.send(flock.telegram.post(private(BEN), BEN, "/dashboard"))

    assert web_app_buttons(calls, BEN) == []
    assert "The dashboard is for facilitators" in calls[0].text


async def test_a_french_facilitator_gets_the_button_in_french(flock: Harness) -> None:
    await set_up(flock)
    ana = {**ANA, "language_code": "fr"}

    calls = await flock.send(flock.telegram.post(private(ana), ana, "/dashboard"))

    assert web_app_buttons(calls, ANA) == [("Ouvrir le tableau de bord", WEB_URL)]
    assert "Votre tableau de bord" in calls[0].text


async def test_without_flock_web_url_dashboard_says_it_is_off(database_url: str) -> None:
    async with Harness(database_url, FrozenClock(), web_url=None) as flock:
        calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/dashboard"))

    assert [c.text for c in calls if c.method == "sendMessage"] == [
        "The dashboard isn't switched on for this bot yet: whoever runs it sets FLOCK_WEB_URL."
    ]


async def test_with_a_webhook_the_dashboard_shares_the_endpoints_app(flock: Harness) -> None:
    await set_up(flock)
    pages = Dashboard(flock.flock.runtime.uow, flock.clock, TOKEN, BASE).routes()
    app = create_app(
        flock.flock.sessions, flock.clock, path="/telegram", secret="s3", on_stored=lambda: None, extra=pages
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock")

    courses = await client.get(BASE + "/view/courses", headers={HEADER: sign(ANA, TOKEN, flock.clock.now())})
    unsigned_update = await client.post("/telegram", content=b"{}")
    health = await client.get("/healthz")

    assert "Onboarding 2026" in text_of(courses)
    assert unsigned_update.status_code == 403
    assert health.status_code == 200


async def test_trends_draws_questions_per_day_first_answers_and_who_answered_as_svg(flock: Harness) -> None:
    await set_up(flock)
    question = flock.telegram.post(CHAT, BEN, "How do I reset my portal password?")
    await flock.send(question)
    flock.clock.advance(minutes=30)
    await flock.send(flock.telegram.post(CHAT, CLEO, "Use the mail's link", reply_to=question["message"]))
    flock.clock.advance(days=1)
    await ask(flock, CLEO, "Is there a recording of the kickoff?")
    board = Board(flock)

    week = await board.get("/view/1/trends")
    everything = text_of(await board.get("/view/1/trends?window=all"))
    odd = await board.get("/view/1/trends?window=%22%3E%3Cb%3E")

    page = text_of(week)
    assert "2 questions asked 1 question answered 30m median first answer" in page
    assert "100 % first answered by peers" in page
    assert week.text.count("<svg") == 3
    bars = re.findall(r'<rect class="bar( inner)?"[^>]*><title>([^<]+)</title>', week.text)
    assert ("", "3 Nov: asked 1") in bars
    assert (" inner", "2 Nov: answered 1") in bars
    assert ("", "2 Nov: 30m") in bars
    assert "peers 1" in page
    assert "2 questions asked" in everything
    assert odd.status_code == 200
    assert '"><b>' not in odd.text  # an unknown window is the week, never echoed


async def course_settings(flock: Harness) -> list[tuple[object, ...]]:
    return await flock.rows(
        "select sla_seconds, timezone, quiet_start, quiet_end, language from courses where id = 1"
    )


async def test_settings_change_as_settings_does_with_its_checks_and_words(flock: Harness) -> None:
    await set_up(flock)
    await ask(flock, BEN, "How do I reset my portal password?")
    board = Board(flock)

    shown = await board.get("/view/1/settings")
    sla = await board.client.post(BASE + "/settings/1/sla", headers=board.signed(ANA), content=b"value=1h")
    quiet = await board.client.post(
        BASE + "/settings/1/quiet", headers=board.signed(ANA), content=b"value=22%3A00-07%3A00"
    )
    before = await course_settings(flock)
    signed = board.signed(ANA)
    wrong = await board.client.post(BASE + "/settings/1/timezone", headers=signed, content=b"value=EST")
    empty = await board.client.post(BASE + "/settings/1/digest", headers=signed, content=b"value=")
    unknown = await board.client.post(BASE + "/settings/1/colour", headers=signed, content=b"value=red")

    assert 'value="2h"' in shown.text
    assert 'value="off"' in shown.text  # quiet hours, as /settings types them
    assert "Updated #onb26: sla changed." in text_of(sla)
    assert 'value="1h"' in sla.text
    assert "Updated #onb26: quiet changed." in text_of(quiet)
    assert before == [(3600, "UTC", "22:00", "07:00", "en")]
    assert wrong.status_code == 422
    assert 'value="EST"' in wrong.text  # kept, to be corrected
    assert "EST" in text_of(wrong).split("Settings", 1)[1]
    assert empty.status_code == unknown.status_code == 422
    assert "There is no setting “colour”." in text_of(unknown)
    assert await course_settings(flock) == before
    # The new SLA applies to what waits, as /settings sla does.
    flock.clock.advance(hours=1, minutes=1)
    assert [c.chat_id for c in await flock.tick() if c.method == "sendMessage"] == [ANA["id"]]


async def test_sessions_shows_guest_sessions_with_their_board_and_discussions_to_come(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, '/guest @ada_expert "Careers in data" tomorrow 15:00'))
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))
    await flock.send(flock.telegram.post(CHAT, CLEO, "/askguest Which <tools> do you use?"))
    scheduled = '/discussion "Week one" tomorrow 19:00\nWhat surprised you?\nWhat next?'
    await flock.send(flock.telegram.post(CHAT, ANA, scheduled))

    page = await Board(flock).get("/view/1/sessions")

    shown = text_of(page)
    assert "Careers in data collecting questions @ada_expert Tue 3 Nov, 15:00" in shown
    assert "2 questions for the guest" in shown
    assert "0 votes How did you get your first data job? — Ben" in shown
    assert "Which &lt;tools&gt; do you use?" in page.text  # escaped, never markup
    assert "Week one Tue 3 Nov, 19:00 What surprised you? What next?" in shown


async def test_sessions_shows_the_recaps_of_discussions_that_ended_with_their_transcript(
    flock: Harness,
) -> None:
    await set_up(flock)
    await ask(flock, CLEO, "Hello all")  # Cleo has posted before: not a first-time voice
    await flock.send(flock.telegram.post(CHAT, ANA, '/discussion "Tips" in 1m gap 1m\nFirst?\nSecond?'))
    flock.clock.advance(minutes=1)
    await flock.tick()  # Q1
    bens = flock.telegram.post(CHAT, BEN, "A1 the whiteboard")
    await flock.send(bens)
    cleos = flock.telegram.post(CHAT, CLEO, "A1: pair <work>")
    await flock.send(cleos)
    await flock.send(flock.telegram.post(CHAT, BEN, "Love this", reply_to=cleos["message"]))
    flock.clock.advance(minutes=1)
    await flock.tick()  # Q2
    flock.clock.advance(minutes=1)
    await flock.tick()  # the end: the recap in the chat
    board = Board(flock)
    french = {**ANA, "language_code": "fr"}

    page = await board.get("/view/1/sessions")
    en = text_of(page)
    fr = text_of(await board.get("/view/1/sessions", french))

    assert "Discussions that ended Tips" in en
    assert "2 people took part 1 for the first time in the course 2 answers" in en
    # The chat's recap ranking: Cleo's answer drew a reply from someone else, so it comes first.
    assert "Q1. First? 2 answered. Cleo : pair &lt;work&gt; 1 reply Ben : the whiteboard" in en
    assert "Q2. Second? No answers." in en
    assert f'href="https://t.me/c/1500/{cleos["message"]["message_id"]}"' in page.text
    assert '<pre class="transcript"># Tips' in page.text
    assert "**Ben**: the whiteboard" in page.text  # without the A1 that placed it
    assert "<work>" not in page.text  # escaped, never markup
    assert "Discussions terminées Tips" in fr
    assert "2 personnes ont participé 1 pour la première fois dans le cours 2 réponses" in fr
    assert "Q1. First? 2 ont répondu." in fr
    assert "1 réponse" in fr


async def test_sessions_says_when_no_discussion_has_ended_yet(flock: Harness) -> None:
    await set_up(flock)

    page = text_of(await Board(flock).get("/view/1/sessions"))

    assert "No discussion has ended yet: its recap comes here when it does." in page


# Learners a page at a time, and what peer helpers and following add ---------------------------


async def crowd(flock: Harness, count: int) -> None:
    """`count` learners who each posted once, names in order (Learner 001 …)."""
    await flock.send(
        *[
            flock.telegram.post(CHAT, user(1000 + n, f"Learner {n:03d}"), "Hello everyone")
            for n in range(count)
        ]
    )


def names(page: str) -> list[str]:
    return re.findall(r"Learner \d{3}", page)


async def test_learners_come_a_hundred_at_a_time_and_show_more_carries_on_in_the_same_order(
    flock: Harness,
) -> None:
    await set_up(flock)
    await crowd(flock, 130)
    await flock.send(*[flock.telegram.post(CHAT, user(1129, "Learner 129"), "Me again") for _ in range(2)])
    board = Board(flock)

    first = await board.get("/view/1/learners")
    rest = await board.get("/view/1/learners?sort=name&offset=100")
    by_posts = await board.get("/view/1/learners?sort=posts")
    by_posts_rest = await board.get("/view/1/learners?sort=posts&offset=100")
    nonsense = await board.get("/view/1/learners?offset=-5%3Cb%3E")

    assert "130 learners" in text_of(first)
    assert "130 never introduced" in text_of(first)
    assert names(first.text) == [f"Learner {n:03d}" for n in range(100)]
    assert 'data-more="/view/1/learners?sort=name&amp;offset=100"' in first.text
    assert "Show more" in text_of(first)
    assert names(rest.text) == [f"Learner {n:03d}" for n in range(100, 130)]
    assert "Show more" not in text_of(rest)
    assert "learners" not in text_of(rest).lower().split("learner 100")[0]  # only rows: no heading, no tabs
    assert names(by_posts.text)[0] == "Learner 129"  # 3 posts
    assert names(by_posts.text)[1:] == [f"Learner {n:03d}" for n in range(99)]
    assert 'data-more="/view/1/learners?sort=posts&amp;offset=100"' in by_posts.text
    assert names(by_posts_rest.text) == [f"Learner {n:03d}" for n in range(99, 129)]
    assert nonsense.status_code == 200
    assert names(nonsense.text)[:2] == ["Learner 000", "Learner 001"]


async def test_learners_show_who_is_a_peer_helper(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    await flock.send(
        flock.telegram.post(CHAT, CLEO, "#intro Hi, I'm Cleo, a data engineer who loves Python.")
    )
    invite = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == CLEO["id"]]
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/helper on"))
    await ask(flock, BEN, "How do I reset my portal password?")

    page = text_of(await Board(flock).get("/view/1/learners"))

    assert len(invite) == 1
    assert "Cleo seen 0m ago 1 post 0 questions 0 answers given Hi, I'm Cleo" in page
    assert page.count("🙋 Peer helper") == 1
    assert page.index("🙋 Peer helper") > page.index("Cleo")
    assert "🙋 Peer helper" not in page.split("Cleo")[0]  # Ben, above her, is not one


async def test_today_shows_the_peer_helper_who_said_they_will_answer_as_the_alert_does(
    flock: Harness,
) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/start"))
    await flock.send(flock.telegram.post(CHAT, CLEO, "#intro Cleo here: I fix portal passwords all day."))
    await flock.tick()
    await flock.send(flock.telegram.post(private(CLEO), CLEO, "/helper on"))
    await ask(flock, BEN, "How do I reset my portal password?")
    flock.clock.advance(hours=1)
    [pinged] = [c for c in await flock.tick() if c.method == "sendMessage" and c.chat_id == CLEO["id"]]
    data = next(
        b["callback_data"]
        for row in pinged.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "I'll answer"
    )
    await flock.send(flock.telegram.press(CLEO, pinged.result, data))

    page = text_of(await Board(flock).get("/view/1/today"))

    assert "How do I reset my portal password?" in page
    assert "No one has taken it yet. 🙋 Cleo said they'll answer (peer helper)." in page


async def test_trends_count_earlier_answers_and_peer_helpers_asks(flock: Harness) -> None:
    await set_up(flock)
    earlier = flock.telegram.post(CHAT, BEN, "How do I reset my portal password?")
    await flock.send(earlier)
    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the link in the welcome mail", reply_to=earlier["message"])
    )
    again = flock.telegram.post(CHAT, DAN, "Where do I reset the portal password?")
    await flock.send(again)
    link = f"https://t.me/c/1500/{earlier['message']['message_id']}"
    await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=again["message"]))

    page = text_of(await Board(flock).get("/view/1/trends"))

    assert "1 resolved by an earlier answer" in page
    assert "0 / 0 peer helpers' asks answered" in page


async def test_settings_show_the_hashtags_the_course_follows_and_the_nudge(flock: Harness) -> None:
    await set_up(flock)
    board = Board(flock)
    before = text_of(await board.get("/view/1/settings"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/follow #devcon26 at 18:00"))

    after = text_of(await board.get("/view/1/settings"))
    nudged = await board.client.post(
        BASE + "/settings/1/nudge", headers=board.signed(ANA), content=b"value=20m"
    )
    refused = await board.client.post(
        BASE + "/settings/1/nudge", headers=board.signed(ANA), content=b"value=10s"
    )

    assert "None yet. In the group, /follow #tag brings another group's posts here once a day." in before
    assert "nudge How long a question waits before peer helpers are asked" in before
    assert "#devcon26 catch-up daily at 18:00 Next catch-up:" in after
    assert nudged.status_code == 200
    assert "Updated #onb26: nudge changed." in text_of(nudged)
    assert 'value="20m"' in nudged.text
    assert refused.status_code == 422
    assert "A nudge waits from a minute to 60 days, like 20m, or off." in text_of(refused)
    assert await flock.rows("select hashtag, local_time from follows") == [("devcon26", "18:00")]


async def test_what_the_dashboard_grew_reads_in_french(flock: Harness) -> None:
    await set_up(flock)
    await crowd(flock, 101)
    await flock.send(flock.telegram.post(CHAT, ANA, "/follow #devcon26 at 18:00"))
    earlier = flock.telegram.post(CHAT, BEN, "How do I reset my portal password?")
    await flock.send(earlier)
    await flock.send(
        flock.telegram.post(CHAT, CLEO, "Use the welcome mail's link", reply_to=earlier["message"])
    )
    again = flock.telegram.post(CHAT, DAN, "Where do I reset the portal password?")
    await flock.send(again)
    link = f"https://t.me/c/1500/{earlier['message']['message_id']}"
    await flock.send(flock.telegram.post(CHAT, ANA, f"/duplicate {link}", reply_to=again["message"]))
    board = Board(flock)
    french = {**ANA, "language_code": "fr"}

    learners = text_of(await board.get("/view/1/learners", french))
    trends = text_of(await board.get("/view/1/trends", french))
    settings = text_of(await board.get("/view/1/settings", french))

    assert "104 participants" in learners
    assert "Afficher la suite" in learners
    assert "1 résolue par une réponse précédente" in trends
    assert "0 / 0 sollicitations de l’entraide suivies d’une réponse" in trends
    assert (
        "Hashtags suivis par ce cours #devcon26 récapitulatif chaque jour à 18:00 Prochain récapitulatif :"
        in settings
    )
    assert "relance Combien de temps une question attend avant que l’entraide soit sollicitée" in settings
