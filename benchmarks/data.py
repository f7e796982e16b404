"""Realistic incident and service-request rows for the bulk path: mostly closed history, a live
queue per group."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk_tui.desk import demo_data
from helpdesk_tui.domain.collation import NOBODY
from helpdesk_tui.domain.requests import ApprovalState as A
from helpdesk_tui.domain.requests import RequestStatus as R
from helpdesk_tui.domain.statuses import IncidentStatus as S

OPEN_SHARE = 0.04
_OPEN = [S.REGISTERED, S.IN_PROGRESS, S.INFO_NEEDED, S.INFO_PROVIDED, S.THIRD_PARTY, S.FROM_THIRD_PARTY,
         S.RESOLVED, S.REOPENED]
_OPEN_WEIGHTS = [12, 30, 10, 5, 8, 5, 20, 3]


def incident_rows(n: int, *, groups: list[int], staff_by_group: dict[int, list[int]], callers: list[int],
                  services: list[int], categories: list[list[int]], start_number: int = 1, seed: int = 1,
                  now: datetime | None = None, caller_keys: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """`caller_keys`: each caller's Person.sort_key, kept on the incident as the desk keeps it."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    span = timedelta(days=3 * 365).total_seconds()
    rows = []
    for i in range(n):
        created = now - timedelta(seconds=span * (1 - i / n)) + timedelta(seconds=rng.randint(0, 600))
        is_open = rng.random() < OPEN_SHARE or i > n - 2000
        status = rng.choices(_OPEN, _OPEN_WEIGHTS)[0] if is_open else (S.CLOSED if rng.random() < 0.97 else S.CANCELLED)
        si = rng.randrange(len(services))
        group = rng.choice(groups)
        classified = status not in (S.REGISTERED,) or rng.random() < 0.4
        impact, urgency = (rng.randint(1, 3), rng.randint(1, 3)) if classified else (None, None)
        owner = rng.choice(staff_by_group[group]) if (classified or rng.random() < 0.5) and staff_by_group[group] else None
        _si, short, description = rng.choice(demo_data.PROBLEMS_REPORTED)
        caller = rng.choice(callers)
        resolved = created + timedelta(hours=rng.randint(1, 200)) if status in (S.RESOLVED, S.CLOSED) else None
        rows.append({
            "number": f"INC{start_number + i:07d}",
            "caller_id": caller,
            "caller_sort": (caller_keys or {}).get(caller, NOBODY),
            "channel": rng.choice(["phone", "phone", "email", "portal", "messenger"]),
            "short_description": short.format(room=rng.randint(100, 420)),
            "description": description,
            "service_id": services[si] if classified else None,
            "category_id": rng.choice(categories[si]) if classified else None,
            "impact": impact,
            "urgency": urgency,
            "priority": None if impact is None else {2: 1, 3: 2, 4: 3, 5: 4, 6: 5}[impact + urgency],
            "status": status.value,
            "group_id": group,
            "owner_id": owner,
            "solution": "Вирішено" if resolved else None,
            "reason_code": "permanent_fix" if resolved else None,
            "waiting_on": "caller" if status in (S.INFO_NEEDED, S.RESOLVED) else "nobody" if status in (S.CLOSED, S.CANCELLED) else "desk",
            "created_at": created,
            "updated_at": resolved or created,
            "resolved_at": resolved,
            "closed_at": resolved + timedelta(days=5) if status is S.CLOSED and resolved else None,
        })
    return rows


# --- service requests (issue 17) ----------------------------------------------------------------

REQUEST_ACTIVE_SHARE_RECENT = 0.7   # of the last three weeks' requests: the live queue
REQUEST_ACTIVE_SHARE_OLD = 0.03     # older ones still open (stuck, forgotten)
_RECENT_DAYS = 21
# How often each demo item is asked for.
_ITEM_WEIGHTS = {"password-reset": 14, "software-install": 12, "printer-setup": 8, "vpn-access": 8, "ets-access": 8,
                 "kep-renewal": 7, "mailbox-size": 6, "portal-account": 6, "workstation-new": 5, "1c-user": 5,
                 "shared-folder": 5, "equipment-move": 4, "mailbox-new": 3, "mobile-connection": 3, "report-1c": 3}
_SOFTWARE = ("Microsoft Office 2021", "LibreOffice 7", "Adobe Acrobat Reader", "7-Zip", "M.E.Doc", "Google Chrome",
             "ABBYY FineReader 15", "Zoom", "КЕП-клієнт ІІТ «Користувач ЦСК»", "Notepad++", "GIMP", "QGIS")
_PRINTERS = ("HP LaserJet Pro M404", "Canon i-SENSYS MF443", "Xerox B215", "Brother DCP-L2550", "Epson L3250")
_REPORTS = ("Звіт про митні платежі за місяць", "Оборотно-сальдова відомість по складу", "Табель обліку робочого часу",
            "Реєстр податкових накладних", "Звіт про рух основних засобів", "Відомість нарахування відпусток")
