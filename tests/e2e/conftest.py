"""Browser tests: one live gunicorn server on a fresh demo database for the whole run,
one headless Chromium (Debian's, driven by Playwright), and a fresh context per test.

Helpers for the tests live here too: ``login``, ``logout``, ``set_language``, ``screenshot``,
``nav_paths``, ``lecturer_count``, ``page_scrolls_sideways`` and ``ui`` (the text the server
shows for an English msgid: tests never hard-code Vietnamese)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (not resolved: keep the venv's wrappers)
CHROMIUM = os.environ.get("LECTERN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "lectern-demo"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
DEFAULT_LOCALE = "vi"


# -- the live server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/healthz did not answer within {timeout} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory) -> Path:
    """The live server's folder: its SQLite database ``e2e.db`` and its uploads."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def live_database_url(live_folder) -> str:
    """The live server's database, for tests that prepare records through the services."""
    return f"sqlite:///{live_folder / 'e2e.db'}"


@pytest.fixture(scope="session")
def live_server(live_folder, live_database_url) -> str:
    """The base URL of gunicorn serving a freshly migrated database with the demo data."""
    tmp = live_folder
    env = dict(os.environ)
    env.update({
        "LECTERN_ENV": "demo",
        "DATABASE_URL": live_database_url,
        "FLASK_APP": "app:create_app",
        "LECTERN_UPLOAD_FOLDER": str(tmp / "uploads"),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.pop("SECRET_KEY", None)  # the demo configuration's key; a short outside one would be refused
    _run([str(BIN / "flask"), "db", "upgrade"], env)
    _run([str(BIN / "flask"), "demo", "load"], env)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            _wait_until_healthy(base_url, server, log_path)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# -- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (run `make chromium`)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """A factory: ``new_page("phone")`` is a page in its own fresh context (no cookies)."""
    contexts = []

    def make(viewport: str = "desktop"):
        context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport],
                                      is_mobile=viewport == "phone", has_touch=viewport == "phone",
                                      locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.viewport_name = viewport
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page (1280×800) in a fresh context."""
    return new_page("desktop")


@pytest.fixture
def phone(new_page):
    """A phone page (390×844, touch) in a fresh context."""
    return new_page("phone")


# -- helpers ----------------------------------------------------------------------------------


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form[action$='/login'] button[type=submit]")
    assert urlsplit(page.url).path == "/home", f"sign-in as {username} failed: {page.url}"


def logout(page) -> None:
    """Sign out with the form in the account menu (opened first, as a user would)."""
    page.click("details.account-menu > summary")
    with page.expect_navigation():
        page.click("form[action$='/logout'] button[type=submit]")
    assert urlsplit(page.url).path == "/login"


def set_language(page, lang: str) -> None:
    """Press the header's language button if the page is not already in ``lang``."""
    if page.get_attribute("html", "lang") == lang:
        return
    with page.expect_navigation():
        page.click(f"form.lang-switch button[name=lang][value={lang}]")
    assert page.get_attribute("html", "lang") == lang


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG as tests/e2e/screenshots/<name>-<viewport>.png (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-{getattr(page, 'viewport_name', 'page')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def nav_paths(page) -> list[str]:
    """The paths the main navigation links to, in order."""
    hrefs = page.eval_on_selector_all("header .menu nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [urlsplit(href).path for href in hrefs]


def lecturer_count(page) -> int:
    """The number in the lecturer list's count line ("16 lecturers"), whatever the language."""
    return int(re.search(r"\d+", page.locator("main p.count").inner_text()).group())


def page_scrolls_sideways(page) -> bool:
    """True when the whole page is wider than the viewport (tables may scroll in .table-wrap)."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """The compiled catalogue the server uses for ``lang`` (empty when not compiled)."""
    path = REPO_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return {}
    from babel.messages.mofile import read_mo

    with open(path, "rb") as handle:
        catalog = read_mo(handle)
    return {message.id: message.string for message in catalog  # pgettext entries (a context) are other words
            if message.id and isinstance(message.id, str) and message.string and not message.context}


def ui(english: str, lang: str = DEFAULT_LOCALE) -> str:
    """The text the server shows for the msgid ``english`` in ``lang``: the translation when
    the compiled catalogue has one, else the msgid itself (what gettext falls back to).
    Tests never hard-code Vietnamese: when translations/ is filled and compiled this follows."""
    if lang == "en":
        return english
    return _catalogue(lang).get(english, english)


def path_of(url: str) -> str:
    return urlsplit(url).path


LECTURER_PATH = re.compile(r"^/lecturers/\d+$")
