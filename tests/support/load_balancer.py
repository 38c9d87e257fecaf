"""A loopback round-robin HTTP load balancer, standing in front of several `flock run --webhook`.

A backend that refuses the connection or drops it is skipped for that request, as a real load
balancer's health checks would; when none answers, the caller (Telegram) gets 502 and retries.
"""

from __future__ import annotations

import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoadBalancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self._turns = itertools.count()
        self._lock = threading.Lock()
        self.forwarded: dict[int, int] = dict.fromkeys(backends, 0)
        handler = _handler(self)
        self.server = _Server(("127.0.0.1", 0), handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def order(self) -> list[int]:
        with self._lock:
            start = next(self._turns) % max(1, len(self.backends))
        return self.backends[start:] + self.backends[:start]

    def forward(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        for port in self.order():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.status, response.read()
            except OSError:
                continue  # down or dying: the next backend takes it
            finally:
                connection.close()
            with self._lock:
                self.forwarded[port] += 1
            return answer
        return 502, b"no backend answered"

    def close(self) -> None:
        self.server.shutdown()


def _handler(balancer: LoadBalancer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower().startswith(("x-", "content-type"))}
            status, answer = balancer.forward(self.path, body, headers)
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
