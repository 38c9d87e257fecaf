"""Running Flock: migrate, connect, say hello to Telegram, then poll and tick until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.error import NetworkError
from telegram.request import BaseRequest

from bot import commands
from bot.app import FlockApp, build_application
from bot.context import Runtime
from bot.polling import Poller
from bot.sender import OutboxSender
from bot.settings import Settings
from bot.tick import Ticker
from facilitation.ports import Clock
from storage.database import create_engine, session_factory, write_turns
from storage.migrations import upgrade
from storage.outbox import OutboxStore
from storage.unit_of_work import SqlUnitOfWork

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
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    runtime = Runtime(uow=lambda: SqlUnitOfWork(sessions), clock=clock)
    app = build_application(
        token,
        runtime,
        base_url=settings.telegram_api_url,
        request=request,
        rate_limited=rate_limited,
    )
    turns = write_turns(engine)
    sender = OutboxSender(app.bot, OutboxStore(sessions, turns), clock)
    poller = Poller(app, sessions, clock, after_batch=sender.wake, turns=turns)
    return Flock(engine, sessions, app, runtime, poller, Ticker(runtime, sender, sessions), sender, turns)


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


async def run(settings: Settings, token: str, clock: Clock) -> None:
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
            await bot.delete_webhook()
            await commands.publish(bot)
            log.info("Flock is running as @%s", bot.username)
            tasks: list[asyncio.Task[object]] = [
                asyncio.create_task(flock.poller.run(stop), name="poll"),
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
