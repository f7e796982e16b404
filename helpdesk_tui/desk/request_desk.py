"""The TUI's facade for service requests (R27–R32): what the new-request form offers, the
request record, and every change an analyst makes to a request from the keyboard. One short
transaction per call, as the rest of the workspace (desk/workspace.py)."""

from __future__ import annotations

from typing import Any

from helpdesk_tui.desk import approvals, catalog, request_sla, request_tasks, requests
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.desk.facade import Facade
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, ServiceRequest, WorkGroup
from helpdesk_tui.store.request_records import request_detail


class RequestDesk(Facade):

    @staticmethod
    def _request(session: Any, request_id: int) -> ServiceRequest:
        request = session.get(ServiceRequest, request_id)  # the operation reads it again under its lock
        if request is None:
            raise NotFound(_("That record no longer exists"))
        return request  # type: ignore[no-any-return]

    # --- the new-request form ---------------------------------------------------------------

    def offered(self, requester_id: int | None, typed: str = "") -> list[ItemInfo]:
        """«Параметри»: the items this requester may ask for, matching what is typed."""
        with self.db.read() as session:
            requester = session.get(Person, requester_id) if requester_id else None
            return catalog.offered(session, requester, typed)

    def register(self, *, requester_id: int, item_id: int, values: dict[str, Any], description: str = "",
                 owner_id: int | None = None) -> tuple[int, str]:
        with self.db.write() as session:
            requester = session.get(Person, requester_id)
            if requester is None:
                raise NotFound(_("That person no longer exists"))
            owner = session.get(Person, owner_id) if owner_id else None
            request = requests.register_request(session, self._actor(session), requester=requester, item_id=item_id,
                                                values=values, description=description, owner=owner)
            return request.id, request.number  # type: ignore[return-value]

    # --- the record ---------------------------------------------------------------------------

    def record(self, request_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            data = request_detail(session, self._request(session, request_id), self.who.person_id)
            response, resolution = request_sla.expected_by(session, self._request(session, request_id))
        item = data.get("item") or {}
        data.update(kind="service_request", expected_response=response, expected_resolution=resolution,
                    item_name=item["name"] if item else None,
                    may_decide=self.may_decide(request_id))
        return data

    def change_status(self, request_id: int, target: str, *, reason: str = "",
                      expected_version: int | None = None) -> None:
        with self.db.write() as session:
            requests.change_status(session, self._actor(session), self._request(session, request_id), target,
                                   reason=reason, expected_version=expected_version)

    def decide(self, request_id: int, *, approve: bool, comment: str = "") -> None:
        with self.db.write() as session:
            approvals.decide(session, self._actor(session), self._request(session, request_id), approve=approve,
                             comment=comment, via="tui")

    def may_decide(self, request_id: int) -> bool:
        """Whether the approval of this request waits for me."""
        with self.db.read() as session:
            return approvals.waits_for(session, self._actor(session), request_id)

    def add_task(self, request_id: int, *, group_id: int, short_description: str, details: str) -> str:
        with self.db.write() as session:
            group = session.get(WorkGroup, group_id)
            if group is None:
                raise NotFound(_("That work group no longer exists"))
            task = request_tasks.add_task(session, self._actor(session), self._request(session, request_id),
                                          group=group, short_description=short_description, details=details)
            return task.number

    def assign(self, request_id: int, *, group_id: int | None, owner_id: int | None,
               expected_version: int | None = None) -> None:
        with self.db.write() as session:
            group = session.get(WorkGroup, group_id) if group_id else None
            owner = session.get(Person, owner_id) if owner_id else None
            requests.assign(session, self._actor(session), self._request(session, request_id), group=group,
                            owner=owner, expected_version=expected_version)

    def add_note(self, request_id: int, *, summary: str, text: str, published: bool) -> None:
        with self.db.write() as session:
            requests.add_note(session, self._actor(session), self._request(session, request_id), summary=summary,
                              text=text, published=published)
