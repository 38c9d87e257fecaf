"""A guest session in a French course: the group reads French (the board, its buttons, the relayed
answers, the transcript's headings), each person reads their own language in private (the guest's
batch, a learner's /askguest, the toast of a vote)."""

from __future__ import annotations

import re

from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
BEN = user(12, "Ben")  # learner, English app
LEA = {**user(13, "Léa", "lea_q"), "language_code": "fr-CA"}  # learner, French app
ADA = user(20, "Ada", "ada_expert")  # the guest, English app
ZOE = {**user(21, "Zoé", "zoe_expert"), "language_code": "fr"}  # a French-speaking guest
CHAT = group(-1001500, "Onboarding 2026")


def sent(calls: list[Call], chat: JSON) -> list[Call]:
    return [c for c in calls if c.chat_id == chat["id"] and c.method in ("sendMessage", "sendDocument")]


async def french_course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))
    for person in (ANA, BEN, LEA):
        await flock.send(flock.telegram.post(private(person), person, "/start"))


async def schedule(flock: Harness, guest: JSON, when: str = "tomorrow 15:00 90m") -> tuple[Call, Call]:
    """The facilitator's reply (with the invite link) and the board, both in the group."""
    calls = await flock.send(
        flock.telegram.post(CHAT, ANA, f'/guest @{guest["username"]} "Métiers de la donnée" {when}')
    )
    reply, board = sent(calls, CHAT)
    token = re.search(r"start=guest_([A-Za-z0-9_-]+)", reply.text)
    assert token is not None
    await flock.send(flock.telegram.post(private(guest), guest, f"/start guest_{token.group(1)}"))
    return reply, board


def buttons(call: Call) -> dict[str, str]:
    return {
        b["text"]: b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    }


