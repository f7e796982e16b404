"""Signing in and out: a one-time link by mail, or a password; sign out here or everywhere.

The link in the mail opens a page with one button: the link is used up by that POST, not by
the GET, so a mail scanner that opens links ahead of the caller does not spend it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from helpdesk_tui.desk import auth, portal_auth
from helpdesk_tui.i18n import LANGUAGES, _
from helpdesk_tui.portal import security
from helpdesk_tui.portal.app import Visit

SESSION_SECONDS = portal_auth.SESSION_DAYS * 24 * 3600


def _client(visit: Visit) -> str:
    # Behind the reverse proxy, uvicorn's --proxy-headers puts the caller's address here.
    return visit.request.client.host if visit.request.client else "?"


def signin_form(visit: Visit, status: int = 200, *, error: str = "", email: str = "", login: str = "",
                sent: bool = False) -> Response:
    return visit.render("signin.html", status, error=error, email=email, login=login, sent=sent,
                        next=security.safe_next(visit.query("next") or visit.field("next")))


def show_signin(visit: Visit) -> Response:
    if visit.person_id is not None:
        return visit.redirect(security.safe_next(visit.query("next")))
    return signin_form(visit)


def ask_link(visit: Visit) -> Response:
    email = visit.field("email").strip()
    if not email or "@" not in email:
        return signin_form(visit, 400, error=_("Type the e-mail address the service desk knows you by"), email=email)
    try:
        with visit.db.write() as s:
            s.info["source"] = portal_auth.SOURCE
            portal_auth.request_link(s, email, client=_client(visit), base_url=visit.portal.base_url)
    except portal_auth.TooManyAttempts as exc:
        return signin_form(visit, 429, error=exc.message, email=email)
    # The same answer whether or not the address is anyone's.
    return signin_form(visit, sent=True, email=email)


def show_link(visit: Visit) -> Response:
    token = visit.query("token")
    return visit.render("link.html", token=token)


def use_link(visit: Visit) -> Response:
    try:
        with visit.db.write() as s:
            s.info["source"] = portal_auth.SOURCE
            person = portal_auth.consume_link(s, visit.field("token"))
            secret = portal_auth.start_session(s, person)
    except portal_auth.LinkRefused as exc:
        return visit.render("error.html", 400, title=_("The link does not work"), message=exc.message,
                            again=True)
    return _signed_in(visit, secret, security.DEFAULT_NEXT)


def password(visit: Visit) -> Response:
    login = visit.field("login").strip()
    failure: auth.SignInFailed | None = None
    with visit.db.write() as s:  # a failure is journaled (and counted) too
        s.info["source"] = portal_auth.SOURCE
        try:
            person = portal_auth.sign_in_password(s, login, visit.field("password"))
            secret = portal_auth.start_session(s, person)
        except auth.SignInFailed as exc:
            failure = exc
    if failure is not None:
        return signin_form(visit, 400, error=failure.message, login=login)
    return _signed_in(visit, secret, security.safe_next(visit.field("next")))


def _signed_in(visit: Visit, secret: str, to: str) -> Response:
    visit.set_cookie(security.SESSION_COOKIE, secret, SESSION_SECONDS)
    return visit.redirect(to)


def sign_out(visit: Visit) -> Response:
    with visit.db.write() as s:
        s.info["source"] = portal_auth.SOURCE
        portal_auth.end_session(s, visit.session_secret)
    visit.set_cookie(security.SESSION_COOKIE, None)
    return visit.redirect("/signin?out=1")


def sign_out_everywhere(visit: Visit) -> Response:
    with visit.db.write() as s:
        s.info["source"] = portal_auth.SOURCE
        portal_auth.end_all_sessions(s, portal_auth.person(s, visit.person_id))  # type: ignore[arg-type]
    visit.set_cookie(security.SESSION_COOKIE, None)
    return visit.redirect("/signin?out=1")


def language(visit: Visit) -> Response:
    chosen = visit.field("lang")
    if chosen in LANGUAGES:
        visit.set_cookie(security.LANG_COOKIE, chosen, 365 * 24 * 3600)
    return visit.redirect(security.safe_next(visit.field("next"), sign_in_pages=True))


def routes(page: Callable[..., Any]) -> list[Route]:
    return [
        Route("/signin", page(show_signin, signed_in=False), methods=["GET"]),
        Route("/signin/link", page(show_link, signed_in=False), methods=["GET"]),
        Route("/signin/link", page(ask_link, signed_in=False), methods=["POST"], name="ask_link"),
        Route("/signin/link/confirm", page(use_link, signed_in=False), methods=["POST"]),
        Route("/signin/password", page(password, signed_in=False), methods=["POST"]),
        Route("/signout", page(sign_out), methods=["POST"]),
        Route("/signout/everywhere", page(sign_out_everywhere), methods=["POST"]),
        Route("/language", page(language, signed_in=False), methods=["POST"]),
    ]
