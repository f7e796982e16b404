"""A caller's tickets in the portal (issue 20, R22, R26, R35, R39, R40), over HTTP on both engines:
only their own, newest first; another caller's ticket is the same 404 as a missing one on every
route, and nothing changes; every POST without its CSRF token is refused and changes nothing;
internal notes never show; replies, answers, accepting, rejecting, closing and new incidents do
what the desk does for a caller's mail; untrusted text is shown literally."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import admin, incidents, notes
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.i18n import translator
from helpdesk_tui.store.models import Incident, JournalEntry, Person
from tests.portal_client import client, form_token, signed_in
from tests.world import seed

CALLER = "olena@client.example"
OTHER = "anna@client.example"
TICKET_POSTS = ("reply", "close", "accept", "reject")


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        other = admin.create_person(s, boss, login="anna", full_name="Анна Клієнтка", email=OTHER)
        mine_old = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Старе звернення",
                                               group=w.first_line)
        mine_new = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Нове звернення",
                                               group=w.first_line)
        theirs = incidents.register_incident(s, w.analyst, caller=other, short_description="Чуже звернення",
                                             description="Таємниця Анни", group=w.first_line)
    return db, w, {"old": mine_old.number, "new": mine_new.number, "theirs": theirs.number}


def _state(db, number: str) -> tuple[str, int, int]:
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        entries = s.execute(select(func.count()).select_from(JournalEntry)
                            .where(JournalEntry.record_kind == "incident", JournalEntry.record_id == inc.id)).scalar_one()
        return inc.status, inc.version, entries


def _move(db, w, number: str, *steps: str) -> None:
    with db.write() as s:
        inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        analyst = s.get(Person, w.analyst.id)
        for step in steps:
            if step == "classify":
                inc = incidents.classify_incident(s, analyst, inc, service=w.service, category=w.category, impact=2,
                                                  urgency=2, owner=analyst)
            elif step == "ask":
                inc = incidents.change_status(s, analyst, inc, S.INFO_NEEDED, question="Який номер кабінету?")
            elif step == "resolve":
                inc = incidents.resolve_incident(s, analyst, inc, solution="Перезапустили службу", reason_code="advice",
                                                 resolve_with_open_tasks=True)


def test_the_list_is_the_callers_own_newest_first(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    page = c.get("/tickets")
    assert page.status_code == 200
    assert t["theirs"] not in page.text and "Чуже звернення" not in page.text
    assert page.text.index(t["new"]) < page.text.index(t["old"])
    assert "turn-client_wrote" in page.text and "Зареєстровано" in page.text


def test_another_callers_ticket_is_not_found_on_every_route_and_nothing_changes(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    before = _state(db, t["theirs"])
    missing = c.get("/tickets/INC9999999")
    answer = c.get(f"/tickets/{t['theirs']}")
    assert answer.status_code == missing.status_code == 404
    assert "Таємниця Анни" not in answer.text and "Чуже звернення" not in answer.text
    # The same words as for a number that does not exist, but for the number itself.
    assert answer.text.replace(t["theirs"], "N") == missing.text.replace("INC9999999", "N")
    assert c.get(f"/tickets/{t['theirs'].lower()}").status_code == 404
    token = form_token(c, "/tickets")
    for action in TICKET_POSTS:
        answer = c.post(f"/tickets/{t['theirs']}/{action}", data={"csrf": token, "text": "Моє!", "reason": "Моє!",
                                                                  "words": "Закрити"})
        assert answer.status_code == 404, action
        assert "Таємниця Анни" not in answer.text
    assert _state(db, t["theirs"]) == before


def test_every_post_needs_the_sessions_csrf_token(desk):
    db, w, t = desk
    c = signed_in(db, CALLER)
    _move(db, w, t["new"], "classify", "ask")
    before = _state(db, t["new"])
    pre_session = client(db).get("/signin").cookies.get("hd_pre")
    for action in TICKET_POSTS:
        for token in (None, "", "forged", pre_session):
            data = {"text": "Відповідь", "reason": "Ні", "words": ""}
            if token is not None:
                data["csrf"] = token
            assert c.post(f"/tickets/{t['new']}/{action}", data=data).status_code == 403, (action, token)
    with db.read() as s:
        count = s.execute(select(func.count()).select_from(Incident)).scalar_one()
    assert c.post("/tickets/new", data={"short_description": "x", "service": str(w.service.id)}).status_code == 403
    assert c.post("/signout", data={"csrf": "forged"}).status_code == 403
    assert c.get("/tickets").status_code == 200  # still signed in
    assert _state(db, t["new"]) == before
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == count


def test_internal_notes_never_reach_the_caller(desk):
    db, w, t = desk
    with db.write() as s:
        inc = s.execute(select(Incident).where(Incident.number == t["new"])).scalar_one()
        analyst = s.get(Person, w.analyst.id)
        notes.add_note(s, analyst, inc, summary="Для своїх", text="СЕКРЕТНА ПРИМІТКА", published=False)
        notes.add_note(s, analyst, inc, summary="Для клієнта", text="Публічна відповідь", published=True)
    page = signed_in(db, CALLER).get(f"/tickets/{t['new']}")
    assert "Публічна відповідь" in page.text and "Для клієнта" in page.text
    assert "СЕКРЕТНА ПРИМІТКА" not in page.text and "Для своїх" not in page.text
    assert "Notification queued" not in page.text and "Сповіщення" not in page.text


def test_a_reply_to_a_question_sets_information_provided(desk):
    db, w, t = desk
    _move(db, w, t["new"], "classify", "ask")
    c = signed_in(db, CALLER)
    page = c.get(f"/tickets/{t['new']}")
    assert "Який номер кабінету?" in page.text and "turn-details" in page.text
    answer = c.post(f"/tickets/{t['new']}/reply", data={"csrf": form_token(c, "/tickets"), "text": "Кабінет 204"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/tickets/{t['new']}?done=answered"
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == t["new"])).scalar_one()
        assert inc.status == S.INFO_PROVIDED.value and inc.waiting_on == "desk"
        mine = s.execute(select(JournalEntry).where(JournalEntry.record_id == inc.id, JournalEntry.author_id == w.caller.id,
                                                    JournalEntry.body == "Кабінет 204")).scalars().all()
        assert mine and all(e.published for e in mine)
    page = c.get(answer.headers["location"])
    assert "Кабінет 204" in page.text and "Інформацію надано" in page.text and "turn-client_wrote" in page.text


def test_an_empty_reply_is_refused_with_the_form_kept(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    before = _state(db, t["new"])
    answer = c.post(f"/tickets/{t['new']}/reply", data={"csrf": form_token(c, "/tickets"), "text": "   "})
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert _state(db, t["new"]) == before


def test_accepting_a_resolution_closes(desk):
    db, w, t = desk
    _move(db, w, t["new"], "classify", "resolve")
    c = signed_in(db, CALLER)
    page = c.get(f"/tickets/{t['new']}")
    assert "Перезапустили службу" in page.text and "turn-confirm" in page.text
    answer = c.post(f"/tickets/{t['new']}/accept", data={"csrf": form_token(c, "/tickets")})
    assert answer.status_code == 303
    assert _state(db, t["new"])[0] == S.CLOSED.value
    page = c.get(f"/tickets/{t['new']}")
    assert "turn-closed" in page.text and f"/tickets/{t['new']}/reply" not in page.text


def test_rejecting_a_resolution_reopens_with_the_reason(desk):
    db, w, t = desk
    _move(db, w, t["new"], "classify", "resolve")
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets")
    empty = c.post(f"/tickets/{t['new']}/reject", data={"csrf": token, "reason": ""})
    assert empty.status_code == 400 and _state(db, t["new"])[0] == S.RESOLVED.value
    answer = c.post(f"/tickets/{t['new']}/reject", data={"csrf": token, "reason": "Досі не друкує"})
    assert answer.status_code == 303
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == t["new"])).scalar_one()
        assert inc.status == S.REOPENED.value and inc.waiting_on == "desk"
    assert "Досі не друкує" in c.get(f"/tickets/{t['new']}").text
    # Accepting or rejecting what is not resolved is refused.
    assert c.post(f"/tickets/{t['new']}/accept", data={"csrf": token}).status_code == 400
    assert _state(db, t["new"])[0] == S.REOPENED.value


def test_the_caller_closes_a_ticket_no_longer_relevant(desk):
    db, _w, t = desk
    c = signed_in(db, CALLER)
    answer = c.post(f"/tickets/{t['old']}/close", data={"csrf": form_token(c, "/tickets"), "words": "Вже не треба"})
    assert answer.status_code == 303
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == t["old"])).scalar_one()
        assert inc.status == S.CLOSED.value and inc.closed_at is not None
        entry = s.execute(select(JournalEntry).where(JournalEntry.record_id == inc.id, JournalEntry.status_to == "closed")
                          ).scalar_one()
        assert entry.author_id == inc.caller_id and entry.body == "Вже не треба" and entry.published
        assert (entry.summary_args or {}).get("how", {}).get("msgid") == "Self-service portal"
    # Closed: a reply is refused, nothing changes.
    before = _state(db, t["old"])
    assert c.post(f"/tickets/{t['old']}/reply", data={"csrf": form_token(c, "/tickets"), "text": "Ще"}).status_code == 400
    assert _state(db, t["old"]) == before


def test_a_new_incident_urgent_without_a_reason_is_refused_as_the_tui_says(desk):
    db, w, _t = desk
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets/new")
    with db.read() as s:
        count = s.execute(select(func.count()).select_from(Incident)).scalar_one()
    form = {"csrf": token, "short_description": "Не працює каса", "description": "Не друкує чеки",
            "service": str(w.service.id), "kind": "incident", "criticality": "urgent"}
    refused = c.post("/tickets/new", data=form)
    assert refused.status_code == 400
    tui_words = translator("uk")("Choose the reason for urgency: an urgent incident names one of the three reasons")
    assert tui_words in refused.text
    assert 'value="Не працює каса"' in refused.text  # what was typed is kept
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == count
    made = c.post("/tickets/new", data={**form, "urgent_reason": "operational_work_blocked"})
    assert made.status_code == 303
    number = re.search(r"/tickets/(INC\d+)", made.headers["location"]).group(1)
    with db.read() as s:
        inc = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert (inc.caller_id, inc.channel, inc.criticality, inc.urgent_reason, inc.service_id, inc.group_id) == (
            w.caller.id, "portal", "urgent", "operational_work_blocked", w.service.id, w.first_line.id)
        assert inc.urgency == 1 and inc.kind == "incident"


def test_a_new_incident_needs_a_service_and_a_description(desk):
    db, w, _t = desk
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets/new")
    assert c.post("/tickets/new", data={"csrf": token, "short_description": "", "service": str(w.service.id)}
                  ).status_code == 400
    assert c.post("/tickets/new", data={"csrf": token, "short_description": "Щось", "service": "99999"}
                  ).status_code == 400
    # A service without a work group, and no [portal] group: refused with words, not a crash.
    other = c.post("/tickets/new", data={"csrf": token, "short_description": "Щось",
                                         "service": str(w.other_category.service_id)})
    assert other.status_code == 400 and 'role="alert"' in other.text
    change = c.post("/tickets/new", data={"csrf": token, "short_description": "Новий звіт", "kind": "change_request",
                                          "service": str(w.service.id), "criticality": "low"})
    assert change.status_code == 303
    with db.read() as s:
        inc = s.execute(select(Incident).order_by(Incident.id.desc()).limit(1)).scalar_one()
        assert inc.kind == "change_request" and inc.channel == "portal"


def test_untrusted_text_is_shown_literally(desk):
    db, w, _t = desk
    title = "<script>alert(1)</script> [bold red]X[/] \u202eevil"
    with db.write() as s:
        inc = incidents.register_incident(s, s.get(Person, w.analyst.id), caller=s.get(Person, w.caller.id),
                                          short_description=title, description="<img src=x onerror=alert(2)>",
                                          group=s.get(type(w.first_line), w.first_line.id))
        number = inc.number
    c = signed_in(db, CALLER)
    for path in ("/tickets", f"/tickets/{number}"):
        page = c.get(path).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "[bold red]X[/]" in page
        assert "\u202e" not in page and "\\u202e" in page
    assert "<img src=x" not in c.get(f"/tickets/{number}").text


def test_pages_of_the_list_go_on_where_the_last_ended(desk):
    from helpdesk_tui.desk import portal_tickets

    db, w, t = desk
    with db.read() as s:
        caller = s.get(Person, w.caller.id)
        first, after = portal_tickets.my_tickets(s, caller, limit=1)
        second, last = portal_tickets.my_tickets(s, caller, after=after, limit=1)
        assert [r.number for r in first + second] == [t["new"], t["old"]] and last is None
        # Another caller's number as the cursor is ignored: the first page again.
        again, _more = portal_tickets.my_tickets(s, caller, after=t["theirs"], limit=1)
        assert [r.number for r in again] == [t["new"]]


def test_the_page_speaks_the_callers_language(desk):
    db, w, t = desk
    with db.write() as s:
        admin.update_person(s, s.get(Person, w.admin.id), s.get(Person, w.caller.id), language="en")
    c = signed_in(db, CALLER)
    page = c.get(f"/tickets/{t['new']}", headers={"accept-language": "uk"})
    assert 'html lang="en"' in page.text and "Registered" in page.text and "Messages" in page.text
    with db.write() as s:
        admin.update_person(s, s.get(Person, w.admin.id), s.get(Person, w.caller.id), language=None)
    page = c.get(f"/tickets/{t['new']}", headers={"accept-language": "uk"})
    assert 'html lang="uk"' in page.text and "Повідомлення" in page.text and "Зареєстровано" in page.text
    for english in (">Messages<", ">Reply<", ">Send<", ">Status<", "Close the ticket"):
        assert english not in page.text


def test_replies_are_rate_limited(desk, monkeypatch):
    from helpdesk_tui.desk import portal_tickets

    db, _w, t = desk
    monkeypatch.setattr(portal_tickets, "REPLY_LIMIT", 2)
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets")
    for n in range(2):
        assert c.post(f"/tickets/{t['new']}/reply", data={"csrf": token, "text": f"Відповідь {n}"}).status_code == 303
    before = _state(db, t["new"])
    refused = c.post(f"/tickets/{t['new']}/reply", data={"csrf": token, "text": "Ще одна"})
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert _state(db, t["new"]) == before
    # Counted per caller, across tickets.
    assert c.post(f"/tickets/{t['old']}/reply", data={"csrf": token, "text": "Інше"}).status_code == 429


def test_an_organisation_that_shares_lets_its_people_read_one_anothers_tickets(desk):
    from helpdesk_tui.store.models import Organisation

    db, w, t = desk
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        org = admin.create_organisation(s, boss, name="ТОВ «Спільне»")
        for login in ("olena", "anna"):
            person = s.execute(select(Person).where(Person.login == login)).scalar_one()
            admin.update_person(s, boss, person, organisation_id=org.id)
        theirs = incidents.register_incident(s, s.get(Person, w.analyst.id),
                                             caller=s.execute(select(Person).where(Person.login == "anna")).scalar_one(),
                                             short_description="Звернення колеги", group=s.get(type(w.first_line), w.first_line.id))
        org_id, number = org.id, theirs.number
    c = signed_in(db, CALLER)
    # Not shared yet: a colleague's ticket is anyone else's.
    assert number not in c.get("/tickets").text and c.get(f"/tickets/{number}").status_code == 404
    with db.write() as s:
        assert admin.set_portal_sharing(s, s.get(Person, w.admin.id), s.get(Organisation, org_id), True)
    listing = c.get("/tickets").text
    assert number in listing and t["theirs"] not in listing  # registered before either had the organisation
    page = c.get(f"/tickets/{number}")
    assert page.status_code == 200 and "Звернення колеги" in page.text
    assert f"/tickets/{number}/reply" not in page.text and f"/tickets/{number}/close" not in page.text
    before = _state(db, number)
    token = form_token(c, "/tickets")
    for action in TICKET_POSTS:  # read only: changing it is as for anyone else's
        assert c.post(f"/tickets/{number}/{action}", data={"csrf": token, "text": "x", "reason": "x"}
                      ).status_code == 404, action
    assert _state(db, number) == before
    with db.write() as s:
        admin.set_portal_sharing(s, s.get(Person, w.admin.id), s.get(Organisation, org_id), False)
    assert c.get(f"/tickets/{number}").status_code == 404


def test_odd_input_is_refused_in_words_never_a_server_error(desk):
    db, w, t = desk
    c = signed_in(db, CALLER)
    token = form_token(c, "/tickets/new")
    new = {"csrf": token, "short_description": "Щось", "service": str(w.service.id)}
    for changed in ({"service": "1" * 40}, {"service": "²"}, {"criticality": "bogus"}, {"kind": "zzz"},
                    {"short_description": "x" * 300}, {"short_description": "\x00"}):
        assert c.post("/tickets/new", data={**new, **changed}).status_code == 400, changed
    for path in ("/tickets?after=%00%ff", "/tickets/%E2%80%AE%00", "/tickets/INC%00001", "/approvals/%00",
                 "/requests/new/abc", "/requests/new/%C2%B2", "/requests/new/99999999999999999999",
                 "/signin/link?token=%00"):
        assert c.get(path).status_code in (200, 404), path
    answer = c.post(f"/tickets/{t['new']}/reply", data={"csrf": token, "text": "Нуль\x00 і \x1b[31mESC"})
    assert answer.status_code == 303
    page = c.get(f"/tickets/{t['new']}").text
    assert "Нуль і ␛[31mESC" in page and "\x1b" not in page
    closing = {"csrf": token, "words": "x"}  # a form that takes no files refuses one
    assert c.post(f"/tickets/{t['new']}/close", data=closing, files={"f": ("a.txt", b"hello")}).status_code == 400
    assert c.post("/tickets/new", data={"csrf": token, **{f"x{i}": "1" for i in range(80)}}).status_code == 400
