"""The demo's problems and configuration items (issue 19): the items described as the analysts
keep them (kind, the group that looks after it, where it is), and problems at every stage of
their lifecycle behind the demo's own incidents — so dashboard 5, a problem's incidents tab and
an item's incidents and problems all have something true to show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import config_items, problems
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.store.models import ConfigurationItem, Incident, Person, Service, WorkGroup

# name → (kind, index of the group in demo_data.GROUPS, location)
ITEMS = {
    "Сервер ЕТС-01": ("server", 2, "Київ, серверна, стійка 3"),
    "Сервер ЕТС-02": ("server", 2, "Київ, серверна, стійка 3"),
    "Поштовий сервер": ("server", 1, "Київ, серверна, стійка 1"),
    "Сервер 1С": ("server", 5, "Київ, серверна, стійка 2"),
    "Принтер HP LaserJet кімн. 204": ("printer", 4, "Київ, вул. Хрещатик 10, кімн. 204"),
    "Маршрутизатор головного офісу": ("network", 3, "Київ, комутаційна шафа 1-го поверху"),
    "VPN-шлюз": ("network", 3, "Київ, серверна, стійка 1"),
}

_SETTLED = (IncidentStatus.RESOLVED.value, IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value)


def _item(session: Session, name: str) -> ConfigurationItem | None:
    return session.execute(select(ConfigurationItem).where(ConfigurationItem.name == name)).scalar_one_or_none()


def _incidents(session: Session, service: Service, *, open_: bool, limit: int) -> list[Incident]:
    stmt = select(Incident).where(Incident.service_id == service.id)
    # Closed incidents take no new links (R26): a resolved problem gets its resolved ones.
    stmt = stmt.where(Incident.status.not_in(_SETTLED) if open_  # type: ignore[attr-defined]
                      else Incident.status == IncidentStatus.RESOLVED.value)
    return list(session.execute(stmt.order_by(Incident.id.desc()).limit(limit)).scalars())  # type: ignore[union-attr]


def describe_items(session: Session, boss: Person, groups: list[WorkGroup]) -> None:
    for name, (kind, group, location) in ITEMS.items():
        item = _item(session, name)
        if item is not None:
            config_items.update_item(session, boss, item, kind=kind, group=groups[group], location=location)


def add_problems(session: Session, boss: Person, ref: dict[str, Any]) -> None:
    """Five problems: registered, in analysis, a known error, resolved with its incidents, closed."""
    services, groups = ref["services"], ref["groups"]
    ets, mail, onec, network = services[0], services[1], services[2], services[4]

    def link(problem: Any, found: list[Incident]) -> None:
        for incident in found:
            problems.link_incident(session, boss, problem, incident)

    known = problems.register_problem(
        session, boss, short_description="Періодичні збої входу в ЕТС",
        description="Кілька разів на тиждень вхід в ЕТС триває понад хвилину або обривається.",
        service=ets, configuration_item=_item(session, "Сервер ЕТС-01"), group=groups[2])
    link(known, _incidents(session, ets, open_=True, limit=3))
    problems.change_status(session, boss, known, ProblemStatus.ANALYSIS)
    problems.change_status(session, boss, known, ProblemStatus.KNOWN_ERROR,
                           root_cause="Сертифікат балансувальника оновлюється лише на одному вузлі.",
                           workaround="Повторити вхід через 2 хвилини: запит піде на інший вузол.")

    analysis = problems.register_problem(
        session, boss, short_description="Повільна робота 1С після оновлення платформи",
        description="Проведення документів триває втричі довше, ніж до оновлення.",
        service=onec, configuration_item=_item(session, "Сервер 1С"), group=groups[5])
    link(analysis, _incidents(session, onec, open_=True, limit=2))
    problems.change_status(session, boss, analysis, ProblemStatus.ANALYSIS)

    vpn = problems.register_problem(
        session, boss, short_description="Обриви VPN у філіях щогодини",
        description="З'єднання рветься рівно щогодини, в усіх філіях одночасно.",
        root_cause="Повторне узгодження ключів на VPN-шлюзі з надто коротким інтервалом.",
        service=network, configuration_item=_item(session, "VPN-шлюз"), group=groups[3])
    link(vpn, _incidents(session, network, open_=False, limit=2))
    problems.resolve_problem(session, boss, vpn, solution="Інтервал повторного узгодження збільшено до 8 годин.")

    problems.register_problem(
        session, boss, short_description="Листи з вкладеннями понад 10 МБ не доходять",
        description="Користувачі скаржаться, що великі листи повертаються без пояснень.",
        service=mail, configuration_item=_item(session, "Поштовий сервер"), group=groups[1])

    closed = problems.register_problem(
        session, boss, short_description="Принтер кімн. 204 зминає папір",
        service=services[3], configuration_item=_item(session, "Принтер HP LaserJet кімн. 204"), group=groups[4])
    problems.resolve_problem(session, boss, closed, solution="Замінено ролик подачі паперу.")
    problems.close_problem(session, boss, closed)
