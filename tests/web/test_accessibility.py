"""Accessibility (WCAG 2.1 AA as the reference, which RGAA follows): every page passes the
axe-core rules of levels A and AA in the browser (contrast, labels, names, landmarks,
language), and the keyboard reaches the content and the forms with a visible focus."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.web.conftest import Site, signed_in

VENDOR = Path(__file__).with_name("vendor")
AXE = VENDOR / "axe.min.js"
LEVELS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def violations(page: Page) -> list[str]:
    await page.add_script_tag(path=AXE)
    found = await page.evaluate(
        "async (levels) => (await axe.run(document, {runOnly: {type: 'tag', values: levels}}))"
        ".violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        LEVELS,
    )
    return list(found)


def test_the_vendored_checker_is_the_one_its_manifest_names() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    assert {p.name for p in VENDOR.iterdir() if p.name != "MANIFEST.json"} == set(manifest)
    for name, entry in manifest.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == entry["sha256"], name
        assert entry["licence"] and entry["version"] and entry["origin"]


async def test_every_page_passes_the_wcag_a_and_aa_rules(browser: Browser, site: Site) -> None:
    inv = site.user("investigator")
    case_id = await site.case(assignee=inv, investigate=True, stake="900.00")
    context = await browser.new_context()
    anonymous = await context.new_page()
    await anonymous.goto(f"{site.url}/login")
    assert await violations(anonymous) == [], "/login"
    # the checker does see a defect: an input without a label
    await anonymous.evaluate(
        "document.querySelector('main').append(document.createElement('input'))"
    )
    assert any(v.startswith("label:") for v in await violations(anonymous))

    page = await signed_in(browser, site, inv)
    await page.goto(f"{site.url}/dossiers/{case_id}")
    # an open form with a field error is checked too
    await page.click("details:has(form[data-action='record_grievance']) > summary")
    await page.locator("form[data-action='record_grievance'] button[type=submit]").click()
    await expect(page.locator(".field-error").first).to_be_visible()
    for path in ("/dossiers", None):
        if path:
            await page.goto(f"{site.url}{path}")
        assert await violations(page) == [], path or "case page with errors"

    manager = await signed_in(browser, site, site.user("manager"))
    for path in ("/equipe", "/pilotage"):
        await manager.goto(f"{site.url}{path}")
        assert await violations(manager) == [], path


async def test_the_keyboard_skips_to_the_content_with_a_visible_focus(
    browser: Browser, site: Site
) -> None:
    page = await signed_in(browser, site, site.user("investigator"))
    await page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    await expect(skip).to_be_focused()
    outline = await skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the focus is visible"
    await page.keyboard.press("Enter")
    assert page.url.endswith("#main")
