"""The TUI's facade for the knowledge base (R4): the articles' list, one article with its
versions, and every change an analyst makes to one from the keyboard. One short transaction per
call, as the rest of the workspace (desk/workspace.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from helpdesk_tui.desk import articles
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Incident, KnowledgeArticle, Person, Service

PAGE = 500


class ArticleDesk(Facade):
    @staticmethod
    def _article(session: Any, article_id: int) -> KnowledgeArticle:
        article = session.get(KnowledgeArticle, article_id)
        if article is None:
            raise NotFound(_("That record no longer exists"))
        return article  # type: ignore[no-any-return]

    def listing(self, status: str | None = None, text: str = "") -> list[dict[str, Any]]:
        """Articles newest first: a status, words of the title or keywords."""
        with self.db.read() as session:
            self._actor(session)
            stmt = select(KnowledgeArticle.id, KnowledgeArticle.number, KnowledgeArticle.title,
                          KnowledgeArticle.status, KnowledgeArticle.keywords, KnowledgeArticle.updated_at)
            if status:
                stmt = stmt.where(KnowledgeArticle.status == status)
            for word in text.casefold().split():
                pattern = f"%{word}%"
                stmt = stmt.where(or_(func.lower(KnowledgeArticle.title).like(pattern),
                                      func.lower(KnowledgeArticle.keywords).like(pattern),
                                      func.lower(KnowledgeArticle.number).like(pattern)))
            rows = session.execute(stmt.order_by(KnowledgeArticle.updated_at.desc()).limit(PAGE)).all()  # type: ignore[attr-defined]
            return [dict(row._mapping) for row in rows]

    def article(self, article_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            self._actor(session)
            a = self._article(session, article_id)

            def name(person_id: int | None) -> str | None:
                person = session.get(Person, person_id) if person_id else None
                return person.full_name if person else None

            service = session.get(Service, a.service_id) if a.service_id else None
            source = session.get(Incident, a.source_incident_id) if a.source_incident_id else None
            return {"id": a.id, "kind": "knowledge_article", "number": a.number, "title": a.title, "body": a.body,
                    "solution": a.solution, "keywords": a.keywords, "status": a.status, "version": a.version,
                    "service": service.name if service else None, "service_id": a.service_id,
                    "author": name(a.author_id), "reviewer": name(a.reviewer_id),
                    "source": source.number if source else None, "updated_at": a.updated_at,
                    "published_at": a.published_at,
                    "versions": [{"version": v.version, "status": v.status, "title": v.title,
                                  "changed_at": v.changed_at, "changed_by": name(v.changed_by_id)}
                                 for v in articles.versions(session, a.id)]}  # type: ignore[arg-type]

    def services(self) -> list[tuple[str, int]]:
        with self.db.read() as session:
            return [(s.name, s.id) for s in session.execute(select(Service).where(Service.active.is_(True))  # type: ignore[attr-defined]
                                                             .order_by(Service.name)).scalars()]  # type: ignore[misc]

    def save(self, article_id: int | None, *, version: int | None, title: str, body: str, solution: str,
             keywords: str, service_id: int | None) -> int:
        """A new draft (no id) or the article changed; its id."""
        with self.db.write() as session:
            actor = self._actor(session)
            service = session.get(Service, service_id) if service_id else None
            if article_id is None:
                made = articles.create_article(session, actor, title=title, body=body, solution=solution,
                                               keywords=keywords, service=service)
                return made.id  # type: ignore[return-value]
            article = articles.update_article(session, actor, article_id, expected_version=version, title=title,
                                              body=body, solution=solution, keywords=keywords, service=service)
            return article.id  # type: ignore[return-value]

    def publish(self, article_id: int, version: int | None) -> None:
        with self.db.write() as session:
            articles.publish_article(session, self._actor(session), article_id, expected_version=version)

    def retire(self, article_id: int, version: int | None) -> None:
        with self.db.write() as session:
            articles.retire_article(session, self._actor(session), article_id, expected_version=version)

    def from_incident(self, incident_id: int) -> int:
        with self.db.write() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(_("That record no longer exists"))
            return articles.article_from_incident(session, self._actor(session), incident).id  # type: ignore[return-value]
