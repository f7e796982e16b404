"""The TUI's facade for configuration items («Конфігураційний елемент», R25, issue 19): the
items' list, one item with its incidents and problems, and every change an analyst makes to one
from the keyboard. One short transaction per call, as the rest of the workspace
(desk/workspace.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk_tui.desk import config_items
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.config_items import ItemKind, parse_kind
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import ConfigurationItem, Service, WorkGroup


def _label(enum: Any, code: str) -> str:
    try:
        return enum(code).label  # type: ignore[no-any-return]
    except ValueError:  # a status a newer version wrote: shown as it is rather than not at all
        return code


class ConfigItemDesk(Facade):
    @staticmethod
    def _item(session: Any, item_id: int) -> ConfigurationItem:
        item = session.get(ConfigurationItem, item_id)
        if item is None:
            raise NotFound(_("That record no longer exists"))
        return item  # type: ignore[no-any-return]

    @staticmethod
    def _names(session: Any, model: Any) -> dict[int, str]:
        return {i: n for i, n in session.execute(select(model.id, model.name))}

    def _row(self, item: ConfigurationItem, groups: dict[int, str], services: dict[int, str]) -> dict[str, Any]:
        return {"id": item.id, "name": item.name, "kind": item.kind, "kind_label": _label(ItemKind, item.kind),
                "group": groups.get(item.group_id) if item.group_id else None, "group_id": item.group_id,
                "service": services.get(item.service_id) if item.service_id else None,
                "service_id": item.service_id, "location": item.location, "description": item.description,
                "active": item.active, "version": item.version}

    def listing(self, text: str = "", kind: str | None = None, retired: bool = False) -> list[dict[str, Any]]:
        """Items by name: of one kind, with words of the name, location, work group or service;
        retired ones only when asked for."""
        with self.db.read() as session:
            self._actor(session)
            groups, services = self._names(session, WorkGroup), self._names(session, Service)
            rows = [self._row(item, groups, services) for item in config_items.list_items(
                session, kind=parse_kind(kind) if kind else None, include_retired=retired)]
        # Python folds the case (SQLite's lower() knows only ASCII); the list is a desk's few thousand.
        for word in text.casefold().split():
            rows = [r for r in rows if any(word in (r[k] or "").casefold() for k in ("name", "location", "group", "service"))]
        return rows

    def item(self, item_id: int) -> dict[str, Any]:
        """One item's facts, its incidents and its problems (newest first), statuses by name."""
        with self.db.read() as session:
            self._actor(session)
            item = self._item(session, item_id)
            shown = self._row(item, self._names(session, WorkGroup), self._names(session, Service))
            shown["incidents"] = [
                {"id": i.id, "number": i.number, "short_description": i.short_description, "status": i.status,
                 "status_label": _label(IncidentStatus, i.status), "created_at": i.created_at}
                for i in config_items.item_incidents(session, item)]
            shown["problems"] = [
                {"id": p.id, "number": p.number, "short_description": p.short_description, "status": p.status,
                 "status_label": _label(ProblemStatus, p.status), "created_at": p.created_at}
                for p in config_items.item_problems(session, item)]
            return shown

    def groups(self) -> list[tuple[int, str]]:
        with self.db.read() as session:
            return [(g.id, g.name) for g in session.execute(
                select(WorkGroup).where(WorkGroup.active.is_(True)).order_by(WorkGroup.name)).scalars()]  # type: ignore[attr-defined]

    def services(self) -> list[tuple[int, str]]:
        with self.db.read() as session:
            return [(s.id, s.name) for s in session.execute(
                select(Service).where(Service.active.is_(True)).order_by(Service.name)).scalars()]  # type: ignore[attr-defined]

    def save(self, item_id: int | None, *, version: int | None, name: str, kind: str, group_id: int | None,
             service_id: int | None, location: str, description: str) -> int:
        """A new item (no id) or the item changed; its id. A stale version is refused
        (StaleVersion) so that what the analyst typed can be applied again."""
        with self.db.write() as session:
            actor = self._actor(session)
            fields: dict[str, Any] = {
                "name": name, "kind": kind, "location": location, "description": description,
                "group": session.get(WorkGroup, group_id) if group_id else None,
                "service": session.get(Service, service_id) if service_id else None}
            if item_id is None:
                return config_items.create_item(session, actor, **fields).id  # type: ignore[return-value]
            return config_items.update_item(session, actor, item_id, expected_version=version,  # type: ignore[return-value]
                                            **fields).id

    def set_active(self, item_id: int, version: int | None, active: bool) -> None:
        """Retire an item (kept on its incidents, no longer offered) or offer it again."""
        with self.db.write() as session:
            config_items.update_item(session, self._actor(session), item_id, expected_version=version, active=active)
