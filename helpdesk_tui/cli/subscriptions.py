"""`helpdesk client subscription|usage`: a client's monthly hours with their history, and every
client's use of them in a month (R41)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.admin import client_app
from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, settings, subscriptions
from helpdesk_tui.domain.statements import hours
from helpdesk_tui.domain.timekeeping import format_hours, parse_month
from helpdesk_tui.i18n import _

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@client_app.command("subscription")
def client_subscription(
    name: Annotated[str, typer.Argument(help="The client organisation.")],
    hours_a_month: Annotated[Optional[float], typer.Argument(help="Hours a month; leave out to see the history.")] = None,
    from_month: Annotated[Optional[str], typer.Option("--from", help="YYYY-MM the change takes effect; this month by default.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a client's monthly hours from a month on, or show their history."""
    if hours_a_month is not None:
        month = parse_month(from_month) if from_month else settings.this_month()
        with state.write() as s:
            org = lookup.find_organisation(s, name)
            subscriptions.set_subscription(s, state.actor(s, required=False), org, hours=hours_a_month, from_month=month)
        say(_("{client}: {hours} h a month from {month}").format(client=org.name, hours=f"{hours_a_month:g}",
                                                                  month=f"{month:%Y-%m}"))
        return
    with state.read() as s:
        org = lookup.find_organisation(s, name)
        rows = subscriptions.history(s, org.id)  # type: ignore[arg-type]
    if as_json:
        emit_json([{"from": r.from_month.strftime("%Y-%m"), "hours": hours(r.minutes)} for r in rows])
    else:
        table([_("From"), _("Hours a month")], [(f"{r.from_month:%Y-%m}", format_hours(r.minutes)) for r in rows])


@client_app.command("usage")
def client_usage(
    month: Annotated[Optional[str], typer.Option("--month", help="YYYY-MM; this month by default.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every client's month: hours included, used, left or over."""
    first = parse_month(month) if month else settings.this_month()
    with state.read() as s:
        uses = subscriptions.clients_use(s, state.actor(s, required=False), first)
    if as_json:
        emit_json([{"client": u.name, "month": f"{first:%Y-%m}", "included_hours": hours(u.included_minutes),
                    "used_hours": hours(u.used_minutes), "outside_hours": hours(u.outside_minutes),
                    "share": round(u.share, 4) if u.share is not None else None} for u in uses])
        return
    table([_("Client"), _("Included, h"), _("Used, h"), _("Left, h"), _("Used")],
          [(u.name, format_hours(u.included_minutes), format_hours(u.used_minutes), format_hours(u.left_minutes),
            f"{round(u.share * 100)} %" if u.share is not None else "—") for u in uses])


def register(app: typer.Typer) -> None:
    """The commands join `client` (cli/admin.py) when this module is imported."""
