"""/export: a zip of CSVs and a report, streamed from the database, for facilitators only."""

import io
import zipfile
from datetime import timedelta

from sqlalchemy import insert, select

from bot.render_stats import EXPORT_IN_PRIVATE
from storage.models import CourseRow, QuestionRow
from tests.builders import JSON, private
from tests.support.cohort import (
    ANA,
    BEN,
    CHAT,
    CLEO,
    DAN,
    OTHER,
    ZOE,
    at,
    sent,
    set_up,
    two_days,
    upload,
    zipped_csv,
)
from tests.support.harness import Harness

LINK = "https://t.me/c/1500/"


async def export(flock: Harness, person: JSON = ANA, text: str = "/export") -> tuple[str, zipfile.ZipFile]:
    calls = await flock.send(flock.telegram.post(private(person), person, text))
    [document] = sent(calls, "sendDocument")
    assert document.chat_id == person["id"]
    name, content = upload(document, "document")
    return name, zipfile.ZipFile(io.BytesIO(content))


async def test_export_sends_a_dated_zip_of_csv_files_and_a_report(flock: Harness) -> None:
    await two_days(flock)

    calls = await flock.send(flock.telegram.post(private(ANA), ANA, "/export"))

    [document] = sent(calls, "sendDocument")
    assert document.params["caption"] == "#onb26: 5 questions, 4 answers, 4 learners, 0 introductions."
    name, content = upload(document, "document")
    assert name == "onb26-export-2026-11-03.zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == [
        "questions.csv",
        "introductions.csv",
        "learners.csv",
        "stories.csv",
        "report.md",
    ]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    assert sent(calls, "sendMessage") == []


async def test_questions_csv_has_a_row_per_answer_and_one_for_each_unanswered_question(
    flock: Harness,
) -> None:
    q = await two_days(flock)

    _, archive = await export(flock)

    rows = zipped_csv(archive, "questions.csv")
    assert [(r["question"], r["state"], r["answerer_name"], r["by_facilitator"]) for r in rows] == [
        ("How do I install the course tools?", "resolved", "Cleo", "no"),
        ("Where are the slides from day one?", "answered", "Ana", "yes"),
        ("Is there a recording of the kickoff?", "open", "", ""),
        ("Does anyone want to pair on the exercise?", "dismissed", "", ""),
        ("What is the deadline for the first assignment?", "answered", "Cleo", "no"),
        ("What is the deadline for the first assignment?", "answered", "Ben", "no"),
    ]
    first = rows[0]
    assert first["asked_at"] == "2026-11-02T09:10:00+00:00"
    assert first["answered_at"] == "2026-11-02T09:30:00+00:00"
    assert first["resolved_at"] == "2026-11-02T09:40:00+00:00"
    assert first["asker_id"] == str(BEN["id"])
    assert first["answer"] == "Run the installer from the wiki."
    assert first["question_link"] == LINK + str(q["install"]["message"]["message_id"])
    assert rows[2]["answer_id"] == rows[2]["answered_at"] == ""


async def test_introductions_csv_keeps_replaced_introductions(flock: Harness) -> None:
    await two_days(flock)
    await at(flock, 12, 10, BEN, "#intro Hi, I'm Ben from Lisbon.")
    await at(flock, 12, 20, BEN, "#intro Hi, I'm Ben, a designer from Lisbon.")
    await at(flock, 12, 30, CLEO, "/intro Cleo here, data analyst.")

    _, archive = await export(flock)

    rows = zipped_csv(archive, "introductions.csv")
    assert [(r["name"], r["text"], r["current"], r["replaced_at"]) for r in rows] == [
        ("Ben", "Hi, I'm Ben from Lisbon.", "no", "2026-11-03T12:20:00+00:00"),
        ("Ben", "Hi, I'm Ben, a designer from Lisbon.", "yes", ""),
        ("Cleo", "Cleo here, data analyst.", "yes", ""),
    ]
    assert rows[2]["link"] != ""


async def test_learners_csv_lists_posts_first_and_last_seen_and_introductions(flock: Harness) -> None:
    await two_days(flock)
    await at(flock, 12, 10, BEN, "#intro Hi, I'm Ben.")

    _, archive = await export(flock)

    rows = zipped_csv(archive, "learners.csv")
    assert [(r["name"], r["username"], r["posts"], r["introduced"], r["facilitator"]) for r in rows] == [
        ("Ana", "ana_f", "1", "no", "yes"),
        ("Ben", "", "4", "yes", "no"),  # two questions, an answer, an introduction
        ("Cleo", "cleo_p", "3", "no", "no"),
        ("Dan", "dan_d", "2", "no", "no"),
    ]
    dan = rows[3]
    assert (dan["first_seen"], dan["last_seen"]) == ("2026-11-02T10:00:00+00:00", "2026-11-03T10:00:00+00:00")


