"""`flock demo`: replay a cohort's week through the real Application, offline, and tell the story.

Updates go through the inbox and the Application exactly as in `flock run`; the Bot API is the
in-process recording one, so every call Flock makes is shown instead of sent. The stand-in
API reports whoever runs /setup as a chat admin.
"""

from __future__ import annotations

import html
import json
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.recording import Call, RecordingRequest
from bot.runner import Flock, assemble
from bot.settings import Settings
from storage.migrations import upgrade


class ReplayClock:
    """Time as the replayed updates say it is."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


def load(path: str) -> list[dict[str, Any]] | None:
    source = Path(path)
    if not source.is_file():
        print(f"flock demo: no such file: {source}", file=sys.stderr)
        return None
    return [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]


def fresh_database(database: str | None) -> Path:
    db_file = Path(database) if database else Path(tempfile.mkdtemp(prefix="flock-demo-")) / "demo.db"
    db_file.unlink(missing_ok=True)
    return db_file


async def run_demo(updates: list[dict[str, Any]], source: str, db_file: Path) -> int:
    url = f"sqlite+aiosqlite:///{db_file}"
    await upgrade(url)
    clock, api = ReplayClock(), RecordingRequest()
    flock = assemble(Settings(database_url=url), "0:demo", clock, request=api, rate_limited=False)
    print(f"Replaying {len(updates)} updates from {source} into {db_file}\n")
    try:
        async with flock.app:
            api.take()
            for update in updates:
                await _replay(flock, api, clock, update)
            print(await _summary(flock))
    finally:
        await flock.close()
    return 0


async def _replay(flock: Flock, api: RecordingRequest, clock: ReplayClock, update: dict[str, Any]) -> None:
    body = _body(update)
    clock.current = datetime.fromtimestamp(body.get("edit_date") or body["date"], UTC)
    if str(body.get("text", "")).startswith("/setup") and "from" in body:
        api.admins.add((body["chat"]["id"], body["from"]["id"]))
    print(f"{clock.current:%a %H:%M}  {_describe(update)}")
    await flock.poller.store([update])
    await flock.poller.processor.drain()
    await flock.ticker.tick()
    await flock.sender.flush()
    for call in api.take():
        line = _describe_call(call)
        if line:
            print(f"           ↳ {line}")


def _body(update: dict[str, Any]) -> dict[str, Any]:
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        if kind in update:
            return dict(update[kind])
    return {"date": 0}


def _name(user: dict[str, Any]) -> str:
    return " ".join(filter(None, [user.get("first_name"), user.get("last_name")]))


def _describe(update: dict[str, Any]) -> str:
    if "my_chat_member" in update:
        change = update["my_chat_member"]
        return f"{_name(change['from'])} adds Flock to “{change['chat']['title']}”"
    body = _body(update)
    who = _name(body.get("from", {}))
    if body.get("new_chat_members"):
        return "joined the group: " + ", ".join(_name(u) for u in body["new_chat_members"])
    where = "in private" if body["chat"]["type"] == "private" else ""
    verb = "edits" if "edited_message" in update else ("replies" if "reply_to_message" in body else "says")
    said = body.get("text") or body.get("caption") or "[sticker]"
    return f"{who} {verb}{' ' + where if where else ''}: {said}"


def _describe_call(call: Call) -> str:
    if call.method == "sendMessage":
        target = "in private" if call.chat_id > 0 else "in the group"
        return f"Flock writes {target}: " + _plain(call.text).replace("\n", "\n             ")
    if call.method == "setMessageReaction":
        return "Flock reacts " + "".join(r["emoji"] for r in call.params.get("reaction", []))
    if call.method == "getChatMember":
        return ""  # an admin check: a detail, not part of the story
    return f"Flock calls {call.method}"


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


async def _summary(flock: Flock) -> str:
    async with flock.sessions() as session:
        courses = (await session.execute(text("select hashtag, title from courses"))).all()
        learners = (
            await session.execute(
                text(
                    "select p.name, l.posts, exists(select 1 from introductions i where i.person_id = "
                    "l.person_id and i.course_id = l.course_id and i.replaced_at is null) "
                    "from learners l join people p on p.id = l.person_id order by p.name"
                )
            )
        ).all()
        questions = (
            await session.execute(
                text(
                    "select q.text, q.state, p.name, (select count(*) from answers a where "
                    "a.question_id = q.id) from questions q join people p on p.id = q.asker_id "
                    "order by q.asked_at"
                )
            )
        ).all()
    lines = ["", "What Flock stored", "================="]
    lines += [f"Course #{tag}: {title}" for tag, title in courses]
    lines.append(f"\nLearners ({len(learners)}):")
    lines += [
        f"  {name:<16} {posts:>2} post{'s' if posts != 1 else ' '}  "
        f"{'introduced' if intro else 'no introduction yet'}"
        for name, posts, intro in learners
    ]
    lines.append(f"\nQuestions ({len(questions)}):")
    lines += [
        f"  [{state:<8}] {name}: {q[:70]}{'…' if len(q) > 70 else ''} ({answers} answers)"
        for q, state, name, answers in questions
    ]
    return "\n".join(lines)
