"""Who may do what: every command and every button, for each kind of person.

One row per command or button; one column per role. A cell is either allowed (the command does
its work: its `ok` text appears in what Flock sends) or refused (a polite answer, and every table
but the inbox and outbox exactly as before). To add a command, add a row; the roles and the world
they act in are built once, below.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.callbacks import ask_button, forget_button, helper_invite_button, story_button
from bot.recording import Call
from storage.models import Base
from tests.builders import JSON, group, private, user
from tests.support.clock import FrozenClock
from tests.support.harness import Harness

# The roles. Each acts in the row's chat (the course group, or their own private chat), except
# the stranger, who has never been in a course chat and can only write to Flock privately.
LEARNER = "learner"
FACILITATOR = "facilitator"
OTHER_FACILITATOR = "facilitator of another course"
ADMIN = "chat admin, not a facilitator"
GUEST = "guest of a session"
STRANGER = "stranger in private"
ROLES = [LEARNER, FACILITATOR, OTHER_FACILITATOR, ADMIN, GUEST, STRANGER]
EVERYONE_IN_THE_GROUP = frozenset(ROLES) - {STRANGER}

BEN = user(12, "Ben", "ben_l")  # learner: asked two questions
ANA = user(11, "Ana", "ana_f")  # facilitator of #onb26, admin of its group
FAY = user(15, "Fay", "fay_o")  # facilitator of #other; a silent member of #onb26's group
CAL = user(16, "Cal", "cal_a")  # admin of #onb26's group
ADA = user(20, "Ada", "ada_expert")  # guest of sessions 1 (collecting) and 2 (ended)
SAM = user(40, "Sam", "sam_s")  # never in any course chat
LEO = user(13, "Leo", "leo_l")  # another learner, who answered Ben and helps (not a role)
MIA = user(17, "Mia", "mia_m")  # another learner, offered Leo's answer in the group (not a role)
PEOPLE = {LEARNER: BEN, FACILITATOR: ANA, OTHER_FACILITATOR: FAY, ADMIN: CAL, GUEST: ADA, STRANGER: SAM}
CHAT = group(-1001500, "Onboarding 2026")
OTHER = group(-1001600, "Other course")
GROUP, PRIVATE = "group", "private"
UNTRACKED_TABLES = {"inbox", "outbox"}  # bookkeeping of updates in and messages out


@dataclass
class World:
    open_question: JSON  # Ben's unanswered question (alerted)
    alert: Call  # the alert Ana got for it
    followup: Call  # Ben's "did this answer your question?"
    board: JSON  # session 1's board message in the group
    guest_question: JSON  # the question session 3 (live) sent the guest
    earlier: JSON  # Ben's answered question, offered to Mia's
    offer: Call  # Leo's answer offered to Mia, in the group (she hasn't started the bot)
    helper_ask: Call  # Ben's open question pointed at Leo, a peer helper


async def invite_ada(flock: Harness, session: str) -> None:
    calls = await flock.send(flock.telegram.post(CHAT, ANA, f"/guest @ada_expert {session}"))
    token = re.search(r"start=guest_([\w-]+)", "".join(c.text for c in calls))
    assert token is not None
    await flock.send(flock.telegram.post(private(ADA), ADA, f"/start guest_{token.group(1)}"))


async def build_world(flock: Harness) -> World:
    send, t = flock.send, flock.telegram
    await send(t.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await send(t.post(OTHER, FAY, "/setup #other Other course"))
    for person in (ANA, BEN, FAY, SAM):
        await send(t.post(private(person), person, "/start"))
    await send(t.post(CHAT, BEN, "Hi, I'm Ben, new to portals #intro"))  # asked whether he'd help
    answered = t.post(CHAT, BEN, "How do I reset my portal password?")
    await send(answered)
    await send(t.post(CHAT, LEO, "Hi all, I'm Leo #intro"))
    await send(t.post(private(LEO), LEO, "/helper topics slides, week one"))
    followup = next(
        c
        for c in await send(
            t.post(CHAT, LEO, "Use the link on the login page.", reply_to=answered["message"])
        )
        if c.chat_id == BEN["id"]
    )
    open_question = t.post(CHAT, BEN, "Where do I find the slides for week one?")
    await send(open_question)
    offered = await send(t.post(CHAT, MIA, "How can I reset the portal password?"))  # before any is live
    offer = next(c for c in offered if c.method == "sendMessage" and "asked before" in c.text)
    await invite_ada(flock, '"Careers" in 3h')
    await send(t.post(CHAT, ANA, '/discussion "Weekly" tomorrow 19:00 every 1w\nWhat helped?'))
    await send(t.post(CHAT, ANA, '/discussion "Quick" in 1m gap 1m\nWhat now?'))  # ended by the tick below
    board_edit = [  # Leo's question, so Ben (the learner) may upvote it
        c
        for c in await send(t.post(CHAT, LEO, "/askguest What should I learn first?"))
        if c.method == "editMessageText"
    ][-1]
    await send(t.post(CHAT, ANA, '/guest @ada_expert "Archive" in 30m'))
    await send(t.post(CHAT, ANA, "/session_end 2"))  # not live yet: ends at its start
    await invite_ada(flock, '"Live now" in 1h 3h')
    await send(t.post(private(BEN), BEN, "/askguest 3 What did you study?"))
    flock.clock.advance(hours=1)
    live = await flock.tick()  # session 2 ends, session 3 goes live: its question goes to Ada
    question = next(c for c in live if c.chat_id == ADA["id"] and c.text.startswith("❓"))
    helper_ask = next(c for c in live if c.chat_id == LEO["id"] and "reply_markup" in c.params)
    flock.clock.advance(hours=1)
    alert = next(
        c
        for c in await flock.tick()
        if "reply_markup" in c.params and c.chat_id == ANA["id"] and "slides" in c.text
    )
    await send(t.post(CHAT, ANA, "/announce tomorrow 09:00\nWelcome to week 2"))  # announcement 1
    await send(t.post(CHAT, ANA, "/follow #devcon26 at 18:00"))
    await send(t.post(CHAT, ANA, "/showcase_here #onb26"))
    await send(t.post(CHAT, BEN, "#win My first deploy went fine"))  # story 1: Ben is asked
    board = {"message_id": board_edit.params["message_id"], "date": 0, "chat": CHAT}
    return World(
        open_question["message"],
        alert,
        followup,
        board,
        question.result,
        answered["message"],
        offer,
        helper_ask,
    )


@dataclass(frozen=True)
class Row:
    """A command or a button, where it is used, who may use it, and what shows it worked."""

    name: str
    where: str  # GROUP or PRIVATE (the stranger is always in private)
    allowed: frozenset[str]
    ok: str  # a regular expression found in what Flock sends when the cell is allowed
    command: str | Callable[[World], str] = ""  # what is typed (read from the world: a link)
    reply_to: Callable[[World], JSON] | None = None
    button: Callable[[World], tuple[JSON, str]] | None = None  # (message it sits under, data)


def command(name: str, where: str, allowed: set[str] | frozenset[str], ok: str, **kw: object) -> Row:
    return Row(name, where, frozenset(allowed), ok, command=name, **kw)  # type: ignore[arg-type]


def duplicate(where: str, ok: str, reply_to: Callable[[World], JSON]) -> Row:
    """/duplicate with a link to Ben's answered question, as a reply to the question or its alert."""

    def typed(world: World) -> str:
        return f"/duplicate https://t.me/c/1500/{world.earlier['message_id']}"

    return Row("/duplicate <link>", where, frozenset(ONLY_FACILITATOR), ok, command=typed, reply_to=reply_to)


