"""The dashboard's routes, under the path of FLOCK_WEB_URL, in the webhook's Starlette app or its own.

Every page and action needs the Mini App's init data in the `X-Telegram-Init-Data` header: no
cookie is ever set, so another site can't make a browser act on someone's behalf. Missing,
forged or stale init data is answered 401, a course the viewer doesn't facilitate 403; both
before anything is read or changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot import i18n
from bot.web import init_data, pages
from bot.web.init_data import Viewer
from facilitation import dashboard, languages
from facilitation.errors import FlockError
from facilitation.model import Person
from facilitation.ports import Clock, UnitOfWorkFactory

log = logging.getLogger("flock.web")

HEADER = "X-Telegram-Init-Data"
MAX_FORM_BYTES = 2000  # one setting's value
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
    ),
}

Handler = Callable[[Request, Viewer], Awaitable[Response]]


class Dashboard:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, token: str, base: str) -> None:
        self.uow = uow
        self.clock = clock
        self.token = token
        self.base = base.rstrip("/")

    def routes(self) -> list[BaseRoute]:
        inner: list[BaseRoute] = [
            Route("/", self.shell, methods=["GET"]),
            Mount("/static", app=StaticFiles(packages=[("bot.web", "static")])),
            Route("/view/courses", self._signed(self.courses), methods=["GET"]),
            Route("/view/{course_id:int}/today", self._signed(self.today), methods=["GET"]),
            Route("/view/{course_id:int}/learners", self._signed(self.learners), methods=["GET"]),
            Route("/view/{course_id:int}/trends", self._signed(self.trends), methods=["GET"]),
            Route("/view/{course_id:int}/sessions", self._signed(self.sessions), methods=["GET"]),
            Route("/view/{course_id:int}/stories", self._signed(self.stories), methods=["GET"]),
            Route("/view/{course_id:int}/highlights", self._signed(self.highlights), methods=["GET"]),
            Route("/view/{course_id:int}/settings", self._signed(self.settings), methods=["GET"]),
            Route("/settings/{course_id:int}/{key}", self._signed(self.change_setting), methods=["POST"]),
            Route(
                "/act/{course_id:int}/{question_id:int}/{action}", self._signed(self.act), methods=["POST"]
            ),
        ]
        if not self.base:
            return inner
        return [Route(self.base, self.shell, methods=["GET"]), Mount(self.base, routes=inner)]

    async def shell(self, request: Request) -> Response:
        with i18n.speaking(_accepted(request)):
            return _html(pages.shell(self.base))

    def _signed(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """The handler, for a viewer Telegram vouches for, speaking their language."""

        async def checked(request: Request) -> Response:
            try:
                viewer = init_data.verify(request.headers.get(HEADER), self.token, self.clock.now())
            except init_data.Refused as refusal:
                log.info("dashboard request refused (%s) from %s", refusal, _client(request))
                with i18n.speaking(_accepted(request)):
                    return _html(pages.refused(pages.NOT_SIGNED), 401)
            spoken = await dashboard.language(self.uow(), viewer.id, viewer.language_code)
            with i18n.speaking(spoken):
                try:
                    return await handler(request, viewer)
                except dashboard.Forbidden:
                    return _html(pages.refused(pages.NOT_YOURS), 403)

        return checked

    async def courses(self, request: Request, viewer: Viewer) -> Response:
        return _html(pages.courses(await dashboard.courses(self.uow(), viewer.id)))

    async def today(self, request: Request, viewer: Viewer) -> Response:
        now = self.clock.now()
        page = await dashboard.today(self.uow(), request.path_params["course_id"], viewer.id, now)
        return _html(pages.today(page, now))

    async def learners(self, request: Request, viewer: Viewer) -> Response:
        now = self.clock.now()
        sort = request.query_params.get("sort", "name")
        offset = _whole(request.query_params.get("offset", ""))
        course_id = request.path_params["course_id"]
        page = await dashboard.learners(self.uow(), course_id, viewer.id, sort, now, offset)
        return _html(pages.learners(page, now))

    async def trends(self, request: Request, viewer: Viewer) -> Response:
        window = request.query_params.get("window", "7d")
        course_id, now = request.path_params["course_id"], self.clock.now()
        found = await dashboard.trends(self.uow(), course_id, viewer.id, window, now)
        return _html(pages.trends(found))

    async def sessions(self, request: Request, viewer: Viewer) -> Response:
        found = await dashboard.sessions(self.uow(), request.path_params["course_id"], viewer.id)
        return _html(pages.sessions(found))

    async def stories(self, request: Request, viewer: Viewer) -> Response:
        week = request.query_params.get("week", "this")
        offset = _whole(request.query_params.get("offset", ""))
        course_id = request.path_params["course_id"]
        page = await dashboard.stories(self.uow(), course_id, viewer.id, week, offset)
        return _html(pages.stories(page))

    async def highlights(self, request: Request, viewer: Viewer) -> Response:
        """The Stories tab's highlights, which its page asks for once it is shown."""
        week, now = request.query_params.get("week", "this"), self.clock.now()
        found = await dashboard.week_highlights(
            self.uow(), request.path_params["course_id"], viewer.id, week, now
        )
        return _html(pages.highlights(found, now))

    async def settings(self, request: Request, viewer: Viewer) -> Response:
        page = await dashboard.settings(self.uow(), request.path_params["course_id"], viewer.id)
        return _html(pages.settings(page))

    async def change_setting(self, request: Request, viewer: Viewer) -> Response:
        course_id, key = request.path_params["course_id"], request.path_params["key"]
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _html(pages.refused(pages.TOO_LONG), 413)
        value = parse_qs(body.decode(errors="replace")).get("value", [""])[0]
        person = Person(viewer.id, viewer.name, viewer.username)
        now = self.clock.now()
        try:
            course = await dashboard.change_setting(self.uow(), course_id, person, key, value, now)
        except dashboard.Forbidden:
            raise
        except FlockError as error:  # the same words /settings answers with
            page = await dashboard.settings(self.uow(), course_id, viewer.id)
            problem = i18n._(error.template, **error.params)
            return _html(pages.settings(page, problem=problem, key=key, typed=value), 422)
        page = await dashboard.settings(self.uow(), course_id, viewer.id)
        return _html(pages.settings(page, notice=pages.changed(course, key)))

    async def act(self, request: Request, viewer: Viewer) -> Response:
        course_id, question_id = request.path_params["course_id"], request.path_params["question_id"]
        action = request.path_params["action"]
        if action not in dashboard.ACTIONS:
            return _html(pages.refused(pages.NO_SUCH_ACTION), 404)
        person = Person(viewer.id, viewer.name, viewer.username)
        now = self.clock.now()
        notice, problem, status = None, None, 200
        try:
            await dashboard.act(self.uow(), course_id, question_id, action, person, now)
            notice = i18n._(pages.DONE[action])
        except dashboard.Forbidden:
            raise
        except FlockError as error:  # taken by someone else, settled meanwhile: said on the page
            problem, status = i18n._(error.template, **error.params), 409
        page = await dashboard.today(self.uow(), course_id, viewer.id, now)
        return _html(pages.today(page, now, notice=notice, problem=problem), status)


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def _whole(text: str) -> int:
    """A page's offset as the "Show more" link carries it; anything else is the first page."""
    return int(text) if text.isdigit() and len(text) < 9 else 0


def _accepted(request: Request) -> str:
    """Before anyone is known: the browser's language, when Flock speaks it."""
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    return languages.supported(first.split("-")[0]) or languages.DEFAULT


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
