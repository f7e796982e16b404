"""The portal's application: who the visitor is, which language, the CSRF check, and the pages.

Every page is a plain function of a `Visit` (the request, its form, who is signed in), run in a
worker thread since the desk's operations block; it reads through desk/store queries and
changes data only through desk operations (desk/portal_tickets.py, desk/portal_auth.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from helpdesk_tui.desk import portal_auth, portal_files, settings
from helpdesk_tui.domain.errors import DeskError, NotFound
from helpdesk_tui.i18n import LANGUAGES, _, using_language
from helpdesk_tui.portal import security
from helpdesk_tui.store.db import Database

HERE = Path(__file__).parent
MAX_FORM_FIELDS = 50
MAX_PART_BYTES = 256 * 1024
MAX_FORM_BYTES = 1024 * 1024  # a form without files


@dataclass
class Portal:
    """What every page needs: the database, the templates, and the deployment's choices."""

    db: Database
    base_url: str
    secure_cookies: bool = True
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.globals["_"] = _
        self.templates = Jinja2Templates(env=env)


@dataclass
class Visit:
    request: Request
    portal: Portal
    form: FormData | None
    person_id: int | None
    person_name: str
    lang: str
    csrf: str
    session_secret: str | None
    cookies: list[tuple[str, str | None, int | None]] = field(default_factory=list)  # set (or delete: None)

    @property
    def db(self) -> Database:
        return self.portal.db

    def field(self, name: str) -> str:
        """A form field as typed, without NUL characters (no database stores them)."""
        value = self.form.get(name) if self.form is not None else None
        return clean(value) if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        """Every value of a repeated form field (checkboxes)."""
        if self.form is None:
            return []
        return [clean(v) for v in self.form.getlist(name) if isinstance(v, str)]

    def uploads(self, name: str) -> list[portal_files.Upload]:
        """The files sent in a file field, read (each at most one byte past the limit, so that
        the desk can say it is too large)."""
        if self.form is None:
            return []
        most = portal_files.limits().max_bytes + 1
        return [portal_files.Upload(v.filename or "", v.content_type or "", v.file.read(most))
                for v in self.form.getlist(name) if isinstance(v, UploadFile)][:100]

    def param(self, name: str) -> str:
        """A part of the path (`/tickets/{number}`), cleaned like a field."""
        return clean(str(self.request.path_params.get(name, "")))[:100]

    def query(self, name: str) -> str:
        """A query parameter, cleaned like a field."""
        return clean(self.request.query_params.get(name) or "")[:1000]

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        values = {"lang": self.lang, "csrf": self.csrf, "signed_in": self.person_id is not None,
                  "person_name": self.person_name, "desk_name": settings.current().desk_name,
                  "path": self.request.url.path, "languages": LANGUAGES, "here": self.here(), **context}
        return self.portal.templates.TemplateResponse(self.request, template, values, status_code=status)

    def here(self) -> str:
        """This page's address, to come back to after switching the language (its query too:
        the sign-in link's page keeps its token)."""
        url = self.request.url
        if self.request.method != "GET":
            return url.path
        return url.path + ("?" + url.query if url.query else "")

    def redirect(self, to: str) -> Response:
        return RedirectResponse(to, status_code=303)

    def set_cookie(self, name: str, value: str | None, max_age: int | None = None) -> None:
        self.cookies.append((name, value, max_age))


Page = Callable[[Visit], Response]


def clean(value: str) -> str:
    return value.replace("\x00", "") if "\x00" in value else value


