"""`kb import` / `kb export` (R4): a folder of Markdown files with front matter in and out of the
knowledge base. Import is all or nothing: every file is read and checked first, and one
mistake anywhere (named with its file) leaves the knowledge base as it was."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import articles
from helpdesk_tui.desk.common import desk_staff
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.kb_files import MAX_BYTES, ArticleFile, FileProblem, file_name, read_article, write_article
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import KnowledgeArticle, Person, Service

SHOWN_PROBLEMS = 10


def import_articles(session: Session, actor: Person | None, files: list[tuple[str, bytes]]) -> tuple[int, int]:
    """(created, updated) from (file name, content) pairs; RuleViolation listing the files'
    mistakes, and nothing written, when any file is wrong."""
    actor = desk_staff(session, actor)
    services = {s.name.casefold(): s for s in session.execute(select(Service)).scalars()}
    numbers = {a.number: a for a in session.execute(select(KnowledgeArticle)).scalars()}
    parsed: list[tuple[ArticleFile, Service | None, KnowledgeArticle | None]] = []
    problems: list[str] = []
    for name, raw in files:
        try:
            if len(raw) > MAX_BYTES:
                raise FileProblem(_("over {limit} bytes: not an article").format(limit=MAX_BYTES))
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(_("not UTF-8 text")) from None
            article = read_article(text)
            service = None
            if article.service is not None:
                service = services.get(article.service.casefold())
                if service is None:
                    raise FileProblem(_("service: no service is called «{name}»").format(name=article.service))
            existing = numbers.get(article.number) if article.number else None
            parsed.append((article, service, existing))
        except FileProblem as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        listed = "; ".join(problems[:SHOWN_PROBLEMS]) + (_(" (and {n} more)").format(n=more) if more > 0 else "")
        raise RuleViolation(_("Nothing imported: {problems}").format(problems=listed), field="files")
    created = updated = 0
    for article, service, existing in parsed:
        if existing is None:
            made = articles.create_article(session, actor, title=article.title, body=article.body,
                                           solution=article.solution, service=service, keywords=article.keywords,
                                           status="draft" if article.status == "retired" else article.status)
            if article.status == "retired":
                articles.retire_article(session, actor, made)
            created += 1
            continue
        if existing.status == "retired" and article.status != "published":
            continue  # retired here and not published there: it stays as the desk left it
        if existing.status == "retired":
            articles.publish_article(session, actor, existing)
        articles.update_article(session, actor, existing, title=article.title, body=article.body,
                                solution=article.solution, keywords=article.keywords, service=service)
        if article.status == "published" and existing.status == "draft":
            articles.publish_article(session, actor, existing)
        elif article.status == "retired":
            articles.retire_article(session, actor, existing)
        updated += 1
    return created, updated


def export_articles(session: Session, actor: Person | None, *, include_retired: bool = False) -> list[tuple[str, str]]:
    """(file name, Markdown) of every article, by number; retired ones only when asked."""
    desk_staff(session, actor)
    services = {s.id: s.name for s in session.execute(select(Service)).scalars()}
    stmt = select(KnowledgeArticle).order_by(KnowledgeArticle.number)
    if not include_retired:
        stmt = stmt.where(KnowledgeArticle.status != "retired")
    heading = _("Solution")
    return [(file_name(a.number, a.title),
             write_article(ArticleFile(title=a.title, body=a.body, solution=a.solution,
                                       service=services.get(a.service_id) if a.service_id else None,
                                       keywords=a.keywords, status=a.status, number=a.number), heading))
            for a in session.execute(stmt).scalars()]
