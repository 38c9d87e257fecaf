"""Writes examples/cohort.jsonl: a week of a small cohort, as the Bot API would deliver it.

Run `python examples/make_cohort.py` after changing the story; `flock demo` replays the file.

Each line is one update. Three things in it can't be known before Flock runs, so they are
written as references that `flock demo` fills in from what Flock has said by then:

- `{"$flock_message": {"chat": <id>, "containing": "<words>"}}` stands for the latest message
  Flock sent to that chat with those words in it (a reply's `reply_to_message`, a button's
  `message`);
- `{"$flock_button": "<label>"}` is the callback data of the button, under that message, whose
  label starts so;
- `{"$deep_link": {"chat": <id>, "payload": "<prefix>"}}` is `/start <payload>` for the
  t.me/…?start= link Flock sent to that chat whose payload starts so (the guest's invite
  carries a token drawn when the session is scheduled).

Telegram sends a button press without a date; here it carries one, so the demo knows when.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

COURSE_TIME = ZoneInfo("Europe/Madrid")  # where the course is run from; the story is told in it
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Data Skills — Autumn 2026"}
WINS = {"id": -1001234567999, "type": "supergroup", "title": "Data Skills — Wins"}  # the showcase
BOT = {"id": 7000000001, "is_bot": True, "first_name": "Flock", "username": "flock_test_bot"}
MAYA = {"id": 501, "is_bot": False, "first_name": "Maya", "last_name": "Okafor", "username": "maya_okafor"}
PRIYA = {"id": 502, "is_bot": False, "first_name": "Priya", "last_name": "Raman", "username": "priya_r"}
LEO = {"id": 503, "is_bot": False, "first_name": "Leo", "last_name": "Martin", "username": "leomartin"}
TOMAS = {"id": 504, "is_bot": False, "first_name": "Tomás", "last_name": "Ibarra"}  # no username
AIKO = {"id": 505, "is_bot": False, "first_name": "Aiko", "last_name": "Sato", "username": "aiko_s"}
BEN = {"id": 506, "is_bot": False, "first_name": "Ben", "username": "ben_builds"}
NADIA = {"id": 507, "is_bot": False, "first_name": "Nadia", "last_name": "Haddad", "username": "nadia_h"}
SOFIA = {"id": 601, "is_bot": False, "first_name": "Sofia", "last_name": "Lind", "username": "sofia_dataops"}
# A conference in Austin that Maya can't travel to: its public group, its organiser and two attendees.
DEVCON = {"id": -1009876543210, "type": "supergroup", "title": "DevCon 2026", "username": "devcon26"}
JONAS = {"id": 701, "is_bot": False, "first_name": "Jonas", "last_name": "Weber", "username": "jonas_devcon"}
INES = {"id": 702, "is_bot": False, "first_name": "Inés", "last_name": "Castro", "username": "ines_c"}
MARCO = {"id": 703, "is_bot": False, "first_name": "Marco", "last_name": "Rossi"}
SLIDES = "https://devcon.example/talks/reproducible-notebooks"

MONDAY = datetime(2026, 11, 2, tzinfo=COURSE_TIME)
BOARD = "Guest Q&A"  # words of the session's announcement, which is also its question board


def private(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def flock_message(chat: dict[str, Any], containing: str) -> dict[str, Any]:
    return {"$flock_message": {"chat": chat["id"], "containing": containing}}


class Story:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.now = MONDAY
        self.update_id = 610000000
        self.message_id = 40
        self.query_id = 88000
        self.kept: dict[str, dict[str, Any]] = {}  # messages a later day replies to

    def at(self, day: int, hour: int, minute: int = 0) -> Story:
        """Day 0 is Monday; the hour is the course's."""
        local = (MONDAY + timedelta(days=day)).replace(hour=hour, minute=minute)
        self.now = local.astimezone(UTC)
        return self

    def _update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.update_id += 1
        update = {"update_id": self.update_id, kind: payload}
        self.updates.append(update)
        return update

    def say(
        self,
        who: dict[str, Any],
        text: str | dict[str, Any],
        reply_to: dict[str, Any] | None = None,
        chat: dict[str, Any] = GROUP,
        **extra: Any,
    ) -> dict[str, Any]:
        self.message_id += 1
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": who,
            "chat": chat,
            "date": int(self.now.timestamp()),
            **extra,
        }
        if text:
            message["text"] = text
            command = text if isinstance(text, str) else "/start"
            if command.startswith("/"):
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command.split()[0])}
                ]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._update("message", message)
        self.now += timedelta(minutes=1)
        return message

    def tell_flock(self, who: dict[str, Any], text: str, reply_to: dict[str, Any] | None = None) -> None:
        self.say(who, text, reply_to=reply_to, chat=private(who))

    def open_link(self, who: dict[str, Any], sent_to: dict[str, Any], payload: str) -> None:
        """`who` taps a t.me/…?start= link Flock sent to `sent_to` (or it was passed on to them)."""
        self.say(who, {"$deep_link": {"chat": sent_to["id"], "payload": payload}}, chat=private(who))

    def press(self, who: dict[str, Any], chat: dict[str, Any], containing: str, button: str) -> None:
        self.query_id += 1
        self._update(
            "callback_query",
            {
                "id": str(self.query_id),
                "from": who,
                "chat_instance": f"demo-{chat['id']}",
                "message": flock_message(chat, containing),
                "data": {"$flock_button": button},
                "date": int(self.now.timestamp()),  # not in Telegram's update: see the module's note
            },
        )
        self.now += timedelta(minutes=1)

    def edit(self, message: dict[str, Any], text: str) -> None:
        edited = {**message, "text": text, "edit_date": int(self.now.timestamp())}
        self._update("edited_message", edited)

    def bot_added(self, by: dict[str, Any], chat: dict[str, Any] = GROUP) -> None:
        self._update(
            "my_chat_member",
            {
                "chat": chat,
                "from": by,
                "date": int(self.now.timestamp()),
                "old_chat_member": {"status": "left", "user": BOT},
                "new_chat_member": {"status": "member", "user": BOT},
            },
        )

    def promoted(self, by: dict[str, Any], chat: dict[str, Any] = GROUP) -> None:
        """`by` makes Flock an admin of the group: from then on Telegram sends it reactions."""
        rights = {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": False,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_pin_messages": True,
        }
        self._update(
            "my_chat_member",
            {
                "chat": chat,
                "from": by,
                "date": int(self.now.timestamp()),
                "old_chat_member": {"status": "member", "user": BOT},
                "new_chat_member": {"status": "administrator", "user": BOT, **rights},
            },
        )
        self.now += timedelta(minutes=1)

    def react(self, who: dict[str, Any], message: dict[str, Any], emoji: str) -> None:
        """`who` reacts to a message (Telegram tells Flock only where it is an admin)."""
        self._update(
            "message_reaction",
            {
                "chat": message["chat"],
                "message_id": message["message_id"],
                "user": who,
                "date": int(self.now.timestamp()),
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": emoji}],
            },
        )

    def joined(self, *people: dict[str, Any]) -> None:
        self.say(people[0], "", new_chat_members=list(people))