def alert_button(action: int) -> Callable[[World], tuple[JSON, str]]:
    def pressed(world: World) -> tuple[JSON, str]:
        buttons = [b for row in world.alert.params["reply_markup"]["inline_keyboard"] for b in row]
        return world.alert.result, buttons[action]["callback_data"]

    return pressed


def followup_button(action: int) -> Callable[[World], tuple[JSON, str]]:
    def pressed(world: World) -> tuple[JSON, str]:
        row = world.followup.params["reply_markup"]["inline_keyboard"][0]
        return world.followup.result, row[action]["callback_data"]

    return pressed


def which_solved(world: World) -> tuple[JSON, str]:
    """#solved outside a thread, Ben's open question chosen (the button sits in the group)."""
    return world.board, f"sv:{world.open_question['message_id']}"


def vote(world: World) -> tuple[JSON, str]:
    return world.board, "gv:1"


def ask_anonymously(world: World) -> tuple[JSON, str]:
    return world.followup.result, ask_button(True, 1)


def open_question(world: World) -> JSON:
    return world.open_question


def forget_me_ben(world: World) -> tuple[JSON, str]:
    return world.followup.result, forget_button(True, BEN["id"])


def helper_invite(world: World) -> tuple[JSON, str]:
    """ "Yes, ping me" under Ben's invitation to help in #onb26 (course 1)."""
    return world.followup.result, helper_invite_button(True, 1)


