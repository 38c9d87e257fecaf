"""Running Flock: migrate, connect, say hello to Telegram, then poll and tick until stopped."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.routing import BaseRoute
from telegram.error import NetworkError
from telegram.request import BaseRequest

from bot import commands, webhook
from bot.app import FlockApp, build_application
from bot.context import Runtime
from bot.metrics import Metrics
from bot.polling import ALLOWED_UPDATES, Poller
from bot.redaction import redact_token
from bot.sender import OutboxSender, PinFailed
from bot.settings import Settings
from bot.tick import Ticker
from bot.web.app import Dashboard
from facilitation import announcements
from facilitation.ports import Clock
from storage.database import create_engine, session_factory, write_turns
from storage.errors import redone
from storage.migrations import upgrade
from storage.outbox import OutboxStore
from storage.unit_of_work import units

log = logging.getLogger("flock")
GRACE_SECONDS = 20


@dataclass
class Flock:
    """Everything one running Flock holds, built at start and closed at shutdown."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    app: FlockApp
    runtime: Runtime
    poller: Poller
    ticker: Ticker
    sender: OutboxSender
    metrics: Metrics
    turns: AbstractAsyncContextManager[None]  # at SQLite's write lock: storage.database.write_turns

    async def close(self) -> None:
        await self.engine.dispose()


def assemble(
    settings: Settings,
    token: str,
    clock: Clock,
    *,
    request: BaseRequest | None = None,
    rate_limited: bool = True,
) -> Flock:
    redact_token(token)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    runtime = Runtime(uow=units(sessions), clock=clock, redone=redone, web_url=settings.web_url)
    app = build_application(
        token,
        runtime,
        base_url=settings.telegram_api_url,
        request=request,
        rate_limited=rate_limited,
    )
    metrics = Metrics()
    turns = write_turns(engine)
    sender = OutboxSender(app.bot, OutboxStore(sessions, turns), clock, metrics, _not_pinned(runtime))
    poller = Poller(app, sessions, clock, after_batch=sender.wake, metrics=metrics, turns=turns)
    ticker = Ticker(runtime, sender, sessions, metrics)
    return Flock(engine, sessions, app, runtime, poller, ticker, sender, metrics, turns)


def _not_pinned(runtime: Runtime) -> PinFailed:
    """An announcement posted but not pinned: its facilitators are told (once)."""

    async def tell(chat_id: int, data: dict[str, Any], reason: str) -> int:
        announcement_id = int(data["announcement_id"])
        now = runtime.clock.now()
        return await announcements.pin_failed(runtime.uow(), announcement_id, chat_id, reason, now)

    return tell


async def _connect(app: FlockApp, stop: asyncio.Event) -> None:
    """getMe until Telegram answers: a network outage at start delays Flock, it doesn't end it."""
    delay = 1.0
    while True:
        try:
            await app.initialize()
            return
        except NetworkError as error:
            if stop.is_set():
                raise
            log.warning("Telegram is unreachable (%s); retrying in %.0fs", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60)


def settle() -> None:
    """Once started: what start-up built lives as long as the process, so it is kept out of the
    collector's full passes, which would scan it again every few hundred requests and stall one
    (the dashboard's p95 at scale had such 100 ms stalls every tenth highlights request)."""
    gc.collect()
    gc.freeze()


async def run(settings: Settings, token: str, clock: Clock, *, webhook: bool = False) -> None:
    await upgrade(settings.database_url)
    flock = assemble(settings, token, clock)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await _connect(flock.app, stop)
        async with flock.app:
            bot = flock.app.bot
            pages = _dashboard(flock, settings, token)
            if webhook:
                updates = await _webhook_tasks(flock, settings, stop, pages)
            else:
                await bot.delete_webhook()
                updates = [asyncio.create_task(flock.poller.run(stop), name="poll")]
                if pages:
                    updates.append(await _serve_dashboard(pages, settings, stop))
            await commands.publish(bot)
            log.info("Flock is running as @%s (%s)", bot.username, "webhook" if webhook else "polling")
            settle()
            tasks: list[asyncio.Task[object]] = [
                *updates,
                asyncio.create_task(flock.ticker.run(stop, settings.tick_seconds), name="tick"),
                asyncio.create_task(flock.sender.run(stop, settings.tick_seconds), name="outbox"),
            ]
            stopped = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            # Let a batch in progress finish and commit rather than replay it next start.
            _, late = await asyncio.wait(tasks, timeout=GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for task in done:
                if task in tasks and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
    finally:
        await flock.close()


def _dashboard(flock: Flock, settings: Settings, token: str) -> list[BaseRoute]:
    """The dashboard's routes when FLOCK_WEB_URL turns it on."""
    if settings.web_url is None:
        return []
    board = Dashboard(flock.runtime.uow, flock.runtime.clock, token, settings.web_path)
    return board.routes()


async def _serve_dashboard(
    pages: list[BaseRoute], settings: Settings, stop: asyncio.Event
) -> asyncio.Task[object]:
    """Polling: the dashboard on a port of its own."""
    server = webhook.server(Starlette(routes=pages), settings.web_listen, settings.web_port)
    serving = await server.start(stop)
    log.info("dashboard at %s, listening on %s:%s", settings.web_url, settings.web_listen, settings.web_port)
    return serving


async def _webhook_tasks(
    flock: Flock, settings: Settings, stop: asyncio.Event, pages: list[BaseRoute]
) -> list[asyncio.Task[object]]:
    """Serve the endpoint, then tell Telegram where it is: the first update finds it listening."""
    assert settings.webhook_url is not None, "checked by the CLI"
    assert settings.webhook_secret is not None, "checked by the CLI"
    secret = settings.webhook_secret.get_secret_value()
    worker = webhook.InboxWorker(flock.poller.processor, flock.sender.wake, settings.tick_seconds)
    endpoint = webhook.create_app(
        flock.sessions,
        flock.runtime.clock,
        path=settings.webhook_path,
        secret=secret,
        on_stored=worker.wake,
        metrics=flock.metrics,
        extra=pages,
    )
    server = webhook.server(endpoint, settings.webhook_listen, settings.webhook_port)
    serving = await server.start(stop)
    url = settings.webhook_url
    await flock.app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    where = f"{settings.webhook_listen}:{settings.webhook_port}"
    log.info("webhook set to %s, listening on %s", settings.webhook_url, where)
    return [serving, asyncio.create_task(worker.run(stop), name="inbox")]