def monday(s: Story) -> None:
    s.at(0, 8, 25).tell_flock(MAYA, "/start")
    s.at(0, 8, 30).bot_added(MAYA)
    s.say(MAYA, "/setup #dsk26 Data Skills — Autumn 2026")
    s.say(MAYA, "/settings timezone Europe/Madrid")
    s.say(MAYA, "/settings quiet 21:00-07:30")
    s.at(0, 9, 0).joined(PRIYA)
    s.joined(LEO, TOMAS)  # a minute after the last greeting: greeted together, five minutes on
    s.at(0, 9, 20).say(
        PRIYA,
        "Hi all! I'm Priya, a nurse in Leeds moving into health analytics. "
        "Excited (and a bit nervous) about the Python part 🙂 #intro",
    )
    s.say(
        LEO, "/intro I'm Leo, a backend developer in Lyon. Here to finally get comfortable with statistics."
    )
    s.at(0, 11, 5).say(TOMAS, "Hola! Tomás from Buenos Aires, I run reporting for a small NGO. #intro")
    s.at(0, 14, 0).joined(AIKO)
    s.at(0, 14, 10).tell_flock(AIKO, "/start")
    s.at(0, 16, 30).tell_flock(
        MAYA, '/guest @sofia_dataops "Versioning data for analysis" 2026-11-05 15:00 45m'
    )


