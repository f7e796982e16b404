"""A small help desk with known people, groups and catalogue, made through the desk operations."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.desk import admin
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
