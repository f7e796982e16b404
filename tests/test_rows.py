"""new_row builds the same row as the model's constructor, and the ORM writes and tracks it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from helpdesk_tui.store.models import Incident, InboundMail, Service
from helpdesk_tui.store.rows import new_row, write_row
from tests.world import seed

TIMES = {"created_at", "updated_at", "received_at"}  # default factories: now, a moment apart


@pytest.mark.parametrize("model, values", [
    (Incident, {"number": "INC0000042", "short_description": "Не друкує", "status": "registered", "channel": "email",
                "waiting_on": "desk", "priority": 4}),
    (InboundMail, {"mailbox": "INBOX", "uid": 7, "sha256": "0" * 64, "size": 3, "raw": b"abc", "status": "new",
                   "subject": "Тема", "sent_at": datetime(2026, 11, 23, 10, 0, tzinfo=UTC)}),
])
def test_the_same_row_as_the_constructor(model, values):
    made, built = new_row(model, **values), model(**values)
    assert made.model_fields_set == built.model_fields_set == set(values)
    assert {k: v for k, v in made.model_dump().items() if k not in TIMES} == \
        {k: v for k, v in built.model_dump().items() if k not in TIMES}
    assert all(getattr(made, k).tzinfo is UTC for k in TIMES & model.model_fields.keys())


def test_unknown_fields_are_refused():
    with pytest.raises(TypeError, match="no field colour"):
        new_row(Incident, number="INC0000001", colour="red")


def test_written_read_back_and_later_changes_saved(db):
    w = seed(db)
    with db.write() as s:
        incident = new_row(Incident, number="INC0000099", short_description="Перший запис", status="registered",
                           channel="phone", waiting_on="desk", caller_id=w.caller.id, opened_by_id=w.analyst.id)
        s.add(incident)
        s.flush()
        assert incident.id is not None and incident.version == 1
        incident.short_description = "Змінений запис"
        number_id = incident.id
    with db.read() as s:
        stored = s.get(Incident, number_id)
        assert (stored.number, stored.short_description, stored.caller_id) == ("INC0000099", "Змінений запис",
                                                                                w.caller.id)
        assert stored.created_at.tzinfo is not None


def test_a_written_row_joins_the_session_as_if_read_and_its_later_changes_are_saved(db):
    w = seed(db)
    with db.write() as s:
        s.add(Service(name="Пошта напряму"))  # pending: written first, as a flush would
        incident = new_row(Incident, number="INC0000100", short_description="Записаний напряму", status="registered",
                           channel="email", waiting_on="desk", caller_id=w.caller.id, opened_by_id=w.analyst.id)
        new_id = write_row(s, incident, attach=True)
        assert s.get(Incident, new_id) is incident and incident not in s.new
        incident.status = "in_progress"
        mail = new_row(InboundMail, mailbox="INBOX", sha256="1" * 64, size=1, raw=b"x", status="incident",
                       incident_id=new_id)
        mail_id = write_row(s, mail)
        assert mail not in s
    with db.read() as s:
        assert s.get(Incident, new_id).status == "in_progress"
        assert s.get(InboundMail, mail_id).incident_id == new_id
        assert s.execute(select(Service.id).where(Service.name == "Пошта напряму")).scalar_one() is not None