_FOLDERS = ("Бухгалтерія", "Кадри", "Митне оформлення", "Юридичний відділ", "Договори", "Звіти 2026", "Накази")
_REASONS = (
    "Потрібен для щоденної роботи з деклараціями, на період заміщення колеги.",
    "Новий працівник відділу митного оформлення, наказ про призначення підписано.",
    "Перехід на іншу посаду: потрібні права старшого інспектора.",
    "Перевірка звітності за квартал на вимогу аудиторів.",
    "Робота з дому під час відрядження керівника, на два тижні.",
    "Постійна робота з архівом документів відділу.",
)
_DESCRIPTIONS = (
    "Прошу виконати якнайшвидше, працівник уже вийшов на роботу.",
    "Погоджено з керівником відділу усно.",
    "Дзвонила секретар відділу, деталі у полях запиту.",
    "Повторне звернення: попередній запит скасовано через помилку в даних.",
    "Терміново, до кінця тижня.",
)
_REJECTIONS = ("Не погоджено керівником відділу.", "Доступ не потрібен для цієї посади.",
               "Немає вільних ліцензій, запит відхилено до наступного кварталу.", "Дублює запит, поданий раніше.")
_CANCELLATIONS = ("Користувач відкликав запит.", "Працівник звільнився до виконання запиту.",
                  "Створено помилково, подано повторно з правильними даними.")


def _field_value(rng: random.Random, field: dict[str, Any], created: datetime, requester_login: str,
                 staff_logins: list[str]) -> Any:
    """A stored value for one field of a catalog item, as clean_parameters keeps it."""
    kind, name = field["kind"], field["name"]
    if kind == "choice":
        return rng.choice(field["options"])
    if kind == "choices":
        chosen = set(rng.sample(field["options"], rng.randint(1, min(2, len(field["options"])))))
        return [o for o in field["options"] if o in chosen]
    if kind == "yes_no":
        return rng.random() < 0.4
    if kind == "number":
        low, high = int(field.get("min", 1)), int(field.get("max", 100))
        return str(rng.randint(low, min(high, low + 40)))
    if kind == "date":
        return (created + timedelta(days=rng.randint(1, 90))).date().isoformat()
    if kind == "person":
        return rng.choice(staff_logins)
    if kind == "long_text":
        return rng.choice(_REASONS)
    if name == "employee":
        return f"{rng.choice(demo_data.LAST_NAMES)} {rng.choice(demo_data.FIRST_NAMES)}"
    if "room" in name:
        return str(rng.randint(100, 420))
    if name == "software":
        return rng.choice(_SOFTWARE)
    if name == "computer":
        return f"ПК-{rng.randint(1000, 9999)}"
    if name == "model":
        return rng.choice(_PRINTERS)
    if name == "report":
        return rng.choice(_REPORTS)
    if name == "path":
        return f"\\\\fs01\\{rng.choice(_FOLDERS)}"
    if name in ("address", "email"):
        return f"{requester_login}@customs.example"
    return rng.choice(_DESCRIPTIONS)


