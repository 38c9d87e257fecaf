"""Webhook endpoint: an update is in the inbox before Telegram hears 200, and only Telegram is heard."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.webhook import SECRET_HEADER, create_app
from storage.database import create_engine, session_factory
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

SECRET = "s3cret-Token_1"
ANA = user(11, "Ana", "ana_f")
CHAT = group(-1001500, "Onboarding 2026")


class Endpoint:
    def __init__(self, flock: Harness) -> None:
        self.woken = 0
        app = create_app(
            flock.flock.sessions, flock.clock, path="/telegram", secret=SECRET, on_stored=self._wake
        )
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock")

    def _wake(self) -> None:
        self.woken += 1

    async def post(self, body: bytes | JSON, secret: str | None = SECRET) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.client.post("/telegram", content=content, headers=headers)


async def inbox(flock: Harness) -> list[tuple[object, ...]]:
    return await flock.rows("SELECT update_id, chat_id, processed_at FROM inbox ORDER BY update_id")


async def test_an_update_is_stored_before_the_200_and_processed_after_it(flock: Harness) -> None:
    endpoint = Endpoint(flock)
    update = flock.telegram.post(private(ANA), ANA, "/start")

    response = await endpoint.post(update)
    stored = await inbox(flock)
    replies_before = flock.api.take()
    await flock.flock.poller.processor.drain()
    await flock.flock.sender.flush()

    assert response.status_code == 200
    assert stored == [(update["update_id"], ANA["id"], None)]
    assert endpoint.woken == 1
    assert replies_before == []  # nothing is handled while Telegram waits for its answer
    assert [c.chat_id for c in flock.api.take() if c.method == "sendMessage"] == [ANA["id"]]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_a_call_without_the_secret_token_is_refused_and_stores_nothing(
    flock: Harness, secret: str | None
) -> None:
    endpoint = Endpoint(flock)

    response = await endpoint.post(flock.telegram.post(CHAT, ANA, "hello"), secret=secret)

    assert response.status_code == 403
    assert await inbox(flock) == []
    assert endpoint.woken == 0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b'{"update_id": -1}',
        b'{"update_id": true}',
        b'{"update_id": 1e30}',
    ],
)
async def test_what_is_not_a_telegram_update_is_a_400_and_stores_nothing(flock: Harness, body: bytes) -> None:
    endpoint = Endpoint(flock)

    response = await endpoint.post(body)

    assert response.status_code == 400
    assert await inbox(flock) == []


async def test_an_update_delivered_twice_is_stored_and_handled_once(flock: Harness) -> None:
    endpoint = Endpoint(flock)
    flock.make_admin(CHAT, ANA)
    update = flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026")

    first = await endpoint.post(update)
    await flock.flock.poller.processor.drain()
    again = await endpoint.post(update)  # Telegram resends when our 200 got lost
    await flock.flock.poller.processor.drain()

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(await inbox(flock)) == 1
    assert await flock.rows("SELECT count(*) FROM courses") == [(1,)]


async def test_other_paths_and_methods_are_not_the_endpoint(flock: Harness) -> None:
    endpoint = Endpoint(flock)
    update = json.dumps(flock.telegram.post(CHAT, ANA, "hello"))

    wrong_path = await endpoint.client.post("/", content=update, headers={SECRET_HEADER: SECRET})
    wrong_method = await endpoint.client.get("/telegram", headers={SECRET_HEADER: SECRET})

    assert wrong_path.status_code == 404
    assert wrong_method.status_code == 405
    assert await inbox(flock) == []


async def test_health_reports_the_database(flock: Harness) -> None:
    healthy = await Endpoint(flock).client.get("/healthz")
    unreachable = create_engine("postgresql+asyncpg://flock@127.0.0.1:1/flock")
    sessions = session_factory(unreachable)
    app = create_app(sessions, flock.clock, path="/t", secret=SECRET, on_stored=lambda: None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock") as client:
        down = await client.get("/healthz")
    await unreachable.dispose()

    assert healthy.status_code == 200
    assert healthy.json() == {"ok": True}
    assert down.status_code == 503
    assert down.json()["ok"] is False


async def test_metrics_are_served_beside_the_endpoint(flock: Harness) -> None:
    app = create_app(
        flock.flock.sessions,
        flock.clock,
        path="/telegram",
        secret=SECRET,
        on_stored=lambda: None,
        metrics=flock.flock.metrics,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://flock") as client:
        await client.post(
            "/telegram",
            content=json.dumps(flock.telegram.post(private(ANA), ANA, "/start")),
            headers={SECRET_HEADER: SECRET},
        )
        await flock.flock.poller.processor.drain()
        scraped = await client.get("/metrics")

    assert scraped.status_code == 200
    assert "flock_updates_stored_total 1.0" in scraped.text
    assert 'flock_updates_processed_total{kind="message",outcome="ok"} 1.0' in scraped.text
