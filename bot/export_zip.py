"""The /export file: a zip of CSVs and a Markdown report, written as rows stream in.

Rows are written in chunks by a worker thread (CSV encoding and deflate are CPU work), so a
large course neither sits in memory nor stalls the event loop. CSVs carry a UTF-8 BOM so that
spreadsheet programs read names in any script correctly; times are course-local ISO 8601.
"""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self, TypeVar
from zoneinfo import ZoneInfo

from bot import export_report
from bot.i18n import _
from bot.links import message_link, post_link
from facilitation.export import ExportSummary, IntroductionLine, LearnerLine, QuestionLine
from facilitation.model import Course, MessageRef, Person, Question, Story

CHUNK = 500
T = TypeVar("T")

# fmt: off
QUESTION_COLUMNS = [
    "question_id", "asked_at", "asker_id", "asker_name", "asker_username", "state", "question",
    "question_link", "first_answered_at", "resolved_at",
    "answer_id", "answered_at", "answerer_id", "answerer_name", "answerer_username", "by_facilitator",
    "answer", "answer_link",
]
INTRODUCTION_COLUMNS = [
    "introduction_id", "person_id", "name", "username", "posted_at", "current", "replaced_at", "text", "link",
]
LEARNER_COLUMNS = [
    "person_id", "name", "username", "posts", "first_seen", "last_seen", "introduced", "facilitator",
]
STORY_COLUMNS = [
    "story_id", "posted_at", "author_id", "author_name", "text", "link", "consent", "showcase_link",
]
# fmt: on


class ZipExport:
    """An ExportSink writing one zip file; use it as a context manager so the file is closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self._zone = ZoneInfo("UTC")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._zip.close()

    async def begin(self, course: Course) -> None:
        self._zone = ZoneInfo(course.settings.timezone)

    async def questions(self, lines: AsyncIterator[QuestionLine]) -> None:
        await self._csv("questions.csv", QUESTION_COLUMNS, lines, self._question)

    async def introductions(self, lines: AsyncIterator[IntroductionLine]) -> None:
        await self._csv("introductions.csv", INTRODUCTION_COLUMNS, lines, self._introduction)

    async def learners(self, lines: AsyncIterator[LearnerLine]) -> None:
        await self._csv("learners.csv", LEARNER_COLUMNS, lines, self._learner)

    async def stories(self, stories: list[Story]) -> None:
        async def each() -> AsyncIterator[Story]:
            for story in stories:
                yield story

        await self._csv("stories.csv", STORY_COLUMNS, each(), self._story)

    async def report(self, summary: ExportSummary, unresolved: AsyncIterator[Question]) -> None:
        with self._member("report.md", bom=False) as text:
            await asyncio.to_thread(text.write, export_report.head(summary, self._zone))
            async for chunk in _chunks(unresolved):
                lines = [export_report.question(q, self._zone) for q in chunk]
                await asyncio.to_thread(text.writelines, lines)
            await asyncio.to_thread(text.write, _(export_report.FILES))

    async def _csv(
        self, name: str, columns: list[str], lines: AsyncIterator[T], row: Callable[[T], list[str]]
    ) -> None:
        with self._member(name, bom=True) as text:
            writer = csv.writer(text)
            writer.writerow(columns)
            async for chunk in _chunks(lines):
                await asyncio.to_thread(writer.writerows, [row(line) for line in chunk])

    def _member(self, name: str, *, bom: bool) -> io.TextIOWrapper:
        raw: IO[bytes] = self._zip.open(name, "w")
        return io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")

    def _time(self, moment: datetime | None) -> str:
        return moment.astimezone(self._zone).isoformat(timespec="seconds") if moment else ""

    def _question(self, line: QuestionLine) -> list[str]:
        q, a = line.question, line.answer
        row = [
            str(q.id),
            self._time(q.asked_at),
            *_person(q.asker),
            q.state.value,
            cell(q.text),
            _link(q.ref),
            self._time(q.first_answered_at),
            self._time(q.resolved_at),
        ]
        if a is None:
            return row + [""] * 8
        answer = [str(a.id), self._time(a.answered_at), *_person(a.answerer), _yes(a.by_facilitator)]
        return [*row, *answer, cell(a.text), _link(a.ref)]

    def _introduction(self, line: IntroductionLine) -> list[str]:
        intro = line.introduction
        return [
            str(intro.id),
            *_person(intro.person),
            self._time(intro.posted_at),
            _yes(line.current),
            self._time(line.replaced_at),
            cell(intro.text),
            _link(intro.ref) if intro.ref else "",
        ]

    def _story(self, story: Story) -> list[str]:
        shown = story.showcase_ref
        showcase = (
            post_link(shown.chat_id, shown.message_id, None, story.showcase_username) if shown else None
        )
        return [
            str(story.id),
            self._time(story.posted_at),
            str(story.author.id),
            cell(story.author.name),
            cell(story.text),
            _link(story.ref),
            story.consent.value,  # asked, name, learner, kept, not_started
            showcase or "",
        ]

    def _learner(self, line: LearnerLine) -> list[str]:
        return [
            *_person(line.person),
            str(line.posts),
            self._time(line.first_seen),
            self._time(line.last_seen),
            _yes(line.introduced),
            _yes(line.facilitator),
        ]


def cell(text: str) -> str:
    """A spreadsheet would run text starting with = + - @ as a formula; a leading ' stops that."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _person(person: Person) -> list[str]:
    return [str(person.id), cell(person.name), person.username or ""]


def _link(ref: MessageRef) -> str:
    return message_link(ref) or ""


def _yes(value: bool) -> str:
    return "yes" if value else "no"


async def _chunks(items: AsyncIterator[T], size: int = CHUNK) -> AsyncIterator[list[T]]:
    chunk: list[T] = []
    async for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def file_name(course: Course, now: datetime) -> str:
    return f"{course.hashtag}-export-{now.astimezone(ZoneInfo(course.settings.timezone)):%Y-%m-%d}.zip"
