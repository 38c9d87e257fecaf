"""Webhook mode: Telegram POSTs each update; it is in the inbox before Telegram hears 200.

Processing happens after the answer, in the background (docs/ARCHITECTURE.md, "Updates in"), so a slow
handler never makes Telegram time out and resend. Several processes may serve one webhook
behind a load balancer: the inbox claim gives each update to one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.inbox import DatabaseUnavailable, InboxProcessor
from bot.metrics import Metrics
from bot.update_chat import chat_of
from facilitation.ports import Clock
from storage import inbox
from storage.errors import is_transient

log = logging.getLogger("flock.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000  # Telegram's updates are far smaller; anything bigger isn't one


def create_app(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    path: str,
    secret: str,
    on_stored: Callable[[], None],
    metrics: Metrics | None = None,
    extra: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI app: the update endpoint at `path`, `/healthz`, `/metrics` when given, and the
    `extra` routes (the dashboard's) after them."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call without the right secret token from %s", _client(request))
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return Response(status_code=413)
        update = _update(body)
        if update is None:
            return JSONResponse({"ok": False, "error": "not a Telegram update"}, status_code=400)
        update_id = int(update["update_id"])
        raw = json.dumps(update, ensure_ascii=False)
        try:
            await inbox.store(sessions, [(update_id, chat_of(update), raw)], clock.now())
        except Exception:
            # No 200: Telegram keeps the update and sends it again, so nothing is lost.
            log.exception("update %s could not be stored; Telegram will resend it", update_id)
            return Response(status_code=503)
        if metrics is not None:
            metrics.updates_stored.inc()
        on_stored()
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        try:
            async with sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:
            return JSONResponse({"ok": False, "database": str(error)[:200]}, status_code=503)
        return JSONResponse({"ok": True})

    routes: list[BaseRoute] = [
        Route(path, receive, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    if metrics is not None:
        registry = metrics.registry

        async def scrape(request: Request) -> Response:
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

        routes.append(Route("/metrics", scrape, methods=["GET"]))
    return Starlette(routes=[*routes, *extra])


def _update(body: bytes) -> dict[str, Any] | None:
    try:
        update = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**62:
        return None
    return update


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class InboxWorker:
    """Drains the inbox whenever an update is stored, and now and then regardless: an update
    another process held back (to keep its chat in order) is picked up once it is free."""

    def __init__(self, processor: InboxProcessor, after_batch: Callable[[], None], every: float) -> None:
        self._processor = processor
        self._after_batch = after_batch
        self._every = every
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                if await self._processor.drain():
                    self._after_batch()
            except Exception as error:  # a failed drain must not end processing; rows wait in the inbox
                if is_transient(error) or isinstance(error, DatabaseUnavailable):
                    log.warning("the database failed (%s); processing again shortly", error)
                else:
                    log.exception("inbox processing failed; retrying")
                await _pause(stop, 1.0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self._wake), timeout=self._every)


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class WebhookServer(uvicorn.Server):
    """uvicorn serving inside Flock's own loop; Flock's signal handling decides when to stop."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def serve_until(self, stop: asyncio.Event) -> None:
        serving = asyncio.create_task(self.serve())
        await _first(stop, _done_event(serving))
        self.should_exit = True
        await serving

    async def start(self, stop: asyncio.Event) -> asyncio.Task[None]:
        """Serving in the background once the port is open (uvicorn exits the process, with
        its reason logged, when it can't bind)."""
        serving = asyncio.create_task(self.serve_until(stop), name="webhook")
        await _first(self.listening, _done_event(serving))
        return serving


def _done_event(task: asyncio.Task[None]) -> asyncio.Event:
    done = asyncio.Event()
    task.add_done_callback(lambda _: done.set())
    return done


def server(app: Starlette, host: str, port: int) -> WebhookServer:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off")
    return WebhookServer(config)
