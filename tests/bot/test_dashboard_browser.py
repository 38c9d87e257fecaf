"""The dashboard as a person meets it: a real headless Chromium opening it as Telegram does (the
launch parameters in the URL fragment) from a real `flock run`, with the loopback Bot API.

A facilitator sees the waiting question and takes it, and the alert in her chat says so; she
reads the course's stories with what their authors said, and turns the week's highlights off on
the Settings form; a learner sees no course; a forger sees the refusal. Screenshots of each page
at a phone's width, in Telegram's light and dark themes, go to screenshots/ (git-ignored) for a
reviewer.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.web.init_data import launch_url, sign
from tests.builders import JSON, group, user
from tests.support.bot_api_server import FakeTelegram
from tests.support.browser import DARK, LIGHT, PHONE, SCREENSHOTS, chromium, headless_chromium
from tests.support.process_cohort import (
    ANA,
    BEN,
    Cohort,
    alerts,
    edits,
    messages,
    running_cohort,
    set_up,
    start,
)

pytestmark = [pytest.mark.browser, pytest.mark.process]

pytest.importorskip("playwright.sync_api", reason="the playwright library is not installed")

TOKEN = "42:process-test"  # tests/support/flock_process.py gives `flock run` this one
CHAT = group(-1007001, "Web cohort")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    if executable is None:
        pytest.skip("no chromium on this machine, and it could not be installed (apt-get install chromium)")
    with headless_chromium(executable) as launched:
        yield launched


@pytest.fixture
def web_cohort(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> Iterator[tuple[Cohort, str]]:
    """`flock run` (polling) serving the dashboard on a loopback port of its own."""
    port = free_port()
    web_url = f"http://127.0.0.1:{port}/dashboard"
    env = {"FLOCK_WEB_URL": web_url, "FLOCK_WEB_LISTEN": "127.0.0.1", "FLOCK_WEB_PORT": str(port)}
    for cohort in running_cohort(telegram, database_url, tmp_path, env=env):
        yield cohort, web_url


def open_as(
    browser: Any, cohort: Cohort, web_url: str, person: JSON, theme: dict[str, str], token: str = TOKEN
) -> Any:
    page = browser.new_page(viewport=PHONE, device_scale_factor=2)
    init_data = sign(person, token, cohort.clock.now(), query_id="AAH-test")
    page.goto(launch_url(web_url, init_data, theme))
    page.wait_for_selector("#page:not([aria-busy])")
    return page


def shoot(page: Any, name: str, database: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}-{database}.png"), full_page=True)


def test_a_facilitator_takes_a_waiting_question_and_the_alert_in_her_chat_says_so(
    browser: Any, web_cohort: tuple[Cohort, str], database_url: str
) -> None:
    cohort, web_url = web_cohort
    database = database_url.split(":")[0].split("+")[0]
    start(cohort, ANA, BEN)
    set_up(cohort, CHAT, "web26", "Web cohort")
    cohort.say(CHAT, BEN, "How do I connect to the lab VPN?")
    # A hundred more who said hello: Learners shows a hundred, "Show more" the rest.
    cohort.send(
        *[cohort.telegram.post(CHAT, user(5000 + n, f"Zoe {n:03d}"), "Hello all") for n in range(104)]
    )
    # Two stories: Ben's, which he lets go beyond the group; Zoe 007's (she never started the bot).
    _, told = cohort.say(CHAT, BEN, "#win I passed the security quiz!")
    (ask,) = messages(told, private_chat(BEN))
    cohort.press(BEN, ask, "Yes, as Ben")
    cohort.say(CHAT, user(5007, "Zoe 007"), "#story First week done, and two new friends")
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#web26")), "Ben's alert", hours=2, minutes=1)
    (alert,) = alerts(calls, ANA, "#web26")

    page = open_as(browser, cohort, web_url, ANA, LIGHT)
    assert "Web cohort" in page.inner_text("#page")
    shoot(page, "courses-light", database)
    page.click("text=Web cohort")
    page.wait_for_selector("text=How do I connect to the lab VPN?")
    today = page.inner_text("#page")
    assert "1 question waiting" in today
    assert "Overdue" in today
    assert "Ben asked 2h ago" in today
    assert "No one has taken it yet." in today
    assert page.get_attribute("a.open", "href", timeout=1000) is not None
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    shoot(page, "today-light", database)
    assert fits_the_phone(page)
    page.click("text=Trends")
    page.wait_for_selector("svg")
    shoot(page, "trends-light", database)
    page.click(".tabs >> text=Stories")
    page.wait_for_selector(".highlights .highlight")
    shoot(page, "stories-light", database)
    page.click("text=Today")
    page.wait_for_selector("text=How do I connect to the lab VPN?")

    page.get_by_role("button", name="I'll take it").click()
    page.wait_for_selector("text=It's yours.")
    assert "Taken by Ana" in page.inner_text("#page")
    shoot(page, "today-taken-light", database)
    cohort.wait(lambda: bool(edits(cohort.calls(), private_chat(ANA))), "the alert edited")
    (edited,) = edits(cohort.calls(), private_chat(ANA))
    assert edited.params["message_id"] == alert.result["message_id"]
    assert "Taken by Ana" in edited.text
    page.close()

    dark = open_as(browser, cohort, web_url, ANA, DARK)
    dark.click("text=Web cohort")
    dark.wait_for_selector("text=How do I connect to the lab VPN?")
    assert dark.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(33, 33, 33)"
    assert dark.evaluate("document.documentElement.dataset.scheme") == "dark"
    shoot(dark, "today-dark", database)
    dark.click("text=Learners")
    dark.wait_for_selector("text=105 learners")
    assert "Ben" in dark.inner_text("#page")
    assert dark.locator("li.learner").count() == 100
    shoot(dark, "learners-dark", database)
    dark.get_by_role("button", name="Show more").click()
    dark.wait_for_selector("text=Zoe 103")
    assert dark.locator("li.learner").count() == 105
    assert dark.locator("button[data-more]").count() == 0
    assert dark.inner_text("#page").index("Zoe 098") < dark.inner_text("#page").index("Zoe 103")
    dark.click("text=Posts")
    dark.wait_for_selector(".sorts a.current:has-text('Posts')")
    assert dark.locator("li.learner").count() == 100
    assert dark.locator("li.learner b >> nth=0").inner_text() == "Ben"  # 1 post, as all, and B < Z
    dark.get_by_role("button", name="Show more").click()
    dark.wait_for_selector("li.learner >> nth=104")
    shoot(dark, "learners-more-dark", database)
    dark.click("text=Trends")
    dark.wait_for_selector("svg")
    shoot(dark, "trends-dark", database)
    dark.click("text=Sessions")
    dark.wait_for_selector("text=Guest sessions")
    shoot(dark, "sessions-dark", database)
    dark.click(".tabs >> text=Stories")
    dark.wait_for_selector(".highlights .highlight")
    stories = dark.locator("li.story").all_inner_texts()
    assert "Zoe 007" in stories[0]
    assert "not asked: hasn't started the bot" in stories[0]
    assert "Ben" in stories[1]
    assert "yes, as Ben" in stories[1]
    assert "I passed the security quiz!" in dark.inner_text(".highlights")
    assert "No showcase yet." in dark.inner_text("#page")
    assert fits_the_phone(dark)
    shoot(dark, "stories-dark", database)
    dark.click("text=Last week")
    dark.wait_for_selector(".highlights >> text=Nothing to tell yet")
    shoot(dark, "stories-last-week-dark", database)
    dark.click("text=Settings")
    dark.wait_for_selector("#setting-sla")
    assert fits_the_phone(dark)
    dark.fill("#setting-sla", "soon")
    dark.click("form[data-action$='/sla'] button")
    dark.wait_for_selector(".problem")
    shoot(dark, "settings-refused-dark", database)
    dark.fill("#setting-sla", "1h")
    dark.click("form[data-action$='/sla'] button")
    dark.wait_for_selector("text=Updated #web26: sla changed.")
    assert cohort.db.rows("select sla_seconds from courses") == [(3600,)]
    shoot(dark, "settings-dark", database)
    assert dark.input_value("#setting-highlights") == "on"
    dark.fill("#setting-highlights", "off")
    dark.click("form[data-action$='/highlights'] button")
    dark.wait_for_selector("text=Updated #web26: highlights changed.")
    assert dark.input_value("#setting-highlights") == "off"
    assert cohort.db.rows("select highlights_on from courses") == [(False,)]
    dark.click("a.back")
    dark.wait_for_selector("text=Your courses")
    shoot(dark, "courses-dark", database)
    dark.close()

    french = open_as(browser, cohort, web_url, {**ANA, "language_code": "fr"}, LIGHT)
    french.click("text=Web cohort")
    french.wait_for_selector("text=Participants")
    assert fits_the_phone(french)  # longer words: the tabs take two rows, nothing cut off
    shoot(french, "today-fr-light", database)
    french.close()

    learner = open_as(browser, cohort, web_url, BEN, LIGHT)
    assert "You don't facilitate any course" in learner.inner_text("#page")
    assert "How do I connect" not in learner.content()
    shoot(learner, "learner-light", database)
    learner.close()

    forged = open_as(browser, cohort, web_url, ANA, DARK, token="42:someone-elses")
    assert "only opens from Telegram" in forged.inner_text("#page")
    assert forged.get_attribute("#page", "data-status") == "401"
    shoot(forged, "refused-dark", database)
    forged.close()
    cohort.stop_cleanly()


def fits_the_phone(page: Any) -> bool:
    """Nothing runs off the right edge: the page doesn't scroll sideways, and all six tabs show."""
    widest = page.evaluate("document.documentElement.scrollWidth")
    tabs = page.evaluate(
        "[...document.querySelectorAll('.tabs a')].map(a => a.getBoundingClientRect().right)"
    )
    return bool(widest <= PHONE["width"] and len(tabs) == 6 and max(tabs) <= PHONE["width"])


def private_chat(person: JSON) -> JSON:
    return {"id": person["id"], "type": "private"}
