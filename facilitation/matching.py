"""Whether an earlier question matches a new one strongly enough to offer its answer.

The index finds candidates (facilitation.ports.SearchIndex.match: earlier answered or resolved
questions of the course that share enough of the new question's stems, and have a count of stems
that can reach the threshold); this module judges them by the stems the two questions share
(Jaccard: shared stems over all the stems of both). The threshold is set for precision,
measured on the labelled set in tests/quality: offering a wrong answer costs more than none.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from facilitation import detection, parsing
from facilitation.model import Course, Found
from facilitation.ports import UnitOfWork
from facilitation.search_terms import terms

STRONG = 2 / 3  # shared stems over the stems of both: the questions say mostly the same
CANDIDATES = 20
_NUMBER = re.compile(r"\d+")
_ENDINGS = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "e", "x")


@lru_cache(maxsize=16384)  # a course's words come back in question after question
def stem(word: str) -> str:
    """A word's stem, roughly: plurals and common English and French endings off (a match only
    compares two questions, so both are cut the same way)."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=4096)  # a question's are wanted by its match, its index and its judging
def stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in terms(text))


@dataclass(frozen=True)
class _Said:
    """What a similarity compares of a text (worked out once for a new question, not once per
    candidate)."""

    stems: frozenset[str]
    numbers: frozenset[int]


@lru_cache(maxsize=4096)  # a course's answered questions are judged again and again
def _said(text: str) -> _Said:
    return _Said(stems(text), frozenset(_numbers(text)))


def similarity(new: str, earlier: str) -> float:
    """Their shared stems over all the stems of both (0 when either says too little to judge:
    fewer than two words, or when both name numbers and not the same ones: "step 2" and
    "step 3", "week 1" and "week 4" are different questions however alike the rest reads)."""
    return _similar(_said(new), _said(earlier))


def _similar(new: _Said, earlier: _Said) -> float:
    a, b = new.stems, earlier.stems
    if len(a) < 2 or len(b) < 2:
        return 0.0
    if new.numbers and earlier.numbers and new.numbers != earlier.numbers:
        return 0.0
    return len(a & b) / len(a | b)


def _numbers(text: str) -> set[int]:
    """The numbers a text names (the searchable words leave out the short ones, "3" among them)."""
    return {int(number) for number in _NUMBER.findall(text)}


def needed(count: int) -> int:
    """How many of a new question's `count` stems an earlier one must share to match strongly:
    their similarity is at most shared / count (the union holds at least those `count`)."""
    return max(2, math.ceil(STRONG * count - 1e-9))


def sizes(count: int) -> tuple[int, int]:
    """How many stems an earlier question may have to match one of `count` stems strongly: with
    m of them, the similarity is at most m / count (m <= count), or count / m (m > count)."""
    return max(2, math.ceil(STRONG * count - 1e-9)), math.floor(count / STRONG + 1e-9)


@dataclass(frozen=True)
class Query:
    """What a match of a text asks the index (facilitation.ports.SearchIndex.match)."""

    stems: tuple[str, ...]  # sorted
    sizes: tuple[int, int]
    shared: int


@lru_cache(maxsize=4096)  # an inbox batch asks it of a message ahead, then its offer does
def query(text: str) -> Query | None:
    """None when the text says too little to judge (similarity() says 0)."""
    mine = tuple(sorted(_said(text).stems))
    if len(mine) < 2:
        return None
    return Query(mine, sizes(len(mine)), needed(len(mine)))


def asked_as(text: str) -> str | None:
    """The text a question asked by this message is matched on, if the message may ask one in
    any course (posts decide for each course): what an inbox batch matches ahead, all at once."""
    tags = parsing.hashtags(text)
    if detection.QUESTION_TAGS.isdisjoint(tags) and not detection.reads_as_question(text):
        return None
    return detection.question_text(text)


async def strongest(uow: UnitOfWork, course: Course, text: str, before: int) -> tuple[Found, float] | None:
    """The earlier answered or resolved question of the course (asked before the question id
    `before`) that matches the text strongly, with a best answer to quote; None if none does.
    Inside the caller's unit of work. Candidates are judged on their text alone; only the
    strongest are read whole."""
    said, asked = _said(text), query(text)
    if asked is None:
        return None
    candidates = await uow.search.match(course, asked.stems, asked.sizes, asked.shared, before, CANDIDATES)
    scored = [(_similar(said, _said(c.text)), c.question_id) for c in candidates]
    for score, question_id in sorted((s for s in scored if s[0] >= STRONG), key=lambda s: (-s[0], -s[1])):
        for found in await uow.search.found([question_id]):
            if found.answer:
                return found, score
    return None
