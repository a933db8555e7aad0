"""The README's screenshots, taken on the demo's data: with ``make demo`` serving, run

    .venv/bin/python -m tests.web.screenshots http://127.0.0.1:8000 [CASE_ID]

It signs in with the demo accounts (password ``demo``) and writes docs/screenshots/
worklist.png (enqueteur), case.png (the case given, else the first in follow-ups or
recovery), team.png (superviseur) and dashboard.png (manager)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from tests.web.conftest import CHROMIUM

OUT = Path(__file__).parents[2] / "docs" / "screenshots"
log = logging.getLogger(__name__)


async def _as(browser: Browser, url: str, user: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{url}/login")
    await page.fill("#username", user)
    await page.fill("#password", "demo")
    await page.click("form.card button[type=submit]")
    await page.wait_for_load_state()
    return page


async def main(url: str, case_id: str | None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await _as(browser, url, "enqueteur")
        await page.goto(f"{url}/dossiers")
        await page.screenshot(path=OUT / "worklist.png", full_page=True)
        manager = await _as(browser, url, "manager")
        if case_id is None:
            await manager.goto(f"{url}/dossiers?stage=follow_ups")
            case_id = await manager.locator("#cases tbody a").first.inner_text()
        await manager.goto(f"{url}/dossiers/{case_id}")
        await manager.screenshot(path=OUT / "case.png", full_page=True)
        await manager.goto(f"{url}/pilotage")
        await manager.screenshot(path=OUT / "dashboard.png", full_page=True)
        supervisor = await _as(browser, url, "superviseur")
        await supervisor.goto(f"{url}/equipe")
        await supervisor.screenshot(path=OUT / "team.png")
        await browser.close()
    log.info("screenshots written to %s", OUT)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(sys.argv[1].rstrip("/"), sys.argv[2] if len(sys.argv) > 2 else None))
