"""Deployment settings the operations need, set once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpdesk_tui.domain.priority import PriorityMatrix


@dataclass
class DeskSettings:
    matrix: PriorityMatrix = field(default_factory=PriorityMatrix)
    notification_language: str = "uk"
    sender_address: str = "helpdesk@localhost"


_current = DeskSettings()


def current() -> DeskSettings:
    return _current


def configure(settings: DeskSettings) -> None:
    global _current
    _current = settings
