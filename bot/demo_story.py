"""The demo's account of a cohort's week: who did what, and what Flock said, when, to whom.

Times are the course's own. Flock's words are shown as people read them: markup stripped,
buttons in brackets, a document's content below its caption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo_refs import buttons, plain
from bot.i18n import _, compact_length, dated
from bot.recording import JSON, Call
from facilitation.model import Course
from facilitation.notices import NoticeKind

INDENT = " " * 12  # under "Wed 11:15 — "
MORE = INDENT + "  "  # under "↳ "
HELP = ("/start", "/help")  # their replies are long lists of commands: the first paragraph tells
FACILITATOR_KINDS = {
    NoticeKind.ALERT,
    NoticeKind.ALERT_BATCH,
    NoticeKind.DIGEST,
    NoticeKind.WEEKLY_CHART,
    NoticeKind.HIGHLIGHTS,
    NoticeKind.SESSION_LEFTOVERS,
    NoticeKind.GUEST_NOT_READY,
    NoticeKind.ANNOUNCEMENT_SKIPPED,
    NoticeKind.DISCUSSION_SKIPPED,
}


@dataclass(frozen=True)
class Delivery:
    """One message the outbox sender delivered: the row's kind and data, and the API call."""

    kind: str
    data: JSON
    call: Call


