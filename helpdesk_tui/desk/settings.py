"""Deployment settings the operations need, set once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from helpdesk_tui.domain.clock import utcnow
from helpdesk_tui.domain.priority import PriorityMatrix
from helpdesk_tui.domain.timekeeping import local_date


@dataclass
class DeskSettings:
    matrix: PriorityMatrix = field(default_factory=PriorityMatrix)
    notification_language: str = "uk"
    sender_address: str = "helpdesk@localhost"
    timezone: str = "Europe/Kyiv"
    desk_name: str = "Service Desk"
    desk_details: tuple[str, ...] = ()
    development_group: str | None = "Розробки та впроваджень"
    timer_step_minutes: int = 1


_current = DeskSettings()


def current() -> DeskSettings:
    return _current


def configure(settings: DeskSettings) -> None:
    global _current
    _current = settings


def today() -> date:
    """Today in the deployment's zone: the day work is logged on, the month it is billed in."""
    return local_date(utcnow(), _current.timezone)


def this_month() -> date:
    return today().replace(day=1)
