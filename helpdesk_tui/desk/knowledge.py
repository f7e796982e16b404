"""Knowledge articles and problems: what new incidents are related to (R4)."""

from __future__ import annotations

from sqlmodel import Session

from helpdesk_tui.desk import articles, problems
from helpdesk_tui.desk.common import bump, desk_staff, feed, get_for_update, journal
from helpdesk_tui.desk.notes import link_records
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Incident, KnowledgeArticle, Person, Problem, Service


def create_article(session: Session, actor: Person | None, *, title: str, body: str = "", solution: str = "",
                   service: Service | None = None, published: bool = True) -> KnowledgeArticle:
    """A published article at once (the demo's, the tests'); desk/articles.py drafts and edits them."""
    return articles.create_article(session, actor, title=title, body=body, solution=solution, service=service,
                                   status="published" if published else "draft")


def create_problem(session: Session, actor: Person | None, *, short_description: str, description: str = "",
                   workaround: str = "", service: Service | None = None) -> Problem:
    """A registered problem (the demo's); desk/problems.py keeps its lifecycle."""
    return problems.register_problem(session, actor, short_description=short_description, description=description,
                                     workaround=workaround, service=service)


_SOURCES = {"knowledge_article": (KnowledgeArticle, "solution"), "problem": (Problem, "workaround"),
            "incident": (Incident, "solution")}


def reuse_solution(session: Session, actor: Person | None, incident: Incident, *, source_kind: str,
                   source_id: int) -> str:
    """R4: take the solution of an article, a problem's workaround or a solved incident as this
    incident's solution to be; it is linked, and «Вирішено» offers the text. Returns the text."""
    actor = desk_staff(session, actor)
    model, attribute = _SOURCES.get(source_kind, (None, ""))
    source = session.get(model, source_id) if model is not None else None
    if source is None:
        raise NotFound(_("That record no longer exists"))
    solution = (getattr(source, attribute) or "").strip()
    if not solution and source_kind == "knowledge_article":
        solution = source.body.strip()
    if source_kind == "problem" and (source.solution or "").strip():
        solution = source.solution.strip()  # a resolved problem's fix, better than its workaround
    if not solution:
        raise RuleViolation(_("{number} has no solution to reuse").format(number=source.number))
    incident = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    lifecycle.ensure_changeable(IncidentStatus(incident.status), incident.number)
    link_records(session, actor, incident, to_kind=source_kind, to_id=source_id)
    old = incident.solution
    incident.solution = solution
    bump(incident)
    session.add(incident)
    journal(session, record_kind="incident", record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Solution taken from {number}"), number=source.number),
            diff=[("solution", old, solution)], record_version=incident.version)
    feed(session, "incident", incident.id, "updated", actor)  # type: ignore[arg-type]
    return solution