def helper_invite_no(world: World) -> tuple[JSON, str]:
    return world.followup.result, helper_invite_button(False, 1)


def helper_asked(action: int) -> Callable[[World], tuple[JSON, str]]:
    """ "I'll answer" (0) or "Not for me" (1) under Ben's question pointed at Leo: only Leo may press."""

    def pressed(world: World) -> tuple[JSON, str]:
        row = world.helper_ask.params["reply_markup"]["inline_keyboard"][0]
        return world.helper_ask.result, row[action]["callback_data"]

    return pressed


def offer_button(action: int) -> Callable[[World], tuple[JSON, str]]:
    """ "That answers it" (0) or "Not quite" (1) under the offer to Mia: only Mia may press."""

    def pressed(world: World) -> tuple[JSON, str]:
        row = world.offer.params["reply_markup"]["inline_keyboard"][0]
        return world.offer.result, row[action]["callback_data"]

    return pressed


def alert_of_open_question(world: World) -> JSON:
    alert: JSON = world.alert.result
    return alert


def story_yes(world: World) -> tuple[JSON, str]:
    """ "Yes, as Ben" under the question about Ben's story 1."""
    return world.followup.result, story_button("n", 1)


def forget_ben(world: World) -> tuple[JSON, str]:
    return world.alert.result, forget_button(True, BEN["id"], course_id=1)


def keep_ben(world: World) -> tuple[JSON, str]:
    return world.alert.result, forget_button(False, BEN["id"], course_id=1)


ONLY_FACILITATOR = {FACILITATOR}
COURSE_MEMBERS = EVERYONE_IN_THE_GROUP  # in private: anyone in a course chat, not a stranger

