"""SLA tables: business calendars, policies, settings, and what the ticker has done."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import when
from helpdesk_tui.store.types import JSONText


class BusinessCalendarRow(SQLModel, table=True):
    """A business calendar (R33): weekly periods as minutes from local midnight, per weekday."""

    __tablename__ = "business_calendar"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    timezone: str = "Europe/Kyiv"
    week: Any = Field(default_factory=dict, sa_column=Column(JSONText, nullable=False))
    always: bool = False
    version: int = 1


class CalendarDay(SQLModel, table=True):
    """A holiday (working=False) or an extra working day with its periods."""

    __tablename__ = "calendar_day"
    calendar_id: int = Field(foreign_key="business_calendar.id", primary_key=True)
    day: date = Field(primary_key=True)
    working: bool = False
    periods: Any = Field(default=None, sa_column=Column(JSONText, nullable=True))
    note: str = ""


class SlaPolicy(SQLModel, table=True):
    """Targets in working minutes for a priority (1..5) or a criticality (low..urgent)."""

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("profile", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    profile: str  # priority | criticality
    key: str
    response_minutes: int
    resolution_minutes: int
    calendar_id: int = Field(foreign_key="business_calendar.id")
    version: int = 1


class DeskSetting(SQLModel, table=True):
    """Deployment-wide settings kept with the data (pause statuses, warning share, auto-close)."""

    __tablename__ = "desk_setting"
    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSONText, nullable=True))


class SlaEvent(SQLModel, table=True):
    """What the ticker has done for an incident: each kind once, whoever ticks (idempotence)."""

    __tablename__ = "sla_event"
    __table_args__ = (UniqueConstraint("incident_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    kind: str  # response_warning | response_breach | resolution_warning | resolution_breach
    at: datetime = when()
