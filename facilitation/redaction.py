"""Removing a person's words from stored copies: raw updates (the inbox) and queued or sent
messages (the outbox), both kept as JSON. Pure functions over parsed JSON.

A raw update carries the person's words in messages they wrote (`from` is them), also when the
message is quoted as the `reply_to_message` of someone else's reply, and their name wherever a
user or private chat with their id appears. An outbox payload carries copies of stored texts:
whole, cut short (alerts and digests keep the first 300 characters), or inside a longer text
(a session transcript).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from facilitation.languages import N_

# Stored in place of what was erased, in English; the bot shows them in the reader's language.
REMOVED = N_("[removed]")
FORMER_LEARNER = N_("Former learner")
# Shorter texts ("Yes", "Thanks!") are removed only where a copy is the whole string: found
# inside someone else's text they are as likely to be that person's own words.
EMBEDDED_MIN = 12
_NAME_KEYS = ("last_name", "username")
# Where an outbox payload holds a person's name: who asked, who answered, whose line of a digest.
PAYLOAD_NAME_KEYS = ("asker", "answerer", "asked_by", "name")


def scrub_update(
    data: Any, person_id: int, words: Sequence[str], chats: Collection[int] | None = None, rename: bool = True
) -> bool:
    """Removes the person's words (all of them, or with `chats` those written in these chats or
    repeating `words`) and, with `rename`, their names, in place. True when anything changed."""
    changed = False
    if isinstance(data, list):
        for item in data:
            changed |= scrub_update(item, person_id, words, chats, rename)
        return changed
    if not isinstance(data, dict):
        return False
    if rename and data.get("id") == person_id and "first_name" in data:
        changed |= _rename(data)
    if _written_by(data, person_id) and _in_scope(data, words, chats):
        changed |= _blank(data)
    for value in data.values():
        changed |= scrub_update(value, person_id, words, chats, rename)
    quoted, quote = data.get("reply_to_message"), data.get("quote")
    if isinstance(quoted, dict) and quoted.get("text") == REMOVED and isinstance(quote, dict):
        changed |= quote.get("text") != REMOVED  # a reply quoting part of their message
        quote["text"] = REMOVED
    return changed


def _written_by(message: dict[str, Any], person_id: int) -> bool:
    author = message.get("from")
    return isinstance(author, dict) and author.get("id") == person_id and "chat" in message


def _in_scope(message: dict[str, Any], words: Sequence[str], chats: Collection[int] | None) -> bool:
    if chats is None:
        return True
    chat = message.get("chat")
    if isinstance(chat, dict) and chat.get("id") in chats:
        return True
    said = f"{message.get('text', '')}\n{message.get('caption', '')}"
    return any(word and word in said for word in words)


def _blank(message: dict[str, Any]) -> bool:
    changed = False
    for key, entities in (("text", "entities"), ("caption", "caption_entities")):
        if key in message and message[key] != REMOVED:
            message[key] = REMOVED
            message.pop(entities, None)  # offsets into the words that are gone
            changed = True
    return changed


def _rename(user: dict[str, Any]) -> bool:
    changed = user.get("first_name") != FORMER_LEARNER or any(k in user for k in _NAME_KEYS)
    user["first_name"] = FORMER_LEARNER
    for key in _NAME_KEYS:
        user.pop(key, None)
    return changed


def probes(words: Sequence[str]) -> list[str]:
    """Fragments of JSON text that any payload holding a copy of one of the words contains."""
    found = []
    for word in words:
        if not word or word == REMOVED:
            continue
        fragment = json.dumps(word[:EMBEDDED_MIN], ensure_ascii=False)
        # A short text counts only as a whole string: look for it with its quotes.
        found.append(fragment if len(word) < EMBEDDED_MIN else fragment[1:-1])
    return sorted(set(found))


def scrub_copies(data: Any, words: Sequence[str]) -> tuple[Any, bool]:
    """The payload with every copy of the words replaced by REMOVED, and whether any was."""
    if isinstance(data, str):
        scrubbed = _scrub_string(data, words)
        return scrubbed, scrubbed != data
    if isinstance(data, list):
        pairs = [scrub_copies(item, words) for item in data]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if isinstance(data, dict):
        pairs_by_key = {key: scrub_copies(value, words) for key, value in data.items()}
        return (
            {key: value for key, (value, _) in pairs_by_key.items()},
            any(changed for _, changed in pairs_by_key.values()),
        )
    return data, False


def scrub_names(
    data: Any, names: Collection[str], words: Sequence[str], questions: Collection[int]
) -> tuple[Any, bool]:
    """The payload with the person's names replaced by FORMER_LEARNER where they name them: beside
    a copy of their words or a question they asked or answered, or beside no text or question at
    all (a digest's line of a person). A namesake's own question keeps its name."""
    if isinstance(data, list):
        pairs = [scrub_names(item, names, words, questions) for item in data]
        return [item for item, _ in pairs], any(changed for _, changed in pairs)
    if not isinstance(data, dict):
        return data, False
    pairs_by_key = {key: scrub_names(value, names, words, questions) for key, value in data.items()}
    scrubbed = {key: value for key, (value, _) in pairs_by_key.items()}
    changed = any(changed for _, changed in pairs_by_key.values())
    named = [key for key in PAYLOAD_NAME_KEYS if scrubbed.get(key) in names]
    if named and _theirs(data, words, questions):
        scrubbed.update({key: FORMER_LEARNER for key in named})
        changed = True
    return scrubbed, changed


def _theirs(data: dict[str, Any], words: Sequence[str], questions: Collection[int]) -> bool:
    if "text" not in data and "question_id" not in data:
        return True
    if data.get("question_id") in questions:
        return True
    return any(isinstance(value, str) and _scrub_string(value, words) != value for value in data.values())


def _scrub_string(text: str, words: Sequence[str]) -> str:
    for word in words:
        if not word or word == REMOVED:
            continue
        if text == word or (len(text) >= EMBEDDED_MIN and word.startswith(text)):
            return REMOVED  # the whole copy, or its first characters
        if len(word) >= EMBEDDED_MIN and word in text:
            text = text.replace(word, REMOVED)
    return text