ROWS = [
    # Courses and settings
    command("/setup #onb26", GROUP, ONLY_FACILITATOR, "Attached"),
    command("/setup #newcourse tagged", GROUP, {FACILITATOR, ADMIN}, "Created"),
    command("/detach", GROUP, {FACILITATOR, ADMIN}, "Detached"),
    command("/course", GROUP, EVERYONE_IN_THE_GROUP, "Facilitators:"),
    command("/settings", GROUP, ONLY_FACILITATOR, "sla 2h"),
    command("/settings sla 1h", GROUP, ONLY_FACILITATOR, "Updated"),
    command("/settings #onb26", PRIVATE, ONLY_FACILITATOR, "sla 2h"),
    command("/settings #onb26 quiet 22:00-07:00", PRIVATE, ONLY_FACILITATOR, "Updated"),
    command("/facilitator add @leo_l", GROUP, ONLY_FACILITATOR, "now facilitates"),
    command("/facilitator add @leo_l #onb26", PRIVATE, ONLY_FACILITATOR, "now facilitates"),
    command("/facilitator remove @ana_f", GROUP, set(), "no longer facilitates"),  # the last one stays
    command("/facilitators", GROUP, EVERYONE_IN_THE_GROUP, "Facilitators of #onb26"),
    command("/facilitators #onb26", PRIVATE, ONLY_FACILITATOR, "Facilitators of #onb26"),
    command("/alerts_here", GROUP, {FACILITATOR}, "will come to this chat"),
    command("/alerts_here #onb26", PRIVATE, ONLY_FACILITATOR, "to each facilitator privately"),
    # Questions and introductions
    command("/ask How do I join the call?", GROUP, EVERYONE_IN_THE_GROUP, "👀"),
    command("/intro Hi, I'm new here", GROUP, EVERYONE_IN_THE_GROUP, "🤗"),
    command("/intro #onb26 Hi, I'm new here", PRIVATE, {LEARNER}, "is saved"),
    command("/solved", GROUP, {LEARNER, FACILITATOR}, "Marked as solved", reply_to=open_question),
    command("/dismiss", GROUP, ONLY_FACILITATOR, "Dismissed", reply_to=open_question),
    command("/questions", GROUP, EVERYONE_IN_THE_GROUP, "Waiting for an answer"),
    command("/mine", PRIVATE, {LEARNER}, "Your questions"),
    duplicate(GROUP, "asked and answered before", reply_to=open_question),
    duplicate(PRIVATE, "Marked as a duplicate", reply_to=alert_of_open_question),
    command("/search slides", GROUP, EVERYONE_IN_THE_GROUP, "Found for"),  # they read the group already
    command("/search slides", PRIVATE, {LEARNER, FACILITATOR}, "Found for"),  # their own courses only
    command("/helper on", GROUP, set(), "I may ping you"),  # private only: it's about them alone
    command("/helper on", PRIVATE, {LEARNER}, "I may ping you"),  # in a course chat they posted in
    command("/helper topics passwords", PRIVATE, {LEARNER}, "your topics: passwords"),
    # Facilitator views
    command("/dashboard", GROUP, ONLY_FACILITATOR, "Your dashboard"),
    command("/dashboard", PRIVATE, {FACILITATOR, OTHER_FACILITATOR}, "Your dashboard"),
    command("/roster", GROUP, ONLY_FACILITATOR, "Introduced"),
    command("/roster #onb26", PRIVATE, ONLY_FACILITATOR, "Introduced"),
    command("/digest", GROUP, ONLY_FACILITATOR, "Digest:"),
    command("/digest #onb26", PRIVATE, ONLY_FACILITATOR, "Digest:"),
    command("/stats", GROUP, ONLY_FACILITATOR, "last 7 days"),
    command("/stats #onb26", PRIVATE, ONLY_FACILITATOR, "last 7 days"),
    command("/unanswered", GROUP, ONLY_FACILITATOR, "unanswered question"),
    command("/unanswered #onb26", PRIVATE, ONLY_FACILITATOR, "unanswered question"),
    command("/export #onb26", PRIVATE, ONLY_FACILITATOR, r"#onb26: \d+ questions"),
    # Guest sessions
    command('/guest @ada_expert "Data jobs" tomorrow 15:00', GROUP, ONLY_FACILITATOR, "Scheduled session"),
    command('/guest #onb26 @ada_expert "Data jobs" tomorrow 15:00', PRIVATE, ONLY_FACILITATOR, "Scheduled"),
    command("/sessions", GROUP, EVERYONE_IN_THE_GROUP, "Careers"),
    command("/sessions", PRIVATE, {LEARNER, FACILITATOR}, "Careers"),
    command("/session_move 1 tomorrow 18:00", GROUP, ONLY_FACILITATOR, "Moved session"),
    command("/session_move 1 tomorrow 18:00", PRIVATE, ONLY_FACILITATOR, "Moved session"),
    command("/session_cancel 1", GROUP, ONLY_FACILITATOR, "Cancelled session"),
    command("/session_cancel 1", PRIVATE, ONLY_FACILITATOR, "Cancelled session"),
    command("/session_hide 1 1", GROUP, ONLY_FACILITATOR, "Hidden"),
    # Scheduled discussions
    command('/discussion "Week one" tomorrow 18:00\nWhat?', GROUP, ONLY_FACILITATOR, "Scheduled discussion"),
    command('/discussion #onb26 "Week" tomorrow 18:00\nWhat?', PRIVATE, ONLY_FACILITATOR, "Scheduled disc"),
    command("/discussions", GROUP, ONLY_FACILITATOR, "Weekly"),
    command("/discussions", PRIVATE, ONLY_FACILITATOR, "Weekly"),
    command("/discussion_prompts 1\nWhat surprised you?", GROUP, ONLY_FACILITATOR, "New prompts"),
    command("/discussion_prompts 1\nWhat surprised you?", PRIVATE, ONLY_FACILITATOR, "New prompts"),
    command("/discussion_move 1 tomorrow 20:00", GROUP, ONLY_FACILITATOR, "Moved discussion"),
    command("/discussion_move 1 tomorrow 20:00", PRIVATE, ONLY_FACILITATOR, "Moved discussion"),
    command("/discussion_cancel 1", GROUP, ONLY_FACILITATOR, "Cancelled discussion"),
    command("/discussion_cancel 1 all", PRIVATE, ONLY_FACILITATOR, "Cancelled discussion"),
    command("/discussion_transcript 2", GROUP, ONLY_FACILITATOR, "Transcript of “Quick”"),
    command("/discussion_transcript 2", PRIVATE, ONLY_FACILITATOR, "Transcript of “Quick”"),
    command("/session_batch 1 3", GROUP, ONLY_FACILITATOR, "questions at a time"),
    command("/session_end 3", GROUP, ONLY_FACILITATOR, "Ended session"),
    command("/askguest 1 Which tools do you use?", GROUP, EVERYONE_IN_THE_GROUP, "Added to the board"),
    command("/askguest 1 Which tools do you use?", PRIVATE, COURSE_MEMBERS, "Added to the board"),
    command("/askguest 1 anon Which tools do you use?", PRIVATE, COURSE_MEMBERS, "Added to the board"),
    command("/transcript 2", GROUP, EVERYONE_IN_THE_GROUP, "Transcript of"),
    command("/transcript 2", PRIVATE, COURSE_MEMBERS, "Transcript of"),
    command("/start ask_1", PRIVATE, COURSE_MEMBERS, "Your question for"),
    command("/start transcript_2", PRIVATE, COURSE_MEMBERS, "Transcript of"),
    command("/skip", PRIVATE, {GUEST}, "Skipped", reply_to=lambda world: world.guest_question),
    # Announcements
    command("/announce tomorrow 10:00\nReminder", GROUP, ONLY_FACILITATOR, "Scheduled announcement"),
    command("/announce #onb26 tomorrow 10:00\nReminder", PRIVATE, ONLY_FACILITATOR, "Scheduled announcement"),
    command("/announcements", GROUP, ONLY_FACILITATOR, "announcement waiting"),
    command("/announcements #onb26", PRIVATE, ONLY_FACILITATOR, "announcement waiting"),
    command("/announce_cancel 1", GROUP, ONLY_FACILITATOR, "Cancelled announcement"),
    command("/announce_cancel 1", PRIVATE, ONLY_FACILITATOR, "Cancelled announcement"),
    # Following a hashtag from afar: chat admins share, facilitators follow for the course
    command("/share #devcon26", GROUP, {FACILITATOR, ADMIN}, "Shared:"),
    command("/shares", GROUP, EVERYONE_IN_THE_GROUP, "shares no hashtag"),
    command("/follow #devcon26 at 19:00", GROUP, ONLY_FACILITATOR, "Following #devcon26"),
    command("/follow #devcon26", PRIVATE, {LEARNER, FACILITATOR, OTHER_FACILITATOR}, "Following #devcon26"),
    command("/following", GROUP, EVERYONE_IN_THE_GROUP, "#devcon26, every day"),
    command("/unfollow #devcon26", GROUP, ONLY_FACILITATOR, "No longer following"),
    # Stories: facilitators choose the showcase and read the stories; only the author consents
    command("/showcase_here #onb26", GROUP, ONLY_FACILITATOR, "will be posted in"),
    command("/showcase", PRIVATE, ONLY_FACILITATOR, "#onb26: posted in"),
    command("/showcase off #onb26", PRIVATE, ONLY_FACILITATOR, "aren't posted anywhere"),
    command("/stories", GROUP, ONLY_FACILITATOR, "Stories of #onb26"),
    command("/stories #onb26", PRIVATE, ONLY_FACILITATOR, "Stories of #onb26"),
    Row("story: yes", PRIVATE, frozenset({LEARNER}), "Your story may be shared", button=story_yes),
    # Buttons
    Row("alert: I'll take it", PRIVATE, frozenset(ONLY_FACILITATOR), "It's yours", button=alert_button(0)),
    Row("alert: snooze", PRIVATE, frozenset(ONLY_FACILITATOR), "Snoozed", button=alert_button(1)),
    Row("alert: not a question", PRIVATE, frozenset(ONLY_FACILITATOR), "Dismissed", button=alert_button(2)),
    Row("follow-up: solved", PRIVATE, frozenset({LEARNER}), "marked as solved", button=followup_button(0)),
    Row("follow-up: not yet", PRIVATE, frozenset({LEARNER}), "still needs help", button=followup_button(1)),
    Row(
        "helper invite: yes",
        PRIVATE,
        frozenset({LEARNER}),
        "I'll ping you now and then",
        button=helper_invite,
    ),
    Row("helper invite: no", PRIVATE, frozenset({LEARNER}), "I won't ping you", button=helper_invite_no),
    Row("helper ask: I'll answer", PRIVATE, frozenset(), "can see you're on it", button=helper_asked(0)),
    Row("helper ask: not for me", PRIVATE, frozenset(), "ask someone else", button=helper_asked(1)),
    Row("offer: that answers it", GROUP, frozenset(), "Glad it helped", button=offer_button(0)),
    Row("offer: not quite", GROUP, frozenset(), "stays open", button=offer_button(1)),
    Row("#solved: which", GROUP, frozenset({LEARNER, FACILITATOR}), "Marked as solved", button=which_solved),
    Row("guest vote", GROUP, EVERYONE_IN_THE_GROUP, "Upvoted", button=vote),
    Row("ask the guest anonymously", PRIVATE, frozenset(COURSE_MEMBERS), "Now type", button=ask_anonymously),
    # Privacy: anyone may read the policy and forget themselves; only facilitators forget others
    command("/privacy", GROUP, EVERYONE_IN_THE_GROUP, "Flock stores"),
    command("/privacy", PRIVATE, frozenset(ROLES), "Your data in Flock"),
    command("/forget_me", PRIVATE, frozenset(ROLES), "Forget me?"),
    # Never in front of the group (the stranger, as always, writes privately, where it works).
    command("/forget_me", GROUP, {STRANGER}, "Forget me?"),
    command("/forget", GROUP, ONLY_FACILITATOR, "Forget Ben in #onb26", reply_to=open_question),
    command("/forget @ben_l #onb26", PRIVATE, ONLY_FACILITATOR, "Forget Ben in #onb26"),
    Row("forget me: confirm", PRIVATE, frozenset({LEARNER}), "Done. Removed", button=forget_me_ben),
    Row("forget: confirm", PRIVATE, frozenset(ONLY_FACILITATOR), "Done. Removed Ben", button=forget_ben),
    Row("forget: cancel", PRIVATE, frozenset(ONLY_FACILITATOR), "Cancelled", button=keep_ben),
]
CELLS = [(row, role) for row in ROWS for role in ROLES]


