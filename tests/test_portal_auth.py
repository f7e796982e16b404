"""The portal's sign-in and its protections (issue 20), over HTTP on both engines: every page needs
a sign-in; the one-time link by mail (queued in the outbox, 15 minutes, once, spent by a POST
and not by the GET a mail scanner makes); the same answer for unknown addresses; rate limits;
passwords; signing out here and everywhere; CSRF on the sign-in forms; cookies, headers,
redirects and the language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from helpdesk_tui.desk import admin
from helpdesk_tui.portal.security import safe_next
from helpdesk_tui.store.models import OutboxMessage, Person, PortalLink, PortalSession
from helpdesk_tui.store.types import utcnow
from tests.portal_client import ask_link, client, csrf, form_token, last_link, signed_in, token_in, use_link
from tests.world import seed

CALLER = "olena@client.example"
PROTECTED_GET = ["/", "/tickets", "/tickets?after=INC0000001", "/tickets/new", "/tickets/INC0000001",
                 "/tickets/REQ0000001", "/tickets/INC0000001/files/1", "/requests/new", "/requests/new/1",
                 "/approvals", "/approvals/REQ0000001"]
PROTECTED_POST = ["/tickets/new", "/tickets/INC0000001/reply", "/tickets/INC0000001/close",
                  "/tickets/INC0000001/accept", "/tickets/INC0000001/reject", "/requests/new/1",
                  "/approvals/REQ0000001", "/signout", "/signout/everywhere"]


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        admin.create_person(s, s.get(Person, w.admin.id), login="petro", full_name="Петро Пароль",
                            email="petro@client.example", password="correct horse")
    return db, w


def _outbox_links(db) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.template == "portal_link")).scalar_one()


def test_every_page_needs_a_sign_in(desk):
    db, _w = desk
    c = client(db)
    for path in PROTECTED_GET:
        answer = c.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith(("/signin?next=/", "/tickets")), path
    token = form_token(c, "/signin")
    for path in PROTECTED_POST:
        answer = c.post(path, data={"csrf": token, "text": "x"})
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin"), path
    assert c.get("/signin").status_code == 200


def test_a_mailed_link_signs_in_once(desk):
    db, w = desk
    c = client(db)
    answer = ask_link(c, "  Olena@Client.Example ")
    assert answer.status_code == 200
    message = last_link(db, CALLER)
    assert message is not None and message.to_person_id == w.caller.id and message.status == "queued"
    assert message.record_kind is None
    token = token_in(message.body)
    with db.read() as s:  # only the token's hash is kept
        link = s.execute(select(PortalLink)).scalar_one()
        assert token not in link.token_hash and link.used_at is None
        assert timedelta(minutes=14) < link.expires_at - link.created_at <= timedelta(minutes=15)
    # A scanner opening the link (GET) does not spend it.
    assert c.get("/signin/link", params={"token": token}).status_code == 200
    assert c.get("/signin/link", params={"token": token}).status_code == 200
    done = use_link(c, token)
    assert done.status_code == 303 and done.headers["location"] == "/tickets"
    cookie = done.headers["set-cookie"]
    assert "hd_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie and "samesite=lax" in cookie.lower()
    assert c.get("/tickets").status_code == 200
    with db.read() as s:
        row = s.execute(select(PortalSession)).scalar_one()
        assert row.person_id == w.caller.id and c.cookies.get("hd_session") not in row.secret_hash
    # Used once: a second browser with the same link is refused.
    again = use_link(client(db), token)
    assert again.status_code == 400 and "hd_session" not in again.headers.get("set-cookie", "")


def test_an_expired_or_unknown_link_is_refused(desk):
    db, _w = desk
    c = client(db)
    ask_link(c, CALLER)
    token = token_in(last_link(db, CALLER).body)
    with db.write() as s:
        s.execute(update(PortalLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert use_link(c, token).status_code == 400
    assert use_link(c, "made-up-token").status_code == 400
    assert c.get("/tickets").status_code == 303


def test_an_unknown_address_gets_the_same_answer_and_no_mail(desk):
    db, _w = desk
    known = ask_link(client(db), CALLER)
    unknown = ask_link(client(db), "nobody@client.example")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(CALLER, "X").replace("hd_pre", "") .count("role=\"status\"") == 1
    strip = lambda html, address: "\n".join(line for line in html.replace(address, "ADDRESS").splitlines()  # noqa: E731
                                            if 'name="csrf"' not in line)
    assert strip(known.text, CALLER) == strip(unknown.text, "nobody@client.example")
    assert _outbox_links(db) == 1


def test_links_are_rate_limited_per_address_and_per_client(desk):
    db, _w = desk
    c = client(db)
    for _i in range(5):
        assert ask_link(c, CALLER).status_code == 200
    refused = ask_link(c, CALLER)
    assert refused.status_code == 429
    assert _outbox_links(db) == 5
    # Other addresses from the same client are counted too (the client's limit).
    other = client(db)
    assert ask_link(other, "petro@client.example").status_code == 429  # same test client address
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.to_address == "petro@client.example")).scalar_one() == 0


def test_the_sign_in_forms_need_their_csrf_token(desk):
    db, _w = desk
    c = client(db)
    c.get("/signin")
    assert c.post("/signin/link", data={"email": CALLER}).status_code == 403
    assert c.post("/signin/link", data={"email": CALLER, "csrf": "forged"}).status_code == 403
    fresh = client(db)  # a cross-site form: no pre-session cookie of ours
    assert fresh.post("/signin/link", data={"email": CALLER, "csrf": ""}).status_code == 403
    assert c.post("/signin/password", data={"login": "petro", "password": "correct horse"}).status_code == 403
    assert _outbox_links(db) == 0
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(PortalSession)).scalar_one() == 0


def test_password_sign_in_and_local_next_only(desk):
    db, _w = desk
    c = client(db)
    token = form_token(c, "/signin")
    wrong = c.post("/signin/password", data={"login": "petro", "password": "wrong one", "csrf": token})
    assert wrong.status_code == 400 and c.get("/tickets").status_code == 303
    no_password = c.post("/signin/password", data={"login": "olena", "password": "anything", "csrf": token})
    assert no_password.status_code == 400
    assert wrong.text.count("role=\"alert\"") == no_password.text.count("role=\"alert\"") == 1
    evil = c.post("/signin/password", data={"login": "petro", "password": "correct horse", "csrf": token,
                                            "next": "//evil.example/steal"})
    assert evil.status_code == 303 and evil.headers["location"] == "/tickets"
    assert c.get("/tickets").status_code == 200


@pytest.mark.parametrize("target,expected", [
    ("/tickets/new", "/tickets/new"), ("//evil.example", "/tickets"), ("/\\evil.example", "/tickets"),
    ("https://evil.example/", "/tickets"), ("javascript:alert(1)", "/tickets"), ("/x\r\nSet-Cookie: a=b", "/tickets"),
    ("", "/tickets"), ("/signout", "/tickets"),
])
def test_next_is_a_local_path_only(target, expected):
    assert safe_next(target) == expected


def test_the_sign_in_page_keeps_next_and_refuses_others(desk):
    db, _w = desk
    c = client(db)
    page = c.get("/signin", params={"next": "https://evil.example/"})
    assert 'name="next" value="/tickets"' in page.text and 'value="https://evil' not in page.text
    page = c.get("/signin", params={"next": "/tickets/new"})
    assert 'name="next" value="/tickets/new"' in page.text


def test_sign_out_here_and_everywhere(desk):
    db, _w = desk
    phone = signed_in(db, CALLER)
    laptop = signed_in(db, CALLER)
    out = phone.post("/signout", data={"csrf": form_token(phone, "/tickets")})
    assert out.status_code == 303 and out.headers["location"].startswith("/signin")
    assert phone.get("/tickets").status_code == 303
    assert laptop.get("/tickets").status_code == 200
    tablet = signed_in(db, CALLER)
    everywhere = laptop.post("/signout/everywhere", data={"csrf": form_token(laptop, "/tickets")})
    assert everywhere.status_code == 303
    assert laptop.get("/tickets").status_code == 303 and tablet.get("/tickets").status_code == 303
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(PortalSession)).scalar_one() == 0


def test_a_session_ends_when_idle_or_old(desk):
    db, _w = desk
    c = signed_in(db, CALLER)
    with db.write() as s:
        s.execute(update(PortalSession).values(last_seen_at=utcnow() - timedelta(days=8)))
    assert c.get("/tickets").status_code == 303
    c = signed_in(db, CALLER)
    with db.write() as s:
        s.execute(update(PortalSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert c.get("/tickets").status_code == 303


def test_security_headers_on_every_response(desk):
    db, _w = desk
    c = client(db)
    for path in ("/signin", "/static/portal.css", "/no-such-page"):
        answer = c.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert c.get("/no-such-page").status_code == 404
    page = c.get("/signin").text
    assert "<script" not in page and "style=" not in page


def test_language_from_the_browser_and_the_switch(desk):
    db, _w = desk
    c = client(db)
    assert "Увійти" in c.get("/signin").text  # Ukrainian by default
    english = c.get("/signin", headers={"accept-language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.text and "Sign in" in english.text
    switched = c.post("/language", data={"lang": "en", "next": "/signin", "csrf": csrf(english.text)})
    assert switched.status_code == 303 and switched.headers["location"] == "/signin"
    assert 'html lang="en"' in c.get("/signin").text
    bad = c.post("/language", data={"lang": "en", "next": "https://evil.example", "csrf": csrf(english.text)})
    assert bad.headers["location"] == "/tickets"


def test_the_link_leaves_through_smtp_and_signs_in(desk):
    """The outbox sender mails the link to a real SMTP server (aiosmtpd); the link in the mail
    as received signs the caller in."""
    from helpdesk_tui.config import ServerSettings
    from helpdesk_tui.mail.outbox import send_due
    from tests.smtp_server import smtp_server

    db, _w = desk
    c = client(db)
    ask_link(c, CALLER)
    with smtp_server() as (controller, recorder):
        report = send_due(db, ServerSettings(host="127.0.0.1", port=controller.port, security="none"),
                          "helpdesk@desk.example", holder="t")
    assert report.failed == 0 and report.sent == 1
    mail = next(m for m in recorder.received if m["To"] == CALLER)
    assert mail["Message-ID"].startswith("<") and "None" not in mail["Message-ID"]
    assert "In-Reply-To" not in mail
    done = use_link(c, token_in(mail.get_content()))
    assert done.status_code == 303 and c.get("/tickets").status_code == 200


def test_spent_links_stale_sessions_and_old_attempts_are_swept(desk):
    from helpdesk_tui.store.models import PortalAttempt

    db, _w = desk
    old = signed_in(db, CALLER)
    with db.write() as s:
        s.execute(update(PortalSession).values(last_seen_at=utcnow() - timedelta(days=8)))
        s.execute(update(PortalLink).values(expires_at=utcnow() - timedelta(days=2)))
        s.execute(update(PortalAttempt).values(at=utcnow() - timedelta(days=2)))
    signed_in(db, "petro@client.example")
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(PortalSession)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(PortalLink)).scalar_one() == 1  # petro's, just used
        assert s.execute(select(func.count()).select_from(PortalAttempt)).scalar_one() == 2  # petro's address and client
    assert old.get("/tickets").status_code == 303
