"""A small scripted cohort for /stats and /export: two days of questions, answers and states.

Monday 2 November 2026 (UTC, the course's time zone):
  09:10 Ben asks how to install the tools; 09:30 Cleo answers (20m); 09:40 Ben marks it solved.
  10:00 Dan asks where the slides are; 11:00 Ana, the facilitator, answers (60m).
Tuesday 3 November:
  09:00 Ben asks about a recording; nobody answers.
  09:05 Cleo asks who wants to pair; Ana dismisses it.
  10:00 Dan asks about the deadline; 10:40 Cleo answers (40m), 10:50 Ben answers too.
The clock ends at Tuesday 12:00.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from typing import Any

from bot.recording import Call
from tests.builders import JSON, group, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # chat admin, sets the course up: its facilitator
BEN = user(12, "Ben")
CLEO = user(13, "Cleo", "cleo_p")
DAN = user(14, "Dan", "dan_d")
ZOE = user(15, "Zoe", "zoe_z")  # facilitates another course
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001800, "Leadership 2026")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


async def set_up(flock: Harness, chat: JSON = CHAT, admin: JSON = ANA, tag: str = "#onb26") -> None:
    flock.make_admin(chat, admin)
    await flock.send(flock.telegram.post(chat, admin, f"/setup {tag} {chat['title']}"))


async def at(
    flock: Harness, hour: int, minute: int, person: JSON, text: str, chat: JSON = CHAT, **kw: Any
) -> JSON:
    """Post at a time of the clock's current day and have it processed."""
    flock.clock.current = flock.clock.now().replace(hour=hour, minute=minute)
    update = flock.telegram.post(chat, person, text, **kw)
    await flock.send(update)
    return update


async def two_days(flock: Harness) -> dict[str, JSON]:
    flock.clock.current = START
    await set_up(flock)
    q: dict[str, JSON] = {}
    q["install"] = await at(flock, 9, 10, BEN, "How do I install the course tools?")
    await at(flock, 9, 30, CLEO, "Run the installer from the wiki.", reply_to=q["install"]["message"])
    await at(flock, 9, 40, BEN, "/solved", reply_to=q["install"]["message"])
    q["slides"] = await at(flock, 10, 0, DAN, "Where are the slides from day one?")
    await at(flock, 11, 0, ANA, "In the shared drive, folder Day 1.", reply_to=q["slides"]["message"])
    flock.clock.advance(days=1)
    q["recording"] = await at(flock, 9, 0, BEN, "Is there a recording of the kickoff?")
    q["pair"] = await at(flock, 9, 5, CLEO, "Does anyone want to pair on the exercise?")
    await at(flock, 9, 6, ANA, "/dismiss", reply_to=q["pair"]["message"])
    q["deadline"] = await at(flock, 10, 0, DAN, "What is the deadline for the first assignment?")
    await at(flock, 10, 40, CLEO, "Friday at noon, I think.", reply_to=q["deadline"]["message"])
    await at(flock, 10, 50, BEN, "Yes, Friday 12:00.", reply_to=q["deadline"]["message"])
    flock.clock.current = flock.clock.now().replace(hour=12, minute=0)
    return q


def sent(calls: list[Call], method: str) -> list[Call]:
    return [c for c in calls if c.method == method]


def upload(call: Call, part: str) -> tuple[str, bytes]:
    name, content, _ = call.files[part]
    return name, content


def zipped_csv(archive: zipfile.ZipFile, member: str) -> list[dict[str, str]]:
    with archive.open(member) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")))
