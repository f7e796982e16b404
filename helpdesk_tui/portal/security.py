"""The portal's protections in one place: CSRF tokens, cookies, security headers, safe redirects.

- Every POST carries a CSRF token in a hidden field. Signed in, it is derived from the session's
  secret (so it changes with the session and needs no storage); before signing in, it is the
  value of a random pre-session cookie (double submit), which a page of another site can
  neither read nor set.
- Cookies are HttpOnly and SameSite=Lax, and Secure unless the config says the portal is tried
  over plain HTTP ([portal] secure_cookies = false).
- Every response says: no scripts or styles but our own files (Content-Security-Policy), no
  framing, no MIME sniffing, no referrer to other sites.
- `next` addresses are local paths only: no scheme, no host, no «//» or «/\\» that a browser
  would take for another site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "hd_session"
PRE_COOKIE = "hd_pre"
LANG_COOKIE = "hd_lang"
CSRF_FIELD = "csrf"
DEFAULT_NEXT = "/tickets"

HEADERS = {
    "content-security-policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, static files and errors too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                # A page may ask for more (a download: "sandbox"), never for less.
                sandbox = any(k.lower() == b"content-security-policy" and b"sandbox" in v for k, v in given)
                headers = [(k, v) for k, v in given if k.decode("latin-1").lower() not in HEADERS]
                headers += [(k.encode("latin-1"), (v + "; sandbox" if sandbox and k == "content-security-policy" else v)
                             .encode("latin-1")) for k, v in HEADERS.items()]
                if scope.get("path", "").startswith("/static/"):
                    headers.append((b"cache-control", b"public, max-age=3600"))
                else:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def session_csrf(session_secret: str) -> str:
    """The CSRF token of a signed-in session."""
    return hashlib.sha256(b"portal-csrf\x00" + session_secret.encode()).hexdigest()


def new_pre_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: Any, expected: str | None) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())  # type: ignore[union-attr]


def safe_next(value: Any, *, sign_in_pages: bool = False) -> str:
    """A local path to go to after signing in (or, with `sign_in_pages`, after switching the
    language, which the sign-in pages offer too); anything else goes to the ticket list."""
    if not isinstance(value, str) or not value:
        return DEFAULT_NEXT
    if len(value) > 500 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return DEFAULT_NEXT
    if any(ch in value for ch in "\\\r\n\t") or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return DEFAULT_NEXT
    if value.startswith("/signout") or (value.startswith("/signin") and not sign_in_pages):
        return DEFAULT_NEXT
    return value


def cookie_options(secure: bool) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": secure, "path": "/"}