def chat_for(row: Row, role: str) -> JSON:
    person = PEOPLE[role]
    return CHAT if row.where == GROUP and role != STRANGER else private(person)


def update_for(flock: Harness, world: World, row: Row, role: str) -> JSON:
    person, chat = PEOPLE[role], chat_for(row, role)
    if row.button is None:
        reply_to = row.reply_to(world) if row.reply_to else None
        typed = row.command if isinstance(row.command, str) else row.command(world)
        return flock.telegram.post(chat, person, typed, reply_to=reply_to)
    message, data = row.button(world)
    if role == STRANGER and row.where == GROUP:  # he can't see the group: a forged press
        message = {**message, "chat": private(person)}
    return flock.telegram.press(person, message, data)


def said(calls: list[Call]) -> list[str]:
    """Everything Flock said: messages, edits, captions, button answers, reactions."""
    out = []
    for c in calls:
        if c.method == "setMessageReaction":
            out += [r.get("emoji", "") for r in c.params.get("reaction", [])]
        else:
            out += [str(c.params[k]) for k in ("text", "caption") if c.params.get(k)]
    return out


async def snapshot(flock: Harness) -> dict[str, list[tuple[object, ...]]]:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in UNTRACKED_TABLES]
    async with flock.flock.sessions() as session:
        return {
            name: sorted((tuple(r) for r in await session.execute(text(f"select * from {name}"))), key=repr)
            for name in tables
        }


