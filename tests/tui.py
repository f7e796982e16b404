"""Driving the terminal interface in tests: an app on a test database, waiting for what a user
would wait for, and the screen as text."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.pilot import Pilot  # noqa: E402

from helpdesk_tui.app import HelpdeskApp  # noqa: E402
from helpdesk_tui.config import Settings  # noqa: E402
from helpdesk_tui.store.db import Database  # noqa: E402


def make_app(db: Database, login: str | None = "ivan", *, trusted: bool = True, role: str | None = None,
             method: str = "local", keymap: dict[str, str] | None = None, **kw: Any) -> HelpdeskApp:
    settings = Settings(db_url=db.url, auth_method=method, keymap=keymap or {})
    return HelpdeskApp(settings, database=db, login=login, trusted=trusted, role=role, jobs=False,
                       feed_interval=0.2, **kw)


def screen_text(app: HelpdeskApp) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> None:
    """Let the app work until `condition` holds (workers run in threads, so time must pass)."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError(f"timed out waiting for {what or condition}:\n{screen_text(pilot.app)}")  # type: ignore[arg-type]
        await pilot.pause(0.05)
        waited += 0.05


def notifications(app: HelpdeskApp) -> list[str]:
    return [n.message for n in app._notifications]


async def wait_notified(pilot: Pilot[Any], text: str, timeout: float = 10.0) -> None:
    await wait_for(pilot, lambda: any(text in m for m in notifications(pilot.app)), timeout,  # type: ignore[arg-type]
                   what=f"a message with {text!r}")


def type_at_once(app: HelpdeskApp, keys: Iterable[str]) -> None:
    """Keys as a terminal delivers them while the program is busy (a fast typist, a slow SSH
    link, a moment of work): all of them queued before the first is handled. Pilot's `press`
    instead waits for each key to be handled, which hides keys overtaking one another."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:  # made as Pilot makes them
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def wait_text(pilot: Pilot[Any], text: str, timeout: float = 10.0) -> None:
    await wait_for(pilot, lambda: text in screen_text(pilot.app), timeout, what=repr(text))  # type: ignore[arg-type]


async def workspace_ready(pilot: Pilot[Any]) -> Any:
    """The workspace screen with its first list loaded."""
    from helpdesk_tui.screens.workspace import WorkspaceScreen

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen) and app.screen.current is not None
                   and app.screen.current.window.loaded and not app.screen.current._loading, what="the workspace")
    await pilot.pause()
    return app.screen


async def list_settled(pilot: Pilot[Any]) -> Any:
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.current is not None and screen.current.window.loaded
                   and not screen.current._loading, what="the list")
    await pilot.pause()
    return screen.current


def drive(db: Database, scenario: Callable[[HelpdeskApp, Pilot[Any]], Any], *, size: tuple[int, int] = (120, 40),
          **app_kw: Any) -> None:
    """Run `scenario(app, pilot)` against an app on `db`, headless, at `size`."""
    import asyncio

    async def main() -> None:
        app = make_app(db, **app_kw)
        async with app.run_test(size=size) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


async def open_mine(app: HelpdeskApp, pilot: Pilot[Any]) -> Any:
    """The first incident of «Інциденти, які потребують мого втручання», opened (tests.world.seed_desk)."""
    from helpdesk_tui.screens.record import RecordScreen

    screen = await workspace_ready(pilot)
    screen.go_to("analyst", "my-action")
    await list_settled(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
    return app.screen


async def new_incident_with_caller(app: HelpdeskApp, pilot: Pilot[Any]) -> Any:
    """The new-incident form with «Олена Шевченко» chosen as the caller (tests.world.seed), the
    cursor in the short description."""
    from helpdesk_tui.screens.incident_form import IncidentFormScreen

    await workspace_ready(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
    await pilot.press(*"Шевч")
    await wait_text(pilot, "Олена Шевченко (olena)")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.focused.id == "short")
    return app.screen
