"""Issue 17's catalog figure: the new-request form's «Параметри» (the catalog picker) at every
keystroke, with 500 items.

The items are written as a catalog file (`catalog_toml`: varied Ukrainian names made of an
action and what it is for, each with its fields and a task; one in five for some organisations
only, one in twelve for some work groups only, one in seven needing approval) and loaded as an
administrator loads one (`catalog.load_catalog`) into a desk with the demo's reference data. Then
an analyst types, one prefix per key, the words people look for a request by, for a requester
of a customs office (who sees that office's own items) and for a colleague who is a member of
two work groups (who sees their groups' items): each keystroke is timed through
`RequestDesk.offered`, the call the picker makes (a session of its own each time).
"""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import select

from benchmarks.foundation import _pct, prepare
from helpdesk_tui.desk import catalog
from helpdesk_tui.desk import demo_data as data
from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.desk.request_desk import RequestDesk
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Organisation, Person

# (uk, en) halves of an item's name: what is done, and what to (in the genitive after it).
ACTIONS = (
    ("Доступ до", "Access to"), ("Встановлення", "Installing"), ("Налаштування", "Setting up"),
    ("Оновлення", "Updating"), ("Заміна", "Replacing"), ("Ремонт", "Repairing"), ("Видача", "Issuing"),
    ("Підключення", "Connecting"), ("Відключення", "Disconnecting"), ("Перенесення", "Moving"),
    ("Списання", "Writing off"), ("Консультація щодо", "Advice on"), ("Обліковий запис для", "Account for"),
    ("Перевірка", "Checking"), ("Резервна копія", "Backup of"),
)
OBJECTS = (
    ("ЕТС", "the ETS"), ("АСМО «Інспектор»", "ASMO Inspector"), ("1С:Бухгалтерії", "1C Accounting"),
    ("M.E.Doc", "M.E.Doc"), ("СЕД «Мегаполіс»", "Megapolis EDMS"), ("VPN", "VPN"), ("корпоративної пошти", "mail"),
    ("спільної папки відділу", "shared folder"), ("принтера", "printer"), ("сканера", "scanner"),
    ("багатофункціонального пристрою", "multifunction device"), ("картриджа", "cartridge"), ("ноутбука", "laptop"),
    ("монітора", "monitor"), ("робочої станції", "workstation"), ("IP-телефону", "IP phone"),
    ("мобільного зв'язку", "mobile connection"), ("токена КЕП", "QES token"), ("сертифіката КЕП", "QES certificate"),
    ("Microsoft Office", "Microsoft Office"), ("LibreOffice", "LibreOffice"), ("антивірусу", "antivirus"),
    ("браузера", "browser"), ("відеоконференцій Zoom", "Zoom meetings"), ("Wi-Fi у приміщенні", "Wi-Fi"),
    ("мережевої розетки", "network socket"), ("сервера звітів", "report server"),
    ("порталу самообслуговування", "self-service portal"), ("системи відеоспостереження", "CCTV"),
    ("пропуску в будівлю", "building pass"), ("реєстру декларацій", "declarations register"),
    ("архіву документів", "document archive"), ("бази даних митних платежів", "customs payments database"),
    ("смарт-картки", "smart card"), ("флеш-накопичувача", "USB drive"), ("внутрішнього сайту", "intranet"),
    ("кадрового обліку", "HR records"),
)
# What people type into «Параметри» to find a request.
WORDS = ("доступ", "принтер", "встановлення", "vpn", "пошта", "картридж", "ЕТС", "сертифікат кеп", "ноутбук",
         "налаштування принтер", "1с", "заміна монітор", "підключення", "mail")


