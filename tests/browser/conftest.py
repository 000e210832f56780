"""Browser tests: one Chromium per test session, a fresh context (cookies, storage) per test.

Playwright drives Debian's Chromium (`playwright install` cannot download browsers on every machine); set
CHROMIUM_PATH (environment or Django setting) when it lives elsewhere than /usr/bin/chromium. Screenshots go to
test-artifacts/, which CI keeps when a journey fails.
"""

import asyncio
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from conftest import skip_or_fail

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    return getattr(settings, "CHROMIUM_PATH", None) or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed: pip install -r requirements-dev.txt")
    path = chromium_path()
    if not Path(path).exists():
        skip_or_fail(f"Chromium not found at {path}: apt-get install chromium, or set CHROMIUM_PATH")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
    # running loop unless told that this is safe, and in tests it is (the calls are not concurrent).
    # pytest calls this fixture from plain synchronous code, so no event loop can really be running in this
    # thread now. A library used by an earlier test in the same worker process can leave the thread marked as
    # running one; Playwright's sync API refuses to start then, so the stale mark is cleared.
    if asyncio._get_running_loop() is not None:
        asyncio._set_running_loop(None)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_page(browser, live_server, viewport, **options):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page in a fresh context, with `base_url` set to the live server."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors on the page: {page.js_errors}"


@pytest.fixture
def phone_page(browser, live_server):
    """A 390x844 touch page, the size of a current phone."""
    context, page = _new_page(browser, live_server, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()
    assert not page.js_errors, f"JavaScript errors on the page: {page.js_errors}"


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves test-artifacts/<test>-<name>.png of the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{prefix}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(password):
    """login(page, user) signs a user in through the log-in page and waits for the dashboard."""

    def do(page, user, password_=None):
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password_ or password)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/dashboard/")
        return page

    return do
