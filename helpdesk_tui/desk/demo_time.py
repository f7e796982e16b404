"""The demo's time against the clients' subscriptions (R41): work logged as the demo's incidents
unfold over the year, a change of one client's hours half a year ago, and the demo analyst's
timer running on an open ticket, so the statements and the reports screen show real figures."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import subscriptions, time_entries
from helpdesk_tui.domain.timekeeping import months_back
from helpdesk_tui.store.models import Incident, Organisation, Person

WORK_NOTES = (
    "Консультація телефоном", "Налаштування за віддаленим доступом", "Перевірка журналу помилок",
    "Навчання користувача", "Виправлення налаштувань", "Аналіз звернення і відповідь клієнту",
)
DEVELOPMENT_NOTES = ("Доопрацювання обробки", "Новий звіт", "Тестування змін", "Оновлення конфігурації")
# Its own random sequence: logging time draws numbers, and the incidents' stories (statuses,
# owners) must stay what they were without it.
_rng = random.Random(0)


def begin(seed: int) -> None:
    _rng.seed(seed * 7919 + 1)


def log_work(session: Session, person: Person, incident: Incident, low: int, high: int) -> None:
    """Some minutes of `person`'s work today (the demo's simulated day), rounded as people log it."""
    development = incident.kind == "change_request"
    rng = _rng
    minutes = rng.randint(low, high) * (4 if development else 1)
    minutes = max(5, minutes - minutes % 5)
    ticket = time_entries.ticket_of(session, "incident", incident.id)  # type: ignore[arg-type]
    time_entries.log_time(session, person, ticket, minutes=minutes,
                          note=rng.choice(DEVELOPMENT_NOTES if development else WORK_NOTES),
                          billable=development or rng.random() > 0.05)


def finish(session: Session, boss: Person, analyst: Person, organisations: list[Organisation],
           today: date) -> None:
    """One client bought more hours half a year ago; the demo analyst's timer runs on an open ticket."""
    if organisations:
        busiest = organisations[0]
        half_year = months_back(today, 6)[0]
        subscriptions.set_subscription(session, boss, busiest, hours=busiest.subscription_minutes / 60 + 20,
                                       from_month=half_year)
    open_one = session.execute(select(Incident).where(Incident.owner_id == analyst.id,
                                                      Incident.status == "in_progress").limit(1)).scalar_one_or_none()
    if open_one is not None:
        time_entries.start_timer(session, analyst, time_entries.ticket_of(session, "incident", open_one.id))  # type: ignore[arg-type]
