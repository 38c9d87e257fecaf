"""Callback data for inline buttons: a small strict grammar, so forged data is refused early."""

from __future__ import annotations

import re
from dataclasses import dataclass

ALERT_ACTIONS = {"c": "claim", "s": "snooze", "d": "dismiss"}
_ALERT = re.compile(r"al:([csd]):([0-9]{1,12})")


@dataclass(frozen=True)
class AlertButton:
    action: str
    alert_id: int


def alert_button(action: str, alert_id: int) -> str:
    code = next(k for k, v in ALERT_ACTIONS.items() if v == action)
    return f"al:{code}:{alert_id}"


def parse_alert_button(data: str | None) -> AlertButton | None:
    match = _ALERT.fullmatch(data or "")
    if match is None:
        return None
    return AlertButton(ALERT_ACTIONS[match.group(1)], int(match.group(2)))


_FOLLOWUP = re.compile(r"fu:([yn]):([0-9]{1,12})")


@dataclass(frozen=True)
class FollowupButton:
    solved: bool
    question_id: int


def followup_button(solved: bool, question_id: int) -> str:
    return f"fu:{'y' if solved else 'n'}:{question_id}"


def parse_followup_button(data: str | None) -> FollowupButton | None:
    match = _FOLLOWUP.fullmatch(data or "")
    if match is None:
        return None
    return FollowupButton(match.group(1) == "y", int(match.group(2)))


_OFFER = re.compile(r"of:([yn]):([0-9]{1,12})")


def offer_button(accepted: bool, question_id: int) -> str:
    """An earlier answer offered: "That answers it" (y) or "Not quite" (n)."""
    return f"of:{'y' if accepted else 'n'}:{question_id}"


def parse_offer_button(data: str | None) -> FollowupButton | None:
    """The offer's answer, as a follow-up's: solved (accepted) or not, and the question."""
    return parse_followup_button(f"fu:{data[3:]}") if data and _OFFER.fullmatch(data) else None


_WHICH_SOLVED = re.compile(r"sv:([0-9]{1,12})")


def which_solved_button(message_id: int) -> str:
    """A #solved outside a thread, asking which question: the chosen question's message."""
    return f"sv:{message_id}"


def parse_which_solved_button(data: str | None) -> int | None:
    match = _WHICH_SOLVED.fullmatch(data or "")
    return int(match.group(1)) if match else None


_VOTE = re.compile(r"gv:([0-9]{1,12})")


def vote_button(question_id: int) -> str:
    return f"gv:{question_id}"


def parse_vote_button(data: str | None) -> int | None:
    match = _VOTE.fullmatch(data or "")
    return int(match.group(1)) if match else None


_FORGET_ME = re.compile(r"pv:m:([yn]):(\d{1,16})")
_FORGET = re.compile(r"pv:f:([yn]):(\d{1,12}):(\d{1,16})")


@dataclass(frozen=True)
class ForgetButton:
    confirmed: bool
    person_id: int  # whose words go
    course_id: int | None = None  # None: /forget_me, every course


def forget_button(confirmed: bool, person_id: int, course_id: int | None = None) -> str:
    answer = "y" if confirmed else "n"
    if course_id is None:
        return f"pv:m:{answer}:{person_id}"
    return f"pv:f:{answer}:{course_id}:{person_id}"


def parse_forget_button(data: str | None) -> ForgetButton | None:
    if match := _FORGET_ME.fullmatch(data or ""):
        return ForgetButton(match.group(1) == "y", int(match.group(2)))
    if match := _FORGET.fullmatch(data or ""):
        return ForgetButton(match.group(1) == "y", int(match.group(3)), int(match.group(2)))
    return None


_ASK = re.compile(r"ga:([na]):([0-9]{1,12})")


def ask_button(anonymous: bool, session_id: int) -> str:
    return f"ga:{'a' if anonymous else 'n'}:{session_id}"


def parse_ask_button(data: str | None) -> tuple[int, bool] | None:
    """(session id, anonymous) of an "ask with my name / anonymously" button."""
    match = _ASK.fullmatch(data or "")
    return (int(match.group(2)), match.group(1) == "a") if match else None


_HELPER_INVITE = re.compile(r"hi:([yn]):([0-9]{1,12})")


def helper_invite_button(yes: bool, course_id: int) -> str:
    """ "Yes, ping me" / "No thanks" under the invitation to help in a course."""
    return f"hi:{'y' if yes else 'n'}:{course_id}"


def parse_helper_invite_button(data: str | None) -> tuple[bool, int] | None:
    """(yes, course id)."""
    match = _HELPER_INVITE.fullmatch(data or "")
    return (match.group(1) == "y", int(match.group(2))) if match else None


_HELPER_ASK = re.compile(r"hq:([an]):([0-9]{1,12})")


def helper_ask_button(answering: bool, question_id: int) -> str:
    """ "I'll answer" / "Not for me" under a question pointed at a helper."""
    return f"hq:{'a' if answering else 'n'}:{question_id}"


def parse_helper_ask_button(data: str | None) -> tuple[bool, int] | None:
    """(answering, question id)."""
    match = _HELPER_ASK.fullmatch(data or "")
    return (match.group(1) == "a", int(match.group(2))) if match else None


_STORY = re.compile(r"st:([nlk]):([0-9]{1,12})")
STORY_CHOICES = {"n": "name", "l": "learner", "k": "kept"}  # facilitation.model.Consent's values


def story_button(code: str, story_id: int) -> str:
    """ "Yes, as <name>" (n) / "Yes, as “a learner”" (l) / "Keep it in the group" (k)."""
    return f"st:{code}:{story_id}"


def parse_story_button(data: str | None) -> tuple[str, int] | None:
    """(the consent chosen, story id)."""
    match = _STORY.fullmatch(data or "")
    return (STORY_CHOICES[match.group(1)], int(match.group(2))) if match else None
