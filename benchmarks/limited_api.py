"""A loopback Bot API that enforces Telegram's flood limits, and can feed updates without end.

Built on the test suite's loopback server (tests/support/bot_api_server.py). Limits, as Telegram
states them and as python-telegram-bot's AIORateLimiter reads them: 30 messages a second
overall and 20 a minute per group chat (negative chat id), each a rate with a burst of one
period's worth (a bucket of 30 that refills at 30 a second; one of 20 per group that refills at 20
a minute), checked with the generic cell rate algorithm. A message over a limit is answered
429 with `retry_after` (whole seconds, as Telegram sends it) and not counted. `tolerance`
forgives a request that arrives that much early: the network between a client's limiter and the
server jitters by a millisecond or two, and Telegram's own limits are "or so".
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.recording import api_error
from tests.support.bot_api_server import FakeTelegram, make_handler

JSON = dict[str, Any]
OVERALL = (30, 1.0)  # messages, seconds
PER_GROUP = (20, 60.0)
# What counts as a message against the limits.
LIMITED = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "setMessageReaction"})


class Gcra:
    """`limit` per `period`, with a burst of `limit`: the generic cell rate algorithm."""

    def __init__(self, limit: int, period: float, tolerance: float) -> None:
        self.interval = period / limit
        self.burst = period - self.interval
        self.tolerance = tolerance
        self.tat = 0.0  # theoretical arrival time of the next conforming message

    def wait(self, now: float) -> float:
        """0 when a message may go now, else how much too early it is."""
        return max(0.0, max(self.tat, now) - now - self.burst - self.tolerance)

    def take(self, now: float) -> None:
        self.tat = max(self.tat, now) + self.interval


def minimum_seconds(per_chat: dict[int, int]) -> float:
    """The least time from the first message to the last that the limits allow for these
    messages: the overall rate bounds it, and so does each group's (a lower bound that a sender
    serving busy groups early reaches)."""
    total = sum(per_chat.values())
    limit, period = OVERALL
    overall = max(0, total - limit) * period / limit
    group_limit, group_period = PER_GROUP
    groups = [
        max(0, n - group_limit) * group_period / group_limit for chat, n in per_chat.items() if chat < 0
    ]
    return max([overall, *groups])


@dataclass
class Delivery:
    at: float  # time.monotonic() when the server accepted it
    chat_id: int
    method: str


class LimitedTelegram(FakeTelegram):
    def __init__(self, *, limits: bool = True, tolerance: float = 0.05) -> None:
        super().__init__()
        self.limits = limits
        self.overall = Gcra(*OVERALL, tolerance)
        self.groups: dict[int, Gcra] = {}
        self.tolerance = tolerance
        self.delivered: list[Delivery] = []
        self.rejected: list[Delivery] = []
        self.get_updates_calls = 0
        self._gate = threading.Lock()
        self._feed: Iterator[JSON] | None = None
        self.last_update_id = 0
        self.confirmed_up_to = 0  # every update below this offset was acknowledged
        self.all_confirmed = threading.Event()

    # --- flood limits --------------------------------------------------------------------------

    def call(self, method: str, params: JSON) -> tuple[int, JSON]:
        if method == "getUpdates":
            self.get_updates_calls += 1
            return 200, {"ok": True, "result": self.get_updates(params)}
        if method in LIMITED:
            chat_id = int(params.get("chat_id") or 0)
            with self._gate:
                now = time.monotonic()
                if self.limits:
                    group = (
                        self.groups.setdefault(chat_id, Gcra(*PER_GROUP, self.tolerance))
                        if chat_id < 0
                        else None
                    )
                    wait = max(self.overall.wait(now), group.wait(now) if group else 0.0)
                    if wait > 0:
                        self.rejected.append(Delivery(now, chat_id, method))
                        seconds = max(1, math.ceil(wait))
                        return 429, api_error(429, f"Too Many Requests: retry after {seconds}", seconds)
                    self.overall.take(now)
                    if group:
                        group.take(now)
                self.delivered.append(Delivery(now, chat_id, method))
        status, body = self.answers.respond(method, params)
        self.answers.calls.clear()  # nothing reads them; a long run mustn't keep them
        return status, body

    def stats(self) -> dict[str, Any]:
        with self._gate:
            return {
                "delivered": [asdict(d) for d in self.delivered],
                "rejected": [asdict(d) for d in self.rejected],
            }

    # --- updates without end -------------------------------------------------------------------

    def feed(self, updates: Iterator[JSON], last_update_id: int) -> None:
        """Serve these updates (in update_id order, ending with last_update_id) to getUpdates."""
        with self.lock:
            self._feed = updates
            self.last_update_id = last_update_id
            self.updates += list(itertools.islice(updates, 100))  # wakes a long poll waiting now
            self.lock.notify_all()

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._feed is None:
            return super().get_updates(params)
        offset = params.get("offset")
        with self.lock:
            if offset is not None:
                self.confirmed_up_to = max(self.confirmed_up_to, int(offset))
                self.updates = [u for u in self.updates if u["update_id"] >= int(offset)]
                if self.confirmed_up_to > self.last_update_id:
                    self.all_confirmed.set()
            self.updates += list(itertools.islice(self._feed, max(0, 100 - len(self.updates))))
            if not self.updates:
                self.lock.wait(timeout=min(float(params.get("timeout", 0)), 1.0))
            return list(self.updates[:100])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # socketserver's 5 would refuse a burst of 30 new connections

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client gone mid-answer (Flock stopped at the end of a run) is not the server's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(telegram: LimitedTelegram) -> type[BaseHTTPRequestHandler]:
    base = make_handler(telegram)

    class Handler(base):  # type: ignore[valid-type, misc]
        def do_GET(self) -> None:
            if self.path == "/_bench/stats":  # what was delivered and refused, in time.monotonic()
                self._send(200, telegram.stats())
            else:
                super().do_GET()

    return Handler


def serve(telegram: LimitedTelegram) -> tuple[ThreadingHTTPServer, str]:
    """Serve on a free loopback port; returns the server and Flock's FLOCK_TELEGRAM_API_URL."""
    server = _Server(("127.0.0.1", 0), _handler(telegram))
    threading.Thread(target=server.serve_forever, daemon=True, name="limited-bot-api").start()
    return server, f"http://127.0.0.1:{server.server_port}/bot"


class RemoteTelegram:
    """The limited API in a process of its own, so that its clock and its GIL are not the
    client's: `python -m benchmarks.limited_api` prints its URL and serves until stdin closes."""

    def __init__(self, tolerance: float = 0.05) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.limited_api", "--tolerance", str(tolerance)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        self._base = self.url.removesuffix("/bot")

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self._base + "/_bench/stats", timeout=30) as answer:
            result: dict[str, Any] = json.loads(answer.read())
            return result

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--no-limits", action="store_true")
    args = parser.parse_args()
    telegram = LimitedTelegram(limits=not args.no_limits, tolerance=args.tolerance)
    server, url = serve(telegram)
    print(url, flush=True)
    sys.stdin.read()  # until the parent closes it (or dies)
    server.shutdown()


if __name__ == "__main__":
    main()