@dataclass
class Narrator:
    names: dict[int, str] = field(default_factory=dict)  # people by id, which is their private chat's
    said: dict[tuple[int, int], JSON] = field(default_factory=dict)  # people's messages, for reactions
    course: Course | None = None  # as it is now: its time zone is the story's
    home: int | None = None  # the course's group ("the group"); any other is named by its title
    titles: dict[int, str] = field(default_factory=dict)
    _day: date | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.course.settings.timezone if self.course else "UTC")

    def learn(self, update: JSON) -> None:
        """Remember the names an update shows, to say who a private message went to, and what
        people wrote, to say what a reaction is to."""
        for body in update.values():
            if not isinstance(body, dict):
                continue
            for person in [body.get("from"), body.get("user"), *body.get("new_chat_members", [])]:
                if isinstance(person, dict) and not person.get("is_bot"):
                    self.names[int(person["id"])] = _name(person)
        message = update.get("message") or update.get("edited_message")
        if message:
            self.said[(int(message["chat"]["id"]), int(message["message_id"]))] = message
            if self.home is None and str(message.get("text", "")).startswith("/setup"):
                self.home = int(message["chat"]["id"])
        for body in update.values():
            chat = body.get("chat") if isinstance(body, dict) else None
            if isinstance(chat, dict) and "title" in chat:
                self.titles[int(chat["id"])] = str(chat["title"])

    def update(
        self, update: JSON, at: datetime, replies: list[Call], deliveries: list[Delivery]
    ) -> list[str]:
        """An update, Flock's direct replies to it, and what the tick after it delivered."""
        lines = self._heading(at, self._describe(update))
        message = _body(update)
        who = _name(message.get("from", {}))
        gist = str(message.get("text", "")).strip() in HELP
        here = int(message.get("chat", {}).get("id", 0))
        for call in replies:
            lines += self._reply(call, who, here, gist)
        for delivery in deliveries:
            headline, body = self._delivery(delivery, at)
            lines += _block(INDENT + "↳ " + headline, body, MORE)
        return lines

    def moment(self, at: datetime, deliveries: list[Delivery]) -> list[str]:
        """A moment nobody wrote at: what fell due then."""
        lines: list[str] = []
        for delivery in deliveries:
            headline, body = self._delivery(delivery, at)
            *day, heading = self._heading(at, headline)
            lines += [*day, *_block(heading, body, INDENT)]
        return lines

    def _heading(self, at: datetime, text: str) -> list[str]:
        local = at.astimezone(self.zone)
        lines = []
        if local.date() != self._day:
            self._day = local.date()
            lines += ["", f"── {dated(local, 'EEEE d MMMM')} ──"]
        return [*lines, f"{dated(local, 'EEE HH:mm')} — {text}"]

    def _who(self, chat_id: int) -> str:
        if chat_id < 0:
            return self._group(chat_id)
        known = self.names.get(chat_id)
        return known if known is not None else _("user {id}", id=chat_id)

    def _elsewhere(self, chat_id: int) -> bool:
        """A group that is not the course's, once the story has set the course up in one."""
        return self.home is not None and chat_id < 0 and chat_id != self.home and chat_id in self.titles

    def _group(self, chat_id: int) -> str:
        if not self._elsewhere(chat_id):
            return _("the group")
        return _("“{title}”", title=self.titles[chat_id])

    def _describe(self, update: JSON) -> str:
        if "my_chat_member" in update:
            change = update["my_chat_member"]
            statuses = (change["old_chat_member"]["status"], change["new_chat_member"]["status"])
            if statuses == ("member", "administrator"):
                return _(
                    "{who} makes Flock an admin of “{title}”, so it sees reactions",
                    who=_name(change["from"]),
                    title=change["chat"]["title"],
                )
            return _(
                "{who} adds Flock to “{title}”", who=_name(change["from"]), title=change["chat"]["title"]
            )
        if "callback_query" in update:
            query = update["callback_query"]
            pressed = next(
                (b["text"] for b in buttons(query["message"]) if b.get("callback_data") == query["data"]),
                query["data"],
            )
            return _(
                "{who} taps [{button}] under {quoted}",
                who=_name(query["from"]),
                button=pressed,
                quoted=_quote(query["message"]),
            )
        if "message_reaction" in update:
            return self._reaction(update["message_reaction"])
        body = _body(update)
        who = _name(body.get("from", {}))
        if body.get("new_chat_members"):
            people = [_name(u) for u in body["new_chat_members"]]
            if len(people) == 1:
                return _("{who} joins the group", who=people[0])
            return _("{who} join the group", who=_and(people))
        said = str(body.get("text") or body.get("caption") or _("[sticker]"))
        private = body["chat"]["type"] == "private"
        if said.startswith("/start guest_"):
            return _("{who} opens the guest invite link", who=who)
        if said.startswith("/start ask_"):
            return _("{who} opens the board's “ask privately” link", who=who)
        said = said.replace("\n", "\n" + INDENT)
        if "edited_message" in update:
            return _("{who} edits their message: {said}", who=who, said=said)
        replied = body.get("reply_to_message")
        if replied:
            author = replied.get("from", {})
            target = _quote(replied) if author.get("is_bot") else _name(author)
            if author.get("id") == body.get("from", {}).get("id"):
                target = _("their own message")
            if private:
                return _("{who} replies privately to {target}: {said}", who=who, target=target, said=said)
            if self._elsewhere(int(body["chat"]["id"])):
                where = self._group(int(body["chat"]["id"]))
                return _(
                    "{who} replies to {target} in {chat}: {said}",
                    who=who,
                    target=target,
                    chat=where,
                    said=said,
                )
            return _("{who} replies to {target}: {said}", who=who, target=target, said=said)
        if private:
            return _("{who}, privately to Flock: {said}", who=who, said=said)
        if self._elsewhere(int(body["chat"]["id"])):
            return _("{who} in {chat}: {said}", who=who, chat=self._group(int(body["chat"]["id"])), said=said)
        return _("{who} in the group: {said}", who=who, said=said)

    def _reaction(self, change: JSON) -> str:
        who = _name(change.get("user", {}))
        emoji = "".join(str(r.get("emoji", "")) for r in change.get("new_reaction", []))
        message = self.said.get((int(change["chat"]["id"]), int(change["message_id"])))
        if message is None:
            return _("{who} reacts {emoji} to a message", who=who, emoji=emoji)
        first = str(message.get("text") or "").split("\n", 1)[0]
        return _(
            "{who} reacts {emoji} to {author}'s “{text}”",
            who=who,
            emoji=emoji,
            author=_name(message.get("from", {})),
            text=first[:40] + ("…" if len(first) > 40 else ""),
        )

    def _reply(self, call: Call, who: str, here: int, gist: bool) -> list[str]:
        if call.method == "getChatMember":
            return []  # an admin check: a detail, not part of the story
        if call.method == "answerCallbackQuery":
            if not call.params.get("text"):
                return []  # the button's spinner stopped, nothing shown
            return [INDENT + "↳ " + _("Flock shows {who}: {text}", who=who, text=call.params.get("text", ""))]
        if call.method == "editMessageReplyMarkup":
            return [INDENT + "↳ " + _("Flock takes the buttons off its message")]
        edits = call.method == "editMessageText"
        if not edits and self._elsewhere(call.chat_id):
            headline = _("Flock replies in {chat}:", chat=self._group(call.chat_id))
        elif not edits and call.chat_id < 0:
            headline = _("Flock replies in the group:")
        elif call.chat_id < 0 and call.chat_id != here:  # a button's answer: `here` is no chat
            headline = _("Flock edits its message in the group:")
        elif call.chat_id != here:
            to = self._who(call.chat_id)
            if edits:
                headline = _("Flock edits its message privately to {who}:", who=to)
            else:
                headline = _("Flock replies privately to {who}:", who=to)
        else:
            headline = _("Flock edits its message:") if edits else _("Flock replies:")
        text = _read(call)
        if gist and "" in text:
            text = [*text[: text.index("")], _("[… and the commands]")]
        return _block(f"{INDENT}↳ {headline}", text, MORE)

    def _delivery(self, delivery: Delivery, at: datetime) -> tuple[str, list[str]]:
        """What a delivered message is, in a facilitator's words, and what it says."""
        kind, data, call = delivery.kind, delivery.data, delivery.call
        to = self._who(call.chat_id)
        if kind in FACILITATOR_KINDS:
            to = _("{who} (facilitator)", who=to)
        guest = f"@{data.get('guest', '')}"
        text = _read(call)
        match kind:
            case NoticeKind.REACTION:
                emoji = "".join(r["emoji"] for r in call.params.get("reaction", []))
                if not emoji:
                    return _("Flock takes its reaction back"), []
                return _("Flock reacts {emoji}", emoji=emoji), []
            case NoticeKind.ALERT:
                return _("{overdue}: alert to {who}", overdue=self._overdue(data, at), who=to), text
            case NoticeKind.ALERT_EDIT:
                return _("the alert to {who} now reads: {text}", who=to, text=text[-1] if text else ""), []
            case NoticeKind.DIGEST:
                return _("daily digest to {who}", who=to), text
            case NoticeKind.WEEKLY_CHART:
                return _("the week in a chart, to {who}", who=to), text
            case NoticeKind.HIGHLIGHTS:
                return _("the week's highlights, to {who}", who=to), text
            case NoticeKind.GREETING:
                return _("Flock welcomes the newcomers in the group"), text
            case NoticeKind.FOLLOWUP:
                return _("Flock asks {who} privately whether the answer helped", who=to), text
            case NoticeKind.SESSION_ANNOUNCED:
                board = _(
                    "the guest session is announced in the group; the announcement is its question board"
                )
                return board, text
            case NoticeKind.BOARD_EDIT:
                listed = next((i for i, line in enumerate(text) if line.startswith("Questions so far")), 0)
                return _("the question board in the group now reads"), text[listed:]
            case NoticeKind.GUEST_QUESTION:
                return _(
                    "question {n} goes to {guest}, the guest, privately", n=data.get("n"), guest=guest
                ), text
            case NoticeKind.GUEST_ANSWER:
                return _("{guest}'s answer is relayed to the group", guest=guest), text
            case NoticeKind.GUEST_ANSWER_PRIVATE:
                return _("and to {who}, who asked, privately", who=to), text
            case NoticeKind.TRANSCRIPT:
                return _("the session is over: its transcript is posted in the group"), text
            case NoticeKind.SESSION_LEFTOVERS:
                return _("the questions the guest left unanswered, to {who}", who=to), text
            case NoticeKind.SESSION_REMINDER:
                reminder = _(
                    "reminder to {guest}, the guest: the session starts in {before}",
                    guest=guest,
                    before=data.get("before"),
                )
                return reminder, text
            case NoticeKind.GUEST_NOT_READY:
                return _("warning to {who}: {guest} hasn't opened the invite", who=to, guest=guest), text
            case NoticeKind.GUEST_THANKS:
                return _("Flock thanks {guest}, the guest, privately", guest=guest), text
            case NoticeKind.LEFTOVERS_EDIT:
                return _("the list of unanswered questions sent to {who} now reads", who=to), text
            case NoticeKind.OFFER if call.chat_id < 0:
                return _("Flock offers an earlier answer, as a reply to the question"), text
            case NoticeKind.OFFER:
                return _("Flock offers {who} an earlier answer, privately", who=to), text
            case NoticeKind.DUPLICATE:
                return _("Flock points the asker to the earlier question"), text
            case NoticeKind.HELPER_INVITE:
                return _("Flock asks {who} privately whether they'd help with questions", who=to), text
            case NoticeKind.HELPER_ASK:
                return _("Flock points {who}, a peer helper, at a waiting question", who=to), text
            case NoticeKind.ANNOUNCEMENT:
                if data.get("pin"):
                    return _("a scheduled announcement is posted in {who} and pinned", who=to), text
                return _("a scheduled announcement is posted in {who}", who=to), text
            case NoticeKind.ANNOUNCEMENT_SKIPPED | NoticeKind.DISCUSSION_SKIPPED:
                return _("Flock tells {who} a chat is gone", who=to), text
            case NoticeKind.DISCUSSION_REMINDER:
                return _("the discussion “{title}” is announced in 15 minutes", title=data.get("title")), text
            case NoticeKind.DISCUSSION_OPENING:
                return _("the discussion “{title}” opens in the group", title=data.get("title")), text
            case NoticeKind.DISCUSSION_PROMPT:
                return _("prompt Q{number} of the discussion is posted", number=data.get("number")), text
            case NoticeKind.DISCUSSION_RECAP:
                return _(
                    "the discussion “{title}” is over: its recap is posted in the group",
                    title=data.get("title"),
                ), text
            case NoticeKind.DISCUSSION_TRANSCRIPT:
                return _("and its transcript, as a document"), text
            case NoticeKind.CATCH_UP:
                return _("the day's catch-up of #{tag} is posted in {who}", tag=data.get("tag"), who=to), text
            case NoticeKind.CATCH_UP_FILE:
                return _("and every post of it, as a document"), text
            case NoticeKind.SHOWCASE_POST:
                return _("with its author's consent, the story is posted once in the showcase"), text
            case _:
                return _("Flock writes to {who}", who=to), text

    def _overdue(self, data: JSON, at: datetime) -> str:
        waited = at - datetime.fromisoformat(str(data["asked_at"]))
        elapsed = compact_length(timedelta(minutes=round(waited.total_seconds() / 60)))
        settings = self.course.settings if self.course else None
        if settings is None or waited <= settings.sla + timedelta(minutes=1):
            return _("{elapsed} without an answer", elapsed=elapsed)
        quiet = settings.quiet
        if quiet is not None and at.astimezone(self.zone).time() == quiet.end:
            return _(
                "{elapsed} without an answer (overdue in the quiet hours, so told when they end)",
                elapsed=elapsed,
            )
        return _("still no answer after {elapsed}", elapsed=elapsed)


