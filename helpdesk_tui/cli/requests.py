"""`helpdesk request ...`: service requests from the catalog (R27–R32)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.incidents import _list
from helpdesk_tui.cli.listing import status_label
from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import approvals, catalog, lookup, request_sla, request_tasks, requests
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.requests import RequestStatus
from helpdesk_tui.domain.statuses import Channel
from helpdesk_tui.i18n import _
from helpdesk_tui.store.request_records import request_detail

request_app = typer.Typer(help="Service requests: register from the catalog, approve, tasks, close.",
                          no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", help="The version you saw; refused if it changed since.")]
Number = Annotated[str, typer.Argument(help="Request number, e.g. REQ0000012 or 12.")]


def _fields(pairs: list[str]) -> dict[str, object]:
    """`--field name=value`, repeated; a name given twice makes a list (several choices)."""
    values: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise RuleViolation(_("Write a field as name=value, not «{pair}»").format(pair=pair))
        name = name.strip()
        if name in values:
            old = values[name]
            values[name] = [*(old if isinstance(old, list) else [old]), value]
        else:
            values[name] = value
    return values


def _show(number: str, as_json: bool, message: str | None = None) -> None:
    with state.read() as s:
        actor = state.actor(s, required=False)
        request = lookup.find_request(s, number)
        d = request_detail(s, request, actor.id if actor else None)
        d["expected_response"], d["expected_resolution"] = request_sla.expected_by(s, request)
    if as_json:
        emit_json(d)
        return
    if message:
        say(message)
    say(f"{d['number']}  {d['short_description']}")
    item = d["item"] or {}
    fields([(_("Status"), status_label("service_request", d["status"])), (_("Requester"), d["requester"]),
            (_("Client"), d["organisation"]),
            (_("Catalog item"), f"{item.get('name')} ({item.get('code')}, v{item.get('version')})" if item else None),
            (_("Work group"), d["group"]), (_("Owner"), d["owner"]), (_("Registered"), when(d["created_at"])),
            (_("Response due"), when(d["expected_response"]) if d["expected_response"] else None),
            (_("Due"), when(d["expected_resolution"]) if d["expected_resolution"] else None),
            (_("Version"), str(d["version"]))])
    if d["parameters"]:
        table([_("Field"), _("Value")], [(p["label"], p["value"]) for p in d["parameters"]], title=_("Parameters"))
    if d["approvals"]:
        table([_("Approver"), _("Decision"), _("Comment")],
              [(a["approver"], a["state_label"], a["comment"]) for a in d["approvals"]], title=_("Approvals"))
    if d["tasks"]:
        table([_("Task"), _("Status"), _("Work group"), _("Owner"), _("Short description")],
              [(t["number"], status_label("task", t["status"]), t["group"], t["owner"] or "",
                t["short_description"] + ("" if t["automatic"] else " " + _("(by hand)"))) for t in d["tasks"]],
              title=_("Tasks"))
    table([_("When"), _("Who"), _("Journal")],
          [(when(e["created_at"]), e["author"], f"{e['summary']}\n{e['body']}".strip()) for e in d["journal"]])


@request_app.command("new")
def request_new(
    item: Annotated[str, typer.Option("--item", "-i", help="The catalog item's code or name.")],
    requester: Annotated[str, typer.Option("--requester", "-r", help="Login, e-mail, phone or name.")],
    field: Annotated[Optional[list[str]], typer.Option("--field", "-F", help="name=value; repeat for each field.")] = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    channel: Annotated[Channel, typer.Option("--channel")] = Channel.PHONE,
    owner: Annotated[Optional[str], typer.Option("--owner", "-o")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a service request from a catalog item with its fields (R27)."""
    with state.write() as s:
        row = catalog.find_item(s, item)
        r = requests.register_request(s, state.actor(s), requester=lookup.find_person(s, requester), item_id=row.id,  # type: ignore[arg-type]
                                      values=_fields(field or []), description=description, channel=channel,
                                      owner=lookup.find_person(s, owner) if owner else None)
        number = r.number
    _show(number, as_json, _("Registered {number}").format(number=number))


