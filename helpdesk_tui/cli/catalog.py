"""`helpdesk catalog ...`: the service catalog, kept as a reviewed TOML file (R27, R29)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import catalog
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.domain.catalog import FIELD_KINDS
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, WorkGroup

catalog_app = typer.Typer(help="The service catalog: load the reviewed file, list and show its items.",
                          no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@catalog_app.command("load")
def catalog_load(
    file: Annotated[Path, typer.Argument(help="The catalog's TOML file.")],
    withdraw_missing: Annotated[bool, typer.Option("--withdraw-missing",
                                                   help="Stop offering the items the file no longer has.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Load the catalog file: all of it, or nothing and every mistake with its line."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleViolation(_("Cannot read {file}: {error}").format(file=file, error=exc)) from None
    with state.write() as s:
        result = catalog.load_catalog(s, state.actor(s), text, file.name, withdraw_missing=withdraw_missing)
    if as_json:
        emit_json(vars(result))
        return
    say(_("Catalog loaded: {added} new, {changed} changed, {unchanged} unchanged, {withdrawn} withdrawn").format(
        added=len(result.added), changed=len(result.changed), unchanged=len(result.unchanged),
        withdrawn=len(result.withdrawn)))


@catalog_app.command("list")
def catalog_list(old: Annotated[bool, typer.Option("--all-versions", help="Earlier versions too.")] = False,
                 as_json: JsonOpt = False) -> None:
    """The catalog's items."""
    with state.read() as s:
        rows = [(row, ItemInfo.of(row), s.get(WorkGroup, row.group_id) if row.group_id else None)
                for row in catalog.all_items(s, include_old=old)]
    if as_json:
        emit_json([{"code": r.code, "version": r.version, "current": r.current, "name": i.name,
                    "group": g.name if g else None, "approval": bool(r.approval), "stages": len(r.stages)}
                   for r, i, g in rows])
        return
    table([_("Code"), _("Version"), _("Name"), _("Work group"), _("Approval"), _("Stages")],
          [(r.code, str(r.version) + ("" if r.current else " " + _("(old)")), i.name, g.name if g else "",
            _("yes") if r.approval else _("no"), str(len(r.stages))) for r, i, g in rows])


@catalog_app.command("show")
def catalog_show(item: Annotated[str, typer.Argument(help="The item's code or name.")], as_json: JsonOpt = False) -> None:
    """One item: its fields, approvers and task sequence."""
    with state.read() as s:
        row = catalog.find_item(s, item)
        info = ItemInfo.of(row)
        groups = dict(s.execute(select(WorkGroup.id, WorkGroup.name)).all())
        approval = row.approval or {}
        approvers = [s.get(Person, pid).full_name for pid in approval.get("people", []) if s.get(Person, pid)]
        approvers += [groups.get(gid, "?") for gid in approval.get("groups", [])]
        all_needed = approval.get("mode") == "all"
    if as_json:
        emit_json({"code": row.code, "version": row.version, "name": info.name, "description": info.description,
                   "group": groups.get(row.group_id), "fields": row.fields, "approval": approval,
                   "stages": [[{**t, "group": groups.get(t["group_id"])} for t in stage] for stage in row.stages],
                   "response_minutes": row.response_minutes, "resolution_minutes": row.resolution_minutes})
        return
    say(f"{info.name}  ({row.code}, v{row.version})")
    fields([(_("Description"), info.description or None), (_("Work group"), groups.get(row.group_id)),
            (_("Approvers"), _("{names} (all of them)").format(names=", ".join(approvers)) if approvers and all_needed
             else _("{names} (any one)").format(names=", ".join(approvers)) if approvers else None),
            (_("Response"), _("{hours} working hours").format(hours=row.response_minutes / 60) if row.response_minutes else None),
            (_("Resolution"), _("{hours} working hours").format(hours=row.resolution_minutes / 60) if row.resolution_minutes else None)])
    table([_("Field"), _("Kind"), _("Required")],
          [(f.title(), _(FIELD_KINDS.get(f.kind, f.kind)), _("yes") if f.required else "") for f in info.fields],
          title=_("Fields"))
    table([_("Stage"), _("Work group"), _("Task")],
          [(str(n + 1), groups.get(t["group_id"], "?"), t["short_description"])
           for n, stage in enumerate(row.stages) for t in stage], title=_("Tasks"))


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
