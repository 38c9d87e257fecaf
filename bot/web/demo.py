"""`flock demo --dashboard`: the dashboard on the demo's database, at a local address, with the
course's first facilitator signed in as Telegram would sign them, for a newcomer's browser."""

from __future__ import annotations

import asyncio
import signal

from sqlalchemy import text
from starlette.applications import Starlette

from bot import i18n, webhook
from bot.runner import Flock
from bot.web.app import Dashboard
from bot.web.init_data import launch_url, sign

PATH = "/dashboard"


async def serve(flock: Flock, token: str, port: int, language: str) -> int:
    """Until Ctrl-C. The story's clock stands still at its end, so the signature stays fresh."""
    async with flock.sessions() as session:
        found = (
            await session.execute(
                text(
                    "select p.id, p.name, p.username from facilitators f join people p on p.id = f.person_id "
                    "order by f.course_id, f.added_at limit 1"
                )
            )
        ).first()
    with i18n.speaking(language):
        if found is None:
            print(i18n._("No course was set up in this story, so the dashboard has nothing to show."))
            return 1
        person_id, name, username = found
        user = {"id": person_id, "first_name": name, "language_code": language}
        if username:
            user["username"] = username
        address = f"http://127.0.0.1:{port}{PATH}"
        init_data = sign(user, token, flock.runtime.clock.now())
        app = Starlette(routes=Dashboard(flock.runtime.uow, flock.runtime.clock, token, PATH).routes())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        serving = await webhook.server(app, "127.0.0.1", port).start(stop)
        print("\n" + i18n._("The dashboard, signed in as {name} (a facilitator), until Ctrl-C:", name=name))
        print(launch_url(address, init_data), flush=True)
    await serving
    return 0
