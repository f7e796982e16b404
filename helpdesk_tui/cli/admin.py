"""Administration commands: people, work groups, clients, services, categories, items, vendors."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from sqlalchemy import func, select

from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import admin, lookup
from helpdesk_tui.domain.contacts import shown_phone
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    GroupMember,
    Organisation,
    Person,
    PersonRole,
    Service,
    Vendor,
    WorkGroup,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

user_app = typer.Typer(help="People: analysts, group members, administrators and callers.", no_args_is_help=True)
group_app = typer.Typer(help="Work groups and their members.", no_args_is_help=True)
client_app = typer.Typer(help="Client organisations and their subscription hours.", no_args_is_help=True)
service_app = typer.Typer(help="Services, categories and configuration items.", no_args_is_help=True)
category_app = typer.Typer(help="Categories: incidents or change requests (R36).", no_args_is_help=True)
vendor_app = typer.Typer(help="Vendors (third parties).", no_args_is_help=True)


def _roles(values: list[str] | None) -> set[Role]:
    roles = set()
    for value in values or []:
        try:
            roles.add(Role(value))
        except ValueError:
            raise RuleViolation(
                _("Unknown role «{role}»; one of: {roles}").format(role=value, roles=", ".join(r.value for r in Role))
            ) from None
    return roles


def _password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


@user_app.command("add")
def user_add(
    login: str,
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    email: Annotated[Optional[str], typer.Option("--email")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="The person's organisation.")] = None,
    role: Annotated[Optional[list[str]], typer.Option("--role", help="analyst, group_member or admin; repeat.")] = None,
    group: Annotated[Optional[list[str]], typer.Option("--group", help="Work group to join; repeat.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read a local password from stdin.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a person (a caller needs no role)."""
    with state.write() as s:
        actor = state.actor(s, required=False)
        org = lookup.find_organisation(s, client) if client else None
        person = admin.create_person(s, actor, login=login, full_name=name, email=email, phone=phone,
                                     organisation=org, roles=_roles(role), password=_password(password_stdin),
                                     admin_check=bool(role) or bool(group))
        for g in group or []:
            admin.add_member(s, actor or person, lookup.find_group(s, g), person)
    if as_json:
        emit_json(_person_json(person, _roles(role), group or []))
    else:
        say(_("Added {login}").format(login=person.login))


def _person_json(p: Person, roles: set[str] | set[Role], groups: list[str]) -> dict[str, object]:
    return {"id": p.id, "login": p.login, "full_name": p.full_name, "email": p.email, "phone": p.phone,
            "active": p.active, "roles": sorted(str(r) for r in roles), "groups": sorted(groups)}


