"""Issue 16's caller search figure: the picker's query at every keystroke among 100,000 people.

People are generated: Ukrainian first names and surnames from 50 stems and 11 endings (so a
surname's start is shared by thousands, as «Коваль…» is), logins and e-mail addresses on ten
domains (a domain is in one address of ten), mobile numbers. The keystrokes are those of an
analyst typing, one prefix per key: a surname, a full name, the part of an address after its
first dot and its domain, a number written with the leading 0. Each is asked through
`Workspace.people`, the call the terminal makes (a session of its own each time).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from benchmarks.foundation import _pct
from helpdesk_tui.desk import admin
from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.desk.lookup import name_key, phone_key
from helpdesk_tui.desk.workspace import Workspace
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.domain.text import TRANSLIT
from helpdesk_tui.store import migrate
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person

FIRST = ("Олена Іван Марія Андрій Наталія Олександр Тетяна Сергій Юлія Дмитро Ірина Василь Оксана Михайло Світлана "
         "Богдан Людмила Тарас Галина Петро Ганна Віктор Катерина Юрій Софія Роман Леся Остап Зоряна Ярослав").split()
STEMS = ("Ковал Бондар Шевч Ткач Кравч Олійн Мельн Поліщ Лис Савч Руд Марч Петр Мороз Гончар Роман Павл Яков Білоус "
         "Гнат Їжак Ґудз Федор Сидор Кузьм Грищ Остап Лук Дорош Зінч Карп Клим Левч Мазур Нест Онищ Панч Рев Семен "
         "Тимош Усик Фед Харч Цап Чорн Шаповал Щерб Юрч Ярем").split()
ENDS = "енко ук чук ишин ський ів ович ак ин ецький ій".split()
DOMAINS = ["odesa.customs.gov.ua", "kyiv.customs.gov.ua", "lviv.customs.gov.ua", "rozdrib.com.ua", "gmail.com",
           "ukr.net", "i.ua", "meta.ua", "kovalenko.example", "nbu.gov.ua"]
OPERATORS = ["50", "63", "66", "67", "68", "93", "95", "96", "97", "98", "99"]


def people_rows(n: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(STEMS) + rng.choice(ENDS)
        first_latin, last_latin = first.lower().translate(TRANSLIT), last.lower().translate(TRANSLIT)
        email = (f"{first_latin[0]}.{last_latin}{rng.randint(1, 99) if rng.random() < 0.3 else ''}"
                 f"@{rng.choice(DOMAINS)}") if rng.random() < 0.9 else None
        phone = f"+380{rng.choice(OPERATORS)}{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.85 else None
        full_name = f"{first} {last}"
        rows.append({"login": f"{first_latin[0]}.{last_latin}.{i}", "full_name": full_name,
                     "name_key": name_key(full_name), "email": email, "phone": phone,
                     "phone_key": phone_key(phone) if phone else None, "active": True, "created_at": now,
                     "version": 1})
    return rows


def build(db: Database, n: int) -> dict[str, Any]:
    """`n` people through one multi-row insert per 5,000 (the index is kept as they arrive)."""
    migrate.upgrade(db)
    with db.write() as s:
        boss = admin.create_person(s, None, login="admin", full_name="Адмін", roles={Role.ADMIN, Role.ANALYST})
        who = SignedIn(person_id=boss.id, login="admin", full_name="Адмін", roles=(Role.ANALYST,))  # type: ignore[arg-type]
    rows = people_rows(n)
    t0 = time.perf_counter()
    for start in range(0, n, 5000):
        with db.write() as s:
            s.execute(insert(Person), rows[start:start + 5000])
    seconds = time.perf_counter() - t0
    # A desk that has been running has statistics on its tables (autovacuum, ANALYZE).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if db.dialect == "sqlite" else "VACUUM (ANALYZE) person")
    return {"who": who, "seconds": seconds}


def keystrokes(db: Database, sample: int = 12, seed: int = 5) -> list[tuple[str, str]]:
    """(kind, text) for every key an analyst presses typing some of the people's details."""
    rng = random.Random(seed)
    with db.read() as s:
        people = list(s.execute(select(Person.full_name, Person.email, Person.phone)
                                .where(Person.login != "admin").order_by(Person.id)))
    picked = rng.sample(people, sample * 4)
    typed: list[tuple[str, str]] = []
    for full_name, _email, _phone in picked[:sample]:
        surname = full_name.split()[1]
        typed += [("surname", surname[:i]) for i in range(1, len(surname) + 1)]
    for full_name, _email, _phone in picked[sample:2 * sample]:
        typed += [("full name", full_name[:i]) for i in range(1, len(full_name) + 1)]
    for _name, email, _phone in picked[2 * sample:3 * sample]:
        if email:
            local, domain = email.split("@")
            part = local.split(".", 1)[-1] + "@"
            typed += [("e-mail part", part[:i]) for i in range(1, len(part) + 1)]
            typed += [("e-mail domain", domain[:i]) for i in range(1, len(domain) + 1)]
    for _name, _email, phone in picked[3 * sample:]:
        if phone:
            national = "0" + phone[4:]
            typed += [("phone", national[:i]) for i in range(1, len(national) + 1)]
    return typed


def typing(db: Database, who: SignedIn, rounds: int = 3) -> dict[str, list[float]]:
    """Milliseconds per keystroke, by kind of text, over `rounds` rounds of the same keys."""
    workspace = Workspace(db, who)
    keys = keystrokes(db)
    for _kind, text in keys[:50]:
        workspace.people(text)  # statements compiled, caches warm, as after a minute of work
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, text in keys:
            t0 = time.perf_counter()
            workspace.people(text)
            times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    times["all"] = [t for kind, ts in times.items() for t in ts]
    return times


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"p50 {_pct(ordered, 50):.2f} ms, p95 {_pct(ordered, 95):.2f} ms, max {ordered[-1]:.2f} ms "
            f"over {len(ordered)}")
