"""The Textual app: sign-in, the workspace, live refresh from the change feed, and the background
jobs (SLA ticker, outbox, mailbox) under their leases.

SQLAlchemy and the store are imported in a worker thread, never on the way to the first frame:
the sign-in screen paints while they load (MEASURED.md: they cost more than Textual itself).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from helpdesk_tui.config import Settings
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.record_list import RecordList
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.auth import SignedIn
    from helpdesk_tui.desk.workspace import Workspace
    from helpdesk_tui.desk.workspace import Database

FEED_INTERVAL = 1.0
TICKER_INTERVAL = 30.0
MAIL_INTERVAL = 60.0


def _warm_imports() -> None:
    """Load the store while the first screen paints or the password is typed."""
    import helpdesk_tui.desk.workspace  # noqa: F401
    import helpdesk_tui.screens.workspace  # noqa: F401


class HelpdeskApp(TranslatedBindings, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "helpdesk-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="app.command_palette", show=True),
    ]

    def __init__(self, settings: Settings, *, login: str | None = None, trusted: bool = False,
                 role: str | None = None, jobs: bool = True, feed_interval: float = FEED_INTERVAL,
                 database: Database | None = None, exit_on_paint: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.login = login
        self.trusted = trusted or settings.auth_method == "os"
        self.wanted_role = role
        self.jobs_enabled = jobs
        self.feed_interval = feed_interval
        self.db: Database | None = database
        self.workspace: Workspace | None = None
        self.signed_in: SignedIn | None = None
        self.job_states: dict[str, tuple[str, bool]] = {}
        self.feed_mark: int | None = None
        self.exit_on_paint = exit_on_paint
        self.holder = f"{os.uname().nodename}:{os.getpid()}:{id(self)}"
        self._warm = threading.Thread(target=_warm_imports, daemon=True)
        if settings.keymap:
            self.set_keymap(settings.keymap)

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Opening the help desk…")), id="splash")

    def on_mount(self) -> None:
        self._warm.start()
        if self.trusted:
            from helpdesk_tui.desk.auth import os_user

            self.sign_in(self.login or os_user() or "", None)
        else:
            from helpdesk_tui.screens.signin import SignInScreen

            self.push_screen(SignInScreen(self.settings.auth_method, self.login or "", _describe(self.settings.db_url)))

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Messages carry what people typed and what the database said: never markup (rule 7)."""
        if any(n.message == message for n in self._notifications):
            return  # the same complaint twice at once (a list's rows and its count) is said once
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # --- signing in ---------------------------------------------------------------------------

    @work(thread=True, group="session", exclusive=True, exit_on_error=False)
    def sign_in(self, login: str, password: str | None) -> None:
        from helpdesk_tui.domain.errors import DeskError

        try:
            self._warm.join()
            who = self._check(login, password)
        except DeskError as exc:
            self.call_from_thread(self._refused, exc.message)
            return
        except Exception as exc:  # the database is missing or unreachable: one clear line
            self.call_from_thread(self._refused, _("The database answered: {detail}").format(
                detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
            return
        self.call_from_thread(self._signed_in, who)

    def _check(self, login: str, password: str | None) -> SignedIn:
        from helpdesk_tui.desk import auth
        from helpdesk_tui.desk.workspace import open_database

        if self.db is None:
            self.db = open_database(self.settings.db_url)
        with self.db.read() as session:
            if password is None:
                return auth.trusted(session, login)
            check = None
            if self.settings.auth_method == "imap" and self.settings.imap.host:
                from helpdesk_tui.mail.signin import imap_password_check

                check = imap_password_check(self.settings.imap)
            return auth.sign_in(session, login, password, method=self.settings.auth_method, imap_check=check)

    def _refused(self, message: str) -> None:
        from helpdesk_tui.screens.signin import SignInScreen

        if isinstance(self.screen, SignInScreen):
            self.screen.refused(message)
        else:
            self.query_one("#splash", Static).update(literal(message, "bold red"))
            self.notify(message, severity="error", timeout=30)

    def _signed_in(self, who: SignedIn) -> None:
        from helpdesk_tui.domain.statuses import Role

        self.signed_in = who
        if self.wanted_role and Role(self.wanted_role) in who.roles:
            self._open_workspace(Role(self.wanted_role))
        elif len(who.roles) == 1:
            self._open_workspace(who.roles[0])
        else:
            self.action_switch_role()

    def action_switch_role(self) -> None:
        from helpdesk_tui.domain.statuses import Role
        from helpdesk_tui.screens.dialogs import ChoiceDialog

        if self.signed_in is None:
            return
        current = self.workspace.role.value if self.workspace else None
        choices = [(r.value, r.label) for r in self.signed_in.roles]

        def chosen(value: str | None) -> None:
            if value is None and self.workspace is None:
                value = self.signed_in.roles[0].value  # type: ignore[union-attr]
            if value is not None and value != current:
                self._open_workspace(Role(value))

        self.push_screen(ChoiceDialog(_("Work as"), choices, current), chosen)

    def _open_workspace(self, role: Any) -> None:
        from helpdesk_tui.desk.workspace import Workspace
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        assert self.db is not None and self.signed_in is not None
        first = self.workspace is None
        self.workspace = Workspace(self.db, self.signed_in, role)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(WorkspaceScreen(self.workspace))
        if first:
            self.set_interval(self.feed_interval, self._poll_feed)
            if self.jobs_enabled:
                self.set_timer(2.0, self._ticker_round)
                self.set_interval(TICKER_INTERVAL, self._ticker_round)
                if self.settings.imap.host:
                    self.set_timer(3.0, self._mail_round)
                    self.set_interval(MAIL_INTERVAL, self._mail_round)
                else:
                    self.set_job(_("Mail"), _("not configured"))

    # --- live refresh (R43) -----------------------------------------------------------------------

    @work(thread=True, group="feed", exclusive=True, exit_on_error=False)
    def _poll_feed(self) -> None:
        if self.workspace is None:
            return
        try:
            if self.feed_mark is None:
                self.feed_mark = self.workspace.feed_mark()
                return
            mark, changed = self.workspace.changes_since(self.feed_mark)
        except Exception:  # a busy or restarting database: the next round catches up
            return
        if changed:
            self.feed_mark = mark
            self.call_from_thread(self._broadcast, changed)

    def _broadcast(self, changed: list[tuple[str, int]]) -> None:
        from helpdesk_tui.screens.workspace import DataChanged

        for screen in self.screen_stack:
            screen.post_message(DataChanged(changed))

    # --- background jobs -------------------------------------------------------------------------

    @work(thread=True, group="ticker", exclusive=True, exit_on_error=False)
    def _ticker_round(self) -> None:
        from helpdesk_tui.mail.rounds import ticker_round

        if self.db is not None:
            text, error = ticker_round(self.db, self.settings, self.holder)
            self.call_from_thread(self.set_job, "SLA", text, error)

    @work(thread=True, group="mail", exclusive=True, exit_on_error=False)
    def _mail_round(self) -> None:
        from helpdesk_tui.mail.rounds import mail_round

        if self.db is not None:
            text, error = mail_round(self.db, self.settings, self.holder)
            self.call_from_thread(self.set_job, _("Mail"), text, error)

    def set_job(self, name: str, text: str, error: bool = False) -> None:
        self.job_states[name] = (text, error)
        for screen in self.screen_stack:
            for header in screen.query(StatusHeader):
                header.set_job(name, text, error=error)

    def on_unmount(self) -> None:
        if self.db is not None and self.jobs_enabled and self.workspace is not None:
            from helpdesk_tui.mail.rounds import release

            try:
                release(self.db, self.holder)
            except Exception:  # leaving anyway; the lease expires by itself
                pass

    # --- the start-up benchmark waits for the first rows ---------------------------------------

    def on_record_list_painted(self, message: RecordList.Painted) -> None:
        if self.exit_on_paint:
            with open(self.exit_on_paint, "w", encoding="utf-8") as out:
                out.write(f"{time.time()}\n")
            self.exit()

    # --- command palette (R45) -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            node = active.node
            key = self.get_key_display(binding)
            yield SystemCommand(binding.description, f"{key} · {binding.id or binding.action}",
                                lambda node=node, action=binding.action: self.call_later(node.run_action, action))
        if self.signed_in is not None and len(self.signed_in.roles) > 1:
            yield SystemCommand(_("Switch role"), _("Work as another of your roles"), self.action_switch_role)
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        if isinstance(screen, WorkspaceScreen):
            yield from screen.palette_commands()
        yield SystemCommand(_("Quit"), _("Leave the help desk"), self.exit)


def _describe(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def run(settings: Settings, **kw: Any) -> None:
    HelpdeskApp(settings, **kw).run()
