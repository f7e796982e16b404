"""Who is acting, from every shell entry point: nobody becomes someone else by a flag or an
environment variable, a caller reads nothing, administration needs an administrator, guessing
a password is slowed down, and every sign-in and change of rights is in the audit journal."""

from __future__ import annotations

import json
import os
import stat
import statistics
import time
from pathlib import Path

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.desk import access, admin, auth
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import Role
from tests.trust import OS_USER
from tests.world import seed


def _set_password(db, login: str, password: str = "correct-horse-1") -> None:
    from helpdesk_tui.desk.lookup import find_person

    with db.write() as s:
        boss = find_person(s, "admin")
        admin.update_person(s, boss, find_person(s, login), password=password)


@pytest.fixture
def shell(db, tmp_path, monkeypatch, capsys):
    """`helpdesk ARGS` as an ordinary OS user would run it: not in trusted_os_users."""
    cfg = tmp_path / "config.toml"
    cfg.write_text("[auth]\nmethod = \"local\"\n", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(cfg))
    monkeypatch.delenv("HELPDESK_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # this test's own sign-ins file

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
        if stdin is not None:
            import io

            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        code = main(["--db", db.url, "--lang", "en", *args])
        for key in env or {}:
            monkeypatch.delenv(key)
        out, err = capsys.readouterr()
        return code, out, err

    w = seed(db)
    for login in ("admin", "ivan", "taras", "olena"):
        _set_password(db, login)
    run.config = cfg  # type: ignore[attr-defined]
    run.world = w  # type: ignore[attr-defined]
    return run


def _refused(result, words: str) -> str:
    code, out, err = result
    assert code == 1, (out, err)
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


def _ok(result) -> str:
    code, out, err = result
    assert code == 0, err
    return out


def _login(shell, who: str, password: str = "correct-horse-1") -> str:
    return _ok(shell("login", who, "--password-stdin", stdin=password + "\n"))


def test_as_is_refused_to_anyone_not_signed_in_as_an_administrator(shell):
    _refused(shell("--as", "admin", "user", "set", "ivan", "--role", "admin"), "--as is only for a signed-in administrator")
    _refused(shell("--as", "admin", "incident", "list"), "--as is only")
    _login(shell, "ivan")
    _refused(shell("--as", "admin", "incident", "list"), "--as is only")
    _ok(shell("logout"))
    _login(shell, "admin")
    out = _ok(shell("--as", "ivan", "whoami"))
    assert "Іван Петренко (ivan)" in out
    audit = json.loads(_ok(shell("audit", "--kind", "acted_as", "--json")))
    assert audit[0]["person"] == "Іван Петренко" and audit[0]["actor"] == "Адмін Системи"


def test_nobody_signed_in_reads_nothing_and_runs_no_administration(shell, tmp_path):
    for args in (("incident", "list"), ("dashboard",), ("user", "list"), ("mail", "list"),
                 ("db", "backup", str(tmp_path / "b.json")), ("db", "restore", "--yes", str(tmp_path / "b.json")),
                 ("jobs", "run", "--once"), ("mail", "poll", "--once"), ("user", "set", "ivan", "--role", "admin"),
                 ("mail", "ingest", str(tmp_path / "x.eml")), ("audit",)):
        _refused(shell(*args), "sign in first (`helpdesk login`)")
    assert not (tmp_path / "b.json").exists()


def test_the_environment_does_not_say_who_acts(shell):
    # LOGNAME, USER and the retired HELPDESK_AS name nobody: the OS user comes from the uid.
    env = {"LOGNAME": "admin", "USER": "admin", "HELPDESK_AS": "admin"}
    _refused(shell("incident", "list", env=env), "sign in first")
    shell.config.write_text('[auth]\nmethod = "os"\n', encoding="utf-8")
    _refused(shell("incident", "list", env=env), "sign in first")  # no person has the uid's login
    from helpdesk_tui.launch import Refused, vouched_login
    from helpdesk_tui.config import load_settings

    os.environ.update(env)
    try:
        settings = load_settings()
        assert vouched_login(settings, None) == (OS_USER, True)
        with pytest.raises(Refused):
            vouched_login(settings, "admin")
    finally:
        for key in env:
            os.environ.pop(key, None)


def test_os_method_acts_as_the_uid_s_person_and_a_caller_reads_nothing(shell, db):
    shell.config.write_text('[auth]\nmethod = "os"\n', encoding="utf-8")
    with db.write() as s:
        from helpdesk_tui.desk.lookup import find_person

        admin.create_person(s, find_person(s, "admin"), login=OS_USER, full_name="Оператор Сесії")
    _refused(shell("incident", "list"), "«incident list» needs a support analyst")
    _refused(shell("user", "list"), "is not one")
    with db.write() as s:
        admin.set_roles(s, find_person(s, "admin"), find_person(s, OS_USER), {Role.ANALYST})
    assert "Оператор Сесії" in _ok(shell("whoami"))
    _ok(shell("incident", "list"))
    _refused(shell("db", "backup", "x.json"), "«db backup» needs an administrator")


def test_login_keeps_an_expiring_token_in_a_private_file_and_logout_ends_it(shell, db):
    out = _login(shell, "ivan")
    assert "Signed in as Іван Петренко (ivan) until" in out
    stored = Path(os.environ["XDG_CONFIG_HOME"]) / "helpdesk-tui" / "signins.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    secret = next(iter(json.loads(stored.read_text()).values()))
    assert "Іван Петренко" in _ok(shell("whoami"))
    _ok(shell("incident", "new", "-s", "Від ivan", "--caller", "olena", "--owner", "ivan"))
    shown = json.loads(_ok(shell("incident", "show", "1", "--json")))
    assert shown["journal"][0]["author"] in ("Іван Петренко", "ivan")
    _refused(shell("db", "backup", "x.json"), "needs an administrator; ivan is not one")
    _ok(shell("logout"))
    _refused(shell("incident", "list"), "sign in first")
    # The secret copied elsewhere stops working too.
    _refused(shell("incident", "list", env={"HELPDESK_TOKEN": secret}), "has expired or was revoked")


def test_a_wrong_password_signs_nobody_in(shell):
    _refused(shell("login", "ivan", "--password-stdin", stdin="wrong-password\n"), "Wrong user name or password")
    _refused(shell("login", "nobody-at-all", "--password-stdin", stdin="wrong-password\n"),
             "Wrong user name or password")
    _refused(shell("login", "olena", "--password-stdin", stdin="correct-horse-1\n"), "has no role in the help desk")
    _refused(shell("incident", "list"), "sign in first")


def test_an_expired_sign_in_is_refused(shell, db):
    _login(shell, "ivan")
    from sqlalchemy import update

    from helpdesk_tui.store.models import AccessToken
    from helpdesk_tui.store.types import utcnow

    with db.write() as s:
        s.execute(update(AccessToken).values(expires_at=utcnow()))
    _refused(shell("incident", "list"), "Your sign-in has expired or was revoked")
    _login(shell, "ivan")  # signing in again works with the dead token still on file
    _ok(shell("incident", "list"))


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(shell, db):
    _login(shell, "ivan")
    made = json.loads(_ok(shell("token", "create", "nightly report", "--days", "30", "--json")))
    secret = made["token"]
    _ok(shell("logout"))
    listed = _ok(shell("token", "list", "--json", env={"HELPDESK_TOKEN": secret}))
    assert "nightly report" in listed and secret not in listed
    assert [t["kind"] for t in json.loads(listed)] == ["session", "api"]
    from sqlalchemy import select

    from helpdesk_tui.store.models import AccessToken

    with db.read() as s:
        hashes = list(s.execute(select(AccessToken.token_hash)).scalars())
    assert secret not in hashes and all(len(h) == 64 for h in hashes)
    assert "Іван Петренко" in _ok(shell("whoami", env={"HELPDESK_TOKEN": secret}))
    _ok(shell("token", "revoke", str(made["id"]), env={"HELPDESK_TOKEN": secret}))
    _refused(shell("whoami", env={"HELPDESK_TOKEN": secret}), "has expired or was revoked")
    _refused(shell("whoami", env={"HELPDESK_TOKEN": "hdt_made-up"}), "has expired or was revoked")
    _login(shell, "ivan")
    _refused(shell("token", "create", "x", "--for", "admin"), "Only an administrator makes tokens for someone else")
    _refused(shell("token", "create", "x", "--days", "0"), "A token lasts from 1 to")


def test_the_last_active_administrator_stays(shell, db):
    _login(shell, "admin")
    _refused(shell("user", "set", "admin", "--role", "analyst"), "last active administrator")
    _refused(shell("user", "set", "admin", "--inactive"), "last active administrator")
    _ok(shell("user", "set", "ivan", "--role", "admin", "--role", "analyst"))
    _ok(shell("user", "set", "admin", "--role", "analyst"))  # another administrator now exists
    _refused(shell("db", "backup", "x.json"), "needs an administrator")
    _ok(shell("logout"))
    _login(shell, "ivan")
    events = [e["kind"] for e in json.loads(_ok(shell("audit", "--json")))]
    assert events.count("roles_changed") == 2


def test_every_command_has_a_decided_need():
    import typer.main

    from helpdesk_tui.cli import app

    def walk(node, path):
        subs = getattr(node, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path)

    commands = list(walk(typer.main.get_command(app), []))
    undecided = [c for c in commands if c not in access.POLICY and c.split(" ")[0] not in access.GROUPS]
    assert undecided == []
    stale = [c for c in access.POLICY if c not in commands and c != "ssh-serve"]
    assert stale == []


# --- sign-in: guessing is slowed down, and the journal keeps it -------------------------------


def test_repeated_failures_slow_down_every_further_try(db):
    seed(db)
    _set_password(db, "ivan")
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.SignInFailed, match="Wrong user name or password"):
            auth.sign_in_with(db, "ivan", "guess")
    # The right password does not get in while the delay runs: that is what stops guessing.
    with pytest.raises(auth.SignInFailed, match="Too many failed sign-ins for «ivan»; try again in"):
        auth.sign_in_with(db, "IVAN@desk.example", "correct-horse-1")
    # An unknown login is slowed down the same way (the refusal does not tell who exists).
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.SignInFailed, match="Wrong user name"):
            auth.sign_in_with(db, "ghost", "guess")
    with pytest.raises(auth.SignInFailed, match="Too many failed sign-ins"):
        auth.sign_in_with(db, "ghost", "guess")
    assert auth.throttle_delay(4).total_seconds() == 0
    assert auth.throttle_delay(5) < auth.throttle_delay(6) < auth.throttle_delay(9) <= auth.MAX_DELAY
    from helpdesk_tui.desk import security

    with db.read() as s:
        boss = s.get(__import__("helpdesk_tui.store.models", fromlist=["Person"]).Person, 1)
        rows = security.audit(s, boss, login="ivan")
    assert [r.kind for r in rows[:2]] == ["sign_in_throttled", "sign_in_failed"]
    assert rows[1].person == "Іван Петренко"


