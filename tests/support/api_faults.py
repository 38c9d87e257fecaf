"""Faults the loopback Bot API server can inject, and the record of what it delivered."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.recording import api_error

FAULT_KINDS = ("429", "500", "timeout", "drop")
HANG_UP = -1  # the status of a call that gets no answer at all


@dataclass
class Fault:
    """Misbehaviour for the calls of one method (or "*": all but getMe)."""

    kind: str
    method: str = "*"
    every: int = 1
    times: int | None = None
    retry_after: int = 1
    delay: float = 7.0
    seen: int = 0  # matching calls so far
    hits: int = 0  # of them faulted

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS or self.every < 1:
            raise ValueError(f"a fault's kind is one of {FAULT_KINDS} and every is at least 1")

    def strikes(self, method: str) -> bool:
        if self.method not in ("*", method) or method == "getMe":
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        self.seen += 1
        if self.seen % self.every:
            return False
        self.hits += 1
        return True

    def answer(self) -> tuple[int, dict[str, Any]]:
        if self.kind == "429":
            wait = self.retry_after
            return 429, api_error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if self.kind == "500":
            return 500, api_error(500, "Internal Server Error")
        if self.kind == "timeout":
            time.sleep(self.delay)
        return HANG_UP, {}


@dataclass(frozen=True)
class Delivery:
    """A call carried out, with what tells two deliveries of one message apart."""

    method: str
    chat_id: int | None
    text: str
    message_id: int | None  # the message edited or reacted to
    callback_data: tuple[str, ...]  # the buttons, e.g. which alert
    at: float  # time.monotonic() when it was answered

    @property
    def identity(self) -> tuple[str, int | None, str, int | None, tuple[str, ...]]:
        return (self.method, self.chat_id, self.text, self.message_id, self.callback_data)

    @classmethod
    def of(cls, method: str, params: dict[str, Any]) -> Delivery:
        chat_id = params.get("chat_id")
        markup = params.get("reply_markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        return cls(
            method,
            int(chat_id)
            if chat_id is not None and str(chat_id).lstrip("-").isdigit()
            else None,  # not "@name"
            str(params.get("text") or params.get("caption") or ""),
            int(params["message_id"]) if params.get("message_id") else None,
            tuple(str(b.get("callback_data", "")) for b in buttons),
            time.monotonic(),
        )
