"""How values are written for people: dates in the deployment's zone and the language's format."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk_tui.i18n import current_language

_zone = ZoneInfo("Europe/Kyiv")


def set_zone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(_zone) if moment is not None else None


def when(moment: datetime | None, language: str | None = None) -> str:
    """A moment in the deployment's zone, as `language` (the interface's by default) writes it."""
    if moment is None:
        return ""
    moment = moment.astimezone(_zone)
    if (language or current_language()) == "uk":
        return moment.strftime("%d.%m.%Y %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def number(value: int) -> str:
    """A count as the language writes it: «1 234 567» in Ukrainian, «1,234,567» in English."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if current_language() == "uk" else text
