"""The fast first frame (quickstart.py): the last session's recipe shows the home tab's rows,
read live, before the store is loaded; anything else waits for the real workspace."""

from __future__ import annotations

import asyncio

from helpdesk_tui import quickstart
from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.config import Settings
from helpdesk_tui.desk import incidents
from tests.tui import list_settled, screen_text, wait_for, workspace_ready
from tests.world import seed_desk


def _run(url, scenario):
    async def main():
        app = HelpdeskApp(Settings(db_url=url), login="ivan", trusted=True, jobs=False, feed_interval=0.2)
        async with app.run_test(size=(120, 40)) as pilot:
            await scenario(app, pilot)

    asyncio.run(main())


def test_the_second_start_paints_from_the_recipe_with_current_rows_then_hands_over(sqlite_db):
    db, w, _made = seed_desk(sqlite_db)
    url = db.url

    async def first(app, pilot):
        await workspace_ready(pilot)
        assert app.early is None  # no recipe yet: the ordinary way in
        await wait_for(pilot, lambda: quickstart.load(url, "ivan") is not None, what="the recipe")

    _run(url, first)
    recipe = quickstart.load(url, "ivan")
    assert recipe["dashboard"] == "analyst" and recipe["tab"] == "unclassified"
    with db.write() as s:  # made between the two sessions: the recipe holds SQL, not rows
        incidents.register_incident(s, w.colleague, short_description="Нове між сеансами", caller=w.caller,
                                    group=w.first_line)

    async def second(app, pilot):
        await wait_for(pilot, lambda: app.workspace is not None)
        early = app.workspace
        assert type(early).__name__ == "EarlyWorkspace"
        screen = await workspace_ready(pilot)
        rows = sorted(line.row["short_description"] for line in screen.current.window.lines if line.row)
        assert rows == sorted(["unclassified", "Нове між сеансами"])
        await wait_for(pilot, lambda: early._real is not None, what="the real workspace")
        await pilot.press("2")  # everything beyond the home tab comes from the real store
        await list_settled(pilot)
        await wait_for(pilot, lambda: "Active incidents of my team (7)" in screen_text(app), what="the counts")

    _run(url, second)


def test_a_recipe_from_another_schema_is_not_used(sqlite_db):
    db, _w, _made = seed_desk(sqlite_db)
    url = db.url

    async def first(app, pilot):
        await workspace_ready(pilot)
        await wait_for(pilot, lambda: quickstart.load(url, "ivan") is not None)

    _run(url, first)
    recipe = quickstart.load(url, "ivan")
    recipe.pop("format")
    quickstart.save(url, "ivan", {**recipe, "schema": "an-older-revision"})
    assert quickstart.EarlyWorkspace.open(url, "ivan") is None

    async def second(app, pilot):
        await workspace_ready(pilot)
        assert app.early is None and type(app.workspace).__name__ == "Workspace"

    _run(url, second)
