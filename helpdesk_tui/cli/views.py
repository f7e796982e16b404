"""`helpdesk dashboard` and `helpdesk search`: the TUI's lists, from the shell."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.listing import print_page
from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import searches
from helpdesk_tui.i18n import _
from helpdesk_tui.store import queries

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
search_app = typer.Typer(help="Full-text search (find) and saved searches (R14): list, save, run, favourite, "
                              "rename, delete.", no_args_is_help=True)
# What people call each kind, in both languages; the table's own names work too.
KIND_CHOICES = {
    "incident": "incident", "інцидент": "incident", "inc": "incident",
    "article": "knowledge_article", "knowledge_article": "knowledge_article", "kb": "knowledge_article",
    "стаття": "knowledge_article", "problem": "problem", "проблема": "problem", "prb": "problem",
}


def dashboard(
    name: Annotated[Optional[str], typer.Argument(help="analyst, incidents-requests, tasks or requests.")] = None,
    tab: Annotated[Optional[str], typer.Option("--tab", help="Show this tab's rows.")] = None,
    sort: Annotated[Optional[str], typer.Option("--sort")] = None,
    asc: Annotated[Optional[bool], typer.Option("--asc/--desc")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    after: Annotated[Optional[str], typer.Option("--after")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The dashboards' tabs with their counts, or one tab's rows (R9–R12)."""
    with state.read() as s:
        actor = state.actor(s)
        viewer = queries.Viewer.load(s, actor.id)  # type: ignore[arg-type]
        if name is None:
            boards = list(queries.DASHBOARDS.values())
            data = [{"dashboard": b.key, "label": _(b.label), "tabs": [
                {"tab": t.key, "label": _(t.label), "count": n} for t, n in
                zip(b.tabs, queries.tab_counts(s, b.key, viewer).values())]} for b in boards]
            if as_json:
                emit_json(data)
            else:
                table([_("Dashboard"), _("Tab"), "", _("Count")],
                      [(d["label"], t["label"], t["tab"], t["count"]) for d in data for t in d["tabs"]])
            return
        board = queries.dashboard(name)
        if tab is None:
            counts = queries.tab_counts(s, name, viewer)
            if as_json:
                emit_json([{"tab": t.key, "label": _(t.label), "count": counts[t.key]} for t in board.tabs])
            else:
                table([_("Tab"), "", _("Count")], [(_(t.label), t.key, counts[t.key]) for t in board.tabs], title=_(board.label))
            return
        the_tab = board.tab(tab)
        page = queries.tab_page(s, name, tab, viewer, sort=sort, desc=None if asc is None else not asc,
                                after=queries.decode_cursor(after), limit=limit, with_total=True)
    print_page(the_tab.kind, page, as_json=as_json, title=f"{_(board.label)} › {_(the_tab.label)}")


@search_app.command("list")
def search_list(kind: Annotated[Optional[str], typer.Option("--kind")] = None, as_json: JsonOpt = False) -> None:
    """Predefined and my searches, favourites first."""
    with state.read() as s:
        rows = searches.visible_searches(s, state.actor(s), kind)  # type: ignore[arg-type]
    data = [{"id": x.id, "name": searches.display_name(x), "kind": x.record_kind, "personal": x.owner_id is not None,
             "favourite": fav, "filter": searches.describe(x)} for x, fav in rows]
    if as_json:
        emit_json(data)
    else:
        table(["#", _("Search name"), _("Filter"), _("Favourite"), _("Personal")],
              [(d["id"], d["name"], d["filter"], d["favourite"], d["personal"]) for d in data])


@search_app.command("save")
def search_save(
    name: str,
    filter_line: Annotated[str, typer.Argument(help='e.g. status:registered group:"Перша лінія підтримки Контакт-центр"')],
    kind: Annotated[str, typer.Option("--kind", help="incident, task or service_request.")] = "incident",
    sort: Annotated[Optional[str], typer.Option("--sort")] = None,
    asc: Annotated[bool, typer.Option("--asc/--desc")] = False,
    favourite: Annotated[bool, typer.Option("--favourite")] = False,
) -> None:
    """«Save As»: store a personal search."""
    with state.write() as s:
        search = searches.save_search(s, state.actor(s), name=name, kind=kind,
                                      flt=searches.parse_for(kind, filter_line), sort_field=sort,
                                      sort_desc=not asc, favourite=favourite)
        msg = _("Saved «{name}»: {filter}").format(name=search.name, filter=searches.describe(search))
    say(msg)


