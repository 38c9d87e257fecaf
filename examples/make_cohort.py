"""Writes examples/cohort.jsonl: a week of a small cohort, as the Bot API would deliver it.

Run `python examples/make_cohort.py` after changing the story; `flock demo` replays the file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Data Skills — Autumn 2026"}
BOT = {"id": 7000000001, "is_bot": True, "first_name": "Flock", "username": "flock_test_bot"}
MAYA = {"id": 501, "is_bot": False, "first_name": "Maya", "last_name": "Okafor", "username": "maya_okafor"}
PRIYA = {"id": 502, "is_bot": False, "first_name": "Priya", "last_name": "Raman", "username": "priya_r"}
LEO = {"id": 503, "is_bot": False, "first_name": "Leo", "last_name": "Martin", "username": "leomartin"}
TOMAS = {"id": 504, "is_bot": False, "first_name": "Tomás", "last_name": "Ibarra"}  # no username
AIKO = {"id": 505, "is_bot": False, "first_name": "Aiko", "last_name": "Sato", "username": "aiko_s"}
BEN = {"id": 506, "is_bot": False, "first_name": "Ben", "username": "ben_builds"}

START = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)  # a Monday


class Story:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.now = START
        self.update_id = 610000000
        self.message_id = 40

    def at(self, day: int, hour: int, minute: int = 0) -> Story:
        self.now = START.replace(hour=hour, minute=minute) + timedelta(days=day)
        return self

    def _update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.update_id += 1
        update = {"update_id": self.update_id, kind: payload}
        self.updates.append(update)
        return update

    def say(
        self,
        who: dict[str, Any],
        text: str,
        reply_to: dict[str, Any] | None = None,
        chat: dict[str, Any] = GROUP,
        **extra: Any,
    ) -> dict[str, Any]:
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": who,
            "chat": chat,
            "date": int(self.now.timestamp()),
            **extra,
        }
        if text:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._update("message", message)
        self.now += timedelta(minutes=1)
        return message

    def edit(self, message: dict[str, Any], text: str) -> None:
        edited = {**message, "text": text, "edit_date": int(self.now.timestamp())}
        self._update("edited_message", edited)

    def bot_added(self, by: dict[str, Any]) -> None:
        self._update(
            "my_chat_member",
            {
                "chat": GROUP,
                "from": by,
                "date": int(self.now.timestamp()),
                "old_chat_member": {"status": "left", "user": BOT},
                "new_chat_member": {"status": "member", "user": BOT},
            },
        )

    def joined(self, *people: dict[str, Any]) -> None:
        self.say(people[0], "", new_chat_members=list(people))


def story() -> list[dict[str, Any]]:
    s = Story()
    s.at(0, 8, 25).say(
        MAYA, "/start", chat={"id": MAYA["id"], "type": "private", "first_name": MAYA["first_name"]}
    )
    s.at(0, 8, 30).bot_added(MAYA)
    s.say(MAYA, "/setup #dsk26 Data Skills — Autumn 2026")
    s.at(0, 9, 0).joined(PRIYA)
    s.joined(LEO, TOMAS)
    s.at(0, 9, 20).say(
        PRIYA,
        "Hi all! I'm Priya, a nurse in Leeds moving into health analytics. "
        "Excited (and a bit nervous) about the Python part 🙂 #intro",
    )
    s.say(
        LEO, "/intro I'm Leo, a backend developer in Lyon. Here to finally get comfortable with statistics."
    )
    s.at(0, 11, 5).say(TOMAS, "Hola! Tomás from Buenos Aires, I run reporting for a small NGO. #intro")
    s.at(0, 14, 0).joined(AIKO)

    s.at(1, 10, 12)
    pivot = s.say(
        PRIYA,
        "How do I pivot a table in pandas when the index has duplicate values? I keep getting a ValueError.",
    )
    s.at(1, 10, 40)
    s.say(
        LEO,
        "Use pivot_table instead of pivot and pick an aggfunc, e.g. "
        "df.pivot_table(index='ward', columns='month', values='visits', aggfunc='sum').",
        reply_to=pivot,
    )
    s.at(1, 11, 2).say(PRIYA, "That worked, thank you Leo! #solved", reply_to=pivot)
    s.at(1, 16, 30).say(AIKO, "Hi, Aiko here, data engineer in Osaka 👋 #intro")

    s.at(2, 9, 15)
    versioning = s.say(AIKO, "#q Is there a recommended way to version datasets alongside our notebooks?")
    s.at(2, 9, 50)
    s.edit(
        versioning, "#q Is there a recommended way to version datasets (a few GB) alongside our notebooks?"
    )
    s.at(2, 13, 0)
    quiz = s.say(TOMAS, "Does anyone know whether the week 3 quiz counts towards the certificate?")
    s.at(2, 13, 45)
    s.say(MAYA, "It does: 10% of the final mark. You can retake it once.", reply_to=quiz)

    s.at(3, 8, 2).say(LEO, "Morning everyone ☕")
    s.at(3, 8, 4).joined(BEN)
    s.at(3, 8, 5).say(BEN, "hey all, is the recording from Tuesday up somewhere")
    s.at(3, 12, 0).say(BEN, "Where do I find the slides from the SQL workshop on Tuesday?")
    s.at(3, 12, 20).say(
        PRIYA, "They're pinned in the course channel, under Week 2.", reply_to=s.updates[-1]["message"]
    )
    s.at(3, 12, 25).say(BEN, "Found them, thanks!", reply_to=s.updates[-1]["message"])

    s.at(4, 9, 0).say(MAYA, "/settings sla 4h")
    s.at(4, 9, 1).say(LEO, "/questions")
    s.at(4, 17, 30).say(MAYA, "/roster")
    return s.updates


def main() -> None:
    target = Path(__file__).with_name("cohort.jsonl")
    lines = [json.dumps(update, ensure_ascii=False) for update in story()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} updates to {target}")


if __name__ == "__main__":
    main()
