"""Signing in (R1) and choosing a role (R2): a local password, the mailbox's password on the IMAP
server, or the OS user of the session."""

from __future__ import annotations

import getpass

import pytest

from helpdesk_tui.desk import admin, auth
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.screens.signin import SignInScreen
from helpdesk_tui.screens.workspace import WorkspaceScreen
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed

PASSWORD = "correct horse battery"


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        admin.update_person(s, w.admin, s.get(type(w.analyst), w.analyst.id), password=PASSWORD)
        admin.update_person(s, w.admin, s.get(type(w.admin), w.admin.id), password=PASSWORD)
    return db, w


def test_wrong_password_says_so_and_keeps_the_user_name_then_the_right_one_opens_the_desk(desk):
    db, w = desk

    async def scenario(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.pause()
        assert app.focused.id == "login"
        await pilot.press(*"ivan", "enter", *"not the password", "enter")
        await wait_text(pilot, "Wrong user name or password")
        assert app.screen.query_one("#login").value == "ivan"
        assert app.screen.query_one("#password").value == ""
        assert app.focused.id == "password"
        await pilot.press(*PASSWORD, "enter")
        screen = await workspace_ready(pilot)
        assert "Іван Петренко" in screen_text(app)
        assert isinstance(screen, WorkspaceScreen)

    drive(db, scenario, login=None, trusted=False)


def test_unknown_user_gets_the_same_message_as_a_wrong_password(desk):
    db, w = desk
    with db.read() as s:
        with pytest.raises(auth.SignInFailed) as unknown:
            auth.sign_in(s, "nobody", PASSWORD)
        with pytest.raises(auth.SignInFailed) as wrong:
            auth.sign_in(s, "ivan", "wrong")
    with db.write() as ws:  # a caller has a password (self-service) but no role in the desk
        admin.update_person(ws, w.admin, ws.get(type(w.caller), w.caller.id), password=PASSWORD)
    with db.read() as s, pytest.raises(auth.SignInFailed, match="no role"):
        auth.sign_in(s, "olena", PASSWORD)
    assert unknown.value.message == wrong.value.message
    with db.read() as s:
        assert auth.sign_in(s, "IVAN@desk.example", PASSWORD).login == "ivan"  # e-mail, any case


def test_several_roles_ask_which_one_and_the_palette_switches_later(desk):
    db, w = desk

    async def scenario(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"admin", "enter", *PASSWORD, "enter")
        await wait_text(pilot, "Work as")
        text = screen_text(app)
        assert "Support analyst" in text and "Administrator" in text
        # The sign-in box is gone, not drawn around the question (its edges stayed on screen).
        assert not any(isinstance(screen, SignInScreen) for screen in app.screen_stack)
        assert "sign in" not in text and "Password of this help desk" not in text and "User name" not in text, text
        await pilot.press("down", "enter")  # the second: administrator
        screen = await workspace_ready(pilot)
        assert screen.workspace.role == Role.ADMIN
        assert "(Administrator)" in screen_text(app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch role" in titles
        app.action_switch_role()
        await wait_text(pilot, "Work as")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: app.workspace.role == Role.ANALYST)
        screen = await workspace_ready(pilot)
        assert "(Support analyst)" in screen_text(app)

    drive(db, scenario, login=None, trusted=False)


def test_os_user_of_the_session_is_trusted(db):
    w = seed(db)
    with db.write() as s:
        admin.create_person(s, w.admin, login=getpass.getuser(), full_name="Оператор Сесії",
                            roles={Role.ANALYST})

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        assert "Оператор Сесії" in screen_text(app)

    drive(db, scenario, login=None, trusted=False, method="os")


def test_os_user_who_is_not_a_desk_user_is_told_so(db):
    seed(db)

    async def scenario(app, pilot):
        await wait_text(pilot, "is not a help-desk user")
        assert app.workspace is None

    drive(db, scenario, login=None, trusted=False, method="os")


def test_imap_sign_in_checks_the_mailbox_password(db, imap):
    from tests.imap_server import PASSWORD as IMAP_PASSWORD
    from tests.imap_server import USER as IMAP_USER

    w = seed(db)
    with db.write() as s:
        admin.create_person(s, w.admin, login=IMAP_USER, full_name="Скринька Аналітика", roles={Role.ANALYST})

    async def scenario(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert "Password of your mailbox" in screen_text(app)
        await pilot.press(*IMAP_USER, "enter", *"wrong-password", "enter")
        await wait_text(pilot, "Wrong user name or password", timeout=20)
        await pilot.press(*IMAP_PASSWORD, "enter")
        await workspace_ready(pilot)
        assert "Скринька Аналітика" in screen_text(app)

    import asyncio

    from helpdesk_tui.config import ServerSettings
    from tests.tui import make_app

    def configured(app):
        app.settings.imap = ServerSettings(host="127.0.0.1", port=imap.port, security="none", timeout=10)
        return app

    async def main():
        app = configured(make_app(db, None, trusted=False, method="imap"))
        async with app.run_test(size=(120, 40)) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


def test_a_database_that_is_not_set_up_is_named_not_crashed(tmp_path):
    import asyncio

    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.config import Settings

    async def main():
        app = HelpdeskApp(Settings(db_url=f"sqlite:///{tmp_path / 'empty.db'}"), login="ivan", trusted=True, jobs=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_notified(pilot, "is not set up; run `helpdesk init` first")
            assert "is not set up" in " ".join(screen_text(app).split())
            assert app.workspace is None

    asyncio.run(main())


def test_after_five_wrong_passwords_the_sign_in_screen_makes_the_next_try_wait(desk):
    db, w = desk

    async def scenario(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press(*"ivan", "enter")
        for attempt in range(auth.FREE_FAILURES):
            await pilot.press(*f"guess {attempt}", "enter")
            await wait_for(pilot, lambda: app.screen.query_one("#password").value == "", timeout=10)
            await wait_text(pilot, "Wrong user name or password")
        # The right password now waits too: that is what stops a guesser.
        await pilot.press(*PASSWORD, "enter")
        await wait_text(pilot, "Too many failed sign-ins for «ivan»; try again in")
        assert app.workspace is None

    drive(db, scenario, login=None, trusted=False)
    from helpdesk_tui.desk import security

    with db.read() as s:
        kinds = [r.kind for r in security.audit(s, s.get(type(w.admin), w.admin.id), login="ivan")]
    assert kinds[:1] == ["sign_in_throttled"] and kinds.count("sign_in_failed") == auth.FREE_FAILURES