@request_app.command("list")
def request_list(
    filter_line: Annotated[str, typer.Option("--filter", "-f", help="e.g. status:awaiting_approval group:Перша")] = "",
    sort: Annotated[Optional[str], typer.Option("--sort")] = None,
    asc: Annotated[Optional[bool], typer.Option("--asc/--desc")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    after: Annotated[Optional[str], typer.Option("--after")] = None,
    group_by: Annotated[Optional[str], typer.Option("--group-by")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List service requests, filtered and sorted."""
    _list("service_request", filter_line, sort, asc, limit, after, group_by, as_json)


@request_app.command("show")
def request_show(number: Number, as_json: JsonOpt = False) -> None:
    """Show a request: its fields, approvals, tasks, deadlines and journal."""
    _show(number, as_json)


@request_app.command("status")
def request_status(
    number: Number,
    status: Annotated[str, typer.Argument(help="in_progress, implemented, closed or cancelled (or its name).")],
    reason: Annotated[str, typer.Option("--reason", "-m", help="Why (cancelling, back to work).")] = "",
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a request's status by hand."""
    target = _status(status)
    with state.write() as s:
        r = requests.change_status(s, state.actor(s), lookup.find_request(s, number), target, reason=reason,
                                   expected_version=version)
        message = _("{number}: {status}").format(number=r.number, status=RequestStatus(r.status).label)
    _show(number, as_json, message)


def _status(text: str) -> RequestStatus:
    from helpdesk_tui.domain.field_values import status_code

    code = status_code("service_request", text)
    try:
        return RequestStatus(code)
    except ValueError:
        raise RuleViolation(_("Unknown status: {name}").format(name=text)) from None


@request_app.command("cancel")
def request_cancel(number: Number, reason: Annotated[str, typer.Option("--reason", "-m")], version: VersionOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Cancel a request; its open tasks and approvals go with it."""
    request_status(number, RequestStatus.CANCELLED.value, reason, version, as_json)


@request_app.command("approve")
def request_approve(number: Number, comment: Annotated[str, typer.Option("--comment", "-m")] = "",
                    as_json: JsonOpt = False) -> None:
    """Approve a request that waits for your decision (R28)."""
    with state.write() as s:
        r = approvals.decide(s, state.actor(s), lookup.find_request(s, number), approve=True, comment=comment, via="cli")
        message = _("{number}: {status}").format(number=r.number, status=RequestStatus(r.status).label)
    _show(number, as_json, message)


@request_app.command("reject")
def request_reject(number: Number, comment: Annotated[str, typer.Option("--comment", "-m", help="Why.")],
                   as_json: JsonOpt = False) -> None:
    """Reject a request that waits for your decision, saying why (R28)."""
    with state.write() as s:
        r = approvals.decide(s, state.actor(s), lookup.find_request(s, number), approve=False, comment=comment, via="cli")
        message = _("{number}: {status}").format(number=r.number, status=RequestStatus(r.status).label)
    _show(number, as_json, message)


@request_app.command("waiting")
def request_waiting(as_json: JsonOpt = False) -> None:
    """«Запити, які очікують на схвалення»: those that wait for your own decision."""
    with state.read() as s:
        rows = approvals.waiting_for(s, state.actor(s))
    if as_json:
        emit_json([vars(r) for r in rows])
        return
    table([_("Number"), _("Short description"), _("Requester"), _("Registered")],
          [(r.number, r.title, r.requester, when(r.created_at)) for r in rows])  # type: ignore[arg-type]


@request_app.command("note")
def request_note(number: Number, text: Annotated[str, typer.Option("--text", "-m")],
                 summary: Annotated[str, typer.Option("--summary", "-s")] = "",
                 publish: Annotated[bool, typer.Option("--publish", help="Show it to the requester and e-mail it.")] = False,
                 as_json: JsonOpt = False) -> None:
    """Add a note to a request (R32)."""
    with state.write() as s:
        requests.add_note(s, state.actor(s), lookup.find_request(s, number), summary=summary, text=text, published=publish)
    _show(number, as_json, _("Note added"))


@request_app.command("assign")
def request_assign(number: Number, group: Annotated[Optional[str], typer.Option("--group", "-g")] = None,
                   owner: Annotated[Optional[str], typer.Option("--owner", "-o")] = None, version: VersionOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Give a request to a work group and/or an owner."""
    with state.write() as s:
        requests.assign(s, state.actor(s), lookup.find_request(s, number), group=lookup.find_group(s, group) if group else None,
                        owner=lookup.find_person(s, owner) if owner else None, expected_version=version)
    _show(number, as_json, _("Assigned"))


@request_app.command("task")
def request_task(number: Number, group: Annotated[str, typer.Option("--group", "-g")],
                 short: Annotated[str, typer.Option("--short", "-s", help="Short description.")],
                 details: Annotated[str, typer.Option("--details", "-d")], as_json: JsonOpt = False) -> None:
    """Add a task by hand (R30): it must be finished before the last task of the sequence."""
    with state.write() as s:
        t = request_tasks.add_task(s, state.actor(s), lookup.find_request(s, number), group=lookup.find_group(s, group),
                                   short_description=short, details=details)
        message = _("Task {number} created").format(number=t.number)
    _show(number, as_json, message)


def register(app: typer.Typer) -> None:
    app.add_typer(request_app, name="request")
