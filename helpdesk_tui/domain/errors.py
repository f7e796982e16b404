"""Errors every entry point shows as one clear line."""

from __future__ import annotations


class DeskError(Exception):
    """A request the desk refuses; the message is already translated and fit to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RuleViolation(DeskError):
    """The rules of the process forbid this change."""


class MissingFields(RuleViolation):
    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message, field=fields[0] if fields else None)
        self.fields = fields


class NotFound(DeskError):
    """A record named by the user does not exist."""


class ClosedRecord(RuleViolation):
    """A closed record refuses every change (R26)."""


class StaleVersion(DeskError):
    """Another analyst saved the record first; the caller's copy is out of date (R43)."""

    def __init__(self, message: str, *, current_version: int, changes: list[tuple[str, object, object]]):
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes


class PermissionDenied(DeskError):
    """The acting person may not do this."""


class OpenTasks(RuleViolation):
    """Resolving would leave the incident's tasks open: the person is asked first, and the entry
    point says what they answered (the desk never guesses)."""

    def __init__(self, message: str, numbers: list[str]) -> None:
        super().__init__(message)
        self.numbers = numbers
