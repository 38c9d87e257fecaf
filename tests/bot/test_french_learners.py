"""Learners in French: a course set to French (/settings language fr) hears French in its group,
each person hears their own language in private, and what a group command sends to one person
(a private copy, a button's answer) is in that person's language."""

from __future__ import annotations

from bot import i18n, render_alerts
from bot.recording import Call
from tests.builders import JSON, group, private, user
from tests.support.harness import Harness

ANA = user(11, "Ana", "ana_f")  # facilitator, English app
LEA = {**user(12, "Léa", "lea_q"), "language_code": "fr-CA"}  # learner, French app
BEN = {**user(13, "Ben", "ben_b"), "language_code": "en"}  # learner, English app
ZOE = {**user(14, "Zoé", "zoe_f"), "language_code": "fr"}  # a second facilitator, French app
DANA = user(15, "Dana")
ELI = user(16, "Eli")
CHAT = group(-1001500, "Onboarding 2026")
QUESTION = "#q Comment réinitialiser mon mot de passe ?"
LINK = '<a href="https://t.me/c/1500/{id}">Comment réinitialiser mon mot de passe ?</a>'


async def french_course(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    for person in (ANA, LEA, BEN):
        await flock.send(flock.telegram.post(private(person), person, "/start"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/setup #onb26 Onboarding 2026"))
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings language fr"))


async def say(flock: Harness, chat: JSON, person: JSON, text: str, **kw: object) -> list[Call]:
    return await flock.send(flock.telegram.post(chat, person, text, **kw))


def said(calls: list[Call], chat: JSON) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat["id"]]


def reactions(calls: list[Call]) -> list[str]:
    return [c.params["reaction"][0]["emoji"] for c in calls if c.method == "setMessageReaction"]


async def test_a_learner_introduces_herself_asks_and_follows_her_question_in_french(flock: Harness) -> None:
    await french_course(flock)

    intro = await say(flock, CHAT, LEA, "#intro Bonjour, je suis Léa, de Montréal.")
    asked = await say(flock, CHAT, LEA, QUESTION)
    question_id = asked[0].params["message_id"]
    flock.clock.advance(minutes=5)
    listed = await say(flock, CHAT, BEN, "/questions")
    mine = await say(flock, private(LEA), LEA, "/mine")
    intros = await say(flock, private(LEA), LEA, "/intro")

    assert (said(intro, CHAT), reactions(intro)) == ([], ["🤗"])  # quiet in the group: a reaction
    assert (said(asked, CHAT), reactions(asked)) == ([], ["👀"])
    link = LINK.format(id=question_id)
    assert said(listed, CHAT) == [f"<b>En attente d’une réponse</b>\n• {link} — Léa, il y a 5 min"]
    assert said(mine, LEA) == [
        f"<b>Vos questions</b>\n• #onb26 {link} — ⏳ en attente d’une réponse, il y a 5 min"
    ]
    assert said(intros, LEA) == [
        "<b>#onb26</b> : Bonjour, je suis Léa, de Montréal.\n\n"
        "Envoyez <code>/intro votre nouveau texte</code> pour la remplacer."
    ]


async def test_private_replies_follow_the_person_not_the_course(flock: Harness) -> None:
    await french_course(flock)
    await say(flock, CHAT, LEA, "Bonjour !")
    await say(flock, CHAT, BEN, "Hello!")

    lea = await say(flock, private(LEA), LEA, "/intro Léa, de Montréal, en reconversion.")
    ben = await say(flock, private(BEN), BEN, "/intro Ben from Ottawa.")
    nothing = await say(flock, private(BEN), BEN, "/mine")

    assert said(lea, LEA) == ["Merci ! Votre présentation pour #onb26 est enregistrée. 🤗"]
    assert said(ben, BEN) == ["Thanks! Your introduction for #onb26 is saved. 🤗"]
    assert said(nothing, BEN) == ["You haven't asked anything yet. Ask in your course group with #question."]


async def test_help_in_the_group_is_the_courses_language_and_in_private_the_persons(flock: Harness) -> None:
    await french_course(flock)

    in_group = said(await say(flock, CHAT, BEN, "/help"), CHAT)
    lea = said(await say(flock, private(LEA), LEA, "/help"), LEA)
    ana = said(await say(flock, private(ANA), ANA, "/help"), ANA)

    assert in_group[0].startswith("<b>Flock</b> fait vivre les échanges de ce cours.")
    assert "<code>/settings langue fr</code>" in in_group[0]
    assert "/language choisit la vôtre" in in_group[0]
    assert lea[0].startswith("<b>Flock</b> fait vivre les échanges d’une cohorte en formation")
    assert "/language — la langue dans laquelle je vous écris" in lea[0]
    assert ana[0].startswith("<b>Flock</b> keeps a training cohort talking")
    assert "/language — the language I write to you in" in ana[0]


async def test_the_settings_show_the_course_language_by_its_own_name(flock: Harness) -> None:
    flock.make_admin(CHAT, ANA)
    await say(flock, CHAT, ANA, "/setup #onb26 Onboarding 2026")

    english = said(await say(flock, CHAT, ANA, "/settings"), CHAT)
    changed = said(await say(flock, CHAT, ANA, "/settings language français"), CHAT)
    french = said(await say(flock, CHAT, ANA, "/settings"), CHAT)

    assert english[0].endswith("— the language of the course's groups (now: English)")
    assert changed == [
        "#onb26 : réglage « langue » modifié.\n"
        "délai 2 h · fuseau UTC · silence non · résumé 08:00 · détection auto · langue français"
    ]
    assert french[0].startswith(
        "<b>Onboarding 2026</b> (#onb26)\n"
        "délai 2 h · fuseau UTC · silence non · résumé 08:00 · détection auto · langue français\n\n"
        "Pour modifier un réglage : <code>/settings réglage valeur</code>\n"
        "<code>délai 2h</code> — le délai de réponse"
    )
    assert french[0].endswith("— la langue des groupes du cours (actuellement : français)")


async def test_a_reply_asks_the_asker_in_her_own_language_with_its_buttons(flock: Harness) -> None:
    await french_course(flock)
    lea_asks = flock.telegram.post(CHAT, LEA, QUESTION)
    ben_asks = flock.telegram.post(CHAT, BEN, "#q Where is the schedule?")
    await flock.send(lea_asks, ben_asks)

    to_lea = await say(
        flock, CHAT, BEN, "Le lien est sur la page de connexion.", reply_to=lea_asks["message"]
    )
    to_ben = await say(flock, CHAT, LEA, "Dans l’onglet Calendrier.", reply_to=ben_asks["message"])

    assert said(to_lea, CHAT) == said(to_ben, CHAT) == []  # the group hears nothing
    for calls, asker, asked, answerer, language in (
        (to_lea, LEA, lea_asks, "Ben", "fr"),
        (to_ben, BEN, ben_asks, "Léa", "en"),
    ):
        [followup] = [c for c in calls if c.method == "sendMessage" and c.chat_id == asker["id"]]
        item = {
            "chat_id": CHAT["id"], "message_id": asked["message"]["message_id"], "course": "#onb26",
            "text": asked["message"]["text"], "answerer": answerer,
        }  # fmt: skip
        with i18n.speaking(language):  # the asker's language, whatever the course's
            expected = render_alerts.followup_text(item)
            buttons = [b.text for b in render_alerts.followup_keyboard(1).inline_keyboard[0]]
        assert followup.text == expected
        assert [b["text"] for b in followup.params["reply_markup"]["inline_keyboard"][0]] == buttons
    [lea_followup] = [c for c in to_lea if c.method == "sendMessage" and c.chat_id == LEA["id"]]
    [ben_followup] = [c for c in to_ben if c.method == "sendMessage" and c.chat_id == BEN["id"]]
    link = LINK.format(id=lea_asks["message"]["message_id"]).replace(">Comment", ">« Comment")
    assert lea_followup.text == (
        f"Ben a répondu à votre question {link.replace('?</a>', '? »</a>')} dans #onb26.\n\n"
        "Cette réponse a-t-elle résolu votre question ?"
    )
    assert [b["text"] for b in lea_followup.params["reply_markup"]["inline_keyboard"][0]] == [
        "Oui, résolue",
        "Pas encore",
    ]
    assert "Did this answer your question?" in ben_followup.text  # Ben reads English


async def test_a_refusal_and_a_toast_speak_to_the_one_who_caused_them(flock: Harness) -> None:
    await french_course(flock)

    refused = await say(flock, CHAT, LEA, "/settings sla 1h")
    refused_in_private = await say(flock, private(BEN), BEN, "/settings")
    stale = flock.telegram.press(BEN, {"message_id": 5, "date": 0, "chat": CHAT}, "zz:9")
    toast = [c for c in await flock.send(stale) if c.method == "answerCallbackQuery"]

    assert said(refused, CHAT) == ["Seuls les animateurs de #onb26 peuvent faire cela."]
    assert said(refused_in_private, BEN) == [
        "You don't facilitate any course. Facilitators set one up with /setup."
    ]
    assert [c.params.get("text") for c in toast] == ["That button isn't valid any more."]  # Ben's own


async def test_the_roster_goes_to_each_facilitator_in_their_language_with_plurals(flock: Harness) -> None:
    await french_course(flock)
    await say(flock, private(ZOE), ZOE, "/start")
    added = await say(flock, CHAT, ANA, "/facilitator add @zoe_f")
    await say(flock, CHAT, LEA, "#intro Bonjour, je suis Léa.")
    await say(flock, CHAT, BEN, "Hello!")
    await say(flock, CHAT, BEN, "Anyone here?")
    await say(flock, CHAT, DANA, "Salut")

    zoe = await say(flock, CHAT, ZOE, "/roster")
    ana = await say(flock, CHAT, ANA, "/roster")

    assert said(added, CHAT) == ["Zoé anime désormais #onb26."]
    assert said(zoe, ZOE) == [
        "<b>Onboarding 2026</b> (#onb26) — 3 participants\n\n"
        "<b>Se sont présentés</b> (1)\n• Léa : Bonjour, je suis Léa.\n\n"
        "<b>Ont écrit sans se présenter</b> (2)\n• Ben (2 messages)\n• Dana (1 message)"
    ]
    assert said(ana, ANA) == [
        "<b>Onboarding 2026</b> (#onb26) — 3 learners\n\n"
        "<b>Introduced</b> (1)\n• Léa: Bonjour, je suis Léa.\n\n"
        "<b>Posted but never introduced</b> (2)\n• Ben (2 posts)\n• Dana (1 post)"
    ]
    assert said(zoe, CHAT) == said(ana, CHAT) == ["Je vous l’ai envoyé en message privé."]


async def test_newcomers_are_greeted_in_the_courses_language(flock: Harness) -> None:
    await french_course(flock)

    await flock.send(flock.telegram.joined(CHAT, DANA, ELI))
    greeted = said(await flock.tick(), CHAT)

    assert greeted == [
        "Bienvenue dans Onboarding 2026, Dana et Eli ! 👋\n"
        "Parlez-nous un peu de vous : qui vous êtes, d’où vous nous rejoignez et ce que vous attendez "
        "du cours. Ajoutez #présentation (ou #intro) à votre message, ou utilisez /intro."
    ]
