"""A loopback Bot API server for black-box runs of `flock run`.

It speaks the Bot API over HTTP the way Telegram does for the methods Flock uses, queues updates
that a test (or a person with curl) injects, honours getUpdates offsets and long polling, and
records every call. Control endpoints live under /_test/:

    POST /_test/updates   body: a JSON list of updates (update_id may be omitted)
    POST /_test/admins    body: [[chat_id, user_id], ...]
    GET  /_test/calls     every Bot API call so far, as JSON
    GET  /_test/pending   updates not yet confirmed by an offset

Run it by hand with `python -m tests.support.bot_api_server --port 8081` and point Flock at
it with FLOCK_TELEGRAM_API_URL=http://127.0.0.1:8081/bot.
"""

from __future__ import annotations

import argparse
import email.policy
import json
import sys
import threading
import time
import urllib.parse
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.recording import Call, RecordingRequest

PLAIN_TEXT_FIELDS = {"text", "caption", "description", "short_description", "name"}


class FakeTelegram:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.answers = RecordingRequest()

    def inject(self, updates: list[dict[str, Any]]) -> None:
        with self.lock:
            for update in updates:
                update.setdefault("update_id", self.next_update_id)
                self.next_update_id = max(self.next_update_id, update["update_id"]) + 1
                self.updates.append(update)
            self.lock.notify_all()

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
        if method == "getUpdates":
            self.answers.calls.append(Call(method, params))
            return 200, {"ok": True, "result": self.get_updates(params)}
        return self.answers.respond(method, params)


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
            raw = json.dumps(body, ensure_ascii=False).encode()
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
            elif self.path == "/_test/pending":
                with telegram.lock:
                    self._send(200, telegram.updates)
            else:
                self._post()

        def do_POST(self) -> None:
            self._post()

        def _post(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/_test/updates":
                telegram.inject(json.loads(raw))
                self._send(200, {"ok": True})
            elif self.path == "/_test/admins":
                telegram.answers.admins.update((int(c), int(u)) for c, u in json.loads(raw))
                self._send(200, {"ok": True})
            else:
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                body = _decode(raw, self.headers.get("Content-Type", ""))
                self._send(*telegram.call(method, body))

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
