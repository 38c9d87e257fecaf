"""Where a person's words are, and which stored texts a course's retention purges."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, case, or_, select

from facilitation.redaction import REMOVED
from storage.models import (
    AnswerRow,
    DiscussionAnswerRow,
    DiscussionReactionRow,
    DiscussionReplyRow,
    GuestSessionRow,
    IntroductionRow,
    QuestionRow,
    SessionQuestionRow,
)


class Scope:
    """Where one person's words are, in every course or in one."""

    def __init__(self, person_id: int, course_id: int | None) -> None:
        self.person_id, self.course_id, self.removed = person_id, course_id, REMOVED

    def introductions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [IntroductionRow.person_id == self.person_id]
        if self.course_id is not None:
            found.append(IntroductionRow.course_id == self.course_id)
        return found

    def questions(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [QuestionRow.asker_id == self.person_id]
        if self.course_id is not None:
            found.append(QuestionRow.course_id == self.course_id)
        if kept_only:
            found.append(QuestionRow.text != self.removed)
        return found

    def answers(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [AnswerRow.answerer_id == self.person_id]
        if self.course_id is not None:
            found.append(AnswerRow.question_id.in_(_course_questions(self.course_id)))
        if kept_only:
            found.append(AnswerRow.text != self.removed)
        return found

    def discussion_answers(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [DiscussionAnswerRow.author_id == self.person_id]
        if self.course_id is not None:
            found.append(DiscussionAnswerRow.course_id == self.course_id)
        if kept_only:
            found.append(DiscussionAnswerRow.text != self.removed)
        return found

    def discussion_replies(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [DiscussionReplyRow.author_id == self.person_id]
        if self.course_id is not None:
            found.append(DiscussionReplyRow.answer_id.in_(_course_answers(self.course_id)))
        if kept_only:
            found.append(DiscussionReplyRow.text != self.removed)
        return found

    def discussion_reactions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [DiscussionReactionRow.person_id == self.person_id]
        if self.course_id is not None:
            found.append(DiscussionReactionRow.answer_id.in_(_course_answers(self.course_id)))
        return found

    def under_discussion_answers(self, answer_id: Any) -> ColumnElement[bool]:
        """What hangs off the person's answers (reactions and replies to them)."""
        found: ColumnElement[bool] = answer_id.in_(
            select(DiscussionAnswerRow.id).where(*self.discussion_answers())
        )
        return found

    def guest_questions(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [SessionQuestionRow.asker_id == self.person_id]
        if self.course_id is not None:
            found.append(SessionQuestionRow.session_id.in_(_course_sessions(self.course_id)))
        if kept_only:
            found.append(SessionQuestionRow.text != self.removed)
        return found

    def guest_answers(self, kept_only: bool = False) -> list[ColumnElement[bool]]:
        sessions = select(GuestSessionRow.id).where(GuestSessionRow.guest_id == self.person_id)
        if self.course_id is not None:
            sessions = sessions.where(GuestSessionRow.course_id == self.course_id)
        found: list[ColumnElement[bool]] = [
            SessionQuestionRow.session_id.in_(sessions),
            SessionQuestionRow.answer.is_not(None),
        ]
        if kept_only:
            found.append(SessionQuestionRow.answer != self.removed)
        return found


def _course_questions(course_id: int) -> Select[int]:
    return select(QuestionRow.id).where(QuestionRow.course_id == course_id)


def _course_answers(course_id: int) -> Select[int]:
    return select(DiscussionAnswerRow.id).where(DiscussionAnswerRow.course_id == course_id)


def _course_sessions(course_id: int) -> Select[int]:
    return select(GuestSessionRow.id).where(GuestSessionRow.course_id == course_id)


def purgeable(course_id: int, removed: str) -> list[tuple[Any, Any, ColumnElement[bool], dict[str, Any]]]:
    """Per kind of stored text: its rows of the course, the moment that dates it, the condition
    that it still holds words, and what purging writes."""
    sessions = _course_sessions(course_id)
    return [
        (
            QuestionRow,
            QuestionRow.asked_at,
            (QuestionRow.course_id == course_id) & (QuestionRow.text != removed),
            {"text": removed},
        ),
        (
            AnswerRow,
            AnswerRow.answered_at,
            AnswerRow.question_id.in_(_course_questions(course_id)) & (AnswerRow.text != removed),
            {"text": removed},
        ),
        (
            DiscussionAnswerRow,
            DiscussionAnswerRow.answered_at,
            (DiscussionAnswerRow.course_id == course_id) & (DiscussionAnswerRow.text != removed),
            {"text": removed},
        ),
        (
            DiscussionReplyRow,
            DiscussionReplyRow.replied_at,
            DiscussionReplyRow.answer_id.in_(_course_answers(course_id))
            & (DiscussionReplyRow.text != removed),
            {"text": removed},
        ),
        (
            IntroductionRow,
            IntroductionRow.posted_at,
            (IntroductionRow.course_id == course_id) & (IntroductionRow.text != removed),
            {"text": removed},
        ),
        (
            SessionQuestionRow,
            SessionQuestionRow.asked_at,
            SessionQuestionRow.session_id.in_(sessions)
            & or_(SessionQuestionRow.text != removed, SessionQuestionRow.answer != removed),
            {
                "text": removed,
                "normalized": removed,
                "answer": case((SessionQuestionRow.answer.is_(None), None), else_=removed),
            },
        ),
        (
            GuestSessionRow,
            GuestSessionRow.ends_at,
            (GuestSessionRow.course_id == course_id)
            & GuestSessionRow.transcript.is_not(None)
            & (GuestSessionRow.transcript != removed),
            {"transcript": removed},
        ),
    ]
