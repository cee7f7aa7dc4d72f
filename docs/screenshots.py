"""Regenerate the dashboard screenshots in docs/ (run once after changing the page):

    python docs/screenshots.py

Starts ``jobmock serve`` on a manual clock, makes a few client requests so the pages have
something to show, and saves the overview and a job page as seen in headless Chromium at 1280 px.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.helpers import serving  # noqa: E402
from tests.test_dashboard_browser import NUNU_KEY, SEED, chromium, open_view  # noqa: E402


def main() -> None:
    with serving(["--port", "0", "--clock", "manual"]) as served:
        for advance in ("0s", "40s", "30s", "60s"):
            httpx.post(f"{served.url}/_mock/clock", json={"advance": advance})
            httpx.get(f"{served.url}/nunu/api/v1/jobs/{SEED}", headers=NUNU_KEY)
        httpx.post(f"{served.url}/_mock/faults", json={"vendor": "nunu", "status": 503})
        httpx.get(f"{served.url}/nunu/api/v1/jobs/{SEED}", headers=NUNU_KEY)
        driver = chromium()
        try:
            driver.set_window_size(1280, 860)
            open_view(driver, served, "overview")
            driver.save_screenshot(str(HERE / "dashboard-overview.png"))
            open_view(driver, served, f"job/nunu/{SEED}")
            driver.save_screenshot(str(HERE / "dashboard-job.png"))
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