def request_rows(n: int, *, items: list[dict[str, Any]], groups: list[int], staff_by_group: dict[int, list[int]],
                 requesters: list[tuple[int, int | None, str]], analyst: int, staff_logins: list[str],
                 seed: int = 17, now: datetime | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`n` service requests over three years from the catalog's `items` (dicts: id, code, name,
    group_id, fields, approval mode, approvers' ids, audience, targets in minutes), and their
    approvals (each with "request", its request's index). About 95 % are history (closed,
    implemented, rejected, cancelled); the live queue is mostly the last three weeks' requests,
    in every group; `analyst` owns a share of their groups' requests, registers some, and is
    the approver most items name. `requesters`: (person id, organisation id, login)."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    span = timedelta(days=3 * 365).total_seconds()
    weights = [_ITEM_WEIGHTS.get(i["code"], 3) for i in items]
    allowed = {}
    for item in items:
        orgs = set((item["audience"] or {}).get("organisations") or [])
        allowed[item["id"]] = [p for p in requesters if p[1] in orgs] if orgs else requesters
    all_staff = sorted({p for members in staff_by_group.values() for p in members})
    requests, approvals = [], []

    def later(t0: datetime, low: float, high: float) -> datetime:
        """A moment `low`–`high` hours after t0, never after now (a recent request's steps are
        squeezed into the time it has had)."""
        t = t0 + timedelta(hours=rng.uniform(low, high))
        return t if t < now else t0 + (now - t0) * rng.random()

    for i in range(n):
        created = min(now - timedelta(seconds=span * (1 - i / n)) + timedelta(seconds=rng.randint(0, 600)),
                      now - timedelta(seconds=1))
        age_days = (now - created).total_seconds() / 86400
        item = rng.choices(items, weights)[0]
        needs_approval = bool(item["approvers"])
        group = item["group_id"] if rng.random() < 0.85 else rng.choice(groups)
        members = staff_by_group.get(group) or all_staff
        owner = analyst if analyst in members and rng.random() < 0.3 else rng.choice(members)
        active = rng.random() < (REQUEST_ACTIVE_SHARE_RECENT if age_days < _RECENT_DAYS else REQUEST_ACTIVE_SHARE_OLD)
        approved = needs_approval
        if active:
            if needs_approval:
                status = R.AWAITING_APPROVAL if rng.random() < 0.5 else R.IN_PROGRESS
            else:
                status = R.IN_PROGRESS if rng.random() < 0.88 else R.REGISTERED
            approved = needs_approval and status is R.IN_PROGRESS
            if status is not R.IN_PROGRESS and rng.random() < 0.5:
                owner = None  # not taken yet
        elif age_days < 7 and rng.random() < 0.5:
            status = R.IMPLEMENTED  # waiting for the requester's word, or the days
        else:
            r = rng.random()
            if needs_approval and r < 0.08:
                status, approved = R.REJECTED, False
            elif r < 0.13:
                status = R.CANCELLED
                approved = needs_approval and rng.random() < 0.5
            else:
                status = R.CLOSED
        requester = rng.choice(allowed[item["id"]])

        approved_at = later(created, 0.2, 48) if approved else None
        start = approved_at or created
        responded = later(start, 0.1, 6) if owner is not None and status not in (R.REGISTERED, R.AWAITING_APPROVAL) \
            else None
        implemented = later(responded or start, 2, 160) if status in (R.IMPLEMENTED, R.CLOSED) else None
        if status is R.CLOSED and implemented + timedelta(days=5) > now:  # type: ignore[operator]
            status = R.IMPLEMENTED  # the days for the requester's word have not passed yet
        if status is R.CLOSED:
            closed = implemented + timedelta(days=5)  # type: ignore[operator]
        elif status in (R.CANCELLED, R.REJECTED):
            closed = later(start, 0.5, 72)
        else:
            closed = None
        if active and status is not R.AWAITING_APPROVAL:
            resolution = timedelta(minutes=(item["resolution_minutes"] or 2400) * 3)  # working hours, roughly
            due = start + resolution
            warn = start + resolution * 0.75
        else:
            due = warn = None
        response_due = created + timedelta(minutes=(item["response_minutes"] or 480) * 3) \
            if active and responded is None else None
        updated = max(t for t in (created, approved_at, responded, implemented, closed) if t is not None)
        params = {f["name"]: _field_value(rng, f, created, requester[2], staff_logins) for f in item["fields"]
                  if f.get("required") or rng.random() < 0.6}
        requests.append({
            "number": f"REQ{i + 1:07d}",
            "requester_id": requester[0],
            "organisation_id": requester[1],
            "catalog_item_id": item["id"],
            "parameters": params,
            "short_description": item["name"],
            "description": rng.choice(_DESCRIPTIONS) if rng.random() < 0.3 else "",
            "channel": rng.choices(["phone", "email", "portal", "messenger"], [5, 3, 3, 1])[0],
            "status": status.value,
            "group_id": group,
            "owner_id": owner,
            "opened_by_id": owner if owner is not None and rng.random() < 0.4 else rng.choice(all_staff),
            "created_at": created,
            "updated_at": updated,
            "responded_at": responded,
            "approved_at": approved_at,
            "implemented_at": implemented,
            "closed_at": closed,
            "response_due": response_due,
            "due_at": due,
            "response_warn_at": created + (response_due - created) * 0.75 if response_due else None,
            "resolution_warn_at": warn,
        })
        if not needs_approval or (status is R.CANCELLED and not approved and rng.random() < 0.3):
            continue  # (some cancelled before anyone was asked)
        approvers = item["approvers"]
        decider = analyst if analyst in approvers and rng.random() < 0.7 else rng.choice(approvers)
        for person in approvers:
            if status is R.AWAITING_APPROVAL:
                state, decided = A.REQUESTED, None
            elif status is R.REJECTED:
                state, decided = (A.REJECTED if person == decider else A.NOT_NEEDED), closed
            elif not approved:  # cancelled while waiting
                state, decided = A.NOT_NEEDED, closed
            else:
                state = A.APPROVED if item["approval"] == "all" or person == decider else A.NOT_NEEDED
                decided = approved_at
            approvals.append({
                "request": i, "approver_id": person, "state": state.value,
                "comment": rng.choice(_REJECTIONS) if state is A.REJECTED else "",
                "token_hash": f"{rng.getrandbits(256):064x}",
                "decided_via": rng.choice(["tui", "email", "email", "cli"]) if state in (A.APPROVED, A.REJECTED) else None,
                "created_at": created,
                "decided_at": decided,
            })
    return requests, approvals
