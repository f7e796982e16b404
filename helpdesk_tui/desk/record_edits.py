"""What the record view changes besides the status (the TUI's side of the CLI's `incident
update`, `assign`, `vendor-task`, `split` and a task's comment): an incident's words, its
criticality and channel, its work group and owner, a vendor's task without a status change, a
question split off into an incident of its own, the configuration item it is about (set or
cleared, or chosen when resolving)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk_tui.desk import incidents, split, tasks
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import ConfigurationItem, Incident, Person, Task, Vendor, WorkGroup


class RecordEdits(Facade):

    @staticmethod
    def _incident(session: Any, record_id: int) -> Incident:
        incident = session.get(Incident, record_id)  # the operation itself reads it again under its lock
        if incident is None:
            raise NotFound(_("That record no longer exists"))
        return incident  # type: ignore[no-any-return]

    def update_words(self, record_id: int, *, short_description: str, description: str,
                     expected_version: int | None) -> None:
        """Correct the short description and the description (journaled, old and new)."""
        with self.db.write() as session:
            incidents.update_incident(session, self._actor(session), self._incident(session, record_id),
                                      expected_version=expected_version, short_description=short_description,
                                      description=description)

    def change_criticality(self, record_id: int, *, criticality: str | None, urgent_reason: str | None,
                           channel: str, expected_version: int | None) -> None:
        """R34, R35, R37: the criticality (an urgent one with its reason) and the channel; the
        SLA targets follow the criticality."""
        with self.db.write() as session:
            incidents.update_incident(session, self._actor(session), self._incident(session, record_id),
                                      expected_version=expected_version, criticality=criticality,
                                      urgent_reason=urgent_reason, channel=channel)

    def assign(self, record_id: int, *, group_id: int | None, owner_id: int | None,
               expected_version: int | None) -> None:
        """Another work group and/or owner; no owner leaves it to the group."""
        with self.db.write() as session:
            group = session.get(WorkGroup, group_id) if group_id else None
            owner = session.get(Person, owner_id) if owner_id else None
            incidents.assign_incident(session, self._actor(session), self._incident(session, record_id),
                                      group=group, owner=owner, clear_owner=owner_id is None,
                                      expected_version=expected_version)

    def vendor_task(self, record_id: int, *, vendor_id: int, short_description: str, details: str = "") -> str:
        """«Зовнішнє завдання» without moving the incident to «Передано третій стороні» (R24)."""
        with self.db.write() as session:
            vendor = session.get(Vendor, vendor_id)
            if vendor is None:
                raise NotFound(_("That vendor no longer exists"))
            task = tasks.create_external_task(session, self._actor(session), self._incident(session, record_id),
                                              vendor=vendor, short_description=short_description, details=details)
            return task.number

    def split(self, record_id: int, entry_id: int, *, short_description: str) -> tuple[int, str]:
        """R38: the question in a journal entry as an incident of its own; its id and number."""
        with self.db.write() as session:
            new = split.split_incident(session, self._actor(session), self._incident(session, record_id), entry_id,
                                       short_description=short_description)
            return new.id, new.number  # type: ignore[return-value]

    def comment_task(self, task_id: int, text: str) -> None:
        with self.db.write() as session:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFound(_("That record no longer exists"))
            tasks.comment_task(session, self._actor(session), task, text=text)

    def configuration_items(self, service_id: int | None) -> list[tuple[int, str]]:
        """What an incident can be resolved against (R25): its service's items first, then the rest."""
        with self.db.read() as session:
            rows = session.execute(select(ConfigurationItem.id, ConfigurationItem.name, ConfigurationItem.service_id)
                                   .where(ConfigurationItem.active.is_(True))  # type: ignore[attr-defined]
                                   .order_by(ConfigurationItem.name)).all()
        return [(i, n) for i, n, s in rows if s == service_id] + [(i, n) for i, n, s in rows if s != service_id]

    def set_configuration_item(self, record_id: int, *, item_id: int | None, expected_version: int | None) -> None:
        """What the incident is about (R25), or nothing: journaled by name, old and new."""
        with self.db.write() as session:
            item = session.get(ConfigurationItem, item_id) if item_id else None
            if item_id and item is None:
                raise NotFound(_("That record no longer exists"))
            incidents.update_incident(session, self._actor(session), self._incident(session, record_id),
                                      expected_version=expected_version, configuration_item=item)

    def service_of(self, record_id: int) -> int | None:
        with self.db.read() as session:
            incident = session.get(Incident, record_id)
            return incident.service_id if incident else None
