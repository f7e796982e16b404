"""The TUI's facade for problems (issue 19): one problem with its incidents and journal, and every
change an analyst makes to one from the keyboard — registering (on its own or from an incident),
editing, moving it along its lifecycle, resolving it with its open incidents, linking and
unlinking incidents. One short transaction per call, as the rest of the workspace."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk_tui.desk import problems
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.desk.lookup import find_incident
from helpdesk_tui.domain.problem_status import TRANSITIONS, ProblemStatus
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.store import records
from helpdesk_tui.store.models import ConfigurationItem, Incident, Person, Problem, Service, WorkGroup

_SETTLED = frozenset({IncidentStatus.RESOLVED.value, IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value})


def _get(session: Any, model: Any, record_id: int | None, what: str) -> Any:
    if record_id is None:
        return None
    found = session.get(model, record_id)
    if found is None:
        raise NotFound(_("{what} no longer exists").format(what=what))
    return found


class ProblemDesk(Facade):
    @staticmethod
    def _problem(session: Any, problem_id: int) -> Problem:
        problem = session.get(Problem, problem_id)
        if problem is None:
            raise NotFound(_("That record no longer exists"))
        return problem  # type: ignore[no-any-return]

    def problem(self, problem_id: int) -> dict[str, Any]:
        """Everything the problem's screen shows: fields, texts, its incidents, its journal."""
        with self.db.read() as session:
            self._actor(session)
            p = self._problem(session, problem_id)

            def name(model: Any, record_id: int | None, attr: str = "name") -> str | None:
                found = session.get(model, record_id) if record_id else None
                return getattr(found, attr) if found is not None else None

            incidents = [{"id": i.id, "number": i.number, "short_description": i.short_description,
                          "status": i.status, "owner": name(Person, i.owner_id, "full_name"),
                          "open": i.status not in _SETTLED}
                         for i in problems.problem_incidents(session, p)]
            return {
                "id": p.id, "kind": "problem", "number": p.number, "version": p.version, "status": p.status,
                "short_description": p.short_description, "description": p.description,
                "root_cause": p.root_cause, "workaround": p.workaround, "solution": p.solution,
                "service": name(Service, p.service_id), "service_id": p.service_id,
                "configuration_item": name(ConfigurationItem, p.configuration_item_id),
                "configuration_item_id": p.configuration_item_id,
                "group": name(WorkGroup, p.group_id), "group_id": p.group_id,
                "owner": name(Person, p.owner_id, "full_name"), "owner_id": p.owner_id,
                "created_at": p.created_at, "updated_at": p.updated_at, "resolved_at": p.resolved_at,
                "closed_at": p.closed_at, "incidents": incidents,
                "targets": sorted((t.value for t in TRANSITIONS[ProblemStatus(p.status)]),
                                  key=lambda v: list(ProblemStatus).index(ProblemStatus(v))),
                "journal": records.journal_entries(session, "problem", p.id, self.who.person_id),  # type: ignore[arg-type]
            }

    def choices(self, service_id: int | None = None) -> dict[str, list[tuple[int, str]]]:
        """What the problem's form offers: services, work groups, configuration items (the
        service's own first)."""
        with self.db.read() as session:
            services = [(s.id, s.name) for s in session.execute(
                select(Service).where(Service.active.is_(True)).order_by(Service.name)).scalars()]  # type: ignore[attr-defined]
            groups = [(g.id, g.name) for g in session.execute(
                select(WorkGroup).where(WorkGroup.active.is_(True)).order_by(WorkGroup.name)).scalars()]  # type: ignore[attr-defined]
            rows = session.execute(select(ConfigurationItem.id, ConfigurationItem.name, ConfigurationItem.service_id)
                                   .where(ConfigurationItem.active.is_(True))  # type: ignore[attr-defined]
                                   .order_by(ConfigurationItem.name)).all()
        items = [(i, n) for i, n, s in rows if s == service_id] + [(i, n) for i, n, s in rows if s != service_id]
        return {"services": services, "groups": groups, "items": items}  # type: ignore[dict-item]

    def open_problems(self) -> list[tuple[int, str]]:
        """Problems an incident can still be linked to, newest first, as «PRB… short description»."""
        with self.db.read() as session:
            return [(p.id, f"{p.number} {p.short_description}")  # type: ignore[misc]
                    for p in problems.list_problems(session, open_only=True)]

    def save(self, problem_id: int | None, *, version: int | None, short_description: str, description: str,
             root_cause: str, workaround: str, service_id: int | None, configuration_item_id: int | None,
             group_id: int | None, owner_id: int | None, incident_id: int | None = None) -> int:
        """A new problem (no id; from an incident, that incident linked) or the problem changed;
        its id."""
        with self.db.write() as session:
            actor = self._actor(session)
            refs = {"service": _get(session, Service, service_id, _("The service")),
                    "configuration_item": _get(session, ConfigurationItem, configuration_item_id,
                                               _("The configuration item")),
                    "group": _get(session, WorkGroup, group_id, _("The work group")),
                    "owner": _get(session, Person, owner_id, _("The owner"))}
            if problem_id is None:
                incident = _get(session, Incident, incident_id, _("The incident"))
                made = problems.register_problem(session, actor, short_description=short_description,
                                                 description=description, root_cause=root_cause,
                                                 workaround=workaround, incident=incident, **refs)
                return made.id  # type: ignore[return-value]
            problem = problems.update_problem(session, actor, problem_id, expected_version=version,
                                              short_description=short_description, description=description,
                                              root_cause=root_cause, workaround=workaround, **refs)
            return problem.id  # type: ignore[return-value]

    def change_status(self, problem_id: int, target: str, *, version: int | None, root_cause: str | None = None,
                      workaround: str | None = None, solution: str | None = None,
                      resolve_incidents: bool = False) -> problems.Resolution | None:
        """Move the problem on; resolving it may resolve its open incidents in the same
        transaction (all of them or none)."""
        with self.db.write() as session:
            actor = self._actor(session)
            if ProblemStatus(target) is ProblemStatus.RESOLVED:
                if solution is None:
                    raise RuleViolation(_("A problem gets its solution when it is resolved"), field="solution")
                return problems.resolve_problem(session, actor, problem_id, solution=solution,
                                                resolve_incidents=resolve_incidents, expected_version=version)
            problems.change_status(session, actor, problem_id, target, root_cause=root_cause,
                                   workaround=workaround, expected_version=version)
            return None

    def link_incident(self, problem_id: int, number: str) -> str:
        """Link the incident of that number (as typed: «inc12», « INC0000012 »); its number."""
        with self.db.write() as session:
            actor = self._actor(session)
            incident = find_incident(session, number)
            problems.link_incident(session, actor, self._problem(session, problem_id), incident)
            return incident.number

    def link_from_incident(self, incident_id: int, problem_id: int) -> None:
        with self.db.write() as session:
            actor = self._actor(session)
            incident = _get(session, Incident, incident_id, _("The incident"))
            problems.link_incident(session, actor, self._problem(session, problem_id), incident)

    def unlink_incident(self, problem_id: int, incident_id: int) -> None:
        with self.db.write() as session:
            actor = self._actor(session)
            incident = _get(session, Incident, incident_id, _("The incident"))
            problems.unlink_incident(session, actor, self._problem(session, problem_id), incident)
