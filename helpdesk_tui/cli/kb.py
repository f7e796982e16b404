"""`helpdesk kb ...`: the knowledge base (R4): write, edit, publish and retire articles, write
one from a resolved incident, see its versions, bring a folder of Markdown notes in or out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from sqlalchemy import select

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import article_files, articles, lookup
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import KnowledgeArticle, Person, Service

kb_app = typer.Typer(help="The knowledge base: articles, drafts, versions, Markdown folders.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", help="The version you saw; refused if it changed since.")]
Number = Annotated[str, typer.Argument(help="Article number, e.g. KB0000012.")]


def _article(session, number: str) -> KnowledgeArticle:  # type: ignore[no-untyped-def]
    return lookup.find_numbered(session, KnowledgeArticle, "KB", number)


def _text(value: Optional[str], file: Optional[Path]) -> Optional[str]:
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleViolation(_("Cannot read {path}: {reason}").format(path=file, reason=exc)) from None
    return value


def detail(session, article: KnowledgeArticle) -> dict:  # type: ignore[no-untyped-def,type-arg]
    def name(person_id: int | None) -> str | None:
        person = session.get(Person, person_id) if person_id else None
        return person.full_name if person else None

    service = session.get(Service, article.service_id) if article.service_id else None
    return {"number": article.number, "title": article.title, "status": article.status, "body": article.body,
            "solution": article.solution, "keywords": article.keywords, "service": service.name if service else None,
            "author": name(article.author_id), "reviewer": name(article.reviewer_id), "version": article.version,
            "updated_at": article.updated_at, "published_at": article.published_at}


@kb_app.command("new")
def kb_new(
    title: Annotated[str, typer.Option("--title", "-t")],
    body: Annotated[str, typer.Option("--body", help="Markdown text.")] = "",
    body_file: Annotated[Optional[Path], typer.Option("--body-file", help="Read the Markdown text from a file.")] = None,
    solution: Annotated[str, typer.Option("--solution")] = "",
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    keywords: Annotated[str, typer.Option("--keywords", help="Comma-separated.")] = "",
    publish: Annotated[bool, typer.Option("--publish", help="Publish at once (you are its reviewer).")] = False,
) -> None:
    """Write a new article (a draft unless --publish)."""
    with state.write() as s:
        made = articles.create_article(s, state.actor(s), title=title, body=_text(body, body_file) or "",
                                       solution=solution, service=lookup.find_service(s, service) if service else None,
                                       keywords=keywords, status="published" if publish else "draft")
        number = made.number
    say(_("Written {number}").format(number=number))


@kb_app.command("edit")
def kb_edit(
    number: Number,
    title: Annotated[Optional[str], typer.Option("--title", "-t")] = None,
    body: Annotated[Optional[str], typer.Option("--body")] = None,
    body_file: Annotated[Optional[Path], typer.Option("--body-file")] = None,
    solution: Annotated[Optional[str], typer.Option("--solution")] = None,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    keywords: Annotated[Optional[str], typer.Option("--keywords")] = None,
    version: VersionOpt = None,
) -> None:
    """Change an article; its earlier version is kept."""
    changes: dict = {}  # type: ignore[type-arg]
    text = _text(body, body_file)
    for name, value in (("title", title), ("body", text), ("solution", solution), ("keywords", keywords)):
        if value is not None:
            changes[name] = value
    with state.write() as s:
        if service is not None:
            changes["service"] = lookup.find_service(s, service) if service else None
        article = articles.update_article(s, state.actor(s), _article(s, number), expected_version=version, **changes)
        number, now = article.number, article.version
    say(_("{number} saved (version {version})").format(number=number, version=now))


@kb_app.command("publish")
def kb_publish(number: Number, version: VersionOpt = None) -> None:
    """Publish an article: analysts are offered it from now on."""
    with state.write() as s:
        articles.publish_article(s, state.actor(s), _article(s, number), expected_version=version)
    say(_("{number} published").format(number=number.upper()))


@kb_app.command("retire")
def kb_retire(number: Number, version: VersionOpt = None) -> None:
    """Retire an article: kept, never suggested again."""
    with state.write() as s:
        articles.retire_article(s, state.actor(s), _article(s, number), expected_version=version)
    say(_("{number} retired").format(number=number.upper()))


@kb_app.command("from-incident")
def kb_from_incident(incident: Annotated[str, typer.Argument(help="A resolved incident, e.g. INC0000123.")]) -> None:
    """A draft article from a resolved incident's solution, linked to it."""
    with state.write() as s:
        made = articles.article_from_incident(s, state.actor(s), lookup.find_incident(s, incident))
        number = made.number
    say(_("Written {number}").format(number=number))