def catalog_toml(n: int, groups: list[str], organisations: list[str], approver: str, seed: int = 17) -> str:
    """A catalog file of `n` items."""
    rng = random.Random(seed)
    pairs = [(a, o) for a in ACTIONS for o in OBJECTS]
    rng.shuffle(pairs)
    out = ["# A generated catalog for the catalog picker's benchmark (issue 17)."]
    for i in range(n):
        (action_uk, action_en), (object_uk, object_en) = pairs[i % len(pairs)]
        suffix = f" ({i // len(pairs) + 1})" if i >= len(pairs) else ""
        group = rng.choice(groups)
        out += ["", "[[item]]", f'code = "item-{i:04d}"', f'name.uk = "{action_uk} {object_uk}{suffix}"',
                f'name.en = "{action_en} {object_en}{suffix}"',
                f'description.uk = "{action_uk} {object_uk} для працівника митниці або підрозділу."',
                f'group = "{group}"', f"response_hours = {rng.choice([2, 4, 8])}",
                f"resolution_hours = {rng.choice([16, 24, 40])}"]
        if i % 5 == 1:
            chosen = rng.sample(organisations, rng.randint(1, 2))
            out.append("organisations = [" + ", ".join(f'"{o}"' for o in chosen) + "]")
        if i % 12 == 7:
            out.append("groups = [" + ", ".join(f'"{g}"' for g in rng.sample(groups, 2)) + "]")
        out += ["", "[[item.field]]", 'name = "details"', 'kind = "text"', 'label.uk = "Що саме потрібно"',
                'label.en = "What exactly"', "required = true"]
        if i % 3 == 0:
            out += ["", "[[item.field]]", 'name = "room"', 'kind = "text"', 'label.uk = "Кабінет"', 'label.en = "Room"']
        if i % 4 == 0:
            out += ["", "[[item.field]]", 'name = "urgent"', 'kind = "yes_no"', 'label.uk = "Терміново"',
                    'label.en = "Urgent"']
        if i % 7 == 3:
            out += ["", "[item.approval]", f'people = ["{approver}"]']
        out += ["", "[[item.stage]]", "[[item.stage.task]]", f'group = "{group}"',
                f'short_description = "{action_uk} {object_uk}: {{details}}"']
    return "\n".join(out) + "\n"


def build(db: Database, items: int) -> dict[str, Any]:
    """The demo's reference data and a catalog of `items` items; who types, and for whom."""
    ref = prepare(db)
    with db.write() as s:
        boss = s.execute(select(Person).where(Person.login == "admin")).scalar_one()
        analyst = s.get(Person, ref["analyst"])
        orgs = list(s.execute(select(Organisation.name).order_by(Organisation.id)).scalars())
        text = catalog_toml(items, [g for g, _mail in data.GROUPS], orgs, approver="analyst")
        t0 = time.perf_counter()
        catalog.load_catalog(s, boss, text, "bench-catalog.toml")
        loaded = time.perf_counter() - t0
        kyiv = s.execute(select(Organisation.id).where(Organisation.name == orgs[0])).scalar_one()
        caller = s.execute(select(Person.id).where(Person.organisation_id == kyiv).order_by(Person.id)).scalars().first()
        who = SignedIn(person_id=analyst.id, login=analyst.login, full_name=analyst.full_name,  # type: ignore[arg-type]
                       roles=(Role.ANALYST, Role.GROUP_MEMBER))
    return {"who": who, "requesters": {"a caller of a customs office": caller, "a colleague in two groups": analyst.id},
            "load_s": loaded}


def keystrokes() -> list[str]:
    return [word[:i] for word in WORDS for i in range(1, len(word) + 1)]


def typing(db: Database, who: SignedIn, requesters: dict[str, int], rounds: int = 3) -> dict[str, Any]:
    """Milliseconds per keystroke for each requester, and what the first keys of a word offered."""
    desk = RequestDesk(db, who)
    keys = keystrokes()
    for requester in requesters.values():
        for typed in keys[:30]:
            desk.offered(requester, typed)  # statements compiled, caches warm
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, requester in requesters.items():
            for typed in keys:
                t0 = time.perf_counter()
                desk.offered(requester, typed)
                times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    times["all"] = [t for kind, ts in times.items() for t in ts]
    offered = {kind: {word: len(desk.offered(requester, word)) for word in ("", "д", "доступ", "принтер", "vpn")}
               for kind, requester in requesters.items()}
    return {"times": times, "offered": offered}


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"p50 {_pct(ordered, 50):.2f} ms, p95 {_pct(ordered, 95):.2f} ms, max {ordered[-1]:.2f} ms "
            f"over {len(ordered)}")
