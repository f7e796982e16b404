"""Find records by what people type: a login, a name, an e-mail, a phone, a number."""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from helpdesk_tui.domain.errors import DeskError, NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import (
    Category,
    ConfigurationItem,
    ExternalTask,
    Incident,
    KnowledgeArticle,
    Organisation,
    Person,
    Problem,
    Service,
    ServiceRequest,
    Task,
    Vendor,
    WorkGroup,
)

T = TypeVar("T", bound=SQLModel)


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def phone_key(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _one(rows: list[T], what: str, text: str, label) -> T:  # type: ignore[no-untyped-def]
    if not rows:
        raise NotFound(_("No {what} matches «{text}»").format(what=what, text=text))
    if len(rows) > 1:
        names = ", ".join(label(r) for r in rows[:5])
        raise DeskError(_("«{text}» matches several: {names}; be more precise").format(text=text, names=names))
    return rows[0]


def find_person(session: Session, text: str) -> Person:
    """By login, e-mail, phone or full name, in that order (R3's caller field)."""
    text = text.strip()
    for cond in (
        Person.login == text,
        func.lower(Person.email) == text.lower(),
        Person.name_key == name_key(text),
    ):
        rows = list(session.execute(select(Person).where(cond).limit(6)).scalars())
        if rows:
            return _one(rows, _("person"), text, lambda p: f"{p.full_name} ({p.login})")
    digits = phone_key(text)
    if len(digits) >= 5:
        # The last nine digits: the same number written with +380, 0 or nothing in front.
        rows = list(session.execute(select(Person).where(Person.phone_key.endswith(digits[-9:])).limit(6)).scalars())  # type: ignore[union-attr]
        if rows:
            return _one(rows, _("person"), text, lambda p: f"{p.full_name} ({p.login})")
    raise NotFound(_("No person matches «{text}»").format(text=text))


def _by_name(session: Session, model: type[T], text: str, what: str) -> T:
    text = text.strip()
    if text.isdigit() and len(text) < 10:  # an id the database can hold; longer is a name made of digits
        obj = session.get(model, int(text))
        if obj is not None:
            return obj
    rows = list(session.execute(select(model).where(model.name == text)).scalars())  # type: ignore[attr-defined]
    if not rows:
        folded = name_key(text)
        rows = [r for r in session.execute(select(model)).scalars() if name_key(r.name) == folded]  # type: ignore[attr-defined]
    if not rows:
        rows = [r for r in session.execute(select(model)).scalars() if name_key(text) in name_key(r.name)]  # type: ignore[attr-defined]
    return _one(rows, what, text, lambda r: r.name)


def find_group(session: Session, text: str) -> WorkGroup:
    return _by_name(session, WorkGroup, text, _("work group"))


def find_service(session: Session, text: str) -> Service:
    return _by_name(session, Service, text, _("service"))


def find_organisation(session: Session, text: str) -> Organisation:
    return _by_name(session, Organisation, text, _("organisation"))


def find_vendor(session: Session, text: str) -> Vendor:
    return _by_name(session, Vendor, text, _("vendor"))


def find_configuration_item(session: Session, text: str) -> ConfigurationItem:
    return _by_name(session, ConfigurationItem, text, _("configuration item"))


def find_category(session: Session, text: str, service_id: int | None = None) -> Category:
    text = text.strip()
    stmt = select(Category).where(Category.name == text)
    rows = list(session.execute(stmt).scalars())
    if not rows:
        rows = [c for c in session.execute(select(Category)).scalars() if name_key(c.name) == name_key(text)]
    if service_id is not None and len(rows) > 1:
        rows = [c for c in rows if c.service_id in (service_id, None)] or rows
    return _one(rows, _("category"), text, lambda c: c.name)


_NUMBERED: dict[str, type[SQLModel]] = {
    "INC": Incident,
    "TSK": Task,
    "VTSK": ExternalTask,
    "KB": KnowledgeArticle,
    "PRB": Problem,
    "REQ": ServiceRequest,
}


def normalise_number(prefix: str, text: str) -> str:
    """«inc123», «INC0000123» and «123» all name INC0000123."""
    text = text.strip().upper()
    digits = text[len(prefix):] if text.startswith(prefix) else text
    if not digits.isdigit():
        raise NotFound(_("«{text}» is not a {prefix} number").format(text=text, prefix=prefix))
    return f"{prefix}{int(digits):07d}"


def find_numbered(session: Session, model: type[T], prefix: str, text: str) -> T:
    number = normalise_number(prefix, text)
    obj = session.execute(select(model).where(model.number == number)).scalar_one_or_none()  # type: ignore[attr-defined]
    if obj is None:
        raise NotFound(_("{number} not found").format(number=number))
    return obj


def find_request(session: Session, text: str) -> ServiceRequest:
    return find_numbered(session, ServiceRequest, "REQ", text)


def find_incident(session: Session, text: str) -> Incident:
    return find_numbered(session, Incident, "INC", text)


def find_task(session: Session, text: str) -> Task:
    return find_numbered(session, Task, "TSK", text)


def find_external_task(session: Session, text: str) -> ExternalTask:
    return find_numbered(session, ExternalTask, "VTSK", text)


def kind_of_number(text: str) -> tuple[str, str]:
    """(record kind, prefix) that a number's prefix names: «kb12» → ("knowledge_article", "KB")."""
    upper = text.strip().upper()
    for prefix in sorted(_NUMBERED, key=len, reverse=True):
        if upper.startswith(prefix):
            return _NUMBERED[prefix].__tablename__, prefix  # type: ignore[attr-defined]
    raise NotFound(_("«{text}» is not a record number (INC…, KB…, PRB…, TSK…)").format(text=text))


def locate(session: Session, text: str) -> tuple[str, int]:
    """(kind, id) of the record a typed number names, in any status: «INC0001234», «inc1234»,
    «TSK12», «KB3»; bare digits are an incident's (the number analysts say most)."""
    text = text.strip()
    if text.isdigit():
        text = "INC" + text
    kind, record = find_record(session, text)
    return kind, record.id  # type: ignore[attr-defined]


def find_record(session: Session, text: str) -> tuple[str, SQLModel]:
    """Any numbered record, by its number's prefix: for links between records (R4)."""
    kind, prefix = kind_of_number(text)
    model = next(m for m in _NUMBERED.values() if m.__tablename__ == kind)  # type: ignore[attr-defined]
    return kind, find_numbered(session, model, prefix, text.strip().upper())

