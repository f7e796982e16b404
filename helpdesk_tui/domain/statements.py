"""The monthly statement of a client (R41): what the documents and `--json` show, in one shape.

The statement itself (the seed's «Акт виконаних робіт») names the subscription and the hours only:
«специфікації (розшифровки по зверненням) не надаються». The internal report, given on the
client's request, adds the completed tickets with their time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DeskDetails:
    """Who issues the statement: the desk's name and the lines under it (address, phones, code)."""

    name: str = "Service Desk"
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatementLine:
    """One completed ticket of the month in the internal report."""

    number: str
    title: str
    kind: str  # incident | change_request | request
    completed_on: date | None
    minutes: int  # all time logged in the month
    counted_minutes: int  # of which counts against the subscription


@dataclass(frozen=True)
class Statement:
    client: str
    month: date  # the first day of the month
    subscription_minutes: int
    used_minutes: int  # counted against the subscription
    outside_minutes: int = 0  # logged but not counted: change requests, entries marked so
    tickets: int = 0  # tickets with time counted in the month
    lines: tuple[StatementLine, ...] = ()  # the internal report; empty unless asked for
    desk: DeskDetails = field(default_factory=DeskDetails)
    number: str = ""  # the statement's own number, e.g. «2026-11/17»

    @property
    def over_minutes(self) -> int:
        return max(0, self.used_minutes - self.subscription_minutes)

    @property
    def left_minutes(self) -> int:
        return max(0, self.subscription_minutes - self.used_minutes)

    @property
    def share(self) -> float | None:
        """Used over included, or None without a subscription."""
        return self.used_minutes / self.subscription_minutes if self.subscription_minutes else None


def hours(minutes: int) -> float:
    """Minutes as hours to two decimals, as statements show them (90 -> 1.5)."""
    return round(minutes / 60, 2)
