"""Question, answer and introduction texts for the scale deployment, worded like a course's.

The search figures are only as honest as the texts they search: if every question shared the
same words, each match would rank the whole course. So the words are drawn the way a course's
are: a few hundred workplace terms and a long tail of names (tools, systems, places: made-up
syllables), by a Zipf-like curve, so the commonest term is in several percent of the questions
and most are rare.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from itertools import accumulate


def _words(text: str) -> list[str]:
    return text.split()


COMMON = _words("""
vpn password laptop badge printer calendar expense invoice report dashboard repository branch
pipeline cluster database server account email inbox meeting room parking desk monitor headset
keyboard mouse charger docking station wifi network proxy firewall certificate token key license
software update install driver browser plugin extension spreadsheet template document folder
drive backup restore archive timesheet payroll holiday leave sick policy handbook onboarding
training course module quiz exam certificate deadline assignment project ticket issue bug
feature release deploy build test review merge commit migration schema query index table
column api endpoint webhook script notebook python java docker kubernetes container image
registry secret vault credential sso login portal intranet wiki page form request approval
manager mentor buddy team channel group chat call video slides recording agenda minutes
budget purchase order supplier contract signature invoice receipt travel flight hotel visa
insurance pension benefit gym canteen lunch coffee kitchen locker key card elevator floor
building office remote hybrid schedule shift overtime contract probation review feedback goal
objective okr roadmap sprint standup retro kanban board jira confluence slack teams zoom
outlook excel word powerpoint sharepoint onedrive github gitlab jenkins terraform ansible
linux windows mac ios android phone sim roaming hotspot bluetooth screen display resolution
font language keyboard layout accessibility permission role admin access group owner quota
storage disk memory cpu performance latency timeout error crash freeze log monitoring alert
""")
_SYLLABLES = _words(
    "ka lo mi ne ru sa ti vo ze bra cle dri fo gu ha jin kel mor nix pal quo rin sul tor vex wyn"
)
_TAIL = [a + b + c for a, b, c in itertools.product(_SYLLABLES, repeat=3)][:6000]  # made-up names
VOCABULARY = list(dict.fromkeys(COMMON)) + _TAIL
_CUMULATIVE = list(accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(VOCABULARY))))
VERBS = _words("""install configure reset access update submit connect export share book request renew
upload download find enable disable join schedule approve print sync restore migrate rename sign
order cancel register test""")
QUESTIONS = [
    "How do I {v} the {a} for {b}?",
    "Where can I {v} my {a} {b}?",
    "Why does the {a} fail when I {v} {b}?",
    "Is there a way to {v} {a} {b} from {c}?",
    "Who approves {a} {b} requests?",
    "Can someone explain how to {v} {a} with {b}?",
    "My {a} stopped working after I tried to {v} {b}, any idea?",
    "What is the deadline to {v} the {a} {b}?",
]
ANSWERS = [
    "Use the {a} {b} page, then {v} it again.",
    "Ask the {a} team: they {v} {b} within a day.",
    "You need {a} access first; then {v} the {b} from {c}.",
    "It's in the {a} handbook, section {b}.",
]


class Wording:
    def __init__(self, rnd: random.Random) -> None:
        self.random = rnd

    def term(self) -> str:
        return VOCABULARY[bisect(_CUMULATIVE, self.random.random() * _CUMULATIVE[-1])]

    def _fill(self, template: str) -> str:
        return template.format(v=self.random.choice(VERBS), a=self.term(), b=self.term(), c=self.term())

    def question(self) -> str:
        return self._fill(self.random.choice(QUESTIONS))

    def answer(self) -> str:
        return self._fill(self.random.choice(ANSWERS))

    def introduction(self, person: int) -> str:
        return f"Hi, I'm learner {person}, I work with {self.term()} and {self.term()}."
