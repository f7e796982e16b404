"""A signed-in caller's browser for the portal tests: Starlette's TestClient over HTTPS (so the
Secure cookies travel), with the CSRF token read from each page as a browser's form would."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select
from starlette.testclient import TestClient

from helpdesk_tui.portal.app import create_app
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import OutboxMessage

BASE = "https://portal.example"


def client(db: Database) -> TestClient:
    return TestClient(create_app(db, base_url=BASE, secure_cookies=True), base_url=BASE, follow_redirects=False)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]*)"', html)
    assert match, "no CSRF field on the page"
    return unescape(match.group(1))


def token_in(body: str) -> str:
    match = re.search(re.escape(BASE) + r"/signin/link\?token=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def last_link(db: Database, address: str) -> OutboxMessage | None:
    with db.read() as s:
        return s.execute(select(OutboxMessage).where(OutboxMessage.template == "portal_link",
                                                     OutboxMessage.to_address == address)
                         .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()


def ask_link(c: TestClient, address: str):  # type: ignore[no-untyped-def]
    page = c.get("/signin")
    return c.post("/signin/link", data={"email": address, "csrf": csrf(page.text)})


def use_link(c: TestClient, token: str):  # type: ignore[no-untyped-def]
    page = c.get("/signin/link", params={"token": token})
    assert page.status_code == 200
    return c.post("/signin/link/confirm", data={"token": token, "csrf": csrf(page.text)})


def signed_in(db: Database, address: str) -> TestClient:
    """A client signed in by the link mailed to `address`."""
    c = client(db)
    assert ask_link(c, address).status_code == 200
    message = last_link(db, address)
    assert message is not None
    answer = use_link(c, token_in(message.body))
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/tickets"
    return c


def form_token(c: TestClient, path: str) -> str:
    page = c.get(path)
    assert page.status_code == 200, page.text
    return csrf(page.text)
