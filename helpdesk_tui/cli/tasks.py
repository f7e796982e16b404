"""`helpdesk task ...`: internal tasks for work groups and vendors' external tasks."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.incidents import _list
from helpdesk_tui.cli.listing import status_label
from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, tasks
from helpdesk_tui.domain.display import when
from helpdesk_tui.i18n import _
from helpdesk_tui.store.records import task_detail

task_app = typer.Typer(help="Tasks: accept, complete, cancel; vendors' external tasks.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", help="The version you saw; refused if it changed since.")]
Number = Annotated[str, typer.Argument(help="Task number, e.g. TSK0000012.")]


@task_app.command("list")
def task_list(
    filter_line: Annotated[str, typer.Option("--filter", "-f")] = "",
    sort: Annotated[Optional[str], typer.Option("--sort")] = None,
    asc: Annotated[Optional[bool], typer.Option("--asc/--desc")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    after: Annotated[Optional[str], typer.Option("--after")] = None,
    group_by: Annotated[Optional[str], typer.Option("--group-by")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List tasks, filtered and sorted."""
    _list("task", filter_line, sort, asc, limit, after, group_by, as_json)


@task_app.command("show")
def task_show(number: Number, as_json: JsonOpt = False) -> None:
    """Show a task and its parent («Відкрити в батьківському», R31)."""
    with state.read() as s:
        actor = state.actor(s, required=False)
        d = task_detail(s, lookup.find_task(s, number), actor.id if actor else None)
    if as_json:
        emit_json(d)
        return
    say(f"{d['number']}  {d['short_description']}")
    fields([(_("Status"), status_label("task", d["status"])), (_("Work group"), d["group"]), (_("Owner"), d["owner"]),
            (_("Parent"), d["parent"]), (_("Created"), when(d["created_at"])), (_("Version"), str(d["version"]))])
    if d["details"]:
        say("\n" + d["details"])
    table([_("When"), _("Who"), _("Journal")],
          [(when(e["created_at"]), e["author"], f"{e['summary']}\n{e['body']}".strip()) for e in d["journal"]])


def _done(number: str, as_json: bool, message: str) -> None:
    if as_json:
        with state.read() as s:
            emit_json(task_detail(s, lookup.find_task(s, number)))
    else:
        say(message)


@task_app.command("accept")
def task_accept(number: Number, version: VersionOpt = None, as_json: JsonOpt = False) -> None:
    """«Прийняти»: become the task's owner (R29)."""
    with state.write() as s:
        t = tasks.accept_task(s, state.actor(s), lookup.find_task(s, number), expected_version=version)
        msg = _("{number}: accepted").format(number=t.number)
    _done(number, as_json, msg)


@task_app.command("complete")
def task_complete(number: Number, comment: Annotated[str, typer.Option("--comment", "-m")],
                  version: VersionOpt = None, as_json: JsonOpt = False) -> None:
    """«Завершено», with a completion comment (R29)."""
    with state.write() as s:
        t = tasks.complete_task(s, state.actor(s), lookup.find_task(s, number), comment=comment, expected_version=version)
        msg = _("{number}: completed").format(number=t.number)
    _done(number, as_json, msg)


@task_app.command("cancel")
def task_cancel(number: Number, reason: Annotated[str, typer.Option("--reason")] = "",
                version: VersionOpt = None, as_json: JsonOpt = False) -> None:
    """«Скасувати» (R29)."""
    with state.write() as s:
        t = tasks.cancel_task(s, state.actor(s), lookup.find_task(s, number), reason=reason, expected_version=version)
        msg = _("{number}: cancelled").format(number=t.number)
    _done(number, as_json, msg)


@task_app.command("vendor-complete")
def task_vendor_complete(number: Annotated[str, typer.Argument(help="External task number, e.g. VTSK0000003.")],
                         answer: Annotated[str, typer.Option("--answer", help="What the vendor said.")]) -> None:
    """Record a vendor's answer and mark the external task «Завершено» (R24)."""
    with state.write() as s:
        t = tasks.complete_external_task(s, state.actor(s), lookup.find_external_task(s, number), vendor_answer=answer)
        msg = _("{number}: completed").format(number=t.number)
    say(msg)


def register(app: typer.Typer) -> None:
    app.add_typer(task_app, name="task")
