"""Black-box: two `flock run --webhook` processes on one PostgreSQL behind a load balancer,
each killed and restarted while course traffic streams in: every update handled once, every
overdue question alerted once."""

from __future__ import annotations

import http.client
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_api_server import FakeTelegram
from tests.support.flock_process import ADMIN, GROUP, LEARNERS, FlockProcess, message, safe, scalar, wait
from tests.support.load_balancer import LoadBalancer

pytestmark = pytest.mark.process

SECRET = "cluster-secret"
ROUNDS = 60  # questions answered in the chat
UNANSWERED = 12  # questions nobody answers: each must be alerted exactly once per period


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Node(FlockProcess):
    """One `flock run --webhook` process on a fixed port, restartable."""

    def __init__(self, api_url: str, database_url: str, balancer_port: int, log: Path) -> None:
        self.port = _free_port()
        webhook = {
            "FLOCK_WEBHOOK_URL": f"http://127.0.0.1:{balancer_port}/telegram",
            "FLOCK_WEBHOOK_SECRET": SECRET,
            "FLOCK_WEBHOOK_PORT": str(self.port),
        }
        super().__init__(api_url, database_url, log, args=("--webhook",), env=webhook)

    def start(self) -> None:
        super().start()
        wait(self.healthy, seconds=60, what=f"the webhook on port {self.port}")

    def healthy(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False


def _deliver(balancer: LoadBalancer, update: dict[str, Any]) -> int:
    """As Telegram does: send until the answer is 200; returns how many tries it took."""
    update["message"]["date"] = int(time.time())  # when it was sent: the SLA counts from here
    body = json.dumps(update).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    for attempt in range(1, 200):
        connection = http.client.HTTPConnection("127.0.0.1", balancer.port, timeout=15)
        try:
            connection.request("POST", "/telegram", body=body, headers=headers)
            if connection.getresponse().status == 200:
                return attempt
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise AssertionError(f"update {update['update_id']} was never accepted")


def _traffic() -> list[dict[str, Any]]:
    updates = [
        message(1, ADMIN, "/setup #clu26 Cluster course"),
        message(2, ADMIN, "/settings sla 30s"),
    ]
    for n in range(ROUNDS):
        asker, helper = LEARNERS[n % 10], LEARNERS[(n + 1) % 10]
        question = message(10 + 2 * n, asker, f"Question number {n}: how does step {n} work?")
        updates.append(question)
        updates.append(message(11 + 2 * n, helper, f"Answer {n}", reply_to_message=question["message"]))
    for n in range(UNANSWERED):
        updates.append(message(1000 + n, LEARNERS[n % 10], f"Still stuck on part {n}, can anyone help?"))
    for update_id, update in enumerate(updates, start=1):
        update["update_id"] = update_id
    start = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": ADMIN["id"], "type": "private", "first_name": ADMIN["first_name"]},
        "from": ADMIN,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return [{"update_id": 0, "message": start}, *updates]


def _alert_messages(fake: FakeTelegram) -> list[str]:
    """Texts of the alert messages Telegram received (single or combined)."""
    return [
        str(call.params.get("text"))
        for call in fake.answers.calls
        if call.method == "sendMessage"
        and int(call.params.get("chat_id", 0)) == ADMIN["id"]
        and "Still stuck on part" in str(call.params.get("text"))
    ]


ALERT_ROWS = "select count(*) from outbox where kind in ('alert', 'alert_batch')"


def test_two_webhook_processes_behind_a_load_balancer_lose_and_repeat_nothing(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one PostgreSQL database; SQLite has one writer")
    fake, api_url = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    count = lambda sql: scalar(database_url, sql)  # noqa: E731
    balancer = LoadBalancer([])
    nodes = [Node(api_url, database_url, balancer.port, tmp_path / f"flock-{n}.log") for n in range(2)]
    balancer.backends.extend(node.port for node in nodes)
    balancer.forwarded.update(dict.fromkeys(balancer.backends, 0))
    updates = _traffic()
    try:
        for node in nodes:
            node.start()
        tries = []
        for index, update in enumerate(updates):
            if index == len(updates) // 3:
                nodes[0].kill()  # mid-stream: the balancer sends everything to the other one
            if index == len(updates) // 2:
                nodes[0].start()
                nodes[1].kill()
            if index == 2 * len(updates) // 3:
                nodes[1].start()
            tries.append(_deliver(balancer, update))
        wait(lambda: safe(count, "select count(*) from inbox where processed_at is null") == 0, 90)
        # Each unanswered question becomes overdue 30 s after it was asked: wait for the alerts.
        wait(lambda: safe(count, "select count(*) from alerts where period = 1") >= UNANSWERED, 90)
        wait(lambda: safe(count, ALERT_ROWS + " and sent_at is null and failed_at is null") == 0, 60)
        exit_codes = [node.stop() for node in nodes]
    finally:
        for node in nodes:
            node.ensure_stopped()
        balancer.close()

    alert_messages = _alert_messages(fake)
    alert_rows = count(ALERT_ROWS)
    periods = count("select count(*) from alerts") - count("select count(distinct question_id) from alerts")
    print(
        f"\n  updates sent {len(updates)} (tries {sum(tries)}), stored {count('select count(*) from inbox')},"
        f" processed {count('select count(*) from inbox where processed_at is not null')};"
        f" per backend {sorted(balancer.forwarded.values())};"
        f" alerts {count('select count(*) from alerts')} ({periods} later periods),"
        f" alert messages queued {alert_rows}, delivered {len(alert_messages)}"
    )
    assert exit_codes == [0, 0]
    assert count("select count(*) from inbox") == len(updates)
    assert count("select count(*) from courses") == 1
    assert count("select count(*) from questions") == ROUNDS + UNANSWERED
    assert count("select count(*) from answers") == ROUNDS
    assert count("select count(*) from questions where state = 'answered'") == ROUNDS
    assert count("select count(*) from alerts where period = 1") == UNANSWERED
    assert len(alert_messages) == alert_rows  # none sent twice
    assert all(f"part {n}," in "".join(alert_messages) for n in range(UNANSWERED))
    assert all(n > 0 for n in balancer.forwarded.values())