def tuesday(s: Story) -> None:
    s.at(1, 10, 12)
    pivot = s.say(
        PRIYA,
        "How do I pivot a table in pandas when the index has duplicate values? I keep getting a ValueError.",
    )
    s.at(1, 10, 40).say(
        LEO,
        "Use pivot_table instead of pivot and pick an aggfunc, e.g. "
        "df.pivot_table(index='ward', columns='month', values='visits', aggfunc='sum').",
        reply_to=pivot,
    )
    s.at(1, 11, 2).say(PRIYA, "That worked, thank you Leo! #solved", reply_to=pivot)
    s.at(1, 12, 30).say(
        PRIYA, "/askguest How do you keep a 5 GB dataset versioned without paying for a data lake?"
    )
    s.at(1, 12, 45).say(
        LEO,
        "What do you use for lineage when notebooks feed dashboards?",
        reply_to=flock_message(GROUP, BOARD),
    )
    s.at(1, 16, 30).say(AIKO, "Hi, Aiko here, data engineer in Osaka 👋 #intro")
    s.at(1, 17, 0).open_link(AIKO, GROUP, "ask_")
    s.tell_flock(AIKO, "/askguest 1 anon Is DVC worth it for a team of two, or is that overkill?")
    s.at(1, 18, 0).press(TOMAS, GROUP, BOARD, "Q3")
    # Written ahead, posted (and pinned) on Wednesday morning.
    s.at(1, 18, 30).say(
        MAYA,
        "/announce tomorrow 09:00 pin\n"
        "Thursday at 15:00: Sofia Lind on versioning data for analysis. "
        "Send her your questions with /askguest before then.",
    )


def wednesday(s: Story) -> None:
    s.at(2, 8, 40).press(PRIYA, GROUP, BOARD, "Q3")
    s.at(2, 9, 15)
    versioning = s.say(AIKO, "#q Is there a recommended way to version datasets alongside our notebooks?")
    s.at(2, 9, 50)
    s.edit(
        versioning, "#q Is there a recommended way to version datasets (a few GB) alongside our notebooks?"
    )
    s.at(2, 10, 0).press(LEO, GROUP, BOARD, "Q1")
    # Nobody answers Aiko: the facilitators hear of it at 11:15, two hours on. Maya answers.
    s.at(2, 11, 40).say(
        MAYA,
        "Good one, Aiko. Keep the data out of git: DVC or git-annex track it next to the notebooks, "
        "and Sofia's session on Thursday is about exactly this.",
        reply_to=versioning,
    )
    s.at(2, 12, 10).press(AIKO, private(AIKO), "Did this answer", "Yes, solved")
    s.at(2, 13, 0)
    quiz = s.say(TOMAS, "Does anyone know whether the week 3 quiz counts towards the certificate?")
    s.at(2, 13, 45).say(MAYA, "It does: 10% of the final mark. You can retake it once.", reply_to=quiz)
    # Sofia opens her invite only after the facilitators are warned, a day before the start.
    s.at(2, 18, 20).open_link(SOFIA, MAYA, "guest_")
    # Asked in the evening: overdue at 21:30, inside the quiet hours, so alerted at 07:30.
    s.at(2, 19, 30)
    s.kept["plots"] = s.say(LEO, "#q Which plotting library do people here use for small multiples?")


