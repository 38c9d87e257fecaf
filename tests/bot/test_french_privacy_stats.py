"""Privacy, /stats and /export in French: a French-speaking facilitator of an English course
gets her stats, chart and export in French (the group hears English); /privacy, /forget_me and
its buttons speak each reader's language; the demo's account can be told in French."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from matplotlib.figure import Figure

from bot import stats_chart, texts
from bot.demo_story import Narrator
from bot.recording import Call
from tests.builders import Telegram, private, user
from tests.support.cohort import ANA, BEN, CHAT, CLEO, at, sent, set_up, two_days, upload
from tests.support.harness import Harness

ANA_FR = {**ANA, "language_code": "fr-CA"}  # the facilitator reads French; the course is English
LEA = {**user(17, "Léa", "lea_q"), "language_code": "fr"}  # a French-speaking learner

SUMMARY = (
    "<b>Onboarding 2026</b> (#onb26) · 7 derniers jours\n"
    "Questions posées : 5\n"
    "⏳ ouvertes 1 · 💬 avec réponse 2 · ✅ résolues 1 · écartées 1\n"
    "Délai médian avant la première réponse : 40 min\n"
    "Première réponse d’un pair : 2 sur 3 (67 %)\n"
    "Participants les plus aidants : Cleo (2), Ben (1)\n"
    "Jour le plus chargé : mar. 3 nov. (3 questions posées)"
)


async def test_a_french_facilitator_gets_stats_and_chart_in_french_and_the_group_hears_english(
    flock: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await two_days(flock)
    figures: list[Figure] = []
    draw = stats_chart.draw
    monkeypatch.setattr(stats_chart, "draw", lambda stats: figures.append(draw(stats)) or figures[-1])

    calls = await flock.send(flock.telegram.post(CHAT, ANA_FR, "/stats"))

    assert [(c.chat_id, c.text) for c in sent(calls, "sendMessage")] == [
        (ANA["id"], SUMMARY),
        (CHAT["id"], texts.SENT_PRIVATELY),  # the course's language: English
    ]
    [photo] = sent(calls, "sendPhoto")
    assert photo.params["caption"] == "#onb26 · questions par jour selon leur issue, 7 derniers jours"
    [figure] = figures
    [bars, waits] = figure.axes
    assert figure.get_suptitle() == "#onb26 : questions par jour, 7 derniers jours"
    assert bars.get_ylabel() == "questions posées"
    assert waits.get_ylabel() == "délai médian avant la première réponse (minutes)"
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == [
        "résolues",
        "avec réponse",
        "ouvertes",
        "écartées",
        "délai médian avant la première réponse",
    ]
    assert [t.get_text() for t in bars.get_xticklabels()][-2:] == ["lun.\n2 nov.", "mar.\n3 nov."]


async def test_a_french_facilitator_s_export_has_a_french_report(flock: Harness) -> None:
    await two_days(flock)

    calls = await flock.send(flock.telegram.post(private(ANA_FR), ANA_FR, "/export"))

    [document] = sent(calls, "sendDocument")
    # plurals by the French rule: 0 takes the singular
    assert document.params["caption"] == "#onb26 : 5 questions, 4 réponses, 4 participants, 0 présentation."
    archive = zipfile.ZipFile(io.BytesIO(upload(document, "document")[1]))
    report = archive.read("report.md").decode()
    assert report.startswith("# Onboarding 2026 (#onb26)\n\nExporté par Flock le 2026-11-03 12:00 (UTC).\n")
    assert "## Totaux\n\n| quoi | nombre |" in report
    assert "| · ouvertes | 1 |\n| · avec réponse, pas encore résolues | 2 |" in report
    assert "## Questions non résolues (3)" in report
    assert "· Dan (@dan\\_d) · avec réponse, pas encore résolues: " in report
    assert "## Fichiers" in report
    # spreadsheet headings stay machine-readable English
    assert archive.read("learners.csv").decode("utf-8-sig").startswith("person_id,name,username,posts")


async def test_privacy_and_forget_me_in_french(flock: Harness) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(private(LEA), LEA, "/start"))
    await at(flock, 9, 0, LEA, "Où sont les diapositives du premier jour ?")
    await at(flock, 9, 5, LEA, "Et la salle, c’est laquelle pour demain ?")
    cleos = await at(flock, 9, 10, CLEO, "Where is the shared drive?")
    await at(flock, 9, 15, LEA, "In the course wiki, under Files.", reply_to=cleos["message"])

    [explained] = await flock.replies(flock.telegram.post(private(LEA), LEA, "/privacy"))
    calls = await flock.send(flock.telegram.post(private(LEA), LEA, "/forget_me"))
    [asked] = sent(calls, "sendMessage")
    labels = [b["text"] for row in asked.params["reply_markup"]["inline_keyboard"] for b in row]
    done = await flock.send(flock.telegram.press(LEA, asked.result, _data(asked, "M’oublier")))

    assert explained.startswith("<b>Vos données dans Flock</b>")
    assert "pendant 7 jours" in explained
    assert "« [effacé] »" in explained  # what is stored in place of words, as a French reader sees it
    assert asked.text.startswith("<b>M’oublier ?</b>\n")
    assert "(2 questions et 1 réponse)" in asked.text
    assert labels == ["M’oublier", "Annuler"]
    assert [c.text for c in done if c.method == "editMessageText"] == [
        "C’est fait. Effacé : 2 questions et 1 réponse. "
        "Vous apparaissez désormais comme « Ancien participant ». "
        "Si vous écrivez de nouveau dans un cours, je le conserverai comme tout nouveau message."
    ]


async def test_forget_me_in_a_french_group_and_a_button_s_answer_in_the_presser_s_language(
    flock: Harness,
) -> None:
    await set_up(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))
    mine = await flock.send(flock.telegram.post(private(BEN), BEN, "/forget_me"))
    [asked] = sent(mine, "sendMessage")

    [refused] = await flock.replies(flock.telegram.post(CHAT, BEN, "/forget_me"))
    forged = await flock.send(flock.telegram.press(LEA, asked.result, _data(asked, "Forget me")))

    assert refused.startswith("Faisons cela en privé : <a href=")
    assert refused.endswith("et envoyez-y /forget_me. Rien n’a été modifié.")
    assert asked.text.startswith("<b>Forget me?</b>")  # Ben's app is English
    assert [c.params.get("text") for c in forged if c.method == "answerCallbackQuery"] == [
        "Ce bouton n’est pas pour vous."
    ]


def test_the_demo_s_account_can_be_told_in_french() -> None:
    from bot import i18n

    at = datetime(2026, 11, 3, 9, 15, tzinfo=UTC)
    update = Telegram(FixedClock(at)).post(CHAT, BEN, "#q Où est la salle ?")
    narrator = Narrator()
    narrator.learn(update)
    with i18n.speaking("fr"):
        french = narrator.update(update, at, [], [])
    english = Narrator().update(update, at, [], [])

    assert french == ["", "── mardi 3 novembre ──", "mar. 09:15 — Ben dans le groupe : #q Où est la salle ?"]
    assert english == ["", "── Tuesday 3 November ──", "Tue 09:15 — Ben in the group: #q Où est la salle ?"]


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def _data(call: Call, label: str) -> str:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in keyboard for b in row if b["text"] == label)
