"""The demo's service requests (R27–R32): the Ukrainian catalog loaded as an administrator would,
then requests over the same months as the incidents, made and carried through by the same
operations analysts use: approvals, tasks accepted and completed, closures. The newest ones
leave every tab of «Інциденти – Запити на обслуговування», «Завдання» and «Запит на
обслуговування» with rows for the demo analyst, and approvals waiting for her."""

from __future__ import annotations

import random
from datetime import date, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import approvals, catalog, request_tasks, requests, tasks
from helpdesk_tui.desk.admin import group_member_ids
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.domain.catalog import FieldDef
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.store.models import Approval, Person, ServiceRequest, Task

TEXTS = ("Кабінет 214", "Відділ митного оформлення", "Бухгалтерія, 3 поверх", "Microsoft Visio",
         "Adobe Acrobat Reader", "\\\\fs01\\Спільне\\Звіти", "INV-00417", "HP LaserJet M404",
         "k.melnyk@kyiv.customs.example", "Звіт про залишки на складі")
LONG_TEXTS = ("Потрібно для роботи з митними деклараціями з наступного тижня.",
              "Працівник переведений з іншого відділу, доступ погоджено з керівником.",
              "Щомісячний звіт для керівництва: залишки, рух товарів, суми.")
# (final status, share); the newest requests take each status once more, for the demo analyst.
OUTCOMES = ((S.CLOSED, 55), (S.IMPLEMENTED, 8), (S.REJECTED, 5), (S.CANCELLED, 4), (S.IN_PROGRESS, 18),
            (S.AWAITING_APPROVAL, 7), (S.REGISTERED, 3))


def load_demo_catalog(session: Session, admin: Person) -> None:
    text = resources.files("helpdesk_tui").joinpath("catalogs/demo.toml").read_text(encoding="utf-8")
    catalog.load_catalog(session, admin, text, "demo.toml")


def _value(rng: random.Random, field: FieldDef, staff: list[Person], today: date) -> Any:
    kind = field.kind
    if kind == "text":
        return rng.choice(TEXTS)
    if kind == "long_text":
        return rng.choice(LONG_TEXTS)
    if kind == "number":
        low = int(field.minimum) if field.minimum is not None else 1
        high = int(field.maximum) if field.maximum is not None else 100
        return str(rng.randint(low, min(high, low + 40)))
    if kind == "date":
        return (today + timedelta(days=rng.randint(3, 200))).strftime("%d.%m.%Y")
    if kind == "choice":
        return rng.choice(field.options)
    if kind == "choices":
        return rng.sample(list(field.options), rng.randint(1, min(2, len(field.options))))
    if kind == "person":
        return rng.choice(staff).login
    if kind == "yes_no":
        return rng.choice(("так", "ні"))
    return None


class _People:
    def __init__(self, session: Session, staff: list[Person]) -> None:
        self.session, self.staff = session, staff
        self.members: dict[int, list[Person]] = {}

    def of(self, group_id: int) -> list[Person]:
        if group_id not in self.members:
            ids = set(group_member_ids(self.session, group_id))
            self.members[group_id] = [p for p in self.staff if p.id in ids]
        return self.members[group_id]


def one_request(session: Session, rng: random.Random, clock: Any, ref: dict[str, list], people: _People,  # type: ignore[type-arg]
                outcome: S, *, for_demo_analyst: bool = False, leave: str | None = None) -> None:
    analyst: Person = ref["staff"][0]
    requester: Person = rng.choice(ref["callers"])
    offered = catalog.offered(session, requester)
    if for_demo_analyst:  # items whose first tasks are her teams', or that she approves
        hers = {g.id for g in ref["groups"][:2]}
        mine = [i for i in offered if (i.stages and any(t["group_id"] in hers for t in i.stages[0]))
                or analyst.id in ((i.approval or {}).get("people") or []) or (not i.stages and i.group_id in hers)]
        if outcome is S.IN_PROGRESS:
            mine = [i for i in mine if i.stages and any(t["group_id"] in hers for t in i.stages[0])] or mine
        offered = mine or offered
    wants_approval = outcome in (S.AWAITING_APPROVAL, S.REJECTED)
    choices = [i for i in offered if bool(i.approval) == wants_approval] or offered
    if outcome is S.REGISTERED or rng.random() < 0.1:  # the ones without tasks: by hand
        choices = [i for i in offered if not i.approval and not i.stages] or choices
    if for_demo_analyst and outcome is S.AWAITING_APPROVAL:  # waiting for her own decision
        choices = [i for i in choices if analyst.id in ((i.approval or {}).get("people") or [])] or choices
    item: ItemInfo = rng.choice(choices)
    actor = analyst if for_demo_analyst or rng.random() < 0.15 else rng.choice(ref["staff"])
    team = people.of(item.group_id) if item.group_id else []
    owner = analyst if for_demo_analyst and analyst in team else (rng.choice(team) if team and rng.random() < 0.6 else None)
    values = {f.name: _value(rng, f, ref["staff"], clock().date()) for f in item.fields
              if f.required or rng.random() < 0.6}
    request = requests.register_request(session, actor, requester=requester, item_id=item.id,
                                        values={k: v for k, v in values.items() if v is not None}, owner=owner)
    if outcome is S.REGISTERED:
        return
    if S(request.status) is S.REGISTERED:
        _by_hand(session, rng, clock, request, owner or actor, outcome)
        return
    if S(request.status) is S.AWAITING_APPROVAL:
        if outcome is S.AWAITING_APPROVAL:
            return
        clock.advance(rng, 30, 900)
        waiting = session.execute(select(Approval.approver_id).where(Approval.request_id == request.id)).scalars()
        approver = session.get(Person, rng.choice(list(waiting)))
        if outcome is S.REJECTED:
            approvals.decide(session, approver, request, approve=False, comment="Не погоджено: немає підстав.")
            return
        approvals.decide(session, approver, request, approve=True, comment="Погоджую.")
    if outcome is S.CANCELLED:
        clock.advance(rng, 10, 600)
        requests.change_status(session, owner or actor, request, S.CANCELLED, reason="Користувач відкликав запит.")
        return
    _work_through(session, rng, clock, people, request, outcome, analyst if for_demo_analyst else None, leave)


