"""Statements run on the driver's cursor write what SQLAlchemy would, inside the session's
transaction and savepoints, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import insert, select

from helpdesk_tui.store.direct import Direct
from helpdesk_tui.store.models import ChangeFeed

_FEED = ChangeFeed.__table__
KYIV_SUMMER = timezone(timedelta(hours=3))


def test_values_are_converted_as_sqlalchemy_converts_them(db):
    """A time given in another zone is stored as its UTC instant and read back aware."""
    at = datetime(2026, 7, 1, 12, 30, 15, 123456, tzinfo=KYIV_SUMMER)
    with db.write() as s:
        new_id = Direct(insert(_FEED).returning(_FEED.c.id)).scalar(
            s, {"record_kind": "incident", "record_id": 7, "change": "created", "actor_id": None, "at": at})
        s.execute(insert(_FEED), {"record_kind": "incident", "record_id": 8, "change": "created", "at": at})
    with db.read() as s:
        rows = list(s.execute(select(ChangeFeed).order_by(ChangeFeed.id)).scalars())
    assert [r.id for r in rows][0] == new_id
    assert rows[0].at == rows[1].at == at and rows[0].at.tzinfo is UTC
    assert (rows[0].record_kind, rows[0].record_id, rows[0].actor_id) == ("incident", 7, None)


def test_a_rolled_back_savepoint_takes_its_direct_rows_with_it(db):
    many = Direct(insert(_FEED))
    now = datetime.now(UTC)
    with db.write() as s:
        many.executemany(s, [{"record_kind": "kept", "record_id": i, "change": "x", "actor_id": None, "at": now}
                             for i in range(3)])
        try:
            with s.begin_nested():
                many.execute(s, {"record_kind": "undone", "record_id": 1, "change": "x", "actor_id": None, "at": now})
                raise RuntimeError("one message failed")
        except RuntimeError:
            pass
    with db.read() as s:
        kinds = [r.record_kind for r in s.execute(select(ChangeFeed).order_by(ChangeFeed.id)).scalars()]
    assert kinds == ["kept"] * 3