def _block(headline: str, body: list[str], indent: str) -> list[str]:
    return [headline, *(indent + line if line else "" for line in body)]


def _read(call: Call) -> list[str]:
    """The message as its reader sees it: text (or caption), buttons, a document's content."""
    text = str(call.params.get("text") or call.params.get("caption") or "")
    lines = plain(text).splitlines()
    if call.method == "sendPhoto":
        lines.append(_("[a chart image]"))
    keyboard = buttons({"reply_markup": call.params.get("reply_markup")})
    if keyboard:
        lines.append(" ".join(f"[{b['text']}]" for b in keyboard))
    for name, content, mimetype in call.files.values():
        if mimetype.startswith("text/") or name.endswith(".md"):
            lines += ["", f"{name}:", *("  " + line for line in content.decode("utf-8").splitlines())]
    return lines


def _quote(message: JSON) -> str:
    """Flock's message, by its first line."""
    first = plain(str(message.get("text") or message.get("caption") or "")).split("\n", 1)[0]
    return _("Flock's “{text}”", text=first[:60] + ("…" if len(first) > 60 else ""))


# The kinds of update the demo's cohort holds, each with its body under that key.
BODIES = ("message", "edited_message", "my_chat_member", "chat_member", "callback_query", "message_reaction")


def _body(update: JSON) -> dict[str, Any]:
    for kind in BODIES:
        if kind in update:
            return dict(update[kind])
    return {}


def _name(user: dict[str, Any]) -> str:
    return " ".join(filter(None, [user.get("first_name"), user.get("last_name")]))


def _and(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("{items} and {last}", items=", ".join(names[:-1]), last=names[-1])
