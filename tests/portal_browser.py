"""A real browser for the portal's tests: Debian's chromium driven by its own chromium-driver
(no browser download), and the portal served by uvicorn on a loopback port."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from helpdesk_tui.portal.app import create_app
from tests.smtp_server import free_port
from tests.strict_ci import skip_or_fail

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def browser():  # type: ignore[no-untyped-def]
    """Headless chromium, or a skip outside CI when the packages are missing (CI installs them:
    there a missing browser fails the test, never skips it)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        skip_or_fail("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=412,915", "--lang=uk"):  # a phone's width: the portal must read there
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "uk-UA,uk"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture
def served(sqlite_db) -> Iterator[tuple[object, object, str]]:
    """The portal on a loopback port, over the test's database."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(sqlite_db, base_url=base, secure_cookies=False)  # plain http on loopback
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    try:
        yield sqlite_db, app, base
    finally:
        server.should_exit = True
        thread.join(10)
