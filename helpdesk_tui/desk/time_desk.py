"""The TUI's facade for time, subscriptions, change requests and statements (R36, R41): the
record's time tab and timer, the client's month in a ticket's header, the clients and reports
screen, and the statement exported from it. One short transaction per call, as the rest of the
workspace (desk/workspace.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from helpdesk_tui.desk import change_requests, settings, statements, subscriptions, time_entries
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.statements import Statement
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Incident, Organisation, ServiceRequest, Task


@dataclass(frozen=True)
class Timer:
    number: str
    kind: str
    record_id: int
    started_at: datetime


class TimeDesk(Facade):

    @staticmethod
    def _ticket(session: Any, kind: str, record_id: int) -> tuple[time_entries.Ticket, Task | None]:
        if kind == "task":
            task = session.get(Task, record_id)
            if task is None:
                raise NotFound(_("That record no longer exists"))
            return time_entries.ticket_of(session, "", 0, task), task
        return time_entries.ticket_of(session, kind, record_id), None

    # --- the record's time ----------------------------------------------------------------------

    def entries(self, kind: str, record_id: int) -> dict[str, Any]:
        """The ticket's entries and totals (a task shows its ticket's, its own marked)."""
        with self.db.read() as session:
            ticket, task = self._ticket(session, kind, record_id)
            totals = time_entries.totals(session, ticket)
            return {"number": ticket.number, "task": task.number if task else None,
                    "entries": time_entries.entries(session, ticket), "minutes": totals.minutes,
                    "counted": totals.counted, "by_person": totals.by_person, "me": self.who.person_id,
                    "change_request": ticket.change_request}

    def log(self, kind: str, record_id: int, *, minutes: int, work_date: date | None = None, note: str = "",
            billable: bool = True) -> time_entries.Logged:
        with self.db.write() as session:
            ticket, task = self._ticket(session, kind, record_id)
            return time_entries.log_time(session, self._actor(session), ticket, minutes=minutes, work_date=work_date,
                                         note=note, billable=billable, task=task)

    def remove(self, entry_id: int) -> None:
        with self.db.write() as session:
            time_entries.delete_time(session, self._actor(session), entry_id)

    def today(self) -> date:
        return settings.today()

    # --- the timer --------------------------------------------------------------------------------

    def timer(self) -> Timer | None:
        with self.db.read() as session:
            running = time_entries.running(session, self._actor(session))
            if running is None:
                return None
            task = session.get(Task, running.task_id) if running.task_id else None
            ticket = time_entries.ticket_of(session, running.record_kind, running.record_id, task)
            return Timer(task.number if task else ticket.number, "task" if task else ticket.kind,
                         task.id if task else ticket.id, running.started_at)  # type: ignore[arg-type]

    def toggle_timer(self, kind: str, record_id: int) -> tuple[str, time_entries.Logged | None]:
        """«started» on this record, or «stopped» when it ran here (what it logged with it); a
        timer running on another record stops and logs there first."""
        with self.db.write() as session:
            actor = self._actor(session)
            running = time_entries.running(session, actor)
            ticket, task = self._ticket(session, kind, record_id)
            here = running is not None and (running.record_kind, running.record_id) == (ticket.kind, ticket.id) \
                and running.task_id == (task.id if task else None)
            if here:
                return "stopped", time_entries.stop_timer(session, actor)
            return "started", time_entries.start_timer(session, actor, ticket, task)

    # --- the client's month -----------------------------------------------------------------------

    def client_month(self, organisation_id: int | None) -> subscriptions.Use | None:
        if organisation_id is None:
            return None
        with self.db.read() as session:
            return subscriptions.month_use(session, organisation_id, settings.this_month())

    def clients(self, month: date) -> list[subscriptions.Use]:
        with self.db.read() as session:
            return subscriptions.clients_use(session, self._actor(session), month)

    def trend(self, month: date, organisation_id: int | None = None) -> list[tuple[date, int, int]]:
        with self.db.read() as session:
            return subscriptions.trend(session, self._actor(session), month, organisation_id=organisation_id)

    def statement(self, organisation_id: int, month: date, *, internal: bool = False) -> Statement:
        with self.db.read() as session:
            org = session.get(Organisation, organisation_id)
            if org is None:
                raise NotFound(_("That client no longer exists"))
            return statements.statement(session, self._actor(session), org, month, internal=internal)

    def ticket_ids(self, numbers: list[str]) -> dict[str, tuple[str, int]]:
        """{number: (record kind, id)} of the tickets a report lists, to open them."""
        from sqlalchemy import select

        found: dict[str, tuple[str, int]] = {}
        with self.db.read() as session:
            for model, kind in ((Incident, "incident"), (ServiceRequest, "service_request")):
                for start in range(0, len(numbers), 500):
                    chunk = numbers[start:start + 500]
                    for number, record_id in session.execute(select(model.number, model.id).where(model.number.in_(chunk))):  # type: ignore[attr-defined]
                        found[number] = (kind, record_id)
        return found

    def export(self, organisation_id: int, month: date, fmt: str, folder: Path, *, internal: bool = False) -> Path:
        """The statement written into `folder` under its own name; the path."""
        from helpdesk_tui.documents import file_name, render_statement  # fpdf2, openpyxl: only to export

        act = self.statement(organisation_id, month, internal=internal)
        folder = folder.expanduser()
        if not folder.is_dir():
            raise RuleViolation(_("{path} is not a folder").format(path=folder), field="folder")
        path = folder / file_name(act, fmt, internal=internal)
        part = path.with_name(path.name + ".part")
        try:
            part.write_bytes(render_statement(act, fmt, internal=internal))
            part.replace(path)
        except OSError as exc:
            raise RuleViolation(_("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc),
                                field="folder") from None
        return path

    # --- change requests --------------------------------------------------------------------------

    def set_kind(self, incident_id: int, kind: str, version: int | None = None) -> tuple[str | None, str | None]:
        """(the development group it went to, the configured group when it is missing)."""
        with self.db.write() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(_("That record no longer exists"))
            change = change_requests.set_kind(session, self._actor(session), incident, kind, expected_version=version)
            return change.group, change.missing_group

    def agree(self, incident_id: int, how: str, version: int | None = None) -> None:
        with self.db.write() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(_("That record no longer exists"))
            change_requests.record_agreement(session, self._actor(session), incident, how, expected_version=version)
