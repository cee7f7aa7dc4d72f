"""The dashboard (``/_mock/ui``) driven in headless Chromium through Selenium: what a user sees and
does there. Every other host is unresolvable, as offline, and the browser's own network log must
show the page asked nothing of one. Skipped where Chromium or its driver is not installed
(``.ci/run`` installs both)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from tests.helpers import Served, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="chromium and chromedriver are not installed (Debian: apt-get install chromium "
    "chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

NUNU_KEY = {"X-Api-Key": "nunu_test_key"}
#: The first nunu fixture job: RUNNING at the start, COMPLETED three minutes on.
SEED = "6bf46c69-7d2c-4f82-aeea-cbe226e87555"
T = TypeVar("T")


def chromium() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,900",
        # Any request to a host but this machine fails, as it would offline.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = webdriver.ChromeService(executable_path=str(DRIVER))
    driver: WebDriver = webdriver.Chrome(options=options, service=service)
    return driver


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serving(["--port", "0", "--clock", "manual"]) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(server: Served, browser: WebDriver) -> WebDriver:
    """The dashboard on a server back at its fixtures, with no fault rules."""
    httpx.post(f"{server.url}/_mock/reset").raise_for_status()
    httpx.delete(f"{server.url}/_mock/faults").raise_for_status()
    browser.get("about:blank")
    performance_log(browser)  # what came before this test is not its traffic
    return browser


def until(driver: WebDriver, check: Callable[[WebDriver], T]) -> T:
    """``check``'s first truthy answer: the page updates itself after each request it makes."""
    return WebDriverWait(driver, 10).until(check)


def text_of(driver: WebDriver, css: str) -> str:
    """The text of the first element ``css`` selects, read in one step (the page redraws a view
    whole when it changes, so an element found earlier may be gone)."""
    return texts_of(driver, css)[0] if texts_of(driver, css) else ""


def texts_of(driver: WebDriver, css: str) -> list[str]:
    script = "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)"
    found: list[str] = driver.execute_script(script, css)
    return found


def open_view(driver: WebDriver, server: Served, view: str) -> None:
    driver.get(f"{server.url}/_mock/ui#/{view}")
    name = view.split("/")[0]
    until(driver, lambda d: d.find_element(By.ID, "main").get_attribute("data-view") == name)


def performance_log(driver: WebDriver) -> list[dict[str, Any]]:
    """Chromium's DevTools events since the last call (its network log among them)."""
    log: list[dict[str, Any]] = driver.get_log("performance")  # type: ignore[no-untyped-call]
    return log


def requested_urls(driver: WebDriver) -> list[str]:
    urls = []
    for entry in performance_log(driver):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_overview_shows_the_four_vendors(page: WebDriver, server: Served) -> None:
    open_view(page, server, "overview")
    cards = page.find_elements(By.CSS_SELECTOR, ".card[data-vendor]")
    assert [card.get_attribute("data-vendor") for card in cards] == [
        "nunu",
        "intuned",
        "prunner",
        "osapi",
    ]
    nunu = cards[0].text
    assert f"{server.url}/nunu/api/v1" in nunu
    assert "X-Api-Key: nunu_test_key" in nunu
    assert "mock clock" in text_of(page, "#clock")
    assert server.wait_for_output("dashboard") == f"  dashboard {server.url}/_mock/ui"


def test_the_seed_job_appears_with_its_state(page: WebDriver, server: Served) -> None:
    open_view(page, server, "jobs/nunu")
    row = f"tr[data-job='{SEED}']"
    assert text_of(page, f"{row} td.state") == "RUNNING"
    assert page.find_elements(By.CSS_SELECTOR, f"{row} svg.timeline")
    assert "COMPLETED at" in text_of(page, f"{row} td:last-child")


def test_advancing_5_minutes_moves_a_running_job_on_the_page(
    page: WebDriver, server: Served
) -> None:
    open_view(page, server, "jobs/nunu")
    cell = f"tr[data-job='{SEED}'] td.state"
    assert text_of(page, cell) == "RUNNING"
    page.find_element(By.ID, "advance-5m").click()
    assert until(page, lambda d: text_of(d, cell) == "COMPLETED")
    assert text_of(page, f"tr[data-job='{SEED}'] td:last-child") == "final"


