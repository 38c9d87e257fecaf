"""The real Flock, wired to the recording Bot API, a frozen clock and a real database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.recording import Call, RecordingRequest
from bot.runner import Flock, assemble
from bot.settings import Settings
from tests.builders import JSON, Telegram
from tests.support.clock import FrozenClock

TOKEN = "123456:TEST-token"
WEB_URL = "https://flock.example.org/dashboard"  # the dashboard is on: /dashboard offers it


class Harness:
    def __init__(self, database_url: str, clock: FrozenClock, web_url: str | None = WEB_URL) -> None:
        self.clock = clock
        self.api = RecordingRequest()
        self.telegram = Telegram(clock)
        self.flock: Flock = assemble(
            Settings(database_url=database_url, web_url=web_url),
            TOKEN,
            clock,
            request=self.api,
            rate_limited=False,
        )

    async def __aenter__(self) -> Harness:
        await self.flock.app.initialize()
        self.api.take()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.flock.app.shutdown()
        await self.flock.close()

    async def send(self, *updates: JSON) -> list[Call]:
        """Deliver updates the way polling does: into the inbox, then processed."""
        await self.flock.poller.store(list(updates))
        await self.flock.poller.processor.drain()
        await self.flock.sender.flush()  # in `flock run` the batch wakes the sender
        return self.api.take()

    async def replies(self, *updates: JSON) -> list[str]:
        return [c.text for c in await self.send(*updates) if c.method == "sendMessage"]

    async def tick(self) -> list[Call]:
        await self.flock.ticker.tick()
        assert self.flock.ticker.failed == [], f"tick jobs failed: {self.flock.ticker.failed} (see the log)"
        await self.flock.sender.flush()
        return self.api.take()

    async def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        async with self.flock.sessions() as session:
            result = await session.execute(text(sql), params)
            return [tuple(row) for row in result]

    def make_admin(self, chat: JSON, person: JSON) -> None:
        self.api.admins.add((chat["id"], person["id"]))
