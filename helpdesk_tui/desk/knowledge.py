"""Knowledge articles and problems: what new incidents are related to (R4)."""

from __future__ import annotations

from sqlmodel import Session

from helpdesk_tui.desk.common import desk_staff, feed, journal, next_number
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import KnowledgeArticle, Person, Problem, Service


def create_article(session: Session, actor: Person | None, *, title: str, body: str = "", solution: str = "",
                   service: Service | None = None, published: bool = True) -> KnowledgeArticle:
    actor = desk_staff(session, actor)
    if not (title or "").strip():
        raise RuleViolation(_("An article needs a title"), field="title")
    article = KnowledgeArticle(number=next_number(session, "knowledge_article"), title=title.strip(), body=body.strip(),
                               solution=solution.strip(), service_id=service.id if service else None, published=published)
    session.add(article)
    session.flush()
    journal(session, record_kind="knowledge_article", record_id=article.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=_("Article created"), diff=[("title", None, article.title)], record_version=1)
    feed(session, "knowledge_article", article.id, "created", actor)  # type: ignore[arg-type]
    return article


def create_problem(session: Session, actor: Person | None, *, short_description: str, description: str = "",
                   workaround: str = "", service: Service | None = None) -> Problem:
    actor = desk_staff(session, actor)
    if not (short_description or "").strip():
        raise RuleViolation(_("A problem needs a short description"), field="short_description")
    problem = Problem(number=next_number(session, "problem"), short_description=short_description.strip(),
                      description=description.strip(), workaround=workaround.strip(),
                      service_id=service.id if service else None)
    session.add(problem)
    session.flush()
    journal(session, record_kind="problem", record_id=problem.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=_("Problem registered"), diff=[("short_description", None, problem.short_description)],
            record_version=1)
    feed(session, "problem", problem.id, "created", actor)  # type: ignore[arg-type]
    return problem
