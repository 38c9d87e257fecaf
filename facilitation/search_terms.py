"""What a text is searched for: its words, without the ones every question shares.

Both indexes (SQLite FTS5, PostgreSQL full-text search) receive only these words, quoted or
joined by the storage itself: what a person types is never read as query syntax (a quote,
NEAR, *, - or a bracket is just a character between words), and words that would match half of
everything (how, do, the; comment, est, le) are left out, which keeps a query's cost to the
words that tell questions apart.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERMS = 16
_WORD = re.compile(r"[^\W_]+")  # letters and digits: never query syntax

_FUNCTION_WORDS = """
    a about after again all also am an and any are as at be been before being but by can could
    did do does doing done for from get gets got had has have having he her here hers him his
    how i if in into is it its just me my no nor not now of off on once only or our out over
    please she should so some such than thank thanks that the their them then there these they
    this those to too under up us very was we were what when where which while who whom why will
    with would you your yours anyone someone anybody somebody know help hi hello hey one way
    question questions

    au aux avec ce ces cet cette comment dans de des du elle elles en est et être il ils je
    la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour
    qu que quel quelle quelles quels qui sa sans se ses si son sur ta te tes toi ton tu un une
    vos votre vous peut peux faut fait faire merci bonjour salut quelqu svp
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())  # English and French words every question is made of


def terms(text: str) -> list[str]:
    """The text's distinct searchable words, lower case, in order of appearance."""
    found: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFKC", text).lower()):
        if len(word) < 2 or word in STOPWORDS or word in found:
            continue
        found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found
