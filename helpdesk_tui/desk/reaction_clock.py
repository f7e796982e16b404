"""How «до 24 год» of a non-urgent ticket is counted (R34): the seed says the desk reacts to a
non-urgent ticket «до 24 год з моменту отримання звернення» and works Mon–Fri 8:00–17:00.

- working_day (the default): one working day of the desk's calendar (8 working hours: a ticket
  of Friday 16:00 is due on Monday by 16:00). The seed's desk answers «within a day», and a
  day of 24 clock hours would fall at night or on a weekend most of the time.
- working_hours: 24 working hours of the calendar (three working days).
- calendar: 24 clock hours on the 24×7 calendar, weekends and nights included.

Urgent tickets keep their hour (R34) whatever the mode. The mode rewrites the response target of
the low, medium and high criticality policies; their resolution targets keep their length, on
the same clock as the response (a policy has one calendar).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import sla
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, SlaPolicy

MODES: dict[str, tuple[int, str]] = {
    "working_day": (8 * 60, "standard"),
    "working_hours": (24 * 60, "standard"),
    "calendar": (24 * 60, "24x7"),
}
DEFAULT = "working_day"
KEY = "sla.reaction_clock"
NON_URGENT = ("low", "medium", "high")


def current(session: Session) -> str:
    return str(sla.setting(session, KEY, DEFAULT))


def set_mode(session: Session, actor: Person | None, mode: str) -> str:
    if mode not in MODES:
        raise RuleViolation(_("How «up to 24 h» is counted: one of {modes}").format(modes=", ".join(MODES)),
                            field="mode")
    minutes, calendar = MODES[mode]
    for key in NON_URGENT:
        policy = session.execute(select(SlaPolicy).where(SlaPolicy.profile == "criticality",
                                                             SlaPolicy.key == key)).scalar_one_or_none()
        resolution = max(policy.resolution_minutes if policy else 5 * 480, minutes)
        if calendar == "24x7" and policy is not None and sla.find_calendar(session, "standard").id == policy.calendar_id:
            resolution = max(minutes, resolution * 3)  # a working day of 8 hours is a day of 24
        sla.set_policy(session, actor, profile="criticality", key=key, response_minutes=minutes,
                       resolution_minutes=resolution, calendar=calendar)
    sla.store_setting(session, actor, KEY, mode)
    return mode