@dataclass(frozen=True)
class Template:
    path: Path
    world: World
    now: datetime


_TEMPLATE: list[Template] = []  # the world, built by the first cell and copied for every other


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _configure(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    flock.make_admin(CHAT, CAL)
    flock.make_admin(OTHER, FAY)
    flock.api.strangers.add(SAM["id"])


@pytest.fixture
async def cell(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> AsyncIterator[tuple[Harness, World]]:
    """A fresh copy of the world for each cell. The matrix is about rules, not storage, so it
    runs on SQLite only (every other bot test runs on both)."""
    if not _TEMPLATE:
        path = tmp_path_factory.mktemp("authorisation") / "world.db"
        shutil.copy(sqlite_template, path)
        async with Harness(_url(path), FrozenClock()) as builder:
            _configure(builder)
            world = await build_world(builder)
            _TEMPLATE.append(Template(path, world, builder.clock.now()))
    template = _TEMPLATE[0]
    shutil.copy(template.path, tmp_path / "flock.db")
    async with Harness(_url(tmp_path / "flock.db"), FrozenClock(template.now)) as flock:
        _configure(flock)
        flock.telegram.skip_ahead(updates=100_000, messages=10_000)
        flock.api._ids = itertools.count(990_000)  # past the ids of the messages the copy knows
        yield flock, template.world


@pytest.mark.parametrize(("row", "role"), CELLS, ids=[f"{r.name} [{r.where}] × {role}" for r, role in CELLS])
async def test_authorisation(cell: tuple[Harness, World], row: Row, role: str) -> None:
    flock, world = cell
    before = await snapshot(flock)

    calls = await flock.send(update_for(flock, world, row, role))

    words = said(calls)
    worked = any(re.search(row.ok, w) for w in words)
    if role in row.allowed:
        assert worked, f"expected it to work; Flock said {words}"
        return
    assert not worked, f"expected a refusal; Flock said {words}"
    assert words, "a refusal must still answer"
    assert all("went wrong" not in w for w in words), words
    assert await snapshot(flock) == before


# A numbered session used from another course's group: FAY runs #other, in #other's group.
ACROSS_COURSES = ["/askguest 1 Which tools do you use?", "/transcript 2", "/session_cancel 1"]


@pytest.mark.parametrize("typed", ACROSS_COURSES)
async def test_a_session_of_another_course_is_out_of_reach_from_a_group(
    cell: tuple[Harness, World], typed: str
) -> None:
    flock, _ = cell
    before = await snapshot(flock)

    calls = await flock.send(flock.telegram.post(OTHER, FAY, typed))

    assert [c.method for c in calls] == ["sendMessage"]
    assert re.search("isn't part of|Only facilitators of #onb26", calls[0].text)
    assert await snapshot(flock) == before
