"""The kinds of notice the domain queues for chats; the bot layer has one renderer per kind."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    """Each value is stored with its outbox row: renaming one strands the rows already queued."""

    ALERT = "alert"  # an unanswered question, to facilitators
    ALERT_EDIT = "alert_edit"  # a sent alert, updated: claimed, answered, closed
    ALERT_BATCH = "alert_batch"  # many alerts at once, as one message
    NUDGE = "nudge"  # facilitators Flock cannot message yet, asked in the group to start it
    FOLLOWUP = "followup"  # "did that answer it?", to the asker
    REACTION = "reaction"  # an acknowledgement on the person's own message
    GREETING = "greeting"  # newcomers welcomed in the chat
    DIGEST = "digest"
    WEEKLY_CHART = "weekly_chart"
    HIGHLIGHTS = "highlights"  # the past week's highlights, with Monday's digest
    SESSION_ANNOUNCED = "session_announced"  # also the chat's question board
    SESSION_CANCELLED = "session_cancelled"
    SESSION_MOVED = "session_moved"
    SESSION_REMINDER = "session_reminder"  # to the guest, before the start
    GUEST_NOT_READY = "guest_not_ready"  # to facilitators: the guest never opened the invite
    BOARD_EDIT = "board_edit"  # a board's questions, updated
    GUEST_QUESTION = "guest_question"  # to the guest, who replies to it
    GUEST_QUESTION_EDIT = "guest_question_edit"  # that copy, corrected: the asker edited it
    GUEST_ANSWER = "guest_answer"  # the guest's answer, in the chat
    GUEST_ANSWER_PRIVATE = "guest_answer_private"  # the same, privately to each asker
    SESSION_LEFTOVERS = "session_leftovers"  # to facilitators: what the guest left unanswered
    LEFTOVERS_EDIT = "leftovers_edit"  # that list, updated: a question answered late
    GUEST_THANKS = "guest_thanks"  # to the guest, when the session ends
    TRANSCRIPT = "transcript"  # a file, once the session ends
    ANNOUNCEMENT = "announcement"  # a facilitator's scheduled post, as they wrote it
    ANNOUNCEMENT_SKIPPED = "announcement_skipped"  # to facilitators: a chat it was meant for is gone
    ANNOUNCEMENT_NOT_PINNED = "announcement_not_pinned"  # to facilitators: posted, but not pinned
    DISCUSSION_REMINDER = "discussion_reminder"  # 15 minutes before a discussion, in each chat
    DISCUSSION_OPENING = "discussion_opening"  # how to take part, at the start
    DISCUSSION_SKIPPED = "discussion_skipped"  # to facilitators: a chat it was meant for is gone
    DISCUSSION_PROMPT = "discussion_prompt"  # Q1, Q2…: answers reply to it, so its id is kept
    DISCUSSION_RECAP = "discussion_recap"  # at the end, in each chat: the answers people liked most
    DISCUSSION_TRANSCRIPT = "discussion_transcript"  # a file after the recap: every answer
    CATCH_UP = "catch_up"  # a followed hashtag's posts since the last one, ranked
    CATCH_UP_FILE = "catch_up_file"  # all of them, as a Markdown file, when there are many
    OFFER = "offer"  # an earlier question's answer, to the asker of a new one (privately or in its thread)
    DUPLICATE = "duplicate"  # a facilitator's /duplicate: the asker pointed to the earlier question
    HELPER_INVITE = "helper_invite"  # after an introduction: may Flock point questions their way?
    HELPER_ASK = "helper_ask"  # to an opted-in peer: a question that waits, they may know
    STORY_ASK = "story_ask"  # to a story's author: may it be shared beyond the group?
    SHOWCASE_POST = "showcase_post"  # a consented story, in the course's showcase (its id is kept)
    SHOWCASE_DELETE = "showcase_delete"  # that post taken down: its author was forgotten
    SHOWCASE_UNDELETABLE = "showcase_undeletable"  # to facilitators: remove that post by hand
