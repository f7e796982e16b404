"""Time and subscriptions (R41): work logged on tickets, the running timers, and each client's
monthly hours with their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import fk, when


class TimeEntry(SQLModel, table=True):
    """Time spent on a ticket (an incident or a service request), or on one of its tasks.

    The client is kept on the entry as it was when the work was done, so that a month's statement
    is one index range (client, date) and a caller who later moves to another client does not
    move last month's hours with them.
    """

    __tablename__ = "time_entry"
    __table_args__ = (
        Index("ix_time_record", "record_kind", "record_id"),
        # A client's month (the statement, its report, the ticket's header) from the index alone.
        Index("ix_time_client_date", "organisation_id", "work_date", "record_kind", "record_id", "billable",
              "change_request", "minutes"),
        Index("ix_time_person_date", "person_id", "work_date"),
        # Every client's month (the clients view, the reports' trend) read from the index alone.
        Index("ix_time_date_client", "work_date", "organisation_id", "billable", "change_request", "minutes"),
    )
    id: int | None = Field(default=None, primary_key=True)
    record_kind: str  # incident | request: the ticket, also for time on its tasks
    record_id: int
    task_id: int | None = fk("task.id")
    person_id: int = Field(foreign_key="person.id")
    organisation_id: int | None = fk("organisation.id")
    minutes: int
    # The deployment's local date of the work: months of statements follow the deployment's zone.
    work_date: date
    note: str = ""
    # Counts against the subscription: the analyst's choice (a goodwill hour does not)...
    billable: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    # ...unless the ticket is a change request (R36): kept here, and turned with the ticket's kind
    # both ways, so that reclassifying loses nobody's choice and a statement reads one table.
    change_request: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = when()


class RunningTimer(SQLModel, table=True):
    """An analyst's running timer: one at a time, kept in the database so a restart keeps it."""

    __tablename__ = "running_timer"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    record_kind: str
    record_id: int
    task_id: int | None = fk("task.id")
    started_at: datetime = when()


class Subscription(SQLModel, table=True):
    """A client's monthly service-desk hours from a month on; the latest row not after a month
    is that month's subscription, so a change never rewrites a past statement."""

    __table_args__ = (UniqueConstraint("organisation_id", "from_month"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    from_month: date  # the first day of a month
    minutes: int
    created_by_id: int | None = fk("person.id")
    created_at: datetime = when()
