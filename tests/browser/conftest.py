"""The browser tests: Debian's chromium, driven by Playwright, against a live server.

One browser per test module (launching one costs about a second); each test opens its own
context (its own cookies) on it. Not one for the whole run: Playwright's sync API keeps an
event loop running in this thread while it is started, and Django refuses the ORM in a
thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The browser modules set
it for as long as their browser runs, and no other test runs with it.

The live server is pytest-django's, in a thread of this process: it shares the test
database (on SQLite too: pytest-django hands the thread the in-memory connection), the
settings a test changes, and Django's mail outbox. A transactional test database empties
itself after each test, so every test loads the preset products again (`presets` below)
and starts from nothing else.
"""

import os

import pytest
from django.core.cache import cache
from playwright.sync_api import sync_playwright

from gemcare.catalog import selectors

CHROMIUM = "/usr/bin/chromium"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# A wide screen, for the screenshots too; the counter sale page is also shot phone-sized.
VIEWPORT = {"width": 1280, "height": 900}
# How long a page may take to answer or an element to appear, in milliseconds.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        missing = f"The browser tests drive Debian's chromium ({CHROMIUM}): apt install chromium"
        # CI installs it and insists (.ci/run); a newcomer's first `make test` is told why
        # these tests did not run instead of failing for a browser the machine lacks.
        if os.environ.get("GEMCARE_BROWSER_TESTS_REQUIRED"):
            pytest.fail(missing)
        pytest.skip(missing)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # The test's own database calls are not async code; see the module's docstring.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # --no-sandbox: chromium's sandbox refuses to start as root, as in a container.
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def browser_settings(settings, tmp_path):
    """Emails are sent by the task as soon as the change commits, into Django's outbox;
    the customer site's forms take a person's fill time as zero; uploads go to the test's
    own folder."""
    settings.TASKS = IMMEDIATE
    settings.GEMCARE_CUSTOMER_MIN_FILL_SECONDS = 0
    settings.GEMCARE_CUSTOMER_SIGN_IN_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def caches_cleared():
    """Published terms are kept per process by row id, and ids are reused after a flush."""
    selectors._plan_terms.clear()
    selectors._ratings.clear()
    cache.clear()
    yield
    selectors._plan_terms.clear()
    selectors._ratings.clear()
    cache.clear()


@pytest.fixture
def presets(transactional_db):
    """The preset products, loaded for each test (its database is emptied after it)."""
    from gemcare.catalog.services import presets_load
    from gemcare.common.callers import Caller

    presets_load(caller=Caller.system("presets"))


@pytest.fixture
def page(browser, live_server):
    """A fresh context (no cookies) and its page, with the live server as base address."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Another person's browser in the same test (another context: its own cookies)."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def people(presets):
    from browser_support import People

    return People()
