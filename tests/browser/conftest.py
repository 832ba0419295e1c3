"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Chromium is looked up on PATH (or in $CHROMIUM). Without it the browser tests are skipped with
the reason, except under CI, where a missing browser is a failure.

Every test runs twice, on a desktop (1,440 px) and on a phone (390 px), and every page it
loads is audited: the page must not scroll sideways, and axe-core must find no serious or
critical violation (`page_audit`).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grid.models import Grid
from grid.reference import install_reference_grid
from territories.loading import load_territories
from territories.models import Commune, Departement, Region
from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), "chromium", "chromium-browser"]
    return next((shutil.which(c) for c in candidates if c and shutil.which(c)), None)


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if chromium_path() is None and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason="Chromium not found (apt-get install chromium)")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required under CI: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": path, "headless": True,
            "args": CHROMIUM_ARGS}  # fmt: skip


# A desktop screen and a phone (an iPhone 12-15's CSS width); the phone honours the page's
# viewport meta tag and has a touch screen, as a real one.
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(params=list(VIEWPORTS))
def browser_context_args(browser_context_args, request):
    # The journeys are written in French: a browser set to English would get English pages.
    return {**browser_context_args, "locale": "fr-FR", **VIEWPORTS[request.param]}


@pytest.fixture
def is_phone(page) -> bool:
    return page.viewport_size["width"] < 768


AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"

# Run in every document the page loads, before its own scripts (through DevTools: the CSP,
# which refuses inline scripts, does not apply). On "load": the page's width at once, then
# axe-core's serious and critical violations, both sent back to the test.
AUDIT_SCRIPT = """
(() => {
  if (window.top !== window) { return; }
  window.addEventListener("load", () => {
    const root = document.documentElement;
    const url = location.pathname + location.search;
    window.__evalisAudit({kind: "width", url, scrollWidth: root.scrollWidth,
                          clientWidth: root.clientWidth});
    window.axe.run(document, {resultTypes: ["violations"]}).then((result) => {
      const serious = result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): `
                    + v.nodes.slice(0, 5).map((n) => n.target[0]).join(", "));
      window.__evalisAudit({kind: "axe", url, serious});
    });
  });
})();
"""


@pytest.fixture(autouse=True)
def page_audit(request, page):
    """Every page a browser test loads, at either width: no horizontal overflow
    (document.documentElement.scrollWidth <= clientWidth) and no serious or critical axe-core
    violation. Pages left before axe finished are only width-checked; `assert_accessible`
    checks a page in a given state (after typing, with errors shown)."""
    reports: list[dict] = []
    page.expose_binding("__evalisAudit", lambda _source, report: reports.append(report))
    page.context.add_init_script(script=AXE_SCRIPT.read_text(encoding="utf-8") + AUDIT_SCRIPT)
    yield reports
    # The page as the test leaves it, after its clicks and htmx swaps (unless it closed it).
    if not page.is_closed():
        reports.append({"kind": "width", "url": page.url, **page_width(page)})
    too_wide = [
        f"{r['url']}: {r['scrollWidth']} px for {r['clientWidth']}"
        for r in reports
        if r["kind"] == "width" and r["scrollWidth"] > r["clientWidth"]
    ]
    violations = [f"{r['url']}: {v}" for r in reports if r["kind"] == "axe" for v in r["serious"]]
    assert too_wide == [], f"pages wider than the screen: {too_wide}"
    assert violations == [], f"serious accessibility violations: {violations}"


def page_width(page) -> dict:
    return page.evaluate(
        "({scrollWidth: document.documentElement.scrollWidth,"
        " clientWidth: document.documentElement.clientWidth})"
    )


@pytest.fixture
def reference_data(transactional_db):
    """Live-server tests flush the database after each test, migrated data included:
    put the territories and the reference grid back when they are gone."""
    if not Region.objects.exists():
        load_territories(Region, Departement, Commune)
    if not Grid.objects.exists():
        from django.apps import apps

        install_reference_grid(apps.get_model)


def left_behind(request) -> bool:
    """What a page asks by itself once loaded, which the browser aborts when the test
    navigates on or ends first: the page did nothing wrong. Chromium's favicon, and an
    assessment form's running total (asked on load, so that a level picked before the
    scripts ran is counted). A missing favicon or a failing total still fails the test
    (HTTP 404 or 500 below)."""
    aborted = request.failure == "net::ERR_ABORTED"
    return aborted and (request.url.endswith("/favicon.svg") or request.url.endswith("/total/"))


