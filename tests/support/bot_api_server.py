"""A loopback Bot API server for black-box runs of `flock run`.

It speaks the Bot API over HTTP the way Telegram does for the methods Flock uses, queues updates
that a test (or a person with curl) injects, honours getUpdates offsets and long polling, and
records every call. It can also misbehave the way Telegram and the network do (faults), so
tests can show that Flock keeps going. Control endpoints live under /_test/:

    POST   /_test/updates    body: a JSON list of updates (update_id may be omitted); reactions
                             in a chat where Flock is not an admin are left out, as Telegram
                             sends them only to admins
    POST   /_test/admins     body: [[chat_id, user_id], ...]
    POST   /_test/upgrade    body: [group_id, supergroup_id]: calls to the group's id answer 400
                             with migrate_to_chat_id from now on (Telegram's own service
                             messages for the upgrade are updates the test injects)
    GET    /_test/calls      every Bot API call so far, as JSON
    GET    /_test/delivered  the calls that were answered with success, each with its identity
    GET    /_test/pending    updates not yet confirmed by an offset
    POST   /_test/faults     body: one fault or a list, added after those already set (see Fault)
    GET    /_test/faults     the faults set, with how many calls each has hit
    DELETE /_test/faults     clears them

A fault is {"kind": "429" | "500" | "timeout" | "drop", "method": "sendMessage" (or "*", every
method but getMe), "every": 3 (hit each 3rd matching call), "times": 5 (then stop; omitted: no
limit), "retry_after": 1 (429), "delay": 7 (timeout: seconds to hold the call before hanging up,
past the client's read timeout)}. A faulted call is not carried out: a 429 or 500 is answered at
once, a dropped call is hung up on after its request is read, without an answer.

Run it by hand with `python -m tests.support.bot_api_server --port 8081` and point Flock at
it with FLOCK_TELEGRAM_API_URL=http://127.0.0.1:8081/bot.
"""

from __future__ import annotations

import argparse
import contextlib
import email.policy
import json
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.recording import BOT_ID, Call, RecordingRequest
from tests.support.api_faults import HANG_UP, Delivery, Fault

PLAIN_TEXT_FIELDS = {"text", "caption", "description", "short_description", "name"}
UPGRADED = "400: group chat was upgraded to a supergroup chat"  # the result recorded for such a call


def upgraded(supergroup_id: int) -> dict[str, Any]:
    """Telegram's answer to a call aimed at a group that has become a supergroup."""
    return {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": supergroup_id},
    }


class FakeTelegram:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.answers = RecordingRequest()
        self.faults: list[Fault] = []
        self.deliveries: list[Delivery] = []  # every call carried out but getUpdates, in order
        self.upgraded: dict[int, int] = {}  # a group's id -> the supergroup it became

    def upgrade(self, group_id: int, supergroup_id: int) -> None:
        """The group has become a supergroup: from now on every call aimed at its old id is
        answered 400 with `migrate_to_chat_id`, as Telegram answers it."""
        with self.lock:
            self.upgraded[group_id] = supergroup_id

    def add_faults(self, faults: list[Fault]) -> None:
        with self.lock:
            self.faults.extend(faults)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def _fault_for(self, method: str) -> Fault | None:
        with self.lock:
            return next((fault for fault in self.faults if fault.strikes(method)), None)

    def _upgraded_to(self, chat_id: Any) -> int | None:
        try:
            return self.upgraded.get(int(chat_id)) if chat_id is not None else None
        except (TypeError, ValueError):
            return None

    def inject(self, updates: list[dict[str, Any]]) -> int:
        """Queue updates for Flock; how many were queued. Reactions are left out in chats where
        Flock is not an admin, as Telegram leaves them out."""
        updates = [u for u in updates if self._reaches_bot(u)]
        with self.lock:
            for update in updates:
                update.setdefault("update_id", self.next_update_id)
                self.next_update_id = max(self.next_update_id, update["update_id"]) + 1
                self.updates.append(update)
            self.lock.notify_all()
        return len(updates)

    def _reaches_bot(self, update: dict[str, Any]) -> bool:
        for kind in ("message_reaction", "message_reaction_count"):
            if kind in update:
                return (int(update[kind]["chat"]["id"]), BOT_ID) in self.answers.admins
        return True

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset, timeout = params.get("offset"), float(params.get("timeout", 0))
        deadline = time.monotonic() + min(timeout, 30)
        with self.lock:
            if offset is not None:  # confirms everything before the offset, as Telegram does
                self.updates = [u for u in self.updates if u["update_id"] >= int(offset)]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(timeout=deadline - time.monotonic())
            return list(self.updates[:100])

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status or HANG_UP, body)."""
        moved = self._upgraded_to(params.get("chat_id"))
        if moved is not None:
            self.answers.calls.append(Call(method, params, result=UPGRADED))
            return 400, upgraded(moved)
        fault = self._fault_for(method)
        if fault is not None:
            self.answers.calls.append(Call(method, params, result=f"fault: {fault.kind}"))
            return fault.answer()
        if method == "getUpdates":
            self.answers.calls.append(Call(method, params))
            return 200, {"ok": True, "result": self.get_updates(params)}
        status, body = self.answers.respond(method, params)
        if status == 200:
            with self.lock:
                self.deliveries.append(Delivery.of(method, params))
        return status, body


def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """Uploads (sendPhoto, sendDocument): text fields as values, files as name, size and bytes."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.default).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        filename = part.get_filename()
        if filename:
            params.setdefault("_files", {})[str(name)] = {"filename": filename, "size": len(payload)}
            params.setdefault("_bytes", {})[str(name)] = payload
        else:
            params[str(name)] = _value(str(name), payload.decode())
    return params


