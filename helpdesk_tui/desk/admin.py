"""Administration: people and their roles, work groups, organisations, services, vendors."""

from __future__ import annotations

import math
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from helpdesk_tui.desk import security, settings
from helpdesk_tui.desk.common import apply_changes, bump, feed, journal, require_role
from helpdesk_tui.desk.lookup import name_key, phone_key
from helpdesk_tui.domain.collation import person_sort_key
from helpdesk_tui.domain.contacts import normal_email, normal_phone
from helpdesk_tui.domain.errors import DeskError, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    GroupMember,
    Incident,
    Organisation,
    Person,
    PersonRole,
    Service,
    Vendor,
    WorkGroup,
)
from helpdesk_tui.store.time_tables import Subscription

hasher = PasswordHasher()
MAX_SUBSCRIPTION_HOURS = 10_000


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise RuleViolation(_("A password needs at least 8 characters"), field="password")
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return hasher.verify(password_hash, password)
    except Exception:  # argon2 raises several kinds for a mismatch or a damaged hash
        return False


def require_admin(session: Session, actor: Person | None) -> Person | None:
    """Administration needs an administrator, except to create the very first one."""
    has_admin = session.execute(select(PersonRole).where(PersonRole.role == Role.ADMIN).limit(1)).first()
    if has_admin is None:
        return actor
    return require_role(session, actor, Role.ADMIN)


def _insert(session: Session, obj: SQLModel, what: str, name: str) -> None:
    session.add(obj)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise DeskError(_("{what} «{name}» already exists").format(what=what, name=name)) from exc


MAX_NAME = 200


def _name(value: str, message: str) -> str:
    """A name people will pick from lists: not blank, one line, not a page long."""
    name = " ".join(value.split())
    if not name:
        raise RuleViolation(message, field="name")
    if len(name) > MAX_NAME:
        raise RuleViolation(_("A name has at most {n} characters (this one has {m})").format(n=MAX_NAME, m=len(name)),
                            field="name")
    return name


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def create_person(
    session: Session,
    actor: Person | None,
    *,
    login: str,
    full_name: str,
    email: str | None = None,
    phone: str | None = None,
    organisation: Organisation | None = None,
    roles: set[Role] = frozenset(),  # type: ignore[assignment]
    password: str | None = None,
    password_hash: str | None = None,
    admin_check: bool = True,
    from_mail: bool = False,
) -> Person:
    """A new person; callers are people too (R3). An analyst may add a caller on the phone.

    `from_mail`: the address is a sender's, as mail intake read it; it is kept as it came (real
    mail comes from addresses a form would refuse, such as root@localhost)."""
    if admin_check and roles:
        actor = require_admin(session, actor)
    login = login.strip()
    if not login or any(c.isspace() for c in login):
        raise RuleViolation(_("A login is one word without spaces"), field="login")
    if not full_name.strip():
        raise RuleViolation(_("A person needs a full name"), field="full_name")
    email = _clean(email)
    if email is not None and not from_mail:
        email = normal_email(email)
        _address_is_free(session, email)
    phone = normal_phone(phone) if _clean(phone) else None
    person = Person(
        login=login,
        full_name=" ".join(full_name.split()),
        name_key=name_key(full_name),
        sort_key=person_sort_key(full_name),
        email=email,
        phone=phone,
        phone_key=phone_key(phone) if phone else None,
        organisation_id=organisation.id if organisation else None,
        password_hash=hash_password(password) if password is not None else password_hash,
    )
    _insert(session, person, _("Person"), login)
    for role in roles:
        session.add(PersonRole(person_id=person.id, role=role.value))  # type: ignore[arg-type]
    session.info.get("roles", {}).pop(person.id, None)
    journal(session, record_kind="person", record_id=person.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Person created")), diff=[("login", None, login)], record_version=1)
    feed(session, "person", person.id, "created", actor)  # type: ignore[arg-type]
    return person


def _address_is_free(session: Session, email: str) -> None:
    """One address, one person: mail from it must say who wrote (R3, R6)."""
    owner = session.execute(select(Person).where(func.lower(Person.email) == email.casefold()).limit(1)).scalar_one_or_none()
    if owner is not None:
        raise RuleViolation(_("«{email}» is already the address of {name} ({login})").format(
            email=email, name=owner.full_name, login=owner.login), field="email")


def _active_admins(session: Session) -> int:
    return int(session.execute(
        select(func.count()).select_from(PersonRole).join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.role == Role.ADMIN.value, Person.active.is_(True))  # type: ignore[attr-defined]
    ).scalar_one())


