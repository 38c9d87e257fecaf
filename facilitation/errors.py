"""Domain errors. Each carries a message written for the person who caused it."""


class FlockError(Exception):
    """Something the person can fix; the message says how.

    `message` is an English message id with `{placeholders}` filled from `params`; it is
    rendered in the reader's language by the bot (`template` and `params` kept for that)."""

    def __init__(self, message: str, **params: object) -> None:
        self.template, self.params = message, params
        self.message = message.format(**params) if params else message
        super().__init__(self.message)


class ParseError(FlockError):
    """What was typed could not be read."""


class NotAllowed(FlockError):
    """The person may not do this here; nothing changed."""


class NotFound(FlockError):
    """What the person referred to does not exist (for them)."""
