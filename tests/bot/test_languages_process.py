"""Black-box: a course set to French, a French-speaking learner and an English-speaking
facilitator, against a real `flock run` (tests/support/process_cohort.py drives it).

Each reads Flock in their own language where the message is theirs; the group reads French.
"""

from __future__ import annotations

import pytest

from tests.builders import group, private, user
from tests.support.process_cohort import ANA, Cohort, alerts, messages, mid, reactions, said, set_up, start
from tests.support.telegram_html import visible_text

pytestmark = pytest.mark.process

COURSE = group(-1006001, "Cohorte Montréal")
LEA = {**user(31, "Léa", "lea_m"), "language_code": "fr"}  # her Telegram app is in French
TOM = {**user(32, "Tom", "tom_k"), "language_code": "en"}
ANA_EN = {**ANA, "language_code": "en"}  # the facilitator's app is in English


def buttons(call: object) -> list[str]:
    markup = getattr(call, "params", {}).get("reply_markup", {})
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def test_each_reads_their_own_language_and_the_group_reads_the_courses(cohort: Cohort) -> None:
    start(cohort, ANA_EN, LEA)
    set_up(cohort, COURSE, "mtl26", "Cohorte Montréal")
    _, calls = cohort.say(COURSE, ANA_EN, "/settings language fr")
    assert said(calls, COURSE)[0].startswith("#mtl26 : réglage « langue » modifié.")
    assert said(calls, COURSE)[0].endswith("langue français")

    # The group reads French: Léa's French tag, her French question (no "?"), /questions, /help.
    intro, calls = cohort.say(COURSE, LEA, "#présentation Bonjour, je suis Léa, infirmière à Laval.")
    assert reactions(calls, COURSE) == [(mid(intro), "🤗")]
    words = "Bonjour à tous, est-ce que quelqu'un sait où trouver le guide du module 2"
    asked, calls = cohort.say(COURSE, LEA, words)
    assert reactions(calls, COURSE) == [(mid(asked), "👀")]
    _, calls = cohort.say(COURSE, TOM, "/questions")
    (listing,) = said(calls, COURSE)
    assert listing.startswith("En attente d’une réponse")
    assert "Léa, à l’instant" in listing
    _, calls = cohort.say(COURSE, TOM, "/help")
    assert said(calls, COURSE)[0].startswith("Flock fait vivre les échanges de ce cours.")

    # The SLA passes: the alert is Ana's, in English, buttons too.
    calls = cohort.advance(lambda c: bool(alerts(c, ANA, "#mtl26")), "Léa's alert", hours=2, minutes=1)
    (alert,) = alerts(calls, ANA, "#mtl26")
    assert visible_text(alert.text).startswith("⏰ Unanswered in #mtl26")
    assert buttons(alert) == ["I'll take it", "Snooze 1h", "Not a question"]

    # Tom answers in the group: Léa is asked privately, in French, with French buttons.
    _, calls = cohort.say(COURSE, TOM, "It's in the shared drive, folder 2.", reply_to=asked["message"])
    (followup,) = messages(calls, LEA)
    assert "Cette réponse a-t-elle résolu votre question ?" in visible_text(followup.text)
    assert buttons(followup) == ["Oui, résolue", "Pas encore"]

    # Léa's own view, in private, in French; Ana's digest, in private, in English.
    _, calls = cohort.say(private(LEA), LEA, "/mine")
    assert said(calls, LEA)[0].startswith("Vos questions")
    _, calls = cohort.say(private(ANA_EN), ANA_EN, "/unanswered")
    assert not any("Sans réponse" in text for text in said(calls, ANA))

    # Léa prefers English after all: from now on she reads English in private, the group French.
    _, calls = cohort.say(private(LEA), LEA, "/language en")
    assert said(calls, LEA) == ["Done: I write to you in English from now on."]
    _, calls = cohort.say(private(LEA), LEA, "/mine")
    assert said(calls, LEA)[0].startswith("Your questions")
    _, calls = cohort.say(COURSE, LEA, "/questions")
    assert said(calls, COURSE)[0].startswith(("Avec réponse", "En attente", "Aucune question"))
    cohort.stop_cleanly()
