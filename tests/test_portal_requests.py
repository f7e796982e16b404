"""Service requests and approvals in the portal (issue 20, R27, R28, R40), over HTTP on both
engines: the requester's requests in the same list as their incidents, a request's fields and
published thread, replies, accepting or rejecting what was carried out; another requester's
request is the same 404 as a missing one on every route; approvers see and decide only what
waits for them, with the session's CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import admin, incidents, requests
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.store.models import Approval, JournalEntry, Person, ServiceRequest
from tests.portal_client import form_token, signed_in
from tests.world import FIRST_LINE, load_test_catalog, seed

CALLER = "olena@client.example"
OTHER = "anna@client.example"
CATALOG = f'''
[[item]]
code = "mouse"
name.uk = "Нова миша"
name.en = "A new mouse"
group = "{FIRST_LINE}"

[[item.field]]
name = "model"
kind = "text"
label.uk = "Модель"
label.en = "Model"
required = true

[[item]]
code = "role"
name.uk = "Роль в ЕТС"
name.en = "ETS role"
group = "{FIRST_LINE}"

[item.approval]
people = ["maria"]
mode = "any"
'''


@pytest.fixture
def desk(db):
    w = seed(db)
    ids = load_test_catalog(db, w, CATALOG)
    with db.write() as s:
        analyst = s.get(Person, w.analyst.id)
        other = admin.create_person(s, s.get(Person, w.admin.id), login="anna", full_name="Анна Клієнтка", email=OTHER)
        incident = incidents.register_incident(s, analyst, caller=s.get(Person, w.caller.id),
                                               short_description="Старий інцидент", group=w.first_line)
        mine = requests.register_request(s, analyst, requester=s.get(Person, w.caller.id), item_id=ids["mouse"],
                                         values={"model": "<b>Logitech</b> M185"}, description="Для бухгалтерії")
        theirs = requests.register_request(s, analyst, requester=other, item_id=ids["mouse"],
                                           values={"model": "Таємна модель"})
        role = requests.register_request(s, analyst, requester=other, item_id=ids["role"], values={},
                                         description="Прошу роль бухгалтера")
    return db, w, {"incident": incident.number, "mine": mine.number, "theirs": theirs.number, "role": role.number}


def _implement(db, w, number: str) -> None:
    with db.write() as s:
        request = s.execute(select(ServiceRequest).where(ServiceRequest.number == number)).scalar_one()
        analyst = s.get(Person, w.analyst.id)
        requests.change_status(s, analyst, request, S.IN_PROGRESS)
        requests.change_status(s, analyst, request, S.IMPLEMENTED, reason="Видали мишу")


def _state(db, number: str) -> tuple[str, int, int]:
    with db.read() as s:
        r = s.execute(select(ServiceRequest).where(ServiceRequest.number == number)).scalar_one()
        entries = s.execute(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.record_kind == "service_request", JournalEntry.record_id == r.id)).scalar_one()
        return r.status, r.version, entries


def test_requests_are_listed_with_incidents_and_shown_with_their_fields(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    page = c.get("/tickets").text
    assert t["mine"] in page and t["incident"] in page and t["theirs"] not in page
    assert page.index(t["mine"]) < page.index(t["incident"])  # newest first across both
    assert "Запит на обслуговування" in page
    request = c.get(f"/tickets/{t['mine']}")
    assert request.status_code == 200
    assert "Модель" in request.text and "&lt;b&gt;Logitech&lt;/b&gt; M185" in request.text
    assert "Для бухгалтерії" in request.text
    assert f"/tickets/{t['mine']}/close" in request.text  # withdrawn while it is still wanted or not


def test_a_request_no_longer_needed_is_withdrawn_with_its_approvals(desk):
    db, w, t = desk
    anna = signed_in(db, OTHER)
    token = form_token(anna, "/tickets")
    answer = anna.post(f"/tickets/{t['role']}/close", data={"csrf": token, "words": "Вже перевели в інший відділ"})
    assert answer.status_code == 303 and "done=withdrawn" in answer.headers["location"]
    with db.read() as s:
        request = s.execute(select(ServiceRequest).where(ServiceRequest.number == t["role"])).scalar_one()
        assert (request.status, request.closed_at is not None) == (S.CANCELLED.value, True)
        assert all(a.state != "requested" for a in s.execute(
            select(Approval).where(Approval.request_id == request.id)).scalars())
        said = s.execute(select(JournalEntry.body).where(JournalEntry.record_kind == "service_request",
                                                         JournalEntry.record_id == request.id,
                                                         JournalEntry.author_id != w.analyst.id)).scalars().all()
    assert any("Вже перевели в інший відділ" in (b or "") for b in said)
    page = anna.get(answer.headers["location"]).text
    assert "Запит відкликано." in page
    assert f"/tickets/{t['role']}/close" not in page  # nothing more to withdraw
    # Carried out already: accepted or sent back, not withdrawn.
    c = signed_in(db, CALLER)
    _implement(db, w, t["mine"])
    refused = c.post(f"/tickets/{t['mine']}/close", data={"csrf": form_token(c, "/tickets"), "words": ""})
    assert refused.status_code == 400 and _state(db, t["mine"])[0] == S.IMPLEMENTED.value


def test_another_requesters_request_is_not_found_everywhere(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    before = _state(db, t["theirs"])
    missing = c.get("/tickets/REQ9999999")
    answer = c.get(f"/tickets/{t['theirs']}")
    assert answer.status_code == missing.status_code == 404
    assert answer.text.replace(t["theirs"], "N") == missing.text.replace("REQ9999999", "N")
    assert "Таємна модель" not in answer.text
    token = form_token(c, "/tickets")
    for action in ("reply", "close", "accept", "reject"):
        assert c.post(f"/tickets/{t['theirs']}/{action}", data={"csrf": token, "text": "x", "reason": "x"}
                      ).status_code == 404, action
    assert _state(db, t["theirs"]) == before
    # Not an approver of anything: another's request waiting for approval is not found there either.
    assert c.get(f"/approvals/{t['role']}").status_code == 404
    assert c.post(f"/approvals/{t['role']}", data={"csrf": token, "decision": "approve"}).status_code == 404
    assert _state(db, t["role"])[0] == S.AWAITING_APPROVAL.value


def test_a_reply_then_rejecting_and_accepting_what_was_done(desk):
    db, w, t = desk
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets")
    assert c.post(f"/tickets/{t['mine']}/reply", data={"csrf": token, "text": "Бездротову, будь ласка"}
                  ).status_code == 303
    assert "Бездротову, будь ласка" in c.get(f"/tickets/{t['mine']}").text
    _implement(db, w, t["mine"])
    page = c.get(f"/tickets/{t['mine']}").text
    assert "turn-confirm" in page and f"/tickets/{t['mine']}/accept" in page
    assert c.post(f"/tickets/{t['mine']}/reject", data={"csrf": token, "reason": "Миша не та"}).status_code == 303
    assert _state(db, t["mine"])[0] == S.IN_PROGRESS.value
    with db.write() as s:
        request = s.execute(select(ServiceRequest).where(ServiceRequest.number == t["mine"])).scalar_one()
        requests.change_status(s, s.get(Person, w.analyst.id), request, S.IMPLEMENTED, reason="Нова миша")
    assert c.post(f"/tickets/{t['mine']}/accept", data={"csrf": token}).status_code == 303
    assert _state(db, t["mine"])[0] == S.CLOSED.value
    assert "turn-closed" in c.get(f"/tickets/{t['mine']}").text
    assert c.post(f"/tickets/{t['mine']}/reply", data={"csrf": token, "text": "Ще"}).status_code == 400


def test_an_approver_decides_in_the_portal(desk):
    db, _w, t = desk
    maria = signed_in(db, "maria@desk.example")
    listing = maria.get("/approvals")
    assert t["role"] in listing.text and "Анна Клієнтка" in listing.text
    page = maria.get(f"/approvals/{t['role']}")
    assert page.status_code == 200 and "Прошу роль бухгалтера" in page.text
    token = form_token(maria, "/approvals")
    assert maria.post(f"/approvals/{t['role']}", data={"decision": "approve"}).status_code == 403
    refused = maria.post(f"/approvals/{t['role']}", data={"csrf": token, "decision": "reject", "comment": ""})
    assert refused.status_code == 400 and _state(db, t["role"])[0] == S.AWAITING_APPROVAL.value
    done = maria.post(f"/approvals/{t['role']}", data={"csrf": token, "decision": "approve", "comment": "Так"})
    assert done.status_code == 303
    with db.read() as s:
        approval = s.execute(select(Approval)).scalar_one()
        assert approval.state == "approved" and approval.decided_via == "portal" and approval.comment == "Так"
    assert _state(db, t["role"])[0] != S.AWAITING_APPROVAL.value
    # Decided: no longer waiting, so no longer found.
    assert t["role"] not in maria.get("/approvals").text
    assert maria.get(f"/approvals/{t['role']}").status_code == 404


def test_a_new_request_from_the_items_offered_with_the_tuis_checks(desk):
    db, w, _t = desk
    with db.read() as s:
        from helpdesk_tui.store.models import CatalogItem

        mouse = s.execute(select(CatalogItem).where(CatalogItem.code == "mouse")).scalar_one().id
        count = s.execute(select(func.count()).select_from(ServiceRequest)).scalar_one()
    c = signed_in(db, CALLER)
    listing = c.get("/requests/new")
    assert listing.status_code == 200 and "Нова миша" in listing.text and f"/requests/new/{mouse}" in listing.text
    form = c.get(f"/requests/new/{mouse}")
    assert form.status_code == 200 and 'name="f_model"' in form.text and "Модель" in form.text
    token = form_token(c, f"/requests/new/{mouse}")
    missing = c.post(f"/requests/new/{mouse}", data={"csrf": token, "f_model": "  ", "description": "Терміново"})
    assert missing.status_code == 400
    from helpdesk_tui.i18n import translator

    assert translator("uk")("Fill in: {fields}").format(fields="Модель") in missing.text
    assert 'aria-invalid="true"' in missing.text and "Терміново" in missing.text
    assert c.post(f"/requests/new/{mouse}", data={"model": "x"}).status_code == 403
    assert c.get("/requests/new/99999").status_code == 404
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(ServiceRequest)).scalar_one() == count
    made = c.post(f"/requests/new/{mouse}", data={"csrf": token, "f_model": "MX Master", "description": "Для мене"})
    assert made.status_code == 303
    with db.read() as s:
        request = s.execute(select(ServiceRequest).order_by(ServiceRequest.id.desc()).limit(1)).scalar_one()
        assert (request.requester_id, request.channel, request.parameters) == (w.caller.id, "portal", {"model": "MX Master"})
    assert made.headers["location"] == f"/tickets/{request.number}?done=created"
    assert "MX Master" in c.get(made.headers["location"]).text


def test_only_the_items_offered_to_this_caller_are_listed_and_reachable(db):
    from helpdesk_tui.desk import catalog
    from helpdesk_tui.store.models import CatalogItem

    w = seed(db)
    load_test_catalog(db, w)  # its «client-only» item is for one organisation
    with db.read() as s:
        offered = {i.id for i in catalog.offered(s, s.get(Person, w.caller.id), "", limit=500)}
        every = {row.id: row.code for row in s.execute(select(CatalogItem)).scalars()}
    assert offered and set(every) - offered, "the catalog should hold an item this caller may not ask for"
    c = signed_in(db, CALLER)
    listing = c.get("/requests/new").text
    token = form_token(c, "/requests/new")
    for item_id in every:
        assert (f"/requests/new/{item_id}\"" in listing) == (item_id in offered)
        if item_id not in offered:
            assert c.get(f"/requests/new/{item_id}").status_code == 404
            assert c.post(f"/requests/new/{item_id}", data={"csrf": token}).status_code == 404


def test_a_requester_attaches_a_file_to_a_request(desk):
    from helpdesk_tui.store.models import PortalAttachment

    db, _w, t = desk
    c = signed_in(db, CALLER)
    token = form_token(c, f"/tickets/{t['mine']}")
    answer = c.post(f"/tickets/{t['mine']}/reply", data={"csrf": token, "text": "Ось фото миші"},
                    files=[("files", ("миша.jpg", b"\xff\xd8\xff" + b"1" * 100, "image/jpeg"))])
    assert answer.status_code == 303
    with db.read() as s:
        row = s.execute(select(PortalAttachment)).scalar_one()
        assert row.record_kind == "service_request"
    page = c.get(f"/tickets/{t['mine']}").text
    assert "миша.jpg" in page
    assert c.get(f"/tickets/{t['mine']}/files/{row.id}").content.startswith(b"\xff\xd8\xff")
    other = signed_in(db, OTHER)
    assert other.get(f"/tickets/{t['mine']}/files/{row.id}").status_code == 404
    assert other.get(f"/tickets/{t['theirs']}/files/{row.id}").status_code == 404
