"""Which posts are questions, introductions or resolutions (docs/ARCHITECTURE.md, Glossary)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from facilitation.model import Detection

# Reading stays bilingual whatever language is spoken: each tag in English and French, with and
# without its accent (docs/ARCHITECTURE.md, Languages; README, Languages).
QUESTION_TAGS = frozenset({"question", "q"})
INTRO_TAG = "intro"
SOLVED_TAG = "solved"
INTRO_TAGS = frozenset({INTRO_TAG, "présentation", "presentation"})
SOLVED_TAGS = frozenset({SOLVED_TAG, "résolu", "resolu", "résolue", "resolue"})

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
# A "?" that doesn't run into a word or a URL query ("page?id=1"): "?!", "?…" and "?🙏" end sentences.
_ENDS_SENTENCE_WITH_QUESTION_MARK = re.compile(r"[?？](?![\w=&%/#+])")
_MIN_WORDS = 4


@lru_cache(maxsize=2048)  # an inbox batch asks it of a message ahead, then its handler does
def reads_as_question(text: str) -> bool:
    """A message of at least four words with a sentence ending with '?' (French typography's
    "Où est le lien ?" too), or, in French, a sentence asked the French way without one: "Est-ce
    que …", "Quelqu'un sait …", "Pouvez-vous …", "Pourquoi …", "Où sont …" (`_asks_in_french`)."""
    text = unicodedata.normalize("NFC", text)
    plain = re.sub(r"(?<![\w#])[#@/]\w+", " ", text)
    if len(_WORD.findall(plain)) < _MIN_WORDS:
        return False
    return bool(_ENDS_SENTENCE_WITH_QUESTION_MARK.search(text)) or _asks_in_french(plain)


# French questions often go without "?" in a chat. A sentence asks when it opens the way only a
# question does; words that also open statements ("quand" as "when(ever)", "qui", "quel" in
# "Quelle belle journée", imperatives like "Inscrivez-vous") count only in a question's shape.
_SENTENCE = re.compile(r"([^.!?？…\n]+)([.!?？…]*)")
_LEAD_IN = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|coucou|allô|allo|hello|hey|re|dites|svp|s'il vous plaît"
    r"|petite question|une question|question|et|mais|donc|alors|sinon|du coup|au fait|ok|bref)"
    r"(?:\s+(?:à tous|à toutes|à tous et à toutes|tout le monde|la gang|les amis|encore))?"
    r"\s*[,:;]?\s+)+"
)
# Inversion, the written French question: "a-t-on", "faut-il", "peux-tu", "puis-je"; with
# "-vous"/"-nous" only after verbs that ask ("Pouvez-vous", not "Inscrivez-vous avant vendredi").
_INVERTED = re.compile(
    r"^[^\W\d_]+-(?:t-)?(?:je|tu|il|elle|on|ils|elles)$"
    r"|^(?:pouvez|pourriez|savez|sauriez|avez|auriez|êtes|etes|seriez|voulez|voudriez|connaissez"
    r"|devez|devriez|allez|pensez|croyez|recommandez|conseillez|comprenez|utilisez)-vous$"
    r"|^(?:pouvons|pourrions|savons|avons|aurons|sommes|serons|devons|devrions|allons|voulons)-nous$"
)
_ASKS_ANYWHERE = re.compile(r"\best-ce qu")  # "Est-ce que …", "Qu'est-ce qu'on …", "Où est-ce que …"
_ASKS = re.compile(
    r"^(?:quelqu'une?|qqn)\s+(?:sait|saurait|connaît|connait|a|aurait|peut|pourrait|veut|voudrait"
    r"|pourra|serait|aurait)\b"
)
_WHEN_ASKED = (
    r"(?:est|sera|seront|sont|commence|commencent|débute|debute|finit|finissent|termine|a|aura|ont"
    r"|auront|doit|doivent|faut|peut|pourra|arrive|sort|sortent|ouvre|ferme|reprend|recommence)"
)
_WHICH = r"(?:quel|quelle|quels|quelles|lequel|laquelle|lesquels|lesquelles)"
_ASKS_UNLESS_STATED = re.compile(  # only in a sentence that doesn't end with "." or "!"
    r"^(?:pourquoi\b(?!\s+pas\b)|comment\b(?!\s+dire\b)|combien\b|où\b(?!\s+que\b)|qui\s+\w"
    rf"|quand\s+{_WHEN_ASKED}\b|{_WHICH}\s+(?:est|sont|sera|seront|serait|était|étaient|etait)\b"
    r"|(?:(?:à|a|de|pour|dans|sur|avec|en|par|chez|depuis|jusqu'à)\s+|d')"
    rf"(?:{_WHICH}|qui|quoi|quand|où|combien)\b"
    r"|que\s+(?:faire|veut dire|veulent dire|signifie|signifient)\b"
    r"|c'est\s+(?:quand|où|qui|quoi|combien|comment)\b(?!\s+même\b))"
)


def _asks_in_french(text: str) -> bool:
    for body, end in _SENTENCE.findall(text.replace("’", "'").lower()):
        sentence = _LEAD_IN.sub("", " ".join(body.split()) + " ").strip()
        if "!" in end:
            continue
        if _ASKS_ANYWHERE.search(sentence) or _ASKS.match(sentence):
            return True
        if any(_INVERTED.match(word.strip(",;:")) for word in sentence.split()[:3]):
            return True
        if "." not in end and _ASKS_UNLESS_STATED.match(sentence):
            return True
    return False


def is_question(text: str, tags: list[str], detection: Detection, replies_to_tracked: bool) -> bool:
    if QUESTION_TAGS.intersection(tags):
        return True
    return detection is Detection.AUTO and not replies_to_tracked and reads_as_question(text)


def is_introduction(tags: list[str]) -> bool:
    return not INTRO_TAGS.isdisjoint(tags)


def marks_solved(tags: list[str]) -> bool:
    return not SOLVED_TAGS.isdisjoint(tags)


def as_asked(text: str, hashtags: Iterable[str]) -> str:
    """A question as it reads, for an excerpt: without its courses' hashtags (in a tagged chat
    every post carries one) or #q/#question; the text as stored if nothing else is left. What is
    stored keeps them: this is only how the question is shown."""
    tags = QUESTION_TAGS | {h.lstrip("#").lower() for h in hashtags}
    return strip_tags(text, tags) or text.strip()


@lru_cache(maxsize=2048)  # an inbox batch asks it of a message ahead, then its handler does
def question_text(text: str) -> str:
    """What a question asked by this message stores (and is matched on): its question tags off."""
    return strip_tags(text, QUESTION_TAGS) or text


def strip_tags(text: str, tags: frozenset[str]) -> str:
    """The text without the given hashtags, for storing a question or introduction cleanly.
    A tag's accented letters match composed ("é") or decomposed ("e" + accent) as typed."""
    spellings = {unicodedata.normalize(form, t) for t in tags for form in ("NFC", "NFD")}
    pattern = r"(?<![\w#])#(" + "|".join(re.escape(t) for t in sorted(spellings)) + r")(?![\w\u0300-\u036f])"
    cleaned = re.sub(pattern, "", text, flags=re.IGNORECASE) if tags else text
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()