def _language(request: Request, person_language: str | None) -> str:
    chosen = request.cookies.get(security.LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    if person_language in LANGUAGES:
        return person_language  # type: ignore[return-value]
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("uk"):
            return "uk"
        if tag.startswith("en"):
            return "en"
    return "uk"


def page(fn: Page, *, signed_in: bool = True, files: bool = False) -> Callable[[Request], Any]:
    """An endpoint from a page function: the form read (with `files`, a few files too, each
    within [mail] max_attachment_bytes), then the rest in a worker thread."""

    async def endpoint(request: Request) -> Response:
        portal: Portal = request.app.state.portal
        form = None
        if request.method == "POST":
            limits = portal_files.limits()
            most = limits.max_files * limits.max_bytes + MAX_FORM_BYTES if files else MAX_FORM_BYTES
            length = request.headers.get("content-length", "")
            if not (length.isascii() and length.isdigit()):
                return PlainTextResponse("Length Required", status_code=411)
            if int(length) > most:
                return PlainTextResponse("Content Too Large", status_code=413)
            form = await request.form(max_files=limits.max_files if files else 0, max_fields=MAX_FORM_FIELDS,
                                      max_part_size=MAX_PART_BYTES)
        try:
            return await run_in_threadpool(_visit, fn, request, portal, form, signed_in)
        finally:
            if form is not None:
                await form.close()

    return endpoint


def _visit(fn: Page, request: Request, portal: Portal, form: FormData | None, signed_in: bool) -> Response:
    secret = request.cookies.get(security.SESSION_COOKIE)
    with portal.db.read() as s:
        visitor = portal_auth.person_for_session(s, secret)
        person_id = visitor.person.id if visitor else None
        person_name = visitor.person.full_name if visitor else ""
        person_language = visitor.person.language if visitor else None
    if visitor is not None and visitor.stale and secret:
        with portal.db.write() as s:
            portal_auth.touch_session(s, secret)
    pre = request.cookies.get(security.PRE_COOKIE) or ""
    new_pre = None
    if not pre:
        pre = new_pre = security.new_pre_token()
    csrf = security.session_csrf(secret) if visitor is not None and secret else pre
    lang = _language(request, person_language)
    visit = Visit(request, portal, form, person_id, person_name, lang, csrf, secret if visitor else None)
    with using_language(lang):
        if signed_in and person_id is None:
            target = request.url.path + (("?" + request.url.query) if request.url.query else "")
            response: Response = visit.redirect("/signin?next=" + quote(security.safe_next(target), safe="/"))
        elif form is not None and not security.same(form.get(security.CSRF_FIELD), csrf):
            response = visit.render("error.html", 403, title=_("The form has expired"),
                                    message=_("The form was sent without its security token, or with an old one. "
                                              "Open the page again and send it once more."))
        else:
            try:
                response = fn(visit)
            except NotFound as exc:
                response = visit.render("error.html", 404, title=_("Not found"), message=exc.message)
            except portal_auth.TooManyAttempts as exc:
                response = visit.render("error.html", 429, title=_("Too many at once"), message=exc.message)
            except DeskError as exc:
                response = visit.render("error.html", 400, title=_("It did not work"), message=exc.message)
    options = security.cookie_options(portal.secure_cookies)
    if new_pre is not None:
        response.set_cookie(security.PRE_COOKIE, new_pre, **options)
    for name, value, max_age in visit.cookies:
        if value is None:
            response.delete_cookie(name, **options)
        else:
            response.set_cookie(name, value, max_age=max_age, **options)
    return response


def create_app(db: Database, *, base_url: str = "http://127.0.0.1:8080", secure_cookies: bool = True) -> Starlette:
    """The portal over `db`; links in mail point to `base_url`."""
    from helpdesk_tui.portal import signin, tickets

    routes = [
        Route("/", page(lambda v: v.redirect("/tickets"), signed_in=False)),
        *signin.routes(page),
        *tickets.routes(page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return await page(lambda v: v.render("error.html", 404, title=_("Not found"),
                                             message=_("There is no such page.")), signed_in=False)(request)

    app = Starlette(routes=routes, middleware=[Middleware(security.SecurityHeaders)],
                    exception_handlers={404: not_found, 405: not_found})
    app.state.portal = Portal(db, base_url.rstrip("/"), secure_cookies)
    return app
