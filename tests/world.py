"""A small help desk with known people, groups and catalogue, made through the desk operations."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.desk import admin, incidents, tasks
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Category, ConfigurationItem, Person, Service, Vendor, WorkGroup

FIRST_LINE = "Перша лінія підтримки Контакт-центр"


@dataclass
class World:
    admin: Person
    analyst: Person  # member of the first line
    colleague: Person  # member of the first line too
    specialist: Person  # member of the second line only
    caller: Person
    first_line: WorkGroup
    second_line: WorkGroup
    service: Service
    category: Category
    other_category: Category
    vendor: Vendor
    item: ConfigurationItem


def seed(db: Database) -> World:
    with db.write() as s:
        boss = admin.create_person(s, None, login="admin", full_name="Адмін Системи", email="admin@desk.example",
                                   roles={Role.ADMIN, Role.ANALYST})
        first = admin.create_group(s, boss, name=FIRST_LINE, email="l1@desk.example")
        second = admin.create_group(s, boss, name="Друга лінія підтримки")
        analyst = admin.create_person(s, boss, login="ivan", full_name="Іван Петренко", email="ivan@desk.example",
                                      roles={Role.ANALYST})
        colleague = admin.create_person(s, boss, login="maria", full_name="Марія Коваль", email="maria@desk.example",
                                        roles={Role.ANALYST})
        specialist = admin.create_person(s, boss, login="taras", full_name="Тарас Мельник", email="taras@desk.example",
                                         roles={Role.GROUP_MEMBER})
        for person in (analyst, colleague):
            admin.add_member(s, boss, first, person)
        admin.add_member(s, boss, second, specialist)
        caller = admin.create_person(s, boss, login="olena", full_name="Олена Шевченко", email="olena@client.example",
                                     phone="+380 67 123 45 67")
        service = admin.create_service(s, boss, name="ЕТС", default_group=first)
        category = admin.create_category(s, boss, name="Доступ", service=service)
        other_service = admin.create_service(s, boss, name="Пошта")
        other = admin.create_category(s, boss, name="Скринька", service=other_service)
        vendor = admin.create_vendor(s, boss, name="ТОВ «Софтсервіс»", email="support@soft.example")
        item = admin.create_configuration_item(s, boss, name="Сервер ЕТС-01", service=service)
    return World(boss, analyst, colleague, specialist, caller, first, second, service, category, other, vendor, item)


def seed_desk(db: Database) -> tuple[Database, World, dict]:  # type: ignore[type-arg]
    """Known incidents: the analyst owns some in each state, the team has some unassigned."""
    w = seed(db)
    made = {}
    with db.write() as s:
        def new(key, **kw):
            kw.setdefault("caller", w.caller)
            made[key] = incidents.register_incident(s, w.analyst, short_description=kw.pop("short", key), **kw)
            return made[key]

        new("unclassified", group=w.first_line)  # no priority, no owner
        new("classified-unassigned", group=w.first_line, impact=1, urgency=1)
        mine = new("mine-registered", group=w.first_line, owner=w.analyst, impact=2, urgency=2)
        waiting = new("mine-waiting", group=w.first_line, owner=w.analyst, impact=3, urgency=3)
        incidents.change_status(s, w.analyst, waiting, S.INFO_NEEDED, question="?")
        resolved = new("mine-resolved", group=w.first_line, owner=w.analyst, impact=2, urgency=3)
        incidents.resolve_incident(s, w.analyst, resolved, solution="ok", reason_code="advice",
                                   resolve_with_open_tasks=False)
        closed = new("mine-closed", group=w.first_line, owner=w.analyst, impact=2, urgency=2)
        incidents.resolve_incident(s, w.analyst, closed, solution="ok", reason_code="advice",
                                   resolve_with_open_tasks=False)
        incidents.close_incident(s, w.analyst, closed)
        new("colleagues", group=w.first_line, owner=w.colleague, impact=2, urgency=2)
        new("other-team", group=w.second_line, impact=2, urgency=2, short="Принтер у 204")
        tasks.create_task(s, w.analyst, mine, group=w.second_line, short_description="Перевірити мережу")
        tasks.create_task(s, w.analyst, mine, group=w.first_line, short_description="Подзвонити")
    return db, w, made


# A small catalog on the world above (tests of service requests): one item without approval in
# two stages, one approved by «any» of two people, one by «all», one for a client only.
CATALOG = f'''
[[item]]
code = "vpn"
name.uk = "Доступ до VPN"
name.en = "VPN access"
group = "{FIRST_LINE}"
service = "ЕТС"
response_hours = 2
resolution_hours = 8

[[item.field]]
name = "device"
kind = "choice"
label.uk = "Пристрій"
label.en = "Device"
options = ["Ноутбук", "Смартфон"]
required = true

[[item.field]]
name = "until"
kind = "date"
label.uk = "Доступ до"
label.en = "Access until"

[[item.stage]]
[[item.stage.task]]
group = "{FIRST_LINE}"
short_description = "Створити профіль VPN ({{device}}) для {{requester}}"
[[item.stage.task]]
group = "Друга лінія підтримки"
short_description = "Відкрити доступ на шлюзі для {{requester}}"

[[item.stage]]
[[item.stage.task]]
group = "{FIRST_LINE}"
short_description = "Перевірити підключення з {{requester}}"

[[item]]
code = "ets-role"
name.uk = "Роль в ЕТС"
name.en = "ETS role"
group = "{FIRST_LINE}"

[[item.field]]
name = "role"
kind = "text"
label.uk = "Роль"
label.en = "Role"
required = true

[item.approval]
people = ["maria", "admin"]
mode = "any"

[[item.stage]]
[[item.stage.task]]
group = "Друга лінія підтримки"
short_description = "Надати роль {{role}}"

[[item]]
code = "1c-user"
name.uk = "Користувач 1С"
name.en = "1C user"
group = "{FIRST_LINE}"

[item.approval]
people = ["maria", "admin"]
mode = "all"

[[item.stage]]
[[item.stage.task]]
group = "Друга лінія підтримки"
short_description = "Створити користувача 1С"

[[item]]
code = "client-only"
name.uk = "Послуга для клієнта"
name.en = "A client's service"
group = "{FIRST_LINE}"
organisations = ["ТОВ «Клієнт»"]
'''


def load_test_catalog(db: Database, w: World, text: str = CATALOG) -> dict[str, int]:
    """The catalog above loaded (with the client it names); item ids by code."""
    from sqlalchemy import select

    from helpdesk_tui.desk import catalog
    from helpdesk_tui.store.models import CatalogItem, Organisation

    with db.write() as s:
        if s.execute(select(Organisation).where(Organisation.name == "ТОВ «Клієнт»")).first() is None:
            admin.create_organisation(s, s.get(Person, w.admin.id), name="ТОВ «Клієнт»", email_domain="client.example")
        catalog.load_catalog(s, s.get(Person, w.admin.id), text, "catalog.toml")
        return {row.code: row.id for row in s.execute(select(CatalogItem).where(CatalogItem.current.is_(True))).scalars()}