@pytest.fixture
def browser_errors(page):
    """Console errors, page errors and failed requests seen by the page; asserted empty."""
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on(
        "requestfailed",
        lambda req: not left_behind(req) and errors.append(f"request failed: {req.url}"),
    )
    page.on(
        "response",
        lambda resp: resp.status >= 400 and errors.append(f"HTTP {resp.status}: {resp.url}"),
    )
    yield errors
    assert errors == []


@pytest.fixture
def site(live_server, reference_data, page, browser_errors):
    """A live server with reference data, and a page whose errors fail the test."""
    page.set_default_timeout(10_000)
    # Assertions wait as long as actions do: a loaded CI machine answers slower.
    expect.set_options(timeout=10_000)
    return live_server.url


@pytest.fixture
def open_form(page):
    """Follow a link to an assessment form and wait until its scripts have run: htmx binds
    the running total when the page has loaded, and a level picked before that is answered
    by no request at all (the total would stay "—", however long a test waits)."""

    def follow(name) -> None:
        page.get_by_role("link", name=name).click()
        page.wait_for_load_state("load")

    return follow


@pytest.fixture
def assert_accessible(page):
    """Run axe-core on the current page as it is now; fail on any serious or critical
    violation, or if the page scrolls sideways."""

    def check(context: str = "") -> None:
        width = page_width(page)
        assert width["scrollWidth"] <= width["clientWidth"], f"{context or page.url}: {width}"
        # axe is already in the page (page_audit's init script).
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{violation['id']} ({violation['impact']}): "
            + ", ".join(node["target"][0] for node in violation["nodes"][:5])
            for violation in result["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{context or page.url}: {serious}"

    return check


@pytest.fixture
def menu(page):
    """A link of the main navigation, by name; on a phone the collapsed menu is opened first,
    with its toggle button, as a person does."""

    def link(name: str, **kwargs):
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            # Opened, not opening: a click during Bootstrap's collapse transition can miss
            # the link on a loaded machine.
            expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bshow\b"))
        return page.locator("#nav-main").get_by_role("link", name=name, **kwargs)

    return link


@pytest.fixture
def login(page, site):
    """Sign in as `email` through the login form (after signing out whoever was in)."""

    def sign_in(email: str, password: str = PASSWORD, next_path: str = "") -> None:
        page.context.clear_cookies()
        page.goto(site + "/comptes/connexion/" + (f"?next={next_path}" if next_path else ""))
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        # Attached rather than visible: on a phone it sits in the collapsed menu.
        expect(
            page.get_by_role("button", name="Se déconnecter", include_hidden=True)
        ).to_be_attached()

    return sign_in


@pytest.fixture
def screenshot(page, tmp_path):
    """Save a full-page PNG of the current page as <name>.png, in $EVALIS_SCREENSHOTS when
    set (the README's screenshots come from there), else in the test's temporary directory.
    Pages longer than `max_height` pixels are cut there: a 9,000-pixel form shows nothing
    more in a README, and weighs a megabyte."""
    directory = Path(os.environ.get("EVALIS_SCREENSHOTS") or tmp_path)

    def take(name: str, max_height: int = 1600, start: str = "", phone: bool = False):
        """`start`: a CSS selector; the picture then begins just above that element, for a
        page whose point is far down (the holder's comparison under the project's text).
        On the phone run, only the pictures asked with `phone=True` are taken, as
        <name>-phone.png."""
        on_phone = page.viewport_size["width"] < 768
        if on_phone and not phone:
            return None
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}{'-phone' if on_phone else ''}.png"
        if on_phone:
            # What the phone's screen shows, its sticky bars where they stay: a full-page
            # picture would draw them at the top of an unscrolled page.
            # Instantly: Bootstrap makes scrolling smooth, and the picture would catch it midway.
            page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
            if start:
                page.locator(start).first.evaluate(
                    "(element) => element.scrollIntoView({behavior: 'instant'})"
                )
            page.screenshot(path=path, animations="disabled", caret="hide")
            return path
        # From the top, or sticky elements are drawn where the page happened to be scrolled.
        page.evaluate("window.scrollTo(0, 0)")
        height = page.evaluate("document.documentElement.scrollHeight")
        top = max(int(page.locator(start).bounding_box()["y"]) - 16, 0) if start else 0
        clip = {"x": 0, "y": top, "width": page.viewport_size["width"],
                "height": min(height - top, max_height)}  # fmt: skip
        page.screenshot(path=path, full_page=True, clip=clip, animations="disabled", caret="hide")
        return path

    return take
