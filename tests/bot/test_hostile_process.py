"""Black-box: a hostile chat against a real `flock run` process. It stays up, handles every update,
answers in HTML Telegram accepts, never shows a traceback or its token, and keeps the course."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.bot_api_server import FakeTelegram
from tests.support.corpus import short_entries
from tests.support.flock_process import (
    ADMIN,
    GROUP,
    LEARNERS,
    FlockProcess,
    message,
    private,
    safe,
    scalar,
    wait,
)
from tests.support.telegram_html import visible_text

pytestmark = pytest.mark.process

COMMANDS = ["/settings #hos26 sla ", "/settings #hos26 ", "/intro #hos26 ", "/askguest 1 ", "/stats "]
GROUP_COMMANDS = ["/settings sla ", "/ask ", "/guest @x ", "/forget "]  # a few: groups allow 20 a minute


def _hostile_traffic() -> list[dict[str, Any]]:
    updates = [message(1, ADMIN, "/setup #hos26 Hostile course")]
    entries = short_entries()
    for n, entry in enumerate(entries):
        sender = LEARNERS[n % 10] if n % 3 else ADMIN
        updates.append(message(10 + n, sender, entry))  # chatter in the group: no reply expected
        command = COMMANDS[n % len(COMMANDS)] + entry
        updates.append(message(10 + n, sender, command, private(sender)))
    for n, prefix in enumerate(GROUP_COMMANDS):
        updates.append(message(9000 + n, ADMIN, prefix + entries[n * 7 % len(entries)]))
    # Odd shapes: no sender, a channel post, a service message, a photo with a hostile caption.
    updates.append({"message": {"message_id": 5000, "date": int(time.time()), "chat": GROUP}})
    channel = {"id": -100777, "type": "channel"}
    updates.append({"channel_post": {"message_id": 5001, "date": 0, "chat": channel}})
    updates.append(
        {
            "message": {
                "message_id": 5002,
                "date": 0,
                "chat": GROUP,
                "from": ADMIN,
                "pinned_message": {"message_id": 10, "date": 0, "chat": GROUP},
            }
        }
    )
    updates.append(
        {
            "message": {
                "message_id": 5003,
                "date": 0,
                "chat": GROUP,
                "from": LEARNERS[0],
                "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
                "caption": "<script>?</script> \u202e how?",
            }
        }
    )
    forged = {"id": "cb1", "from": LEARNERS[1], "chat_instance": "x", "data": "al:x:<b>"}
    updates.append({"callback_query": forged})
    return updates


def test_a_hostile_chat_leaves_flock_running_answering_cleanly_and_the_course_intact(
    telegram: tuple[FakeTelegram, str], database_url: str, tmp_path: Path
) -> None:
    fake, api_url = telegram
    fake.answers.admins.add((GROUP["id"], ADMIN["id"]))
    updates = _hostile_traffic()
    count = lambda sql: scalar(database_url, sql)  # noqa: E731
    flock = FlockProcess(api_url, database_url, tmp_path / "flock.log")
    flock.start()
    try:
        fake.inject(updates)
        processed = "select count(*) from inbox where processed_at is not null"
        wait(lambda: safe(count, processed) == len(updates), seconds=240, what="every update processed")
        wait(lambda: fake.updates == [], what="the last getUpdates")
        alive = flock.running()
        exit_code = flock.stop()
    finally:
        flock.ensure_stopped()
    output = flock.log.read_text(errors="replace")

    sent = [c for c in fake.answers.calls if c.method in ("sendMessage", "editMessageText")]
    texts = [str(c.params.get("text", "")) for c in sent]
    print(f"\n  hostile updates {len(updates)}, processed {count(processed)}, replies {len(sent)}")
    assert alive
    assert exit_code == 0
    assert len(sent) >= len(short_entries()), "every private command is answered"
    for text in texts:
        visible_text(text)  # raises on HTML Telegram would refuse, or text over its limit
        assert "Traceback" not in text
        assert "process-test" not in text  # the token's secret half
    assert "process-test" not in output
    assert " ERROR " not in output, output[-3000:]  # nothing failed: refused, ignored or answered
    assert count("select count(*) from courses") == 1
    assert count("select count(*) from courses where title = 'Hostile course'") == 1