def test_the_delay_ends_and_the_right_password_gets_in(db):
    seed(db)
    _set_password(db, "ivan")
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in_with(db, "ivan", "guess")
    from sqlalchemy import update

    from helpdesk_tui.store.models import SecurityEvent
    from helpdesk_tui.store.types import utcnow

    with db.write() as s:  # the failures were a while ago
        from datetime import timedelta

        s.execute(update(SecurityEvent).values(at=utcnow() - timedelta(minutes=16)))
    assert auth.sign_in_with(db, "ivan", "correct-horse-1").login == "ivan"


def test_an_unknown_login_takes_as_long_as_a_wrong_password(sqlite_db):
    seed(sqlite_db)
    _set_password(sqlite_db, "ivan")

    def timed(login: str) -> float:
        start = time.perf_counter()
        with pytest.raises(auth.SignInFailed):
            auth.sign_in_with(sqlite_db, login, "guess")
        return time.perf_counter() - start

    known = statistics.median(timed("ivan") for _ in range(3))
    unknown = statistics.median(timed(f"ghost{i}") for i in range(3))
    # A hash check is ~0.1-0.5 s here; without the dummy check an unknown login took ~1 ms.
    assert unknown > known * 0.5, (known, unknown)


def test_role_password_and_activity_changes_are_audited(db):
    w = seed(db)
    with db.write() as s:
        admin.update_person(s, w.admin, s.get(type(w.analyst), w.analyst.id), password="another-pass-1")
        admin.set_roles(s, w.admin, s.get(type(w.analyst), w.analyst.id), {Role.ANALYST, Role.ADMIN})
        admin.update_person(s, w.admin, s.get(type(w.colleague), w.colleague.id), active=False)
    from helpdesk_tui.desk import security

    with db.read() as s:
        rows = security.audit(s, s.get(type(w.admin), w.admin.id))
    assert [(r.kind, r.person, r.actor) for r in rows[:3]] == [
        ("person_deactivated", "Марія Коваль", "Адмін Системи"),
        ("roles_changed", "Іван Петренко", "Адмін Системи"),
        ("password_changed", "Іван Петренко", "Адмін Системи"),
    ]
    with db.read() as s, pytest.raises(Exception, match="needs one of these roles"):
        security.audit(s, s.get(type(w.caller), w.caller.id))


def test_an_empty_password_is_refused_not_taken_as_none(db):
    w = seed(db)
    with db.write() as s, pytest.raises(RuleViolation, match="at least 8 characters"):
        admin.create_person(s, w.admin, login="empty", full_name="Порожній Пароль", roles={Role.ANALYST}, password="")


def test_demo_signs_in_only_to_a_database_it_made(shell, db):
    _refused(shell("demo", "--no-tui"), "holds a real desk's data, not a demo")
    _refused(shell("--as", "admin", "demo", "--no-tui"), "The demo opens as its own analyst")
