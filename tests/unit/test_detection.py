"""Which posts are questions, introductions or resolutions (docs/ARCHITECTURE.md, Glossary)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.detection import (
    INTRO_TAG,
    INTRO_TAGS,
    QUESTION_TAGS,
    SOLVED_TAGS,
    as_asked,
    is_introduction,
    is_question,
    marks_solved,
    reads_as_question,
    strip_tags,
)
from facilitation.model import Detection


@pytest.mark.parametrize(
    "text",
    [
        "How do I install the course tools?",
        "Does anyone know where the recordings are?",
        "Is the deadline on Friday? I couldn't find it in the slides.",
        "Where do I find the schedule ?",
        'She asked "is it open to everyone?"',
        "Who's presenting tomorrow morning (and at what time?)",
        "Can we use Python 3.13?\nOr only 3.11",
        "Does anyone know why???",
        "Welches Modul kommt als nächstes？",
        "Kann ich die Aufgabe später abgeben?",
        "Does anyone know where the slides are?🙏",
        "Does this work on Windows?!",
        "Is it due on Friday?.. asking for a friend",
    ],
)
def test_sentence_ending_with_question_mark_and_four_words_reads_as_question(text: str) -> None:
    assert reads_as_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "why?",
        "Really, why?",
        "Any news today?",
        "Thanks, that helped a lot.",
        "I have a question about the deadline",
        "See https://example.org/page?id=12 for the full schedule",
        "The wildcard a?b matches one character here",
        "The form posts to /submit?=done for every learner",
        "Open https://example.org/?#top to see the full schedule",
        "",
        "???",
        "#q #question @ana /ask?",
        "@ana @ben #onb26 ok?",
    ],
)
def test_short_or_statement_text_does_not_read_as_question(text: str) -> None:
    assert not reads_as_question(text)


def test_hashtags_mentions_and_commands_do_not_count_as_words() -> None:
    assert not reads_as_question("#onb26 @ana /help why?")

    assert reads_as_question("#onb26 @ana why is it broken?")


def test_words_joined_by_apostrophe_or_hyphen_count_once() -> None:
    assert not reads_as_question("don't re-run it?")

    assert reads_as_question("don't re-run it again?")


@pytest.mark.parametrize("tag", sorted(QUESTION_TAGS))
@pytest.mark.parametrize("detect", list(Detection))
def test_question_tag_makes_any_text_a_question(tag: str, detect: Detection) -> None:
    assert is_question(f"#{tag} slides", [tag], detect, replies_to_tracked=True)


def test_auto_detection_tracks_plain_questions() -> None:
    text = "How do I reset my password?"

    assert is_question(text, [], Detection.AUTO, replies_to_tracked=False)


def test_tagged_detection_ignores_plain_questions() -> None:
    text = "How do I reset my password?"

    assert not is_question(text, [], Detection.TAGGED, replies_to_tracked=False)


def test_reply_to_tracked_question_is_not_itself_a_question() -> None:
    text = "Have you tried turning it off and on again?"

    assert not is_question(text, [], Detection.AUTO, replies_to_tracked=True)


def test_other_hashtags_do_not_make_a_question() -> None:
    assert not is_question("#onb26 #intro slides", ["onb26", "intro"], Detection.AUTO, False)


def test_intro_tag_marks_introduction() -> None:
    assert is_introduction(["onb26", INTRO_TAG])

    assert not is_introduction(["introduction", "onb26"])


def test_solved_tag_marks_resolution() -> None:
    assert marks_solved(["solved"])

    assert not marks_solved(["solve", "q"])


def test_strip_tags_removes_only_the_named_tags_in_any_case() -> None:
    text = "#Intro Hi, I'm Ana #onb26 from #introverts"

    assert strip_tags(text, frozenset({INTRO_TAG})) == "Hi, I'm Ana #onb26 from #introverts"


def test_a_question_as_asked_leaves_out_its_courses_hashtags_and_question_tags() -> None:
    tagged = "#ONB26 #lead26 Who presents on Friday? #q"
    assert as_asked(tagged, ["onb26", "#lead26"]) == "Who presents on Friday?"
    assert as_asked("Is #python on the #onb26 agenda?", ["onb26"]) == "Is #python on the agenda?"
    assert as_asked("#onb26_extra slides?", ["onb26"]) == "#onb26_extra slides?"
    assert as_asked(" #onb26 ", ["onb26"]) == "#onb26"  # nothing else left: as stored


def test_strip_tags_leaves_words_inside_other_tags_alone() -> None:
    assert strip_tags("#intro_week and ##intro", frozenset({INTRO_TAG})) == "#intro_week and ##intro"


def test_strip_tags_collapses_the_gap_a_tag_leaves() -> None:
    assert strip_tags("Hi #intro there\nsecond  line", frozenset({INTRO_TAG})) == "Hi there\nsecond line"


def test_strip_tags_with_no_tags_only_trims() -> None:
    assert strip_tags("  #q hello  ", frozenset()) == "#q hello"


@given(st.text())
def test_reading_any_text_as_question_never_raises(text: str) -> None:
    assert reads_as_question(text) in (True, False)


@given(st.text(), st.frozensets(st.sampled_from(["intro", "q", "question", "solved", "a.b", "x+"])))
def test_stripping_tags_never_raises_and_never_grows_the_text(text: str, tags: frozenset[str]) -> None:
    assert len(strip_tags(text, tags)) <= len(text)


@given(st.lists(st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), max_size=3))
def test_fewer_than_four_words_never_read_as_question(words: list[str]) -> None:
    assert not reads_as_question(" ".join(words) + "?")


@given(st.lists(st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True), min_size=4, max_size=12))
def test_four_or_more_words_ending_with_question_mark_read_as_question(words: list[str]) -> None:
    assert reads_as_question(" ".join(words) + "?")


# Reading stays bilingual: French questions, asked the French way, with or without a "?".
@pytest.mark.parametrize(
    "text",
    [
        "Où est-ce que je trouve le calendrier ?",
        "Le lien ne marche pas chez moi. Vous l’avez reçu ?",
        "Est-ce que quelqu'un a le lien de la séance",
        "Est-ce que la séance de jeudi est enregistrée.",
        "Bonjour à tous, est-ce qu’on doit rendre le devoir en PDF",
        "Qu'est-ce qu'on doit lire pour lundi",
        "Quelqu'un sait où sont les enregistrements",
        "Salut ! Quelqu’un pourrait m’expliquer la question 3",
        "Pouvez-vous repartager le lien du formulaire svp",
        "Peux-tu m'envoyer le fichier de la semaine 2",
        "A-t-on accès aux enregistrements après le cours",
        "Y a-t-il une séance cette semaine",
        "Faut-il s'inscrire pour l'atelier de jeudi",
        "Du coup, peut-on rendre le devoir en retard",
        "Comment on installe les outils du cours",
        "Bonjour, comment je fais pour accéder au portail",
        "Pourquoi mon script plante à la ligne 3",
        "Où sont les diapos de la semaine dernière",
        "Quand est la prochaine séance avec l'invitée",
        "Qui présente le projet vendredi matin",
        "Quelle est la date limite pour le devoir",
        "Combien de temps dure l'examen final",
        "À quelle heure commence la séance demain",
        "Dans quel dossier sont les corrigés",
        "C'est quand la prochaine séance avec Mme Tremblay",
        "#onb26 Quelqu’un connaît un bon tutoriel sur Git",
    ],
)
def test_french_questions_read_as_questions(text: str) -> None:
    assert reads_as_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "J'ai une question sur le devoir",
        "Quand j'ai lancé le script, ça a planté.",
        "Quand le prof parle, je prends des notes.",
        "Rendez-vous demain à 15h pour la séance",
        "Inscrivez-vous avant vendredi sur le portail",
        "Connectez-vous au portail avec votre courriel",
        "Quelle belle journée pour apprendre Python !",
        "Combien j'ai aimé cette séance !",
        "Comment dire, c'était vraiment génial.",
        "Où que tu sois, bonne soirée à toi",
        "Pourquoi pas, je m'inscris aussi",
        "Qui vivra verra, comme on dit.",
        "Peut-être que je serai en retard demain",
        "Dis-moi quand tu as fini le devoir",
        "Je ne sais pas qui présente demain",
        "Le cours où on a vu les boucles était super",
        "C'est quand même génial ce cours",
        "Merci, c'est résolu pour moi",
        "Pourquoi ?",
        "Est-ce que ?",
        "Est-ce bon ?",
    ],
)
def test_french_statements_and_short_lines_do_not_read_as_questions(text: str) -> None:
    assert not reads_as_question(text)


def test_french_questions_follow_the_courses_detection() -> None:
    text = "Quelqu'un sait où sont les enregistrements"

    assert is_question(text, [], Detection.AUTO, replies_to_tracked=False)
    assert not is_question(text, [], Detection.TAGGED, replies_to_tracked=False)
    assert not is_question(text, [], Detection.AUTO, replies_to_tracked=True)


@pytest.mark.parametrize("tag", ["intro", "présentation", "presentation"])
def test_an_introduction_is_tagged_in_english_or_french(tag: str) -> None:
    assert is_introduction(["onb26", tag])


@pytest.mark.parametrize("tag", ["solved", "résolu", "resolu", "résolue", "resolue"])
def test_a_resolution_is_tagged_in_english_or_french(tag: str) -> None:
    assert marks_solved([tag])

    assert not marks_solved(["résoudre", "resolved"])


def test_french_tags_are_stripped_composed_or_decomposed_in_any_case() -> None:
    tags = INTRO_TAGS
    assert strip_tags("#Présentation Bonjour, je suis Léa", tags) == "Bonjour, je suis Léa"
    assert strip_tags("#pre\u0301sentation Bonjour", tags) == "Bonjour"
    assert strip_tags("#PRESENTATION Bonjour #présentations", tags) == "Bonjour #présentations"
    assert strip_tags("Merci #résolu", SOLVED_TAGS) == "Merci"
