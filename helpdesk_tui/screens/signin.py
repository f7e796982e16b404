"""Sign-in (R1): user name and password, checked by the configured method."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

METHOD_LABELS = {
    "local": N_("Password of this help desk"),
    "imap": N_("Password of your mailbox"),
    "os": N_("The user of this terminal session"),
}


class SignInScreen(TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen > Vertical { width: 60; max-width: 95%; height: auto; border: thick $primary;
                              background: $surface; padding: 1 2; }
    SignInScreen .title { text-style: bold; margin-bottom: 1; }
    SignInScreen #error { color: $error; }
    SignInScreen #method { color: $text-muted; }
    """
    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Quit"), id="signin.quit")]

    def __init__(self, method: str, login: str = "", database: str = "") -> None:
        super().__init__()
        self.method, self.login, self.database = method, login, database

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("helpdesk-tui: sign in"), classes="title")
            yield Label(literal(self.database, one_line=True), id="database")
            yield Label(Text(_(METHOD_LABELS.get(self.method, self.method))), id="method")
            yield TextField(value=self.login, placeholder=_("User name"), id="login")
            yield TextField(placeholder=_("Password"), password=True, id="password")
            yield Label("", id="error")
            yield Button(_("Sign in"), variant="primary", id="sign-in")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#password" if self.login else "#login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login:
            self.refused(_("Type your user name"))
            self.query_one("#login", Input).focus()
            return
        self.query_one("#error", Label).update(Text(_("Checking…")))
        self.query_one("#sign-in", Button).disabled = True
        self.app.sign_in(login, password)  # type: ignore[attr-defined]

    def refused(self, message: str) -> None:
        """The password was wrong (or the server said no): say so, keep what was typed."""
        self.query_one("#error", Label).update(literal(message))
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
