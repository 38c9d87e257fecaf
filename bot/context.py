"""What every handler gets: the typed context with the unit of work and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from facilitation.ports import Clock, UnitOfWork, UnitOfWorkFactory


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    uow: UnitOfWorkFactory
    clock: Clock
    # Errors after which the update is processed again (a database outage): no apology for them.
    redone: Callable[[BaseException | None], bool] = lambda _: False
    web_url: str | None = None  # the dashboard's public address (FLOCK_WEB_URL), when it is served


class FlockContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.bot_data["runtime"]
        return runtime

    def uow(self) -> UnitOfWork:
        return self.runtime.uow()

    def now(self) -> datetime:
        return self.runtime.clock.now()