def _work_through(session: Session, rng: random.Random, clock: Any, people: _People, request: ServiceRequest,
                  outcome: S, analyst: Person | None, leave: str | None = None) -> None:
    """Accept and complete the tasks stage by stage; an «in progress» request stops part-way,
    its next task left as `leave` says (in the queue, taken by a colleague, by the analyst)."""
    stop_after = (0 if leave else rng.randint(0, 2)) if outcome is S.IN_PROGRESS else None
    done = 0
    while S(request.status) is S.IN_PROGRESS:
        open_tasks = [t for t in request_tasks.tasks_of(session, request.id) if t.status in ("open", "accepted")]  # type: ignore[arg-type]
        if analyst is not None:  # her teams' tasks first: those are the ones left on her dashboards
            open_tasks.sort(key=lambda t: analyst not in people.of(t.group_id))
        if not open_tasks:
            return
        for task in open_tasks:
            if stop_after is not None and done >= stop_after:
                _leave_for_the_queue(session, rng, clock, people, task, analyst, leave)
                return
            worker = _worker(rng, people, task, analyst)
            if worker is None:
                return
            clock.advance(rng, 10, 600)
            if task.status == "open":
                tasks.accept_task(session, worker, task)
            clock.advance(rng, 30, 1200)
            tasks.complete_task(session, worker, task, comment="Виконано, перевірено з користувачем.")
            done += 1
    if outcome is S.CLOSED:
        clock.advance(rng, 60, 2400)
        requests.change_status(session, people.staff[0] if analyst else _any(people, request), request, S.CLOSED,
                               reason="Користувач підтвердив виконання.")


def _by_hand(session: Session, rng: random.Random, clock: Any, request: ServiceRequest, analyst: Person,
             outcome: S) -> None:
    """A request without tasks: taken into work, implemented and closed by its analyst."""
    if outcome is S.CANCELLED:
        clock.advance(rng, 10, 600)
        requests.change_status(session, analyst, request, S.CANCELLED, reason="Користувач відкликав запит.")
        return
    clock.advance(rng, 10, 300)
    requests.change_status(session, analyst, request, S.IN_PROGRESS)
    if outcome in (S.IMPLEMENTED, S.CLOSED):
        clock.advance(rng, 30, 900)
        requests.change_status(session, analyst, request, S.IMPLEMENTED, reason="Проконсультовано телефоном.")
    if outcome is S.CLOSED:
        clock.advance(rng, 60, 2400)
        requests.change_status(session, analyst, request, S.CLOSED, reason="Користувач підтвердив.")


def _worker(rng: random.Random, people: _People, task: Task, analyst: Person | None) -> Person | None:
    members = people.of(task.group_id)
    if analyst is not None and analyst in members:
        return analyst
    return rng.choice(members) if members else None


def _leave_for_the_queue(session: Session, rng: random.Random, clock: Any, people: _People, task: Task,
                         analyst: Person | None, leave: str | None = None) -> None:
    """A task still to do: in the group's queue, taken by a colleague, or by the demo analyst."""
    members = people.of(task.group_id)
    leave = leave or rng.choice(("open", "colleague", "mine"))
    colleagues = [p for p in members if analyst is None or p.id != analyst.id]
    if leave == "mine" and analyst is not None and analyst in members:
        clock.advance(rng, 5, 120)
        tasks.accept_task(session, analyst, task)
    elif leave == "colleague" and colleagues:
        clock.advance(rng, 5, 120)
        tasks.accept_task(session, rng.choice(colleagues), task)


def _any(people: _People, request: ServiceRequest) -> Person:
    members = people.of(request.group_id) if request.group_id else []
    return members[0] if members else people.staff[0]


def build_requests(session_factory: Any, rng: random.Random, clock: Any, ref: dict[str, list], *, count: int,  # type: ignore[type-arg]
                   start: int, step: int, attach: Any) -> None:
    """`count` requests from `start` on, `step` apart on the clock's working-time line; the last
    ones, one per status, on the demo analyst's dashboards."""
    outcomes = [o for o, _w in OUTCOMES]
    weights = [w for _o, w in OUTCOMES]
    newest = [*outcomes, S.IN_PROGRESS, S.IN_PROGRESS, S.AWAITING_APPROVAL]
    # The newest three «in progress» leave a task in her team's queue, with a colleague, with her.
    in_work = [n + 1 for n, o in enumerate(newest) if o is S.IN_PROGRESS]
    LEAVE = dict(zip(in_work, ("open", "colleague", "mine")))
    done = 0
    while done < count:
        with session_factory() as session:
            batch = {k: [attach(session, o) for o in v] for k, v in ref.items()}
            people = _People(session, batch["staff"])
            for _i in range(min(50, count - done)):
                clock.at(start + step * done)
                left = count - done
                mine = left <= len(newest)
                outcome = newest[left - 1] if mine else rng.choices(outcomes, weights)[0]
                if not mine and done < count * 0.7 and outcome in (S.IN_PROGRESS, S.AWAITING_APPROVAL, S.REGISTERED):
                    outcome = S.CLOSED  # the older a request, the likelier it is finished
                leave = LEAVE.get(left) if mine else None
                one_request(session, rng, clock, batch, people, outcome, for_demo_analyst=mine, leave=leave)
                done += 1
