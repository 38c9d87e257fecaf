"""An in-process Bot API that records every call: PTB's request layer, faked, not patched.

Used by `flock demo` and the tests: the real Application talks to it exactly as it would to
Telegram, and it answers like Telegram does for the methods Flock uses.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7000000001
BOT_USERNAME = "flock_test_bot"
JSON = dict[str, Any]
Upload = tuple[str, bytes, str]  # file name, content, MIME type


@dataclass
class Call:
    method: str
    params: JSON
    result: Any = None  # what the API answered, e.g. the Message a sendMessage became
    files: dict[str, Upload] = field(default_factory=dict)  # multipart uploads, by part name

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int:
        return int(self.params["chat_id"])


@dataclass
class RecordingRequest(BaseRequest):
    """Answers Bot API methods from memory; `admins` holds (chat_id, user_id) pairs, and every
    other user is a member of every chat, but for `strangers`."""

    admins: set[tuple[int, int]] = field(default_factory=set)
    strangers: set[int] = field(default_factory=set)  # user ids who are in no chat at all
    chats: dict[str, JSON] = field(default_factory=dict)  # public chats getChat finds, by "@name"
    reads_all_messages: bool = True
    webhook: JSON = field(default_factory=lambda: {"url": "", "has_custom_certificate": False})
    failures: dict[str, Callable[[JSON], tuple[int, JSON] | None]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(900000))

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        status, body = self.respond(url.rsplit("/", 1)[-1], params)
        if request_data is not None and request_data.contains_files:
            self.calls[-1].files = _uploads(request_data)
        return status, json.dumps(body).encode()

    def respond(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Record the call and answer it: (HTTP status, Bot API response body)."""
        call = Call(method, params)
        self.calls.append(call)
        failure = self.failures.get(method)
        if failure is not None and (answer := failure(params)) is not None:
            return answer
        if method == "getChat":
            found = self.chats.get(str(params["chat_id"]).lower())
            if found is None:
                return 400, api_error(400, "Bad Request: chat not found")
            call.result = {**found, "accent_color_id": 0, "max_reaction_count": 11}
            return 200, {"ok": True, "result": call.result}
        call.result = self._answer(method, params)
        return 200, {"ok": True, "result": call.result}

    def take(self, method: str | None = None) -> list[Call]:
        """The calls recorded since the last take (of one method, if named), then forgets them."""
        taken = [c for c in self.calls if method is None or c.method == method]
        self.calls = [c for c in self.calls if c not in taken]
        return taken

    def _answer(self, method: str, params: JSON) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Flock",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": self.reads_all_messages,
            }
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            status = "administrator" if (chat_id, user_id) in self.admins else "member"
            if user_id in self.strangers:
                status = "left"
            user = {"id": user_id, "is_bot": user_id == BOT_ID, "first_name": "Someone"}
            extra = (
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                    "can_post_messages": True,
                }
                if status == "administrator"
                else {}
            )
            return {"status": status, "user": user, **extra}
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText"):
            return self._message(params)
        if method == "getUpdates":
            return []
        if method == "getWebhookInfo":
            return {"pending_update_count": 0, **self.webhook}
        return True

    def _message(self, params: JSON) -> JSON:
        chat_id = int(params.get("chat_id", 0))
        kind = "private" if chat_id > 0 else "supergroup"
        message: JSON = {
            "message_id": int(params.get("message_id") or next(self._ids)),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": kind,
                **({"first_name": "Someone"} if kind == "private" else {"title": "Course group"}),
            },
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Flock", "username": BOT_USERNAME},
        }
        if "text" in params:
            message["text"] = params["text"]
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        return message


def _uploads(request_data: RequestData) -> dict[str, Upload]:
    """File parts as sent; a file handle given with read_file_handle=False is read here."""
    uploads = {}
    for part, (name, content, mimetype) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        uploads[part] = (name, data, mimetype)
    return uploads


def api_error(status: int, description: str, retry_after: int | None = None) -> JSON:
    body: JSON = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body
