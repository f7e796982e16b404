"""Signing in from the shell (like `gh auth login`), API tokens, SSH keys and the audit journal."""

from __future__ import annotations

import getpass
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

token_app = typer.Typer(help="API tokens for scripts and automation (HELPDESK_TOKEN).", no_args_is_help=True)
keys_app = typer.Typer(help="SSH keys: each analyst's key signs them in through the service account.",
                       no_args_is_help=True)


def login(
    user: Annotated[Optional[str], typer.Argument(help="Your login or e-mail (asked when left out).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Sign in once; later commands act as you until the sign-in expires or `helpdesk logout`."""
    from helpdesk_tui.cli import signin_store
    from helpdesk_tui.desk import auth, tokens
    from helpdesk_tui.mail.signin import imap_password_check

    settings = state.settings
    if settings.auth_method == "os":
        say(_("This desk signs you in as your OS user; there is nothing to sign in to"))
        return
    db = state.ready_db()
    if user is None:
        if not sys.stdin.isatty():
            raise DeskError(_("Name who signs in: helpdesk login LOGIN --password-stdin"))
        user = typer.prompt(_("Login"))
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(_("Password: "))
    else:
        raise DeskError(_("No terminal to ask the password on: use --password-stdin"))
    check = imap_password_check(settings.imap) if settings.auth_method == "imap" and settings.imap.host else None
    who = auth.sign_in_with(db, user, password, method=settings.auth_method, imap_check=check, source="cli")
    with db.write() as session:
        from helpdesk_tui.store.models import Person

        issued = tokens.issue(session, session.get(Person, who.person_id), kind="session",  # type: ignore[arg-type]
                              name=_("command line"), lifetime=timedelta(hours=settings.session_hours))
        expires = issued.token.expires_at
    where = signin_store.save(settings.db_url, issued.secret)
    say(_("Signed in as {name} ({login}) until {until}; kept in {where}").format(
        name=who.full_name, login=who.login, until=when(expires), where=where))


def logout() -> None:
    """Sign out here: the sign-in stops working at once."""
    from helpdesk_tui.cli import signin_store
    from helpdesk_tui.desk import tokens

    secret = signin_store.forget(state.settings.db_url)
    if secret is None:
        say(_("You were not signed in here"))
        return
    with state.write() as session:
        tokens.end_session(session, secret)
    say(_("Signed out"))


def whoami(as_json: JsonOpt = False) -> None:
    """Who the commands act as, and how that was decided."""
    from helpdesk_tui.desk.common import roles_of

    with state.read() as s:
        person = state.actor(s)
        roles = sorted(r.value for r in roles_of(s, person))  # type: ignore[arg-type]
        data = {"login": person.login, "full_name": person.full_name, "roles": roles}  # type: ignore[union-attr]
    if as_json:
        emit_json(data)
    else:
        from helpdesk_tui.domain.statuses import Role

        say(f"{data['full_name']} ({data['login']}): " + ", ".join(Role(r).label for r in roles))


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="What will use it, e.g. «nightly report».")],
    days: Annotated[Optional[int], typer.Option("--days", help="Expire after this many days (default: never).")] = None,
    user: Annotated[Optional[str], typer.Option("--for", help="Administrators: a token for this person.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make an API token; it is shown once: put it in HELPDESK_TOKEN where the script runs."""
    from helpdesk_tui.desk import lookup, tokens

    with state.write() as s:
        actor = state.actor(s)
        owner = lookup.find_person(s, user) if user else None
        issued = tokens.create_api_token(s, actor, name=name, days=days, person=owner)
        data = {"id": issued.token.id, "name": issued.token.name, "token": issued.secret,
                "expires_at": issued.token.expires_at}
    if as_json:
        emit_json(data)
    else:
        say(issued.secret)
        say(_("Token {id} «{name}»: shown only now; keep it where the script reads HELPDESK_TOKEN").format(
            id=data["id"], name=data["name"]))


@token_app.command("list")
def token_list(
    everyone: Annotated[bool, typer.Option("--all", help="Administrators: everyone's tokens.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Your tokens (never their secrets)."""
    from helpdesk_tui.desk import tokens

    with state.read() as s:
        rows = tokens.list_tokens(s, state.actor(s), everyone=everyone)
    if as_json:
        emit_json([r.__dict__ for r in rows])
        return
    kinds = {"session": _("sign-in"), "api": _("API")}
    table([_("Id"), _("Login"), _("Kind"), _("Name"), _("Created"), _("Expires"), _("Last used"), _("Revoked")],
          [(r.id, r.login, kinds.get(r.kind, r.kind), r.name, when(r.created_at), when(r.expires_at) or _("never"),
            when(r.last_used_at), when(r.revoked_at)) for r in rows])


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="The token's id (token list).", min=1, max=2**31 - 1)]) -> None:
    """Revoke a token: it stops working at once."""
    from helpdesk_tui.desk import tokens

    with state.write() as s:
        tokens.revoke(s, state.actor(s), token_id)
    say(_("Token {id} revoked").format(id=token_id))


@keys_app.command("add")
def keys_add(
    login: str,
    keyfile: Annotated[Path, typer.Argument(help="The person's public key file (id_ed25519.pub).")],
) -> None:
    """Register a person's public SSH key; `ssh-keys sync` then lets it in."""
    from helpdesk_tui.desk import lookup, ssh_keys

    try:
        text = keyfile.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeskError(_("Cannot read {file}: {detail}").format(file=keyfile, detail=getattr(exc, "strerror", None) or exc)) from None
    with state.write() as s:
        row = ssh_keys.add_key(s, state.actor(s, required=False), lookup.find_person(s, login), text)
        fingerprint = row.fingerprint
    say(_("Added {fingerprint} for {login}; run `helpdesk ssh-keys sync` to let it in").format(
        fingerprint=fingerprint, login=login))


@keys_app.command("list")
def keys_list(as_json: JsonOpt = False) -> None:
    """Every registered key with its person."""
    from helpdesk_tui.desk import ssh_keys

    with state.read() as s:
        rows = ssh_keys.list_keys(s, state.actor(s, required=False))
    if as_json:
        emit_json([r.__dict__ for r in rows])
        return
    table([_("Id"), _("Login"), _("Name"), _("Type"), _("Fingerprint"), _("Comment"), _("Added")],
          [(r.id, r.login, r.full_name, r.key_type, r.fingerprint, r.comment, when(r.created_at)) for r in rows])


@keys_app.command("remove")
def keys_remove(key: Annotated[str, typer.Argument(help="The key's id or SHA256 fingerprint.")]) -> None:
    """Forget a key; `ssh-keys sync` then shuts it out."""
    from helpdesk_tui.desk import ssh_keys

    with state.write() as s:
        row = ssh_keys.remove_key(s, state.actor(s, required=False), key)
        fingerprint = row.fingerprint
    say(_("Removed {fingerprint}; run `helpdesk ssh-keys sync` to shut it out").format(fingerprint=fingerprint))


@keys_app.command("sync")
def keys_sync(
    file: Annotated[Optional[Path], typer.Option("--file", help="The service account's authorized_keys.")] = None,
    program: Annotated[Optional[str], typer.Option("--program", help="The helpdesk command sshd runs.")] = None,
) -> None:
    """Write every active person's keys into authorized_keys, each with its forced command."""
    import os

    from helpdesk_tui.desk import ssh_keys

    target = file or Path.home() / ".ssh" / "authorized_keys"
    command = program or _this_program()
    with state.write() as s:
        block = ssh_keys.authorized_block(s, state.actor(s, required=False), command)
        try:
            existing = target.read_text(encoding="utf-8") if target.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise DeskError(_("Cannot read {file}: {detail}").format(file=target, detail=exc)) from None
        text = ssh_keys.merge_block(existing, block)
        part = target.with_name(target.name + ".helpdesk-part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(part, target)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise DeskError(_("Cannot write {file}: {detail}").format(file=target, detail=exc.strerror or exc)) from None
    say(_("Wrote {n} keys into {file}").format(n=len(block) - 2, file=target))


def _this_program() -> str:
    """The absolute path of the helpdesk command now running (sshd has no PATH of ours)."""
    import shutil

    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else "helpdesk"
    found = argv0 if "/" in argv0 else shutil.which(argv0)
    return str(Path(found or argv0).resolve())


def audit(
    user: Annotated[Optional[str], typer.Option("--login", help="Only this login's events.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind, e.g. sign_in_failed.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 200,
    as_json: JsonOpt = False,
) -> None:
    """The security journal: sign-ins, failures, role, password, token and key changes."""
    from helpdesk_tui.desk import security

    with state.read() as s:
        rows = security.audit(s, state.actor(s, required=False), login=user, kind=kind, limit=limit)
    if as_json:
        emit_json([r.__dict__ for r in rows])
        return
    table([_("When"), _("Event"), _("Login"), _("Person"), _("By"), _("Through"), _("Detail")],
          [(when(r.at), security.event_label(r.kind), r.login, r.person, r.actor, security.source_label(r.source),
            r.detail) for r in rows])


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)
    app.command("audit")(audit)
    app.add_typer(token_app, name="token")
    app.add_typer(keys_app, name="ssh-keys")