def devcon(s: Story) -> None:
    """Wednesday evening in Madrid, morning in Austin: DevCon 2026's organiser lets its hashtag be
    followed, Maya follows it into the course, and the conference talks. The course's catch-up
    comes on Thursday at 19:00, the time Maya chose, ranked by reactions and replies."""
    s.at(2, 19, 40).bot_added(JONAS, DEVCON)
    s.promoted(JONAS, DEVCON)  # so Telegram sends Flock the reactions there
    s.say(JONAS, "/share #devcon26", chat=DEVCON)
    s.at(2, 19, 50).say(MAYA, "/follow #devcon26 at 19:00")
    s.at(2, 20, 5)
    slides_text = f"Slides of my keynote on reproducible notebooks: {SLIDES} #devcon26"
    link = {"type": "url", "offset": slides_text.index(SLIDES), "length": len(SLIDES)}
    slides = s.say(INES, slides_text, chat=DEVCON, entities=[link])
    s.at(2, 20, 9).react(MARCO, slides, "🔥")
    s.react(JONAS, slides, "👏")
    s.say(
        MARCO,
        "Pinning the environment next to the data: that bit alone was worth it.",
        reply_to=slides,
        chat=DEVCON,
    )
    s.at(2, 20, 30).say(
        MARCO, "Anyone up for the food trucks at lunch?", chat=DEVCON
    )  # no hashtag: stays there
    s.at(2, 20, 45)
    panel = s.say(MARCO, "#devcon26 Panel takeaway: version the data, not only the code.", chat=DEVCON)
    s.at(2, 20, 50).react(INES, panel, "👍")


def thursday(s: Story) -> None:
    s.at(3, 8, 2).say(LEO, "Morning everyone ☕")
    s.at(3, 8, 4).joined(BEN, NADIA)  # Nadia reads along, and says nothing until Friday's retro
    s.at(3, 8, 5).say(BEN, "hey all, is the recording from Tuesday up somewhere")
    s.at(3, 8, 10).say(
        PRIYA, "seaborn's FacetGrid, or plotnine if you like ggplot.", reply_to=s.kept["plots"]
    )
    s.at(3, 12, 0)
    slides = s.say(BEN, "Where do I find the slides from the SQL workshop on Tuesday?")
    s.at(3, 12, 20)
    pinned = s.say(PRIYA, "They're pinned in the course channel, under Week 2.", reply_to=slides)
    s.at(3, 12, 25).say(BEN, "Found them, thanks!", reply_to=pinned)
    s.at(3, 14, 0).tell_flock(MAYA, "/session_batch 1 2")
    # 15:00: the session starts and Sofia gets the two most upvoted questions.
    s.at(3, 15, 6).tell_flock(
        SOFIA,
        "For two people, yes: DVC costs an afternoon to set up and pays off the first time someone "
        "asks which data a chart was made from.",
        reply_to=flock_message(SOFIA, "Is DVC worth it"),
    )
    s.at(3, 15, 11).tell_flock(
        SOFIA,
        "Object storage you already pay for (S3, GCS) plus DVC or lakeFS. Version the pointers in "
        "git, never the bytes.",
        reply_to=flock_message(SOFIA, "5 GB dataset"),
    )
    s.at(3, 15, 14).say(
        BEN, "Do you snapshot raw data or only the cleaned tables?", reply_to=flock_message(GROUP, BOARD)
    )
    s.at(3, 15, 24).tell_flock(
        SOFIA,
        "OpenLineage if you have Airflow; otherwise a README per dashboard naming its notebook "
        "and data version goes a long way.",
        reply_to=flock_message(SOFIA, "lineage"),
    )
    s.at(3, 17, 0).say(
        MAYA,
        '/discussion "Week 1 retro" tomorrow 16:00 gap 10m\n'
        "What clicked for you this week?\n"
        "What will you try next week?",
    )


def thursday_evening(s: Story) -> None:
    """Answers that find the asker. Ben's question is one Priya asked on Tuesday: Flock offers
    him its answer, and he takes it. Aiko said Flock may ping her about questions she may know;
    Tomás's waits half an hour unanswered, she is pointed at it and answers."""
    s.at(3, 17, 30).say(MAYA, "/settings nudge 30m")
    s.at(3, 17, 35).press(AIKO, private(AIKO), "introducing yourself", "Yes, ping me")
    s.tell_flock(AIKO, "/helper topics DVC, Airflow, data pipelines")
    s.at(3, 18, 0).say(
        BEN,
        "Why does pandas refuse to pivot my table? The index has duplicate values and I get a ValueError.",
    )
    s.at(3, 18, 3).press(BEN, GROUP, "asked before", "That answers it")
    s.at(3, 18, 10)
    dag = s.say(TOMAS, "Has anyone run a notebook from Airflow? Mine works by hand but fails in the DAG.")
    # 18:40: half an hour without an answer, Aiko's topics match: she is pinged, privately.
    s.at(3, 18, 45).press(AIKO, private(AIKO), "nobody has answered yet", "I'll answer")
    s.at(3, 18, 55).say(
        AIKO,
        "The DAG runs from another working directory: use absolute paths, or papermill with cwd set.",
        reply_to=dag,
    )


