"""Which posts are questions, introductions or resolutions (docs/ARCHITECTURE.md, Glossary)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from facilitation.model import Detection

QUESTION_TAGS = frozenset({"question", "q"})
INTRO_TAG = "intro"
SOLVED_TAG = "solved"

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
# A "?" that doesn't run into a word or a URL query ("page?id=1"): "?!", "?…" and "?🙏" end sentences.
_ENDS_SENTENCE_WITH_QUESTION_MARK = re.compile(r"[?？](?![\w=&%/#+])")
_MIN_WORDS = 4


def reads_as_question(text: str) -> bool:
    """A sentence ending with '?' in a message of at least four words."""
    words = _WORD.findall(re.sub(r"(?<![\w#])[#@/]\w+", " ", text))
    return len(words) >= _MIN_WORDS and bool(_ENDS_SENTENCE_WITH_QUESTION_MARK.search(text))


def is_question(text: str, tags: list[str], detection: Detection, replies_to_tracked: bool) -> bool:
    if QUESTION_TAGS.intersection(tags):
        return True
    return detection is Detection.AUTO and not replies_to_tracked and reads_as_question(text)


def is_introduction(tags: list[str]) -> bool:
    return INTRO_TAG in tags


def marks_solved(tags: list[str]) -> bool:
    return SOLVED_TAG in tags


def as_asked(text: str, hashtags: Iterable[str]) -> str:
    """A question as it reads, for an excerpt: without its courses' hashtags (in a tagged chat
    every post carries one) or #q/#question; the text as stored if nothing else is left. What is
    stored keeps them: this is only how the question is shown."""
    tags = QUESTION_TAGS | {h.lstrip("#").lower() for h in hashtags}
    return strip_tags(text, tags) or text.strip()


def strip_tags(text: str, tags: frozenset[str]) -> str:
    """The text without the given hashtags, for storing a question or introduction cleanly."""
    pattern = r"(?<![\w#])#(" + "|".join(re.escape(t) for t in sorted(tags)) + r")\b"
    cleaned = re.sub(pattern, "", text, flags=re.IGNORECASE) if tags else text
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()
