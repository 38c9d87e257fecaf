"""The kinds of outbox row: one renderer each, stored as the same strings release after release,
and a kind this version does not know fails its own row, clearly, and nothing else."""

from __future__ import annotations

import ast
import inspect
from collections import Counter

from sqlalchemy import text

from bot import outbox_renderers
from bot.outbox_report import report
from facilitation.notices import NoticeKind
from tests.builders import group, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")
BEN = user(12, "Ben")
CHAT = group(-1001500, "Onboarding 2026")

# What rows already queued hold: a renamed value would leave them without a renderer.
STORED = {
    "alert", "alert_edit", "alert_batch", "nudge", "followup", "reaction", "greeting", "digest",
    "weekly_chart", "session_announced", "session_cancelled", "session_moved", "session_reminder",
    "guest_not_ready", "board_edit", "guest_question", "guest_answer", "guest_answer_private",
    "session_leftovers", "transcript", "leftovers_edit", "guest_thanks", "guest_question_edit",
    "announcement", "announcement_skipped", "announcement_not_pinned",
    "discussion_reminder", "discussion_opening", "discussion_prompt", "discussion_recap",
    "discussion_skipped", "discussion_transcript",
    "catch_up", "catch_up_file",
    "offer", "duplicate",
    "helper_invite", "helper_ask",
    "story_ask", "showcase_post", "showcase_delete", "showcase_undeletable",
    "highlights",
}  # fmt: skip


def _table_keys() -> list[str]:
    """The keys of RENDERERS as written: a key written twice would silently drop a renderer."""
    module = ast.parse(inspect.getsource(outbox_renderers))
    for node in module.body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "RENDERERS":
            assert isinstance(node.value, ast.Dict)
            return [ast.unparse(key) for key in node.value.keys if key is not None]
    raise AssertionError("RENDERERS is not a dict literal in bot/outbox_renderers.py")


def test_every_kind_has_exactly_one_renderer() -> None:
    written = Counter(_table_keys())
    assert [key for key, times in written.items() if times > 1] == []
    assert set(written) == {f"NoticeKind.{kind.name}" for kind in NoticeKind}
    assert set(outbox_renderers.RENDERERS) == set(NoticeKind)


def test_kinds_are_stored_as_the_strings_rows_already_hold() -> None:
    assert {kind.value for kind in NoticeKind} == STORED


async def test_a_kind_this_version_does_not_know_fails_its_row_and_the_chat_goes_on(
    flock: Harness, database_url: str
) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    async with flock.flock.sessions() as session, session.begin():  # queued by a newer version
        await session.execute(
            text(
                "insert into outbox (chat_id, kind, payload, created_at, due_at, attempts)"
                " values (:chat, 'carrier_pigeon', '{}', :now, :now, 0)"
            ),
            {"chat": CHAT["id"], "now": flock.clock.now()},
        )

    calls = await flock.send(flock.telegram.post(CHAT, BEN, "How do I reset my portal password?"))

    assert [c.method for c in calls] == ["setMessageReaction"]  # the question's acknowledgement
    assert await flock.rows(
        "select kind, sent_at is not null, failed_at is not null, last_error from outbox"
        " where chat_id = :chat order by id",
        chat=CHAT["id"],
    ) == [
        (
            "carrier_pigeon",
            False,
            True,
            "unrenderable: ValueError(\"no renderer for outbox kind 'carrier_pigeon'\")",
        ),
        ("reaction", True, False, None),
    ]
    listed = await report(database_url)
    assert "carrier_pigeon → chat -1001500: unrenderable" in listed
