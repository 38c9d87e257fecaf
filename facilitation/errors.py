"""Domain errors. Each carries a message written for the person who caused it."""


class FlockError(Exception):
    """Something the person can fix; the message says how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParseError(FlockError):
    """What was typed could not be read."""


class NotAllowed(FlockError):
    """The person may not do this here; nothing changed."""


class NotFound(FlockError):
    """What the person referred to does not exist (for them)."""
