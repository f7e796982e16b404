"""`helpdesk ci ...`: configuration items (R25) the analysts keep: add, change, show one with its
incidents and problems, list them."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import config_items, lookup
from helpdesk_tui.domain.config_items import ItemKind, parse_kind
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import ConfigurationItem, Service, WorkGroup

ci_app = typer.Typer(help="Configuration items: servers, workstations, printers, programs.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Name = Annotated[str, typer.Argument(help="The item's name.")]
KINDS = ", ".join(k.value for k in ItemKind)


def detail(session, item: ConfigurationItem, *, with_records: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    service = session.get(Service, item.service_id) if item.service_id else None
    group = session.get(WorkGroup, item.group_id) if item.group_id else None
    shown: dict[str, Any] = {"id": item.id, "name": item.name, "kind": item.kind, "location": item.location,
                             "description": item.description, "service": service.name if service else None,
                             "group": group.name if group else None, "active": item.active, "version": item.version}
    if with_records:
        shown["incidents"] = [{"number": i.number, "status": i.status, "short_description": i.short_description,
                               "created_at": i.created_at} for i in config_items.item_incidents(session, item)]
        shown["problems"] = [{"number": p.number, "status": p.status, "short_description": p.short_description}
                             for p in config_items.item_problems(session, item)]
    return shown


def _references(session, service: Optional[str], group: Optional[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    found: dict[str, Any] = {}
    if service is not None:
        found["service"] = lookup.find_service(session, service) if service.strip() else None
    if group is not None:
        found["group"] = lookup.find_group(session, group) if group.strip() else None
    return found


@ci_app.command("new")
def ci_new(
    name: Name,
    kind: Annotated[str, typer.Option("--kind", help=KINDS)] = ItemKind.OTHER.value,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    group: Annotated[Optional[str], typer.Option("--group", help="The work group that looks after it.")] = None,
    location: Annotated[str, typer.Option("--location")] = "",
    description: Annotated[str, typer.Option("--description", "-d")] = "",
) -> None:
    """Add a configuration item."""
    with state.write() as s:
        item = config_items.create_item(s, state.actor(s), name=name, kind=kind, location=location,
                                        description=description, **_references(s, service, group))
        name = item.name
    say(_("Added {name}").format(name=name))


@ci_app.command("edit")
def ci_edit(
    name: Name,
    new_name: Annotated[Optional[str], typer.Option("--name", help="A new name.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help=KINDS)] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="An empty name clears it.")] = None,
    group: Annotated[Optional[str], typer.Option("--group", help="An empty name clears it.")] = None,
    location: Annotated[Optional[str], typer.Option("--location")] = None,
    description: Annotated[Optional[str], typer.Option("--description", "-d")] = None,
    retire: Annotated[Optional[bool], typer.Option("--retire/--restore", help="No longer offered / offered again.")] = None,
    version: Annotated[Optional[int], typer.Option("--version", help="The version you saw.")] = None,
) -> None:
    """Change a configuration item."""
    changes: dict[str, Any] = {key: value for key, value in (
        ("name", new_name), ("kind", kind), ("location", location), ("description", description)) if value is not None}
    if retire is not None:
        changes["active"] = not retire
    with state.write() as s:
        changes.update(_references(s, service, group))
        item = config_items.update_item(s, state.actor(s), lookup.find_configuration_item(s, name),
                                        expected_version=version, **changes)
        name, now = item.name, item.version
    say(_("{number} saved (version {version})").format(number=name, version=now))


@ci_app.command("show")
def ci_show(name: Name, as_json: JsonOpt = False) -> None:
    """A configuration item with its incidents and problems."""
    with state.read() as s:
        d = detail(s, lookup.find_configuration_item(s, name), with_records=True)
    if as_json:
        emit_json(d)
        return
    say(d["name"])
    fields([(_("Kind"), ItemKind(d["kind"]).label), (_("Service"), d["service"]), (_("Work group"), d["group"]),
            (_("Location"), d["location"]), (_("Description"), d["description"]),
            (_("Active"), _("yes") if d["active"] else _("no"))])
    if d["problems"]:
        say("")
        table([_("Problem"), _("Status"), _("Short description")],
              [(p["number"], ProblemStatus(p["status"]).label, p["short_description"]) for p in d["problems"]])
    if d["incidents"]:
        say("")
        table([_("Incident"), _("Status"), _("Short description"), _("Created")],
              [(i["number"], IncidentStatus(i["status"]).label, i["short_description"], when(i["created_at"]))
               for i in d["incidents"]])


@ci_app.command("list")
def ci_list(
    kind: Annotated[Optional[str], typer.Option("--kind", help=KINDS)] = None,
    group: Annotated[Optional[str], typer.Option("--group")] = None,
    retired: Annotated[bool, typer.Option("--retired", help="Retired items too.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Configuration items by name."""
    with state.read() as s:
        rows = [detail(s, i) for i in config_items.list_items(
            s, kind=parse_kind(kind) if kind else None, group=lookup.find_group(s, group) if group else None,
            include_retired=retired)]
    if as_json:
        emit_json(rows)
        return
    table([_("Configuration item"), _("Kind"), _("Service"), _("Work group"), _("Location")],
          [(r["name"], ItemKind(r["kind"]).label, r["service"], r["group"], r["location"]) for r in rows])


def register(app: typer.Typer) -> None:
    app.add_typer(ci_app, name="ci")
