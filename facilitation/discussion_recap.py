"""What a discussion leaves behind when it ends: a recap in each attached chat and a Markdown
transcript, both built from what is stored at that moment (a forgotten person's answers, replies
and reactions are gone from later ones), and the figures the facilitators' digest reports.

Who took part: everyone who answered a prompt or replied to an answer. A first-time voice is one
of them whose first post in the course (as Flock counts posts: learners.first_seen_at) came at or
after the discussion's opening: someone who had never posted in the course before it.

The three answers shown under each prompt are those with the most reactions, then the most
replies from others, then the earliest. Reactions count only where Flock is the chat's admin
(Telegram sends them to admins alone); where no attached chat lets it see them, the recap says
"reactions not counted" and ranks by replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from facilitation.detection import as_asked
from facilitation.errors import NotFound
from facilitation.guest_live import markdown_line, markdown_text
from facilitation.languages import N_, written_in
from facilitation.model import GivenAnswer, Round, RoundRecord
from facilitation.notices import NoticeKind
from facilitation.ports import Notice, UnitOfWork
from facilitation.scope import require_facilitator

TOP = 3
EXCERPT = 200  # characters of an answer the recap keeps; the renderer shortens further
_ANSWER_MARK = re.compile(r"\s*[Aa][1-9][0-9]?(?!\w)\s*[:.)\-–—]?\s*")  # "A1:", "a1 -", "A2"


def without_number(text: str) -> str:
    """An answer as shown under its prompt, without the A<n> that placed it there: "A1: x" → "x"."""
    shown = _ANSWER_MARK.sub("", text, count=1) if _ANSWER_MARK.match(text) else text
    return shown or text


def as_shown(text: str, tag: str) -> str:
    """An answer as the recap and transcript show it: without the course's hashtag (a tagged
    chat's answers carry it) nor its A<n>."""
    return without_number(as_asked(text, [tag]))


@dataclass(frozen=True)
class Figures:
    participants: int
    answers: int
    first_voices: int


def figures(round: Round, record: RoundRecord) -> Figures:
    people = {a.author.id for a in record.answers} | {r.author.id for a in record.answers for r in a.replies}
    opened = round.starts_at.replace(microsecond=0)  # Telegram dates a message to the second
    first = sum(1 for p in people if (at := record.first_posted.get(p)) is not None and at >= opened)
    return Figures(len(people), len(record.answers), first)


def counted_reactions(answer: GivenAnswer, record: RoundRecord) -> int | None:
    """The answer's reactions, or None where Flock can't see its chat's."""
    return answer.reactions if record.reactions_seen.get(answer.ref.chat_id) else None


def ranked(answers: list[GivenAnswer], record: RoundRecord) -> list[GivenAnswer]:
    return sorted(
        answers,
        key=lambda a: (-(counted_reactions(a, record) or 0), -a.replies_by_others, a.at, a.id),
    )


def recap_data(round: Round, record: RoundRecord) -> dict[str, object]:
    """The recap, the same for every chat (each gets its own note on reactions)."""
    found = figures(round, record)
    prompts = []
    for prompt in round.prompts:
        given = [a for a in record.answers if a.prompt_number == prompt.number]
        prompts.append(
            {
                "number": prompt.number,
                "text": prompt.text,
                "answered": len({a.author.id for a in given}),
                "top": [
                    {
                        "name": a.author.name,
                        "text": as_shown(a.text, round.discussion.course.hashtag)[:EXCERPT],
                        "chat_id": a.ref.chat_id,
                        "message_id": a.ref.message_id,
                        "thread_id": a.ref.thread_id,
                        "reactions": counted_reactions(a, record),
                        "replies": a.replies_by_others,
                    }
                    for a in ranked(given, record)[:TOP]
                ],
            }
        )
    return {
        "discussion_id": round.discussion.id,
        "title": round.discussion.title,
        "participants": found.participants,
        "answers": found.answers,
        "first_voices": found.first_voices,
        "prompts": prompts,
    }