@search_app.command("run")
def search_run(
    name_or_filter: Annotated[str, typer.Argument(help="A saved search's name or number, or a filter line.")],
    kind: Annotated[str, typer.Option("--kind")] = "incident",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    after: Annotated[Optional[str], typer.Option("--after")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a saved search, or a filter line typed here."""
    with state.read() as s:
        actor = state.actor(s)
        viewer = queries.Viewer.load(s, actor.id)  # type: ignore[arg-type]
        try:
            search = searches.find_search(s, actor, name_or_filter)  # type: ignore[arg-type]
            kind, flt = search.record_kind, searches.search_filter(search)
            sort, desc = search.sort_field, search.sort_desc
        except searches.NotFound:
            flt, sort, desc = searches.parse_for(kind, name_or_filter), None, None
            if not flt.conditions:
                raise  # bare words are a mistyped name far more often than a search for them
        where = queries.compile_filter(s, kind, flt, viewer)
        page = queries.page(s, kind, where, viewer=viewer, sort=sort, desc=desc, after=queries.decode_cursor(after),
                            limit=limit, with_total=True)
    print_page(kind, page, as_json=as_json)


@search_app.command("find")
def search_find(
    words: Annotated[str, typer.Argument(help="Words as an analyst would type them; endings and capitals do not matter.")],
    kind: Annotated[str, typer.Option("--kind", help="incident, article or problem.")] = "incident",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search, best matches first (R4)."""
    from helpdesk_tui.domain.display import number
    from helpdesk_tui.domain.errors import RuleViolation
    from helpdesk_tui.domain.statuses import status_label
    from helpdesk_tui.store import search

    kind = kind.strip().casefold()
    if kind not in KIND_CHOICES:
        raise RuleViolation(_("Unknown kind «{kind}»: use incident, article or problem").format(kind=kind), field="kind")
    with state.read() as s:
        state.actor(s)
        page = search.search_page(s, words, kind=KIND_CHOICES[kind], limit=limit, offset=offset)
    hits = page.hits
    if as_json:
        emit_json([{"number": h.number, "title": h.title, "status": h.status, "solution": h.solution,
                    "score": round(h.score, 4)} for h in hits])
        return
    if not hits:
        say(_("Nothing found for «{words}»").format(words=words))
        return
    shown_kind = KIND_CHOICES[kind]
    table([_("Number"), _("Short description"), _("Status"), _("Solution")],
          [(h.number, h.title, status_label(shown_kind, h.status) if shown_kind == "incident" else "", h.solution)
           for h in hits])
    if page.newest_only:
        say(_("About {n} matches: the newest {ranked} were ranked; add a word to narrow the search").format(
            n=number(page.matches), ranked=number(search.RANK_AT_MOST)))


@search_app.command("favourite")
def search_favourite(name: str, off: Annotated[bool, typer.Option("--off", help="Take it off the list.")] = False) -> None:
    """«Favorite»: put a search on my favourites list, or take it off."""
    with state.write() as s:
        actor = state.actor(s)
        searches.set_favourite(s, actor, searches.find_search(s, actor, name), not off)  # type: ignore[arg-type]
    say(_("Removed from favourites") if off else _("Added to favourites"))


@search_app.command("rename")
def search_rename(name: str, new_name: str) -> None:
    """Rename one of my searches."""
    with state.write() as s:
        actor = state.actor(s)
        searches.rename_search(s, actor, searches.find_search(s, actor, name), new_name)  # type: ignore[arg-type]
    say(_("Renamed to «{name}»").format(name=new_name))


@search_app.command("delete")
def search_delete(name: str) -> None:
    """Delete one of my searches."""
    with state.write() as s:
        actor = state.actor(s)
        searches.delete_search(s, actor, searches.find_search(s, actor, name))  # type: ignore[arg-type]
    say(_("Deleted «{name}»").format(name=name))


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard)
    app.add_typer(search_app, name="search")