def _value(key: str, raw: str) -> Any:
    if key in PLAIN_TEXT_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _decode(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "multipart/form-data" in content_type:
        return _multipart(body, content_type)
    if "json" in content_type:
        decoded: dict[str, Any] = json.loads(body)
        return decoded
    params: dict[str, Any] = {}
    for key, values in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items():
        params[key] = _value(key, values[-1])
    return params


def make_handler(telegram: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def _send(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()  # escaped as Telegram does: a lone surrogate survives
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            if self.path == "/_test/calls":
                calls = [
                    {
                        "method": c.method,
                        "result": c.result,
                        "params": {k: v for k, v in c.params.items() if k != "_bytes"},
                    }
                    for c in telegram.answers.calls
                ]
                self._send(200, calls)
            elif self.path == "/_test/delivered":
                with telegram.lock:
                    self._send(200, [asdict(d) for d in telegram.deliveries])
            elif self.path == "/_test/pending":
                with telegram.lock:
                    self._send(200, telegram.updates)
            elif self.path == "/_test/faults":
                with telegram.lock:
                    self._send(200, [asdict(f) for f in telegram.faults])
            else:
                self._post()

        def do_POST(self) -> None:
            self._post()

        def do_DELETE(self) -> None:
            if self.path == "/_test/faults":
                telegram.clear_faults()
                self._send(200, {"ok": True})
            else:
                self._send(404, {"ok": False, "description": "Not Found"})

        def _hang_up(self) -> None:
            """Close the socket without a word, as a dropped connection looks to the client."""
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _post(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/_test/updates":
                telegram.inject(json.loads(raw))
                self._send(200, {"ok": True})
            elif self.path == "/_test/upgrade":
                old, new = json.loads(raw)
                telegram.upgrade(int(old), int(new))
                self._send(200, {"ok": True})
            elif self.path == "/_test/admins":
                telegram.answers.admins.update((int(c), int(u)) for c, u in json.loads(raw))
                self._send(200, {"ok": True})
            elif self.path == "/_test/faults":
                given = json.loads(raw)
                try:
                    faults = [Fault(**f) for f in (given if isinstance(given, list) else [given])]
                except (TypeError, ValueError) as error:
                    self._send(400, {"ok": False, "description": str(error)})
                    return
                telegram.add_faults(faults)
                self._send(200, {"ok": True})
            else:
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                body = _decode(raw, self.headers.get("Content-Type", ""))
                status, answer = telegram.call(method, body)
                if status == HANG_UP:
                    self._hang_up()
                else:
                    self._send(status, answer)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the point of some tests) is not the server's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(port: int) -> tuple[ThreadingHTTPServer, FakeTelegram]:
    telegram = FakeTelegram()
    server = _Server(("127.0.0.1", port), make_handler(telegram))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, telegram


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    server, _ = serve(args.port)
    print(f"Bot API test server on http://127.0.0.1:{server.server_port}/bot", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
