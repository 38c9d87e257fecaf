"""Whether an earlier question matches a new one strongly enough to offer its answer.

The index finds candidates (facilitation.ports.SearchIndex.match: earlier answered or resolved
questions of the course sharing a word); this module judges them by the stems the two questions
share (Jaccard: shared stems over all the stems of both). The threshold is set for precision,
measured on the labelled set in tests/quality: offering a wrong answer costs more than none.
"""

from __future__ import annotations

from facilitation.model import Course, Found
from facilitation.ports import UnitOfWork
from facilitation.search_terms import terms

STRONG = 2 / 3  # shared stems over the stems of both: the questions say mostly the same
CANDIDATES = 20
_ENDINGS = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "e", "x")


def stem(word: str) -> str:
    """A word's stem, roughly: plurals and common English and French endings off (a match only
    compares two questions, so both are cut the same way)."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def stems(text: str) -> set[str]:
    return {stem(word) for word in terms(text)}


def similarity(new: str, earlier: str) -> float:
    """Their shared stems over all the stems of both (0 when either says too little to judge:
    fewer than two words)."""
    a, b = stems(new), stems(earlier)
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / len(a | b)


async def strongest(uow: UnitOfWork, course: Course, text: str, before: int) -> tuple[Found, float] | None:
    """The earlier answered or resolved question of the course (asked before the question id
    `before`) that matches the text strongly, with a best answer to quote; None if none does.
    Inside the caller's unit of work."""
    best: tuple[Found, float] | None = None
    for found in await uow.search.match(course, terms(text), CANDIDATES, before):
        if not found.answer:
            continue
        score = similarity(text, found.question.text)
        if score >= STRONG and (best is None or score > best[1]):
            best = (found, score)
    return best
