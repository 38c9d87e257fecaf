"""What /search answers: each question found, its state, its best answer's first line, a link."""

from __future__ import annotations

from bot.i18n import _
from bot.texts import STATE_LABELS, excerpt, linked, question_excerpt
from facilitation.search import Results

QUESTION_LENGTH = 90
ANSWER_LENGTH = 100
WORDS_LENGTH = 60


def results(found: Results) -> str:
    words = excerpt(" ".join(found.words), WORDS_LENGTH)  # what was typed, said back, may be long
    if not found.found:
        return _(
            "Nothing found for “{words}”. Try other words, or ask the course with #question.", words=words
        )
    courses = {c.id: c for c in found.courses}
    hashtags = [c.hashtag for c in found.courses]
    lines = [_("<b>Found for “{words}”</b>", words=words)]
    for number, item in enumerate(found.found, 1):
        question = item.question
        where = f"{courses[question.course_id].tag} " if len(courses) > 1 else ""
        line = f"{number}. {where}" + _(
            "{question} — {state}",
            question=linked(question_excerpt(question.text, hashtags, QUESTION_LENGTH), question),
            state=_(STATE_LABELS[question.state.value]),
        )
        answer = first_line(item.answer or "")
        if answer:
            line += "\n    ↳ " + excerpt(answer, ANSWER_LENGTH)
        lines.append(line)
    return "\n".join(lines)


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