@kb_app.command("show")
def kb_show(number: Number, as_json: JsonOpt = False) -> None:
    """An article with its text and solution."""
    with state.read() as s:
        d = detail(s, _article(s, number))
    if as_json:
        emit_json(d)
        return
    say(f"{d['number']}  {d['title']}")
    fields([(_("Status"), _(articles.STATUS_LABELS[d["status"]])), (_("Service"), d["service"]),
            (_("Keywords"), d["keywords"]), (_("Author"), d["author"]), (_("Reviewer"), d["reviewer"]),
            (_("Updated"), when(d["updated_at"])), (_("Version"), str(d["version"]))])
    if d["body"]:
        say("\n" + d["body"])
    if d["solution"]:
        say("\n" + _("Solution") + "\n" + d["solution"])


@kb_app.command("list")
def kb_list(
    status: Annotated[Optional[str], typer.Option("--status", help="draft, published or retired")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Articles by number."""
    with state.read() as s:
        stmt = select(KnowledgeArticle).order_by(KnowledgeArticle.number)
        if status:
            stmt = stmt.where(KnowledgeArticle.status == status)
        rows = [detail(s, a) for a in s.execute(stmt.limit(1000)).scalars()]
    if as_json:
        emit_json(rows)
        return
    table([_("Number"), _("Title"), _("Status"), _("Service"), _("Updated")],
          [(r["number"], r["title"], _(articles.STATUS_LABELS[r["status"]]), r["service"], when(r["updated_at"]))
           for r in rows])


@kb_app.command("history")
def kb_history(number: Number, as_json: JsonOpt = False) -> None:
    """Every version of an article: who made it, when, in which status."""
    with state.read() as s:
        article = _article(s, number)
        rows = [{"version": v.version, "title": v.title, "status": v.status, "changed_at": v.changed_at,
                 "changed_by": (s.get(Person, v.changed_by_id).full_name if v.changed_by_id else None),
                 "body": v.body, "solution": v.solution} for v in articles.versions(s, article.id)]  # type: ignore[arg-type]
    if as_json:
        emit_json(rows)
        return
    table([_("Version"), _("When"), _("Who"), _("Status"), _("Title")],
          [(r["version"], when(r["changed_at"]), r["changed_by"], _(articles.STATUS_LABELS[r["status"]]), r["title"])
           for r in rows])


@kb_app.command("import")
def kb_import(folder: Annotated[Path, typer.Argument(help="A folder of Markdown files with front matter.")]) -> None:
    """Bring a folder of Markdown notes in: all of them, or none when one is wrong."""
    if not folder.is_dir():
        raise RuleViolation(_("{path} is not a folder").format(path=folder), field="folder")
    files = []
    for path in sorted(folder.glob("*.md")):
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise RuleViolation(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    if not files:
        raise RuleViolation(_("{path} has no .md files").format(path=folder), field="folder")
    with state.write() as s:
        created, updated = article_files.import_articles(s, state.actor(s), files)
    say(_("{created} new, {updated} updated").format(created=created, updated=updated))


@kb_app.command("export")
def kb_export(folder: Annotated[Path, typer.Argument(help="Where to write the Markdown files.")],
              retired: Annotated[bool, typer.Option("--retired", help="Retired articles too.")] = False) -> None:
    """Write every article as a Markdown file with front matter."""
    with state.read() as s:
        files = article_files.export_articles(s, state.actor(s, required=False), include_retired=retired)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    say(_("{n} articles written to {path}").format(n=len(files), path=folder))


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
