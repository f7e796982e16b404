"""`helpdesk portal`: the callers' web portal, served by uvicorn on [portal] host and port.

In production it listens on the loopback behind a reverse proxy that terminates TLS (README);
`--proxy-headers` trusts the proxy's X-Forwarded-For and X-Forwarded-Proto from the addresses in
`--forwarded-allow-ips` (uvicorn's default: 127.0.0.1), so rate limits count callers, not the proxy.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.output import say
from helpdesk_tui.cli.state import state
from helpdesk_tui.i18n import _


def portal(
    host: Annotated[Optional[str], typer.Option("--host", help="Listen on this address ([portal] host).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Listen on this port ([portal] port).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes.")] = 1,
) -> None:
    """Serve the callers' web portal (sign-in by e-mailed link, their tickets, replies, new incidents)."""
    import uvicorn

    db = state.ready_db()
    cfg = state.settings.portal
    _configure(state.settings)
    say(_("The portal listens on {host}:{port}; its links point to {url}").format(
        host=host or cfg.host, port=port or cfg.port, url=cfg.base_url))
    if workers > 1:
        # Each worker process builds its own app from the same config (the factory below), and
        # the database this command was given (--db) through the environment.
        import os

        os.environ["HELPDESK_DB"] = state.settings.db_url
        uvicorn.run("helpdesk_tui.cli.portal:app_from_config", factory=True, host=host or cfg.host,
                    port=port or cfg.port, workers=workers, proxy_headers=True, server_header=False)
        return
    from helpdesk_tui.portal.app import create_app

    app = create_app(db, base_url=cfg.base_url, secure_cookies=cfg.secure_cookies)
    uvicorn.run(app, host=host or cfg.host, port=port or cfg.port, proxy_headers=True, server_header=False)


def _configure(settings) -> None:  # type: ignore[no-untyped-def]
    """The portal's presets (R19) and its files' limits, as mail's ([mail] max_attachment_bytes)."""
    from helpdesk_tui.desk import portal_files, portal_tickets

    portal_tickets.configure(portal_tickets.PortalPresets(group=settings.portal.group))
    portal_files.configure(portal_files.FileLimits(max_bytes=settings.max_attachment_bytes))


def app_from_config():  # type: ignore[no-untyped-def]
    """The portal app as each of uvicorn's worker processes builds it: from the config."""
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.launch import configure
    from helpdesk_tui.portal.app import create_app
    from helpdesk_tui.store.db import Database

    settings = load_settings()
    configure(settings)
    _configure(settings)
    return create_app(Database(settings.db_url), base_url=settings.portal.base_url,
                      secure_cookies=settings.portal.secure_cookies)


def register(app: typer.Typer) -> None:
    app.command("portal")(portal)
