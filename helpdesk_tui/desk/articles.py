"""Knowledge articles the desk writes (R4): drafted, edited, published, retired; written from a
resolved incident in one step; every version kept with who made it. Only published articles
are suggested (store/search.py reads `published`, kept equal to status == "published")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.common import (
    apply_changes,
    bump,
    check_text,
    check_version,
    desk_staff,
    feed,
    get_for_update,
    journal,
    next_number,
)
from helpdesk_tui.desk.notes import link_records
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.knowledge_tables import ArticleVersion
from helpdesk_tui.store.models import Incident, KnowledgeArticle, Person, Service
from helpdesk_tui.store.types import utcnow

KIND = "knowledge_article"
STATUSES = ("draft", "published", "retired")
STATUS_LABELS = {"draft": N_("Draft"), "published": N_("Published"), "retired": N_("Retired")}
TITLE_MAX = 200
TEXT_MAX = 200_000
FIELDS = ("title", "body", "solution", "keywords", "service")


def clean_keywords(text: str | None) -> str:
    """«принтер, Друк ,друк» → «принтер, друк»: trimmed, case-folded duplicates gone, order kept."""
    seen: dict[str, str] = {}
    for word in (text or "").replace(";", ",").split(","):
        word = " ".join(word.split())
        if word and word.casefold() not in seen:
            seen[word.casefold()] = word
    return ", ".join(seen.values())


def _snapshot(session: Session, article: KnowledgeArticle, actor: Person | None) -> None:
    session.add(ArticleVersion(article_id=article.id, version=article.version, title=article.title,  # type: ignore[arg-type]
                               body=article.body, solution=article.solution, keywords=article.keywords,
                               service_id=article.service_id, status=article.status,
                               changed_by_id=actor.id if actor else None, changed_at=utcnow()))


def create_article(session: Session, actor: Person | None, *, title: str, body: str = "", solution: str = "",
                   service: Service | None = None, keywords: str = "", status: str = "draft",
                   source: Incident | None = None) -> KnowledgeArticle:
    """A new article, a draft unless said otherwise (publishing makes the publisher its reviewer)."""
    actor = desk_staff(session, actor)
    if status not in STATUSES:
        raise RuleViolation(_("An article is a draft, published or retired"), field="status")
    title = check_text(title, "title", required=True, limit=TITLE_MAX)
    now = utcnow()
    article = KnowledgeArticle(number=next_number(session, KIND), title=title,
                               body=check_text(body, "body", limit=TEXT_MAX),
                               solution=check_text(solution, "solution", limit=TEXT_MAX),
                               service_id=service.id if service else None, keywords=clean_keywords(keywords),
                               status=status, published=status == "published", author_id=actor.id,
                               reviewer_id=actor.id if status == "published" else None,
                               published_at=now if status == "published" else None,
                               source_incident_id=source.id if source else None)
    session.add(article)
    session.flush()
    _snapshot(session, article, actor)
    journal(session, record_kind=KIND, record_id=article.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Article created")), diff=[("title", None, article.title), ("status", None, status)],
            record_version=1)
    feed(session, KIND, article.id, "created", actor)  # type: ignore[arg-type]
    return article


def _load(session: Session, article: KnowledgeArticle | int, expected_version: int | None) -> KnowledgeArticle:
    article_id = article if isinstance(article, int) else article.id
    found = get_for_update(session, KnowledgeArticle, article_id, what=_("article"))  # type: ignore[arg-type]
    check_version(session, found, KIND, expected_version)
    return found


def update_article(session: Session, actor: Person | None, article: KnowledgeArticle | int, *,
                   expected_version: int | None = None, **changes: Any) -> KnowledgeArticle:
    """Change the title, the Markdown body, the solution, the keywords or the service; a new
    version is kept. A retired article is read-only until published again."""
    actor = desk_staff(session, actor)
    article = _load(session, article, expected_version)
    if article.status == "retired":
        raise RuleViolation(_("{number} is retired: publish it again to change it").format(number=article.number),
                            field="status")
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = check_text(value, name, required=True, limit=TITLE_MAX)
        elif name in ("body", "solution"):
            values[name] = check_text(value, name, limit=TEXT_MAX)
        elif name == "keywords":
            values[name] = clean_keywords(value)
        elif name == "service":
            values["service_id"] = value.id if value is not None else None
        else:
            raise RuleViolation(_("{field} cannot be changed here").format(field=name), field=name)
    return _commit(session, actor, article, values, Message(N_("Article edited")))


def _commit(session: Session, actor: Person, article: KnowledgeArticle, values: dict[str, Any],
            summary: Message) -> KnowledgeArticle:
    diff = apply_changes(article, values)
    if diff:
        article.updated_at = utcnow()
        bump(article)
        _snapshot(session, article, actor)
        # Long texts are said to have changed; their versions hold the words.
        shown = [(f, o, n) if f not in ("body", "solution") else (f, None, _("changed")) for f, o, n in diff]
        journal(session, record_kind=KIND, record_id=article.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=summary, diff=shown, record_version=article.version)
        feed(session, KIND, article.id, "updated", actor)  # type: ignore[arg-type]
    return article


def publish_article(session: Session, actor: Person | None, article: KnowledgeArticle | int, *,
                    expected_version: int | None = None) -> KnowledgeArticle:
    """Published: suggested to analysts from now on; who publishes it is its reviewer."""
    actor = desk_staff(session, actor)
    article = _load(session, article, expected_version)
    if article.status == "published":
        raise RuleViolation(_("{number} is published already").format(number=article.number), field="status")
    if not (article.body.strip() or article.solution.strip()):
        raise RuleViolation(_("An article is published with a text or a solution"), field="body")
    return _commit(session, actor, article, {"status": "published", "published": True, "reviewer_id": actor.id,
                                             "published_at": utcnow()}, Message(N_("Article published")))


def retire_article(session: Session, actor: Person | None, article: KnowledgeArticle | int, *,
                   expected_version: int | None = None) -> KnowledgeArticle:
    """Retired: kept and found by number, never suggested again."""
    actor = desk_staff(session, actor)
    article = _load(session, article, expected_version)
    if article.status == "retired":
        raise RuleViolation(_("{number} is retired already").format(number=article.number), field="status")
    return _commit(session, actor, article, {"status": "retired", "published": False}, Message(N_("Article retired")))


def article_from_incident(session: Session, actor: Person | None, incident: Incident) -> KnowledgeArticle:
    """A draft from a resolved incident: its short description as the title, its description as
    the text, its solution as the solution; the incident linked to it."""
    actor = desk_staff(session, actor)
    if incident.status not in ("resolved", "closed") or not (incident.solution or "").strip():
        raise RuleViolation(_("{number} has no solution yet: an article is written from a resolved incident")
                            .format(number=incident.number), field="solution")
    service = session.get(Service, incident.service_id) if incident.service_id else None
    article = create_article(session, actor, title=incident.short_description, body=incident.description or "",
                             solution=incident.solution or "", service=service, source=incident)
    if incident.status != "closed":
        link_records(session, actor, incident, to_kind=KIND, to_id=article.id)  # type: ignore[arg-type]
    return article


def versions(session: Session, article_id: int) -> list[ArticleVersion]:
    return list(session.execute(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                                .order_by(ArticleVersion.version)).scalars())