@user_app.command("list")
def user_list(
    role: Annotated[Optional[str], typer.Option("--role", help="Only people with this role.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List people."""
    with state.read() as s:
        stmt = select(Person).order_by(Person.login)
        if role:
            stmt = stmt.join(PersonRole, PersonRole.person_id == Person.id).where(PersonRole.role == role)
        people = list(s.execute(stmt).scalars())
        roles: dict[int, set[str]] = {}
        for pr in s.execute(select(PersonRole)).scalars():
            roles.setdefault(pr.person_id, set()).add(pr.role)
        groups: dict[int, list[str]] = {}
        for pid, gname in s.execute(select(GroupMember.person_id, WorkGroup.name).join(WorkGroup, WorkGroup.id == GroupMember.group_id)):
            groups.setdefault(pid, []).append(gname)
    if as_json:
        emit_json([_person_json(p, roles.get(p.id, set()), groups.get(p.id, [])) for p in people])  # type: ignore[arg-type]
        return
    table([_("Login"), _("Name"), _("E-mail"), _("Phone"), _("Roles"), _("Work groups"), _("Active")],
          [(p.login, p.full_name, p.email, shown_phone(p.phone), ", ".join(Role(r).label for r in sorted(roles.get(p.id, set()))),  # type: ignore[arg-type]
            ", ".join(sorted(groups.get(p.id, []))), p.active) for p in people])  # type: ignore[arg-type]


@user_app.command("set")
def user_set(
    login: str,
    name: Annotated[Optional[str], typer.Option("--name")] = None,
    email: Annotated[Optional[str], typer.Option("--email")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    active: Annotated[Optional[bool], typer.Option("--active/--inactive")] = None,
    role: Annotated[Optional[list[str]], typer.Option("--role", help="Replace the roles; repeat.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read a new local password from stdin.")] = False,
) -> None:
    """Change a person's details, roles or password."""
    with state.write() as s:
        actor = state.actor(s, required=False)
        person = lookup.find_person(s, login)
        changes: dict[str, object] = {}
        for key, value in (("full_name", name), ("email", email), ("phone", phone), ("active", active)):
            if value is not None:
                changes[key] = value
        if password_stdin:
            changes["password"] = _password(True)
        admin.update_person(s, actor, person, **changes)
        if role is not None:
            admin.set_roles(s, actor, person, _roles(role))
    say(_("Saved {login}").format(login=person.login))


@group_app.command("add")
def group_add(name: str, email: Annotated[Optional[str], typer.Option("--email")] = None,
              description: Annotated[str, typer.Option("--description")] = "") -> None:
    """Add a work group."""
    with state.write() as s:
        admin.create_group(s, state.actor(s, required=False), name=name, email=email, description=description)
    say(_("Added {name}").format(name=name))


@group_app.command("list")
def group_list(as_json: JsonOpt = False) -> None:
    """List work groups with their member counts."""
    with state.read() as s:
        rows = s.execute(
            select(WorkGroup, func.count(GroupMember.person_id))
            .outerjoin(GroupMember, GroupMember.group_id == WorkGroup.id)
            .group_by(WorkGroup.id).order_by(WorkGroup.name)
        ).all()
    if as_json:
        emit_json([{"id": g.id, "name": g.name, "email": g.email, "members": n} for g, n in rows])
    else:
        table([_("Work group"), _("E-mail"), _("Members")], [(g.name, g.email, n) for g, n in rows])


@group_app.command("members")
def group_members(name: str, as_json: JsonOpt = False) -> None:
    """List the members of a work group."""
    with state.read() as s:
        group = lookup.find_group(s, name)
        people = list(s.execute(select(Person).join(GroupMember, GroupMember.person_id == Person.id)
                                .where(GroupMember.group_id == group.id).order_by(Person.full_name)).scalars())
    if as_json:
        emit_json([{"login": p.login, "full_name": p.full_name, "email": p.email} for p in people])
    else:
        table([_("Login"), _("Name"), _("E-mail")], [(p.login, p.full_name, p.email) for p in people], title=group.name)


@group_app.command("add-member")
def group_add_member(name: str, login: str) -> None:
    """Put a person in a work group."""
    with state.write() as s:
        added = admin.add_member(s, state.actor(s, required=False), lookup.find_group(s, name), lookup.find_person(s, login))
    say(_("Added") if added else _("Already a member"))


@group_app.command("remove-member")
def group_remove_member(name: str, login: str) -> None:
    """Take a person out of a work group."""
    with state.write() as s:
        removed = admin.remove_member(s, state.actor(s, required=False), lookup.find_group(s, name), lookup.find_person(s, login))
    say(_("Removed") if removed else _("Not a member"))


@client_app.command("add")
def client_add(name: str, hours: Annotated[float, typer.Option("--hours", min=0, max=10_000, help="Subscription hours per month.")] = 0,
               domain: Annotated[Optional[str], typer.Option("--domain", help="The client's e-mail domain.")] = None) -> None:
    """Add a client organisation."""
    with state.write() as s:
        admin.create_organisation(s, state.actor(s, required=False), name=name, email_domain=domain, subscription_hours=hours)
    say(_("Added {name}").format(name=name))


@client_app.command("portal-sharing")
def client_portal_sharing(name: str, shared: Annotated[bool, typer.Argument(help="on: the client's people see one "
                                                                              "another's tickets in the portal (read only); off: each their own.")]) -> None:
    """Whether a client's people see one another's tickets in the callers' portal."""
    with state.write() as s:
        changed = admin.set_portal_sharing(s, state.actor(s, required=False), lookup.find_organisation(s, name), shared)
    if not changed:
        say(_("Unchanged"))
    elif shared:
        say(_("{name}: its people see one another's tickets in the portal").format(name=name))
    else:
        say(_("{name}: its people see only their own tickets in the portal").format(name=name))


@client_app.command("list")
def client_list(as_json: JsonOpt = False) -> None:
    """List client organisations."""
    with state.read() as s:
        orgs = list(s.execute(select(Organisation).order_by(Organisation.name)).scalars())
    if as_json:
        emit_json([{"id": o.id, "name": o.name, "email_domain": o.email_domain,
                    "subscription_hours": o.subscription_minutes / 60} for o in orgs])
    else:
        table([_("Client"), _("E-mail domain"), _("Hours a month")],
              [(o.name, o.email_domain, f"{o.subscription_minutes / 60:g}") for o in orgs])


@service_app.command("add")
def service_add(name: str, group: Annotated[Optional[str], typer.Option("--group", help="Default work group.")] = None,
                description: Annotated[str, typer.Option("--description")] = "") -> None:
    """Add a service."""
    with state.write() as s:
        actor = state.actor(s, required=False)
        admin.create_service(s, actor, name=name, description=description,
                             default_group=lookup.find_group(s, group) if group else None)
    say(_("Added {name}").format(name=name))


@service_app.command("list")
def service_list(as_json: JsonOpt = False) -> None:
    """List services with their categories."""
    with state.read() as s:
        services = list(s.execute(select(Service).order_by(Service.name)).scalars())
        cats: dict[int | None, list[str]] = {}
        for c in s.execute(select(Category).order_by(Category.name)).scalars():
            cats.setdefault(c.service_id, []).append(c.name)
        groups = {g.id: g.name for g in s.execute(select(WorkGroup)).scalars()}
    if as_json:
        emit_json([{"id": v.id, "name": v.name, "default_group": groups.get(v.default_group_id),
                    "categories": cats.get(v.id, [])} for v in services])
    else:
        table([_("Service"), _("Work group"), _("Categories")],
              [(v.name, groups.get(v.default_group_id), ", ".join(cats.get(v.id, []))) for v in services])


@service_app.command("category")
def service_category(
    name: str,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    change_request: Annotated[bool, typer.Option("--change-request", help="Work outside the subscription (R36).")] = False,
) -> None:
    """Add a category (of a service, or for all)."""
    with state.write() as s:
        actor = state.actor(s, required=False)
        admin.create_category(s, actor, name=name, service=lookup.find_service(s, service) if service else None,
                              kind="change_request" if change_request else "incident")
    say(_("Added {name}").format(name=name))


category_app.command("add")(service_category)


@category_app.command("list")
def category_list(as_json: JsonOpt = False) -> None:
    """List categories with their services."""
    with state.read() as s:
        rows = s.execute(select(Category, Service.name).outerjoin(Service, Service.id == Category.service_id)
                         .order_by(Category.name)).all()
    if as_json:
        emit_json([{"id": c.id, "name": c.name, "service": sname, "kind": c.kind} for c, sname in rows])
    else:
        kinds = {"incident": _("Incident"), "change_request": _("Change request")}
        table([_("Category"), _("Service"), _("Kind")], [(c.name, sname, kinds.get(c.kind, c.kind)) for c, sname in rows])


@service_app.command("item")
def service_item(name: str, service: Annotated[Optional[str], typer.Option("--service")] = None,
                 description: Annotated[str, typer.Option("--description")] = "") -> None:
    """Add a configuration item."""
    with state.write() as s:
        actor = state.actor(s, required=False)
        admin.create_configuration_item(s, actor, name=name, description=description,
                                        service=lookup.find_service(s, service) if service else None)
    say(_("Added {name}").format(name=name))


@service_app.command("items")
def service_items(as_json: JsonOpt = False) -> None:
    """List configuration items."""
    with state.read() as s:
        items = list(s.execute(select(ConfigurationItem).order_by(ConfigurationItem.name)).scalars())
    if as_json:
        emit_json([{"id": i.id, "name": i.name, "description": i.description} for i in items])
    else:
        table([_("Configuration item"), _("Description")], [(i.name, i.description) for i in items])


@vendor_app.command("add")
def vendor_add(name: str, email: Annotated[Optional[str], typer.Option("--email")] = None,
               phone: Annotated[Optional[str], typer.Option("--phone")] = None) -> None:
    """Add a vendor."""
    with state.write() as s:
        admin.create_vendor(s, state.actor(s, required=False), name=name, email=email, phone=phone)
    say(_("Added {name}").format(name=name))


@vendor_app.command("list")
def vendor_list(as_json: JsonOpt = False) -> None:
    """List vendors."""
    with state.read() as s:
        vendors = list(s.execute(select(Vendor).order_by(Vendor.name)).scalars())
    if as_json:
        emit_json([{"id": v.id, "name": v.name, "email": v.email, "phone": v.phone} for v in vendors])
    else:
        table([_("Vendor"), _("E-mail"), _("Phone")], [(v.name, v.email, shown_phone(v.phone)) for v in vendors])


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(group_app, name="group")
    app.add_typer(client_app, name="client")
    app.add_typer(service_app, name="service")
    app.add_typer(category_app, name="category")
    app.add_typer(vendor_app, name="vendor")