def _keep_an_admin(session: Session, had: int) -> None:
    """Refuse a change that leaves the desk with no active administrator (nobody could undo it)."""
    session.flush()
    if had and not _active_admins(session):
        raise RuleViolation(_("This is the last active administrator: make someone else an administrator first"),
                            field="roles")


def update_person(session: Session, actor: Person | None, person: Person, **changes: Any) -> Person:
    actor = require_admin(session, actor)
    admins_before = _active_admins(session)
    if "full_name" in changes:
        changes["name_key"] = name_key(changes["full_name"])
        changes["sort_key"] = person_sort_key(changes["full_name"])
    if "password" in changes:
        changes["password_hash"] = hash_password(changes.pop("password"))
    if "full_name" in changes and not str(changes["full_name"]).strip():
        raise RuleViolation(_("A person needs a full name"), field="full_name")
    if "phone" in changes:
        changes["phone"] = normal_phone(changes["phone"]) if _clean(changes["phone"]) else None
        changes["phone_key"] = phone_key(changes["phone"]) if changes["phone"] else None
    if "email" in changes:
        changes["email"] = normal_email(changes["email"]) if _clean(changes["email"]) else None
        if changes["email"] and (person.email or "").casefold() != changes["email"].casefold():
            _address_is_free(session, changes["email"])
    diff = apply_changes(person, changes)
    diff = [(f, o, n) if f != "password_hash" else (f, "***", "***") for f, o, n in diff]
    changed = {f for f, _o, _n in diff}
    if "active" in changed:
        _keep_an_admin(session, admins_before)
        security.record(session, "person_activated" if person.active else "person_deactivated", person=person, actor=actor)
    if "password_hash" in changes:  # a new password, even the same one, is an event of its own
        security.record(session, "password_changed", person=person, actor=actor)
    if "sort_key" in changed:  # the caller's key kept on their incidents (lists sorted by caller)
        session.execute(update(Incident).where(Incident.caller_id == person.id).values(caller_sort=person.sort_key))
    diff = [d for d in diff if d[0] != "sort_key"]  # derived from the name, for sorting only
    if diff:
        bump(person)
        journal(session, record_kind="person", record_id=person.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Person changed")), diff=diff, record_version=person.version)
        feed(session, "person", person.id, "updated", actor)  # type: ignore[arg-type]
    return person


def set_roles(session: Session, actor: Person | None, person: Person, roles: set[Role]) -> None:
    actor = require_admin(session, actor)
    admins_before = _active_admins(session)
    current = {Role(r) for r in session.execute(select(PersonRole.role).where(PersonRole.person_id == person.id)).scalars()}
    for role in current - roles:
        session.delete(session.get(PersonRole, (person.id, role.value)))
    for role in roles - current:
        session.add(PersonRole(person_id=person.id, role=role.value))  # type: ignore[arg-type]
    session.info.get("roles", {}).pop(person.id, None)
    if current != roles:
        _keep_an_admin(session, admins_before)
        security.record(session, "roles_changed", person=person, actor=actor,
                        detail=f"{','.join(sorted(current))} -> {','.join(sorted(roles))}")
        journal(session, record_kind="person", record_id=person.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Roles changed")),
                diff=[("roles", ",".join(sorted(current)), ",".join(sorted(roles)))])
        feed(session, "person", person.id, "updated", actor)  # type: ignore[arg-type]


def create_group(session: Session, actor: Person | None, *, name: str, email: str | None = None,
                 description: str = "") -> WorkGroup:
    require_admin(session, actor)
    name = _name(name, _("A work group needs a name"))
    group = WorkGroup(name=name, email=normal_email(email) if _clean(email) else None, description=description)
    _insert(session, group, _("Work group"), name)
    feed(session, "work_group", group.id, "created", actor)  # type: ignore[arg-type]
    return group


def add_member(session: Session, actor: Person | None, group: WorkGroup, person: Person) -> bool:
    require_admin(session, actor)
    if session.get(GroupMember, (group.id, person.id)) is not None:
        return False
    session.add(GroupMember(group_id=group.id, person_id=person.id))  # type: ignore[arg-type]
    feed(session, "work_group", group.id, "updated", actor)  # type: ignore[arg-type]
    return True


def remove_member(session: Session, actor: Person | None, group: WorkGroup, person: Person) -> bool:
    require_admin(session, actor)
    member = session.get(GroupMember, (group.id, person.id))
    if member is None:
        return False
    session.delete(member)
    feed(session, "work_group", group.id, "updated", actor)  # type: ignore[arg-type]
    return True


def create_organisation(session: Session, actor: Person | None, *, name: str, email_domain: str | None = None,
                        subscription_hours: float = 0) -> Organisation:
    require_admin(session, actor)
    name = _name(name, _("A client needs a name"))
    if not math.isfinite(subscription_hours) or not 0 <= subscription_hours <= MAX_SUBSCRIPTION_HOURS:
        raise RuleViolation(_("Subscription hours are from 0 to {max} a month").format(max=MAX_SUBSCRIPTION_HOURS),
                            field="subscription_hours")
    domain = _clean(email_domain)
    if domain is not None:
        # The domain of an address is checked as an address's domain is.
        try:
            domain = normal_email(f"postmaster@{domain.lstrip('@')}").split("@", 1)[1]
        except RuleViolation:
            raise RuleViolation(_("«{domain}» is not a mail domain (e.g. customs.gov.ua)").format(domain=email_domain),
                                field="email_domain") from None
    org = Organisation(name=name, email_domain=domain,
                       subscription_minutes=round(subscription_hours * 60))
    _insert(session, org, _("Organisation"), name)
    if org.subscription_minutes:
        # Its history starts this month; `client subscription` sets other months (R41).
        session.add(Subscription(organisation_id=org.id, from_month=settings.this_month(),  # type: ignore[arg-type]
                                 minutes=org.subscription_minutes, created_by_id=actor.id if actor else None))
    feed(session, "organisation", org.id, "created", actor)  # type: ignore[arg-type]
    return org


def set_portal_sharing(session: Session, actor: Person | None, organisation: Organisation, shared: bool) -> bool:
    """Whether the client's people see one another's tickets in the portal (read only); True
    when it changed."""
    require_admin(session, actor)
    if organisation.portal_shared == shared:
        return False
    organisation.portal_shared = shared
    organisation.version += 1
    feed(session, "organisation", organisation.id, "updated", actor)  # type: ignore[arg-type]
    return True


def create_service(session: Session, actor: Person | None, *, name: str, description: str = "",
                   default_group: WorkGroup | None = None) -> Service:
    require_admin(session, actor)
    name = _name(name, _("A service needs a name"))
    service = Service(name=name, description=description,
                      default_group_id=default_group.id if default_group else None)
    _insert(session, service, _("Service"), name)
    feed(session, "service", service.id, "created", actor)  # type: ignore[arg-type]
    return service


def create_category(session: Session, actor: Person | None, *, name: str, service: Service | None = None,
                    kind: str = "incident", small_change: bool = False) -> Category:
    require_admin(session, actor)
    if kind not in ("incident", "change_request"):
        raise RuleViolation(_("A category is an incident or a change request"), field="kind")
    name = _name(name, _("A category needs a name"))
    category = Category(name=name, service_id=service.id if service else None, kind=kind,
                        small_change=small_change and kind == "incident")
    _insert(session, category, _("Category"), name)
    feed(session, "category", category.id, "created", actor)  # type: ignore[arg-type]
    return category


def create_configuration_item(session: Session, actor: Person | None, *, name: str,
                              service: Service | None = None, description: str = "") -> ConfigurationItem:
    """The administrator's way (the catalogue's setup); analysts use desk/config_items.py."""
    from helpdesk_tui.desk import config_items  # it builds on incident_rules, which builds on this module

    require_admin(session, actor)
    return config_items.create_item(session, actor, name=name, service=service, description=description)


def create_vendor(session: Session, actor: Person | None, *, name: str, email: str | None = None,
                  phone: str | None = None) -> Vendor:
    require_admin(session, actor)
    name = _name(name, _("A vendor needs a name"))
    vendor = Vendor(name=name, email=normal_email(email) if _clean(email) else None,
                    phone=normal_phone(phone) if _clean(phone) else None)
    _insert(session, vendor, _("Vendor"), name)
    feed(session, "vendor", vendor.id, "created", actor)  # type: ignore[arg-type]
    return vendor


def group_member_ids(session: Session, group_id: int) -> list[int]:
    return list(session.execute(select(GroupMember.person_id).where(GroupMember.group_id == group_id)).scalars())


def groups_of(session: Session, person_id: int) -> list[int]:
    return list(session.execute(select(GroupMember.group_id).where(GroupMember.person_id == person_id)).scalars())