def friday(s: Story) -> None:
    s.at(4, 9, 0).say(MAYA, "/settings sla 4h")
    s.at(4, 9, 1).say(LEO, "/questions")
    # Telegram tells a bot about reactions only where it is an admin: warned when she scheduled
    # the retro, Maya makes Flock one, so its recap can rank answers by the reactions they drew.
    s.at(4, 15, 30).promoted(MAYA)
    # The retro: a reminder at 15:45, the opening and Q1 at 16:00, Q2 at 16:10. Answers come as
    # replies to a prompt or as A1/A2 messages, each acknowledged with a reaction; people react
    # to the answers they like and reply to them.
    s.at(4, 16, 3).say(
        PRIYA,
        "Reading other people's pandas code in the answers here.",
        reply_to=flock_message(GROUP, "What clicked"),
    )
    s.at(4, 16, 5)
    duplicates = s.say(LEO, "A1: pivot_table, and why my index had duplicates.")
    s.at(4, 16, 7)
    versions = s.say(TOMAS, "a1 - seeing which data version a chart was made from")
    s.at(4, 16, 8).react(MAYA, versions, "👍")
    s.react(AIKO, versions, "🔥")
    s.react(PRIYA, duplicates, "👍")
    s.at(4, 16, 9).react(LEO, versions, "👍")
    s.at(4, 16, 12)
    dvc = s.say(
        AIKO, "Setting up DVC for our team's notebooks.", reply_to=flock_message(GROUP, "What will you try")
    )
    s.at(4, 16, 13).say(LEO, "Same here: DVC plus a Makefile. Happy to share ours.", reply_to=dvc)
    s.at(4, 16, 14).say(BEN, "A2 asking here earlier instead of sitting on my questions")
    s.at(4, 16, 16)
    recipes = s.say(PRIYA, "A2: a small notebook of pandas recipes")
    s.at(4, 16, 17).react(BEN, recipes, "❤")
    s.react(TOMAS, dvc, "👍")
    s.at(4, 16, 18)
    speaking = s.say(NADIA, "A2 say something here instead of only reading 🙂")
    s.at(4, 16, 19).react(MAYA, speaking, "❤")
    s.react(PRIYA, speaking, "👍")
    # 16:20: the discussion ends, one gap after Q2: its recap and transcript in the group.
    s.at(4, 16, 40).say(
        NADIA, "Hi, I'm Nadia, a lab analyst in Tunis. I've been reading along all week. #intro"
    )
    s.at(4, 17, 30).say(MAYA, "/roster")


def stories(s: Story) -> None:
    """Friday evening: a win shared beyond the group, with its author's consent. Maya makes a
    group of the programme's wins the course's showcase; Aiko's #win gets a 🎉, she is asked
    privately whether it may be shared, says yes under her name, and it is posted there once."""
    s.at(4, 17, 40).bot_added(MAYA, WINS)
    s.say(MAYA, "/showcase_here #dsk26", chat=WINS)
    s.at(4, 17, 45).say(
        AIKO, "#win Our team's notebooks are versioned with DVC now: the first tooling I've built for others!"
    )
    s.at(4, 17, 50).press(AIKO, private(AIKO), "May we share this", "Yes, as Aiko")


def story() -> list[dict[str, Any]]:
    s = Story()
    for day in (monday, tuesday, wednesday, devcon, thursday, thursday_evening, friday, stories):
        day(s)
    return s.updates


def main() -> None:
    target = Path(__file__).with_name("cohort.jsonl")
    lines = [json.dumps(update, ensure_ascii=False) for update in story()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} updates to {target}")


if __name__ == "__main__":
    main()