def transcript(round: Round, record: RoundRecord) -> str:
    """Markdown: the prompts in order, every answer under its prompt with its replies, reactions
    counted where they could be. In the course's language, as it is posted to the course's chats."""
    course = round.discussion.course
    language, zone = course.settings.language, course.settings.timezone

    def say(message: str, **params: object) -> str:
        return written_in(language, message, **params)

    found = figures(round, record)
    lines = [
        f"# {markdown_line(round.discussion.title)}",
        "",
        say(
            N_("Discussion for {course}, {start} ({timezone})."),
            course=course.tag,  # letters, digits and _: nothing to escape mid-line
            start=f"{round.starts_at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}",
            timezone=markdown_text(zone),
        ),
        "",
        say(
            N_("Took part: {count}. First time in the course: {first}. Answers: {answers}."),
            count=found.participants,
            first=found.first_voices,
            answers=found.answers,
        ),
    ]
    if not all(record.reactions_seen.values()):
        lines.append(say(N_("Reactions are counted only in the chats where Flock is an admin.")))
    for prompt in round.prompts:
        lines += [
            "",
            "## " + say(N_("Q{number}. {text}"), number=prompt.number, text=markdown_line(prompt.text)),
            "",
        ]
        given = [a for a in record.answers if a.prompt_number == prompt.number]
        if not given:
            lines.append(say(N_("No answers.")))
        for answer in given:
            reactions = counted_reactions(answer, record)
            drew = (
                say(N_("reactions: {count}"), count=reactions) if reactions is not None else None,
                say(N_("replies: {count}"), count=answer.replies_by_others)
                if answer.replies_by_others
                else None,
            )
            shown = ", ".join(d for d in drew if d)
            text = markdown_line(as_shown(answer.text, course.hashtag))
            lines.append(
                f"- **{markdown_line(answer.author.name)}**: {text}" + (f" ({shown})" if shown else "")
            )
            lines += [
                f"  - *{markdown_line(reply.author.name)}*: {markdown_line(reply.text)}"
                for reply in answer.replies
            ]
    return "\n".join(lines).rstrip() + "\n"


def notices(round: Round, record: RoundRecord, chats: list[tuple[int, int | None]]) -> list[Notice]:
    """The recap, then the transcript (when anyone answered), for each chat."""
    recap = recap_data(round, record)
    anywhere = any(record.reactions_seen.values())
    markdown = transcript(round, record) if record.answers else None
    document = {"discussion_id": round.discussion.id, "title": round.discussion.title, "markdown": markdown}
    found = []
    for chat_id, thread_id in chats:
        here = {
            **recap,
            "reactions_here": record.reactions_seen.get(chat_id, False),
            "reactions_anywhere": anywhere,
        }
        found.append(Notice(chat_id, NoticeKind.DISCUSSION_RECAP, here, thread_id))
        if markdown is not None:
            found.append(Notice(chat_id, NoticeKind.DISCUSSION_TRANSCRIPT, document, thread_id))
    return found


async def post(uow: UnitOfWork, round: Round, chats: list[tuple[int, int | None]], now: datetime) -> int:
    """At the end: the recap, then the transcript, in each chat; the figures kept for the digest."""
    record = await uow.discussions.record(round)
    found = figures(round, record)
    await uow.discussions.recapped(round.id, found.participants, found.answers, found.first_voices)
    queued = notices(round, record, chats)
    for notice in queued:
        await uow.outbox.put(notice, now)
    return len(queued)


async def latest_transcript(
    uow: UnitOfWork, discussion_id: int, person_id: int, chat_id: int | None
) -> tuple[Round, str]:
    """/discussion_transcript: the latest ended occurrence's, as the stored answers now stand;
    for the course's facilitators, privately or in one of the course's chats."""
    async with uow:
        discussion = await uow.discussions.get(discussion_id)
        if discussion is None:
            raise NotFound(
                N_("There is no discussion {number}. /discussions lists them."), number=discussion_id
            )
        await require_facilitator(uow, discussion.course, person_id)
        if chat_id is not None and discussion.course.id not in {
            a.course.id for a in await uow.courses.attachments(chat_id)
        }:
            raise NotFound(
                N_("Discussion {number} belongs to a course this chat isn't part of."), number=discussion_id
            )
        round = await uow.discussions.latest_ended(discussion_id)
        if round is None:
            raise NotFound(
                N_("Discussion {number} has no transcript yet: it comes when the discussion ends."),
                number=discussion_id,
            )
        return round, transcript(round, await uow.discussions.record(round))
