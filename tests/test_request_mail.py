"""Mail about service requests (issue 17 items 3 and 5), on both engines: replies thread onto the
request by its number or by our mail they answer, the requester's answer to «Реалізовано»
closes it or sends it back to work, a reply to a closed request waits for an analyst, and an
approval decides by e-mail only from the approver's own address, only once. The same through a
real Dovecot: test_an_approval_by_e_mail_through_a_real_mailbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk import approvals, requests, tasks
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.mail.outbox import send_due
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.models import (
    Incident,
    InboundMail,
    JournalEntry,
    OutboxMessage,
    Person,
    ServiceRequest,
    Task,
    UnreadMarker,
)
from tests.mail_builders import auto_reply, message
from tests.smtp_server import smtp_server
from tests.world import FIRST_LINE, load_test_catalog, seed

MAILBOX = IntakeSettings(group=FIRST_LINE, own_addresses=frozenset({"helpdesk@desk.example"}))
REQUESTER = "olena@client.example"


@pytest.fixture
def desk(db):
    w = seed(db)
    return db, w, load_test_catalog(db, w)


def _new(db, w, items, code="vpn", values=None, owner=None):
    with db.write() as s:
        r = requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                      item_id=items[code], values={"device": "Ноутбук"} if values is None else values,
                                      owner=s.get(Person, owner.id) if owner else None)
        return r.id, r.number


def _ingest(db, raw):
    with db.write() as s:
        return ingest(s, raw, MAILBOX)


def _request(db, rid):
    with db.read() as s:
        return s.get(ServiceRequest, rid)


def _journal(db, rid, kind=None):
    with db.read() as s:
        stmt = select(JournalEntry).where(JournalEntry.record_kind == "service_request", JournalEntry.record_id == rid)
        if kind:
            stmt = stmt.where(JournalEntry.kind == kind)
        return list(s.execute(stmt.order_by(JournalEntry.id)).scalars())


def _sent(db, rid, template):
    with db.read() as s:
        return s.execute(select(OutboxMessage).where(OutboxMessage.record_kind == "service_request",
                                                     OutboxMessage.record_id == rid,
                                                     OutboxMessage.template == template)
                         .order_by(OutboxMessage.id)).scalars().first()


def _implement(db, w, rid):
    while True:
        with db.write() as s:
            open_tasks = list(s.execute(select(Task).where(Task.request_id == rid, Task.status.in_(("open", "accepted")))
                                        .order_by(Task.id)).scalars())
            if not open_tasks:
                return
            for task in open_tasks:
                who = w.analyst if task.group_id == w.first_line.id else w.specialist
                tasks.complete_task(s, s.get(Person, who.id), task, comment="Зроблено")


def test_a_reply_with_the_number_threads_onto_the_request_unread_for_its_owner(desk):
    db, w, items = desk
    rid, number = _new(db, w, items, owner=w.analyst)
    result = _ingest(db, message(sender=REQUESTER, name="Олена Шевченко", subject=f"RE: [{number.lower()}] VPN",
                                 body="Потрібен ще доступ до пошти.\n\n> Ваш запит зареєстровано"))
    assert (result.outcome, result.request, result.incident) == ("linked", number, None)
    entry = _journal(db, rid, "email")[-1]
    assert entry.body == "Потрібен ще доступ до пошти." and entry.author_id == w.caller.id and entry.published
    with db.read() as s:
        mail = s.get(InboundMail, result.mail_id)
        unread = s.execute(select(UnreadMarker.record_id).where(UnreadMarker.person_id == w.analyst.id,
                                                                 UnreadMarker.record_kind == "service_request")).scalars().all()
        assert s.execute(select(func.count()).select_from(Incident)).scalar_one() == 0
    assert (mail.status, mail.request_id, mail.incident_id) == ("request", rid, None)
    assert unread == [rid]
    assert _request(db, rid).status == S.IN_PROGRESS
    # The inbox names the request, and «Відкрити в батьківському» opens it.
    from helpdesk_tui.desk.auth import SignedIn
    from helpdesk_tui.domain.statuses import Role
    from helpdesk_tui.mail.mailroom import MailDesk
    from helpdesk_tui.screens.mail import mail_status, record_of

    mail_desk = MailDesk(db, SignedIn(person_id=w.analyst.id, login="ivan", full_name="Іван Петренко",
                                      roles=(Role.ANALYST,)))
    row = mail_desk.inbox()[0]
    assert (row["record"], mail_status("inbox", row["status"])) == (number, "added to a request")
    assert record_of(row) == record_of(mail_desk.received(result.mail_id)) == ("service_request", rid)


def test_a_reply_to_our_mail_threads_by_its_headers_and_our_next_mail_answers_it(desk):
    db, w, items = desk
    rid, number = _new(db, w, items)
    registered = _sent(db, rid, "request_registered")
    result = _ingest(db, message(sender=REQUESTER, subject="Питання", body="Коли буде готово?",
                                 in_reply_to=registered.message_id))
    assert (result.outcome, result.request) == ("linked", number)
    # A reply to that reply threads too, by the message we received.
    with db.read() as s:
        first = s.get(InboundMail, result.mail_id).message_id
    again = _ingest(db, message(sender=REQUESTER, subject="Ще питання", body="?", in_reply_to=first))
    assert (again.outcome, again.request) == ("linked", number)


@pytest.mark.parametrize(("answer", "outcome", "status"), [
    ("ЗАКРИТИ", "closed", S.CLOSED),
    ("close", "closed", S.CLOSED),
    ("Доступу досі немає з ноутбука", "reopened", S.IN_PROGRESS),
])
def test_the_requester_s_answer_to_the_implementation(desk, answer, outcome, status):
    db, w, items = desk
    rid, number = _new(db, w, items)
    _implement(db, w, rid)
    done = _sent(db, rid, "request_implemented")
    result = _ingest(db, message(sender=REQUESTER, subject=f"Re: {done.subject}", in_reply_to=done.message_id,
                                 body=f"{answer}\n\n> Your service request is carried out"))
    assert (result.outcome, result.request) == (outcome, number)
    request = _request(db, rid)
    assert request.status == status
    moved = [e for e in _journal(db, rid, "status") if e.status_from == S.IMPLEMENTED][-1]
    if status is S.IN_PROGRESS:
        assert moved.body == answer and request.implemented_at is None  # the reply is the reason


def test_somebody_else_s_reply_to_an_implemented_request_changes_nothing(desk):
    db, w, items = desk
    rid, number = _new(db, w, items)
    _implement(db, w, rid)
    result = _ingest(db, message(sender="maria@desk.example", subject=f"Re: [{number}] Done", body="ЗАКРИТИ"))
    assert (result.outcome, result.request) == ("linked", number)
    assert _request(db, rid).status == S.IMPLEMENTED


@pytest.mark.parametrize("ending", ["closed", "cancelled", "rejected"])
def test_a_reply_to_a_finished_request_waits_for_an_analyst_and_changes_nothing(desk, ending):
    db, w, items = desk
    rid, number = _new(db, w, items, code="ets-role" if ending == "rejected" else "vpn",
                       values={"role": "Аудитор"} if ending == "rejected" else None)
    with db.write() as s:
        request = s.get(ServiceRequest, rid)
        if ending == "rejected":
            approvals.decide(s, s.get(Person, w.colleague.id), request, approve=False, comment="Ні")
        elif ending == "cancelled":
            requests.change_status(s, s.get(Person, w.analyst.id), request, S.CANCELLED, reason="Дубль")
    if ending == "closed":
        _implement(db, w, rid)
        with db.write() as s:
            requests.change_status(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), S.CLOSED)
    before = (_request(db, rid).version, len(_journal(db, rid)))
    result = _ingest(db, message(sender=REQUESTER, subject=f"Re: [{number}] ...", body="А ще потрібно..."))
    assert (result.outcome, result.request) == ("waiting", number)
    with db.read() as s:
        mail = s.get(InboundMail, result.mail_id)
    assert mail.status == "waiting" and number in mail.error and "held for an analyst" in mail.error
    assert mail.request_id is None  # not applied to the finished request
    assert (_request(db, rid).version, len(_journal(db, rid))) == before


def _tokens(db, rid):
    with db.read() as s:
        return {m.to_address: (approvals.token_in(m.subject), m) for m in s.execute(select(OutboxMessage).where(
            OutboxMessage.template == "approval_needed", OutboxMessage.record_id == rid)).scalars()}


def test_an_approval_reply_decides_only_from_the_approver_s_own_address(desk):
    db, w, items = desk
    rid, number = _new(db, w, items, code="ets-role", values={"role": "Інспектор"})
    token, asked = _tokens(db, rid)["maria@desk.example"]
    subject = f"Re: {asked.subject}"
    # Out of office: an automatic reply carries the token too, and decides nothing.
    out = _ingest(db, auto_reply(sender="maria@desk.example", in_reply_to=asked.message_id, subject=asked.subject))
    assert (out.outcome, out.request) == ("ignored", number)
    # Forwarded to the requester, who answers it herself.
    forged = _ingest(db, message(sender=REQUESTER, subject=subject, body="Погоджую", in_reply_to=asked.message_id))
    assert (forged.outcome, forged.request) == ("refused", number)
    stranger = _ingest(db, message(sender="nobody@other.example", subject=subject, body="Погоджую"))
    assert (stranger.outcome, stranger.request) == ("refused", number)
    assert _request(db, rid).status == S.AWAITING_APPROVAL
    approved = _ingest(db, message(sender="Maria@Desk.example", subject=subject, in_reply_to=asked.message_id,
                                   body="Погоджую, на рік\n\n> Approval needed"))
    assert (approved.outcome, approved.request) == ("approved", number)
    request = _request(db, rid)
    assert request.status == S.IN_PROGRESS
    with db.read() as s:
        assert [t.short_description for t in s.execute(select(Task).where(Task.request_id == rid)).scalars()] == [
            "Надати роль Інспектор"]
    again = _ingest(db, message(sender="maria@desk.example", subject=subject, body="Відхиляю"))
    assert again.outcome == "refused" and _request(db, rid).status == S.IN_PROGRESS
    summaries = [e.summary for e in _journal(db, rid)]
    assert sum("decided nothing" in x for x in summaries) == 3
    assert any("it came from olena@client.example" in x for x in summaries)
    assert any("the code was already used" in x for x in summaries)
    decision = [e for e in _journal(db, rid, "approval")][-1]
    assert decision.summary == "Approved by Марія Коваль" and decision.body == "на рік"


def test_an_approval_code_nobody_has_waits_for_an_analyst(desk):
    db, w, items = desk
    result = _ingest(db, message(sender="maria@desk.example", subject="Re: Approval needed [APR-abcdefghijklmnop]",
                                 body="Погоджую"))
    assert (result.outcome, result.request) == ("waiting", None)
    with db.read() as s:
        assert "approval code" in s.get(InboundMail, result.mail_id).error


def test_a_bounced_request_notification_is_kept_with_the_request(desk):
    db, w, items = desk
    rid, number = _new(db, w, items)
    registered = _sent(db, rid, "request_registered")
    bounce = message(sender="MAILER-DAEMON@mx.client.example", subject="Undelivered Mail Returned to Sender",
                     body=f"The mail system could not deliver your message.\n\nMessage-ID: <{registered.message_id}>\n",
                     headers={"Auto-Submitted": "auto-replied"})
    result = _ingest(db, bounce)
    assert result.outcome == "ignored" and result.request == number
    entry = _journal(db, rid, "email")[-1]
    assert not entry.published and _request(db, rid).status == S.IN_PROGRESS


def test_an_approval_by_e_mail_through_a_real_mailbox(desk, imap):
    """The approval request leaves through SMTP; the approver's mail program answers it and the
    answer arrives in the desk's IMAP mailbox (Dovecot), where the poller takes it."""
    db, w, items = desk
    rid, number = _new(db, w, items, code="ets-role", values={"role": "Інспектор"})
    with smtp_server() as (controller, recorder):
        report = send_due(db, ServerSettings(host="127.0.0.1", port=controller.port, security="none"),
                          "helpdesk@desk.example", holder="t")
    assert report.failed == 0
    asked = next(m for m in recorder.received if m["To"] == "maria@desk.example")
    assert f"[{number}]" in asked["Subject"] and approvals.token_in(asked["Subject"])

    def answer(sender: str, body: str) -> bytes:
        return message(sender=sender, subject=f"Re: {asked['Subject']}", in_reply_to=asked["Message-ID"].strip("<>"),
                       body=body + "\n\n" + "\n".join(f"> {line}" for line in asked.get_content().splitlines()))

    imap.append(answer(REQUESTER, "Погоджую"))  # the same token, from somebody else's address
    imap.append(answer("maria@desk.example", "Погоджую, на рік"))
    with imap.client() as client:
        polled = poll_once(db, client, MAILBOX, holder="t")
    assert polled.fetched == 2 and polled.outcomes == {"refused": 1, "approved": 1}
    request = _request(db, rid)
    assert request.status == S.IN_PROGRESS and request.approved_at is not None
    with db.read() as s:
        made = list(s.execute(select(Task.short_description, Task.group_id).where(Task.request_id == rid)).all())
        kept = {m.from_address: (m.status, m.request_id) for m in s.execute(select(InboundMail)).scalars()}
    assert made == [("Надати роль Інспектор", w.second_line.id)]
    assert kept == {REQUESTER: ("request", rid), "maria@desk.example": ("request", rid)}
    refused = [e for e in _journal(db, rid, "email") if "decided nothing" in e.summary]
    assert len(refused) == 1 and refused[0].author_id == w.caller.id and refused[0].body == "Погоджую"
    decision = _journal(db, rid, "approval")[-1]
    assert decision.author_id == w.colleague.id and decision.body == "на рік"