async def test_a_french_course_runs_a_guest_session_each_reading_their_own_language(flock: Harness) -> None:
    await french_course(flock)

    reply, board = await schedule(flock, ADA)

    assert reply.text.startswith(
        "Séance <b>1</b> programmée : « Métiers de la donnée » avec @ada_expert, mar. 3 nov. à 15:00 (UTC), "
        "90 minutes.\n\nEnvoyez ce lien d’invitation à @ada_expert seulement"
    )
    assert board.text.startswith(
        "🎤 <b>Questions à un invité : Métiers de la donnée</b> avec @ada_expert\n"
        "mar. 3 nov. à 15:00 (UTC), 90 minutes.\n\nPosez votre question dès maintenant"
    )

    # A learner with a French app asks privately: her answer is French; the board is French too.
    privately = await flock.send(
        flock.telegram.post(private(LEA), LEA, "/askguest 1 anon Combien gagne-t-on ?")
    )
    bens = await flock.send(flock.telegram.post(CHAT, BEN, "/askguest How did you get your first data job?"))

    assert (
        sent(privately, LEA)[0].text
        == "Question ajoutée au tableau de « Métiers de la donnée ». Les autres peuvent voter pour elle."
    )
    assert (
        sent(bens, CHAT)[0].text
        == "Question ajoutée au tableau de « Métiers de la donnée ». Les autres peuvent voter pour elle."
    )
    edit = [c for c in bens if c.method == "editMessageText"][-1]
    assert "<b>Questions posées</b> (touchez pour voter)" in edit.text
    assert "<b>Q1.</b> Combien gagne-t-on ? — anonyme · 👍 0" in edit.text
    assert "<b>Q2.</b> How did you get your first data job? — Ben · 👍 0" in edit.text
    assert set(buttons(edit)) == {"Q1 · 👍 0", "Q2 · 👍 0"}

    # A vote's toast is for the one who pressed it: in their own language.
    message = {"message_id": edit.params["message_id"], "date": 0, "chat": CHAT}
    lea_votes = await flock.send(flock.telegram.press(LEA, message, buttons(edit)["Q2 · 👍 0"]))
    ben_votes = await flock.send(flock.telegram.press(BEN, message, buttons(edit)["Q1 · 👍 0"]))
    own = await flock.send(flock.telegram.press(LEA, message, buttons(edit)["Q1 · 👍 0"]))
    toasts = [
        next(c for c in calls if c.method == "answerCallbackQuery").params["text"]
        for calls in (lea_votes, ben_votes, own)
    ]
    assert toasts == [
        "Vote enregistré 👍",
        "Upvoted 👍",
        "C’est votre propre question : les autres peuvent voter pour elle.",
    ]

    # At the start the guest, whose app is English, gets the batch in English.
    flock.clock.current = flock.clock.current.replace(day=3, hour=15, minute=0)
    start = await flock.tick()
    batch = sent(start, ADA)
    assert [c.text.split("\n")[0] for c in batch if c.text.startswith("❓")] == [
        "❓ <b>Question 1</b> for “Métiers de la donnée” (asked anonymously):",
        "❓ <b>Question 2</b> for “Métiers de la donnée” (asked by Ben):",
    ]
    assert sent(start, CHAT) == []

    # The guest answers in English; the group reads the frame in French.
    question = next(c for c in batch if "Question 2" in c.text)
    answered = await flock.send(
        flock.telegram.post(private(ADA), ADA, "Through an internship.", reply_to=question.result)
    )
    assert (
        sent(answered, ADA)[0].text
        == "✅ Thanks — your answer is on its way to the group and to whoever asked."
    )
    (relayed,) = sent(answered, CHAT)
    assert relayed.text.startswith("🎤 <b>@ada_expert répond</b> (question de Ben) :\n<i>How did you get")
    assert relayed.text.endswith("Through an internship.")

    # The end: the transcript's headings in French, the board's outcome counted in French, the
    # guest thanked in English, the facilitator's leftovers in English.
    flock.clock.advance(minutes=90)
    end = await flock.tick()

    (document,) = [c for c in sent(end, CHAT) if c.method == "sendDocument"]
    markdown = document.files["document"][1].decode()
    assert markdown.startswith(
        "# Métiers de la donnée\n\n"
        "Questions à l’invité @ada\\_expert pour \\#onb26, 2026-11-03 15:00 (UTC).\n"
    )
    assert (
        "\n## Q2. How did you get your first data job?\n\n*Question de Ben*\n\nThrough an internship.\n"
        in markdown
    )
    assert document.params["caption"] == "📝 Transcription de « Métiers de la donnée » avec @ada_expert"
    final = [c for c in end if c.method == "editMessageText" and c.chat_id == CHAT["id"]][-1]
    assert "Cette séance est terminée : 2 questions posées, 1 avec une réponse." in final.text
    assert sent(end, ADA)[0].text == (
        "🙏 Thank you for “Métiers de la donnée”! You answered 1 question; "
        "the transcript is in the course chat."
    )
    assert "These questions got no answer from the guest:" in sent(end, ANA)[0].text


async def test_a_french_speaking_guest_reads_reminders_batches_and_thanks_in_french(flock: Harness) -> None:
    await french_course(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language en"))  # the group: English
    await schedule(flock, ZOE, "in 30m 45m")
    await flock.send(flock.telegram.post(CHAT, BEN, "/askguest Which tools do you use?"))
    await flock.send(flock.telegram.post(CHAT, LEA, "/askguest What about SQL?"))

    flock.clock.advance(minutes=15)
    reminder = sent(await flock.tick(), ZOE)
    flock.clock.advance(minutes=15)
    batch = sent(await flock.tick(), ZOE)
    for question in batch:
        await flock.send(flock.telegram.post(private(ZOE), ZOE, "Python.", reply_to=question.result))
    flock.clock.advance(minutes=45)
    end = await flock.tick()

    assert reminder[0].text.startswith(
        "⏰ Rappel : votre séance de questions « Métiers de la donnée » avec #onb26 commence dans 15 min, "
        "le lun. 2 nov. à 09:30 (UTC)."
    )
    assert batch[0].text.startswith("❓ <b>Question 1</b> pour « Métiers de la donnée » (posée par Ben) :")
    assert sent(end, ZOE)[0].text == (
        "🙏 Merci pour « Métiers de la donnée » ! Vous avez répondu à 2 questions ; "
        "la transcription est dans le groupe du cours."
    )
    (document,) = [c for c in sent(end, CHAT) if c.method == "sendDocument"]
    assert document.params["caption"] == "📝 Transcript of “Métiers de la donnée” with @zoe_expert"
    assert "*Asked by Léa*" in document.files["document"][1].decode()