def test_a_request_made_with_httpx_appears_in_the_requests_view(
    page: WebDriver, server: Served
) -> None:
    open_view(page, server, "requests")
    assert httpx.get(f"{server.url}/nunu/api/v1/jobs/{SEED}", headers=NUNU_KEY).status_code == 200
    assert httpx.get(f"{server.url}/nunu/api/v1/jobz", headers=NUNU_KEY).status_code == 404
    rows = "#requests tbody tr"
    newest, older = until(page, lambda d: texts_of(d, rows) if len(texts_of(d, rows)) == 2 else [])
    assert "GET /nunu/api/v1/jobz" in newest and "404" in newest
    assert "did you mean GET /api/v1/jobs?" in newest  # as the serve log says
    assert f"GET /nunu/api/v1/jobs/{SEED}" in older and "RUNNING" in older


def test_a_fault_added_through_the_form_fails_the_next_request_and_shows_as_fired(
    page: WebDriver, server: Served
) -> None:
    open_view(page, server, "faults")
    Select(page.find_element(By.ID, "fault-vendor")).select_by_value("nunu")
    operation = page.find_element(By.ID, "fault-operation")
    until(page, lambda d: "getJobDetails" in text_of(d, "#fault-operation"))
    Select(operation).select_by_value("getJobDetails")
    status = page.find_element(By.ID, "fault-status")
    status.clear()
    status.send_keys("503")
    page.find_element(By.CSS_SELECTOR, "#fault-form button[type=submit]").click()
    rule = "#faults tr[data-fault]"
    until(page, lambda d: texts_of(d, rule))
    assert text_of(page, f"{rule} td.fired") == "0"
    answer = httpx.get(f"{server.url}/nunu/api/v1/jobs/{SEED}", headers=NUNU_KEY)
    assert answer.status_code == 503
    assert until(page, lambda d: text_of(d, f"{rule} td.fired") == "1")
    assert text_of(page, f"{rule} td.matched") == "1"


def test_a_job_page_draws_the_polls_and_shows_the_document(page: WebDriver, server: Served) -> None:
    for _ in range(2):
        httpx.get(f"{server.url}/nunu/api/v1/jobs/{SEED}", headers=NUNU_KEY).raise_for_status()
    open_view(page, server, f"job/nunu/{SEED}")
    assert text_of(page, "#job-state") == "RUNNING"
    assert len(page.find_elements(By.CSS_SELECTOR, "svg.timeline line.poll")) == 2
    document = json.loads(text_of(page, "#document"))
    assert (document["job_id"], document["status"]) == (SEED, "RUNNING")


def test_the_page_asks_nothing_of_another_host(page: WebDriver, server: Served) -> None:
    for view in ("overview", "jobs/nunu", f"job/nunu/{SEED}", "requests", "faults", "sessions"):
        open_view(page, server, view)
    urls = requested_urls(page)
    assert f"{server.url}/_mock/ui/app.js" in urls
    assert f"{server.url}/_mock/inspect/nunu/jobs/{SEED}" in urls
    assert [url for url in urls if not url.startswith((server.url + "/", "data:"))] == []


def test_the_token_login_opens_the_page(browser: WebDriver) -> None:
    with serving(["--port", "0", "--clock", "manual", "--control-token", "s3cret"]) as served:
        browser.get(f"{served.url}/_mock/ui")
        form = until(browser, lambda d: d.find_element(By.ID, "login").is_displayed())
        assert form
        token = browser.find_element(By.ID, "token")
        token.send_keys("wrong")
        token.submit()
        assert until(browser, lambda d: text_of(d, "#login-error") == "That token was refused.")
        token.clear()
        token.send_keys("s3cret")
        token.submit()
        until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".card[data-vendor]"))
        assert not browser.find_element(By.ID, "login").is_displayed()
        stored: Any = browser.execute_script(
            "return sessionStorage.getItem('jobmock-control-token')"
        )
        assert stored == "s3cret"
