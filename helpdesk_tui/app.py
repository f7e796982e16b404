"""The Textual app: sign-in, the workspace, live refresh from the change feed, and the background
jobs (SLA ticker, outbox, mailbox) under their leases.

SQLAlchemy and the store are imported in a worker thread, never on the way to the first frame:
the sign-in screen paints while they load (MEASURED.md: they cost more than Textual itself).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from helpdesk_tui.config import Settings
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.record_list import RecordList
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.translated import TranslatedBindings, described, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.auth import SignedIn
    from helpdesk_tui.desk.workspace import Workspace
    from helpdesk_tui.desk.workspace import Database

FEED_INTERVAL = 1.0
IDLE_COLLECT_INTERVAL = 15.0
IDLE_SECONDS = 3.0
TICKER_INTERVAL = 30.0
MAIL_INTERVAL = 60.0
FIRST_ROWS_WAIT = 5.0
COLLECT_LATER_AT_MOST = 10.0


def _warm_imports() -> None:
    """Load the store while the first screen paints or the password is typed."""
    import helpdesk_tui.desk.workspace  # noqa: F401
    import helpdesk_tui.screens.workspace  # noqa: F401


class HelpdeskApp(SaysFailures, TranslatedBindings, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "helpdesk-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="app.command_palette", show=True),
        Binding("g", "go_to_record", N_("Go to record"), id="app.go_to", show=False),
        Binding("question_mark,f1", "help", N_("Help"), id="app.help"),
    ]

    def __init__(self, settings: Settings, *, login: str | None = None, trusted: bool = False,
                 role: str | None = None, jobs: bool = True, feed_interval: float = FEED_INTERVAL,
                 database: Database | None = None, exit_on_paint: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.login = login
        self.vouched = trusted  # the launcher vouched for `login` (an SSH key, the demo, a trusted --as)
        self.trusted = trusted or settings.auth_method == "os"
        self.wanted_role = role
        self.jobs_enabled = jobs
        self.feed_interval = feed_interval
        self.db: Database | None = database
        self.workspace: Workspace | None = None
        self.signed_in: SignedIn | None = None
        self.job_states: dict[str, tuple[str, bool]] = {}
        self.timer_state: tuple[str, Any] | None = None  # the analyst's running timer (number, start)
        self.feed_mark: int | None = None
        self.early: Any = None
        self._pending_login: str | None = None
        self._last_input = time.monotonic()
        self.exit_on_paint = exit_on_paint
        self._opened = self._rows_painted = self._settled = False
        self.holder = f"{os.uname().nodename}:{os.getpid()}:{id(self)}"
        self._warm = threading.Thread(target=_warm_imports, daemon=True)
        if settings.keymap:
            self.set_keymap(settings.keymap)

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Opening the help desk…")), id="splash")

    def on_mount(self) -> None:
        # Collection stays off until the first rows (launch.collect_later), or this long at most:
        # a password to wait for, a refusal, a role to choose.
        self.set_timer(COLLECT_LATER_AT_MOST, lambda: gc.enable())
        if self.trusted:
            from helpdesk_tui.config import os_login

            # The login the launcher vouched for, else (`os` mode) the process's own user.
            login = (self.login if self.vouched else os_login()) or ""
            if self.db is None and self._start_early(login):
                # The store loads once the first rows are painted: loading it beside them would
                # only slow both (one interpreter lock), and the rows are what the analyst waits for.
                self._pending_login = login
                self.set_timer(1.0, self._load_store)
                return
            self._warm.start()
            self.sign_in(login, None)
        else:
            self._warm.start()
            from helpdesk_tui.screens.signin import SignInScreen

            self.push_screen(SignInScreen(self.settings.auth_method, self.login or "", _describe(self.settings.db_url)))

    def notify(self, message: str, *, title: str = "", severity: Any = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Messages carry what people typed and what the database said: never markup (rule 7)."""
        if any(n.message == message for n in self._notifications):
            return  # the same complaint twice at once (a list's rows and its count) is said once
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _start_early(self, login: str) -> bool:
        """Show the home dashboard from the last session's recipe while the store loads."""
        from helpdesk_tui.quickstart import EarlyWorkspace
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        early = EarlyWorkspace.open(self.settings.db_url, login)
        if early is None:
            return False
        self.early = early
        self.workspace = early  # type: ignore[assignment]
        self.push_screen(WorkspaceScreen(early))  # type: ignore[arg-type]
        return True

    def _load_store(self) -> None:
        login, self._pending_login = self._pending_login, None
        if login is not None:
            self._warm.start()
            self.sign_in(login, None)

    # --- signing in ---------------------------------------------------------------------------

    @work(thread=True, group="session", exclusive=True, exit_on_error=False)
    def sign_in(self, login: str, password: str | None) -> None:
        from helpdesk_tui.domain.errors import DeskError

        try:
            self._warm.join()
            who = self._check(login, password)
            workspace = self._workspace_for(who)
        except DeskError as exc:
            self.call_from_thread(self._refused, exc.message)
            return
        except Exception as exc:  # the database is missing or unreachable: one clear line
            self.call_from_thread(self._refused, _("The database answered: {detail}").format(
                detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
            return
        if workspace is not None and password is None:
            self._save_recipe(workspace)  # first: an app that closes at once still leaves it
        self.call_from_thread(self._signed_in, who, workspace)

    def _workspace_for(self, who: SignedIn) -> Workspace | None:
        """The workspace, when the role needs no question (read here, off the event loop)."""
        from helpdesk_tui.desk.workspace import Workspace
        from helpdesk_tui.domain.statuses import Role

        wanted = self.wanted_role or (self.early.role.value if self.early is not None else None)
        if wanted and Role(wanted) in who.roles:
            return Workspace(self.db, who, Role(wanted))  # type: ignore[arg-type]
        if len(who.roles) == 1:
            return Workspace(self.db, who, who.roles[0])  # type: ignore[arg-type]
        return None

    def _save_recipe(self, workspace: Workspace) -> None:
        from helpdesk_tui import quickstart
        from helpdesk_tui.domain.dashboards import CATALOGUE

        home = workspace.home_dashboard
        try:
            quickstart.save(self.settings.db_url, workspace.who.login,
                            workspace.first_page_recipe(home, CATALOGUE[home].tabs[0].key))
        except Exception:  # a read-only home or a full disk: the next start takes the ordinary way
            pass

    def _check(self, login: str, password: str | None) -> SignedIn:
        from helpdesk_tui.desk import auth
        from helpdesk_tui.desk.workspace import open_database

        if self.db is None:
            self.db = open_database(self.settings.db_url)
        if password is None:
            with self.db.read() as session:
                return auth.trusted(session, login)
        check = None
        if self.settings.auth_method == "imap" and self.settings.imap.host:
            from helpdesk_tui.mail.signin import imap_password_check

            check = imap_password_check(self.settings.imap)
        return auth.sign_in_with(self.db, login, password, method=self.settings.auth_method, imap_check=check,
                                 source="tui")

    def _refused(self, message: str) -> None:
        from helpdesk_tui.screens.signin import SignInScreen

        if self.early is not None:
            self.early.fail()
            self.early = self.workspace = None
            while len(self.screen_stack) > 1:
                self.pop_screen()
        if isinstance(self.screen, SignInScreen):
            self.screen.refused(message)
        else:
            self.query_one("#splash", Static).update(literal(message, "bold red"))
            self.notify(message, severity="error", timeout=30)

    def _signed_in(self, who: SignedIn, workspace: Workspace | None = None) -> None:
        from helpdesk_tui.screens.signin import SignInScreen

        self.signed_in = who
        if isinstance(self.screen, SignInScreen):
            # Its work is done: a role question drawn over it left the box's edges around itself.
            self.pop_screen()
        if workspace is not None:
            self._open_workspace(workspace)
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
                self._build_workspace(Role(value))

        self.push_screen(ChoiceDialog(_("Work as"), choices, current), chosen)

    @work(thread=True, group="session", exclusive=True, exit_on_error=False)
    def _build_workspace(self, role: Any) -> None:
        """A workspace for another role: it reads the person's groups, so off the event loop."""
        from helpdesk_tui.desk.workspace import Workspace

        try:
            workspace = Workspace(self.db, self.signed_in, role)  # type: ignore[arg-type]
        except Exception as exc:  # the database went away: say so, stay in the current role
            self.call_from_thread(self.notify, str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                                  severity="error")
            return
        self.call_from_thread(self._open_workspace, workspace)

    def _open_workspace(self, workspace: Workspace) -> None:
        from helpdesk_tui.screens.workspace import WorkspaceScreen

        first = self.workspace is None or self.early is not None
        if self.early is not None and workspace.role == self.early.role:
            self.early.attach(workspace)  # the screen on show keeps its rows; everything else is real now
        else:
            if self.early is not None:
                self.early.fail()  # another role was chosen: the early screen goes
            self.workspace = workspace
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.push_screen(WorkspaceScreen(workspace))
        self.early = None
        self.refresh_timer()
        if first:
            self.set_interval(self.feed_interval, self._poll_feed)
            self._opened = True
            self._after_first_rows()
            # Should the first rows never come (the page failed), the rest starts anyway.
            self.set_timer(FIRST_ROWS_WAIT, lambda: self._after_first_rows(anyway=True))

    def _after_first_rows(self, anyway: bool = False) -> None:
        """What waits for the real workspace and its first painted rows, whichever comes last:
        the collector's first full collection (about 100 ms at 1M incidents) and the background
        jobs. Before, they ran while the very first start (no recipe: the workspace is real
        before its rows) was still building its first frame."""
        if self._settled or not (anyway or (self._opened and self._rows_painted)):
            return
        self._settled = True
        self.call_after_refresh(self._quiet_collector)
        if self.jobs_enabled:
            self.set_timer(2.0, self._ticker_round)
            self.set_interval(TICKER_INTERVAL, self._ticker_round)
            if self.settings.imap.host:
                self.set_timer(3.0, self._mail_round)
                self.set_interval(MAIL_INTERVAL, self._mail_round)
            else:
                self.set_job(_("Mail"), _("not configured"))

    # --- the garbage collector waits for a pause in the typing -------------------------------

    def _quiet_collector(self) -> None:
        """Full collections took 150–250 ms here (benchmarks/tui.py), in the middle of a key
        press. What start-up built lives as long as the program: frozen, it is not scanned again;
        full collections are left to the moments nobody types. The launcher turned collection
        off until now (launch.collect_later); it is on again from here."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(700, 10, 10_000)
        gc.enable()
        self.set_interval(IDLE_COLLECT_INTERVAL, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        if time.monotonic() - self._last_input > IDLE_SECONDS:
            gc.collect()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = time.monotonic()
        await super().on_event(event)

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

        if self.workspace is not None and ("person", self.workspace.who.person_id) in changed:
            self.refresh_timer()

        for screen in self.screen_stack:
            screen.post_message(DataChanged(changed))

    # --- background jobs -------------------------------------------------------------------------

    @work(thread=True, group="ticker", exclusive=True, exit_on_error=False)
    def _ticker_round(self) -> None:
        from helpdesk_tui.mail.rounds import ticker_round

        self._job_round("SLA", ticker_round)

    @work(thread=True, group="mail", exclusive=True, exit_on_error=False)
    def _mail_round(self) -> None:
        from helpdesk_tui.mail.rounds import mail_round

        self._job_round(_("Mail"), mail_round)

    def _job_round(self, name: str, round_: Callable[[Database, Settings, str], tuple[str, bool]]) -> None:
        """One round of a job, its line in the header (a surprise included: rounds.guarded)."""
        from helpdesk_tui.mail.rounds import guarded

        if self.db is not None:
            self.call_from_thread(self.set_job, name, *guarded(round_, self.db, self.settings, self.holder))

    # --- the running timer (R41) ----------------------------------------------------------------

    @work(thread=True, group="timer", exclusive=True, exit_on_error=False)
    def refresh_timer(self) -> None:
        """Read this analyst's timer again (started or stopped here, in another window, from the
        shell) and show it in every screen's header."""
        if self.workspace is None:
            return
        try:
            timer = self.workspace.time.timer()
        except Exception:  # a busy or restarting database: the next change brings it
            return
        self.call_from_thread(self._show_timer, (timer.number, timer.started_at) if timer else None)

    def _show_timer(self, timer: tuple[str, Any] | None) -> None:
        self.timer_state = timer
        for screen in self.screen_stack:
            for header in screen.query(StatusHeader):
                header.set_timer(timer)

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
        self._load_store()
        if not self._rows_painted:
            self._rows_painted = True
            self._after_first_rows()
        if self.exit_on_paint:
            with open(self.exit_on_paint, "w", encoding="utf-8") as out:
                out.write(f"{time.time()}\n")
            self.exit()

    # --- go to, help -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go_to_record", "help"):
            from helpdesk_tui.screens.help import HelpScreen  # loaded once the help is first wanted, not at start

            if action == "help" and isinstance(self.screen, HelpScreen):
                return True  # the same key closes it
            # Not over a dialog: its own keys are what matter there, and g is a letter in it.
            return not isinstance(self.screen, ModalScreen) and (action == "help" or self.workspace is not None)
        return True

    def action_go_to_record(self) -> None:
        from helpdesk_tui.screens.go_to import GoToDialog

        if self.workspace is not None:
            self.push_screen(GoToDialog(self.workspace), self._open_found)

    def _open_found(self, found: tuple[str, int] | None) -> None:
        if found is not None:
            self.open_record(*found)

    def open_record(self, kind: str, record_id: int) -> None:
        """Any record's own screen, whichever screen asks (they need not import each other)."""
        if self.workspace is None:
            return
        # Each screen module is imported when first opened: none of them is part of the first paint.
        if kind in ("incident", "task", "service_request"):
            from helpdesk_tui.screens.record import RecordScreen

            self.push_screen(RecordScreen(self.workspace, kind, record_id))
        elif kind == "knowledge_article":
            from helpdesk_tui.screens.articles import ArticleScreen

            self.push_screen(ArticleScreen(self.workspace, record_id))
        elif kind == "problem":
            from helpdesk_tui.screens.problems import ProblemScreen

            self.push_screen(ProblemScreen(self.workspace, record_id))
        else:
            from helpdesk_tui.screens.related_preview import RelatedPreview

            self.push_screen(RelatedPreview(self.workspace, kind, record_id, linked=False))

    def action_help(self) -> None:
        from helpdesk_tui.screens.help import HelpScreen, key_groups

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(key_groups(self, self.screen)))

    # --- command palette (R45) -------------------------------------------------------------------

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from helpdesk_tui.widgets.command_palette import TranslatedCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(TranslatedCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            description = described(binding)
            if description is None or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            node = active.node
            key = self.get_key_display(binding)
            yield SystemCommand(description, f"{key} · {binding.id}" if binding.id else key,
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
    # The start-up benchmark runs the real command headless (its jobs on) and stops at the first rows.
    exit_on_paint = os.environ.get("HELPDESK_EXIT_ON_PAINT")
    HelpdeskApp(settings, exit_on_paint=exit_on_paint, **kw).run(headless=bool(exit_on_paint))