async def test_report_counts_the_course_and_lists_unresolved_questions(flock: Harness) -> None:
    await two_days(flock)

    _, archive = await export(flock)

    report = archive.read("report.md").decode()
    assert report.startswith("# Onboarding 2026 (#onb26)\n")
    assert "Exported by Flock on 2026-11-03 12:00 (UTC)." in report
    assert "| questions | 5 |\n| · open | 1 |\n| · answered, not yet solved | 2 |" in report
    assert "| answers | 4 |\n| learners | 4 |" in report
    unresolved = report.split("## Unresolved questions (3)\n\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(": ", 1)[1].split(" ([message]")[0] for line in unresolved] == [
        "Where are the slides from day one?",
        "Is there a recording of the kickoff?",
        "What is the deadline for the first assignment?",
    ]
    assert unresolved[0].startswith("- 2026-11-02 10:00 · Dan (@dan\\_d) · answered, not yet solved: ")


async def test_export_writes_times_and_the_file_date_in_the_course_time_zone(flock: Harness) -> None:
    await two_days(flock)
    await flock.send(flock.telegram.post(CHAT, ANA, "/settings timezone Pacific/Auckland"))

    name, archive = await export(flock)

    assert name == "onb26-export-2026-11-04.zip"  # Tuesday 12:00 UTC is Wednesday 01:00 there
    assert zipped_csv(archive, "questions.csv")[0]["asked_at"] == "2026-11-02T22:10:00+13:00"


async def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(flock: Harness) -> None:
    await set_up(flock)
    await at(flock, 10, 0, DAN, "=SUM(A1:A3) gives me zero here, why is that?")

    _, archive = await export(flock)

    assert (
        zipped_csv(archive, "questions.csv")[0]["question"] == "'=SUM(A1:A3) gives me zero here, why is that?"
    )


async def test_a_course_larger_than_a_streamed_batch_is_exported_whole(flock: Harness) -> None:
    await set_up(flock)
    async with flock.flock.sessions() as session, session.begin():
        course_id = await session.scalar(select(CourseRow.id))
        start = flock.clock.now()
        await session.execute(
            insert(QuestionRow),
            [
                {
                    "course_id": course_id,
                    "chat_id": CHAT["id"],
                    "message_id": 10_000 + n,
                    "asker_id": BEN["id"],
                    "text": f"Question {n}?",
                    "state": "open",
                    "asked_at": start + timedelta(seconds=n),
                }
                for n in range(1_234)
            ],
        )

    _, archive = await export(flock)

    rows = zipped_csv(archive, "questions.csv")
    assert len(rows) == 1_234
    assert [rows[0]["question"], rows[-1]["question"]] == ["Question 0?", "Question 1233?"]
    assert "## Unresolved questions (1234)" in archive.read("report.md").decode()


async def test_a_facilitator_of_several_courses_names_the_one_to_export(flock: Harness) -> None:
    await two_days(flock)
    await set_up(flock, OTHER, tag="#lead26")

    replies = await flock.replies(flock.telegram.post(private(ANA), ANA, "/export"))
    name, _ = await export(flock, ANA, "/export #lead26")

    assert replies == ["You facilitate several courses (#lead26, #onb26). Add the course hashtag."]
    assert name == "lead26-export-2026-11-03.zip"


# Refusals: a polite reply, and no file


async def refused(flock: Harness, chat: JSON, person: JSON, text: str = "/export") -> list[str]:
    calls = await flock.send(flock.telegram.post(chat, person, text))
    assert sent(calls, "sendDocument") == []
    return [c.text for c in sent(calls, "sendMessage")]


async def test_export_in_the_group_points_to_the_private_chat(flock: Harness) -> None:
    await two_days(flock)

    assert await refused(flock, CHAT, ANA) == [EXPORT_IN_PRIVATE]


async def test_a_learner_gets_no_export(flock: Harness) -> None:
    await two_days(flock)

    assert await refused(flock, private(BEN), BEN) == [
        "You don't facilitate any course. Facilitators set one up with /setup."
    ]
    assert await refused(flock, private(BEN), BEN, "/export #onb26") == ["You don't facilitate #onb26."]


async def test_a_facilitator_of_another_course_gets_only_their_own(flock: Harness) -> None:
    await two_days(flock)
    await set_up(flock, OTHER, ZOE, "#lead26")

    named = await refused(flock, private(ZOE), ZOE, "/export #onb26")
    name, archive = await export(flock, ZOE)

    assert named == ["You don't facilitate #onb26."]
    assert name == "lead26-export-2026-11-03.zip"
    assert zipped_csv(archive, "questions.csv") == []
