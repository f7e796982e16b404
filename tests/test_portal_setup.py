"""The portal as an entry point (issue 20): no Textual and no mail module in it, its [portal]
settings checked like the others, `helpdesk portal` registered and gated, and the sign-in mail
in the caller's own language."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from helpdesk_tui import config_schema
from helpdesk_tui.config import load_settings
from helpdesk_tui.desk import access, admin, portal_auth
from helpdesk_tui.desk.access import Need
from helpdesk_tui.store.models import OutboxMessage, Person
from tests.portal_client import BASE, token_in
from tests.world import seed


def test_the_portal_imports_neither_textual_nor_mail():
    code = ("import sys\n"
            "import helpdesk_tui.portal.app, helpdesk_tui.portal.signin, helpdesk_tui.portal.tickets\n"
            "assert 'textual' not in sys.modules, 'textual imported by the portal'\n"
            "assert not any(m.startswith('helpdesk_tui.mail') for m in sys.modules), 'the portal imports mail'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_portal_settings(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[portal]\nhost = "0.0.0.0"\nport = 8443\nbase_url = "https://help.example.org/"\n'
                    'secure_cookies = false\ngroup = "Перша лінія"\n', encoding="utf-8")
    settings = load_settings(path, environ={})
    assert (settings.portal.host, settings.portal.port, settings.portal.base_url, settings.portal.secure_cookies,
            settings.portal.group) == ("0.0.0.0", 8443, "https://help.example.org", False, "Перша лінія")
    defaults = load_settings(tmp_path / "none.toml", environ={}).portal
    assert defaults.secure_cookies is True and defaults.port == 8080


@pytest.mark.parametrize("raw,words", [
    ({"portal": {"port": 0}}, "[portal] port = 0: a port number"),
    ({"portal": {"base_url": "ftp://x"}}, "[portal] base_url = 'ftp://x'"),
    ({"portal": {"secure_cookies": "yes"}}, "[portal] secure_cookies = 'yes': true"),
    ({"portal": {"listen": "x"}}, "[portal] has no setting «listen»"),
])
def test_bad_portal_settings_are_one_line(raw, words):
    with pytest.raises(ValueError) as refused:
        config_schema.validate(raw)
    assert str(refused.value).startswith(words)


def test_the_command_is_registered_and_needs_the_service_account():
    from helpdesk_tui.cli import app

    assert access.need_of("portal") is Need.SYSTEM
    result = CliRunner().invoke(app, ["portal", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_the_sign_in_mail_speaks_the_callers_language(db):
    w = seed(db)
    with db.write() as s:
        john = admin.create_person(s, s.get(Person, w.admin.id), login="john", full_name="John Smith",
                                   email="john@client.example")
        admin.update_person(s, s.get(Person, w.admin.id), john, language="en")
    for address, words in (("john@client.example", "To sign in to"), ("olena@client.example", "Щоб увійти до")):
        with db.write() as s:
            sent = portal_auth.request_link(s, address, client="192.0.2.1", base_url=BASE)
        with db.read() as s:
            message = s.get(OutboxMessage, sent.outbox_id)
            assert words in message.body and "\n" not in message.subject
            assert token_in(message.body)


def test_an_administrator_sets_a_clients_portal_sharing_from_the_shell(db, capsys):
    from sqlalchemy import select

    from helpdesk_tui.cli import main
    from helpdesk_tui.store.models import Organisation

    w = seed(db)
    with db.write() as s:
        admin.create_organisation(s, s.get(Person, w.admin.id), name="ТОВ «Клієнт»")
    # Through `main`, as the shell runs it: it says which command is being authorised.
    code = main(["--db", db.url, "--as", "admin", "client", "portal-sharing", "ТОВ «Клієнт»", "on"])
    assert code == 0, capsys.readouterr().err
    with db.read() as s:
        assert s.execute(select(Organisation.portal_shared)).scalar_one() is True
    code = main(["--db", db.url, "--as", "ivan", "client", "portal-sharing", "ТОВ «Клієнт»", "off"])
    assert code != 0
    with db.read() as s:
        assert s.execute(select(Organisation.portal_shared)).scalar_one() is True


def test_only_a_demo_database_serves_the_portal_with_nobody_signed_in(db):
    """README's demo runs `helpdesk portal` as it runs `helpdesk demo`: on the demo's own
    made-up data only; a real desk's database needs the service account or an administrator."""
    from helpdesk_tui.desk.demo import mark_demo
    from helpdesk_tui.domain.errors import PermissionDenied

    w = seed(db)
    with db.read() as s:
        with pytest.raises(PermissionDenied, match="portal"):
            access.authorise(s, "portal", None, trusted_os=False)
        with pytest.raises(PermissionDenied):
            access.authorise(s, "portal", s.get(Person, w.analyst.id), trusted_os=False)
        access.authorise(s, "portal", s.get(Person, w.admin.id), trusted_os=False)
    with db.write() as s:
        mark_demo(s)
    with db.read() as s:
        access.authorise(s, "portal", None, trusted_os=False)
        with pytest.raises(PermissionDenied):  # only that command: the rest still asks
            access.authorise(s, "jobs run", None, trusted_os=False)
