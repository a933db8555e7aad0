"""The pages in a real browser: what each role sees and does."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path

from playwright.async_api import Browser, Route, expect

from models.case_actions import ACTION_TYPES
from models.letter import LetterKind
from models.local_time import PARIS
from tests.web.conftest import PASSWORD, SHOTS, Site, signed_in
from vigie.letters import service as letters
from vigie.letters.fund import Fund
from vigie.services.case_commands import act
from vigie.settings import Settings


async def test_an_investigator_records_a_grievance_from_the_worklist_seeing_a_field_error_first(
    browser: Browser, site: Site
) -> None:
    inv = site.user("investigator")
    case_id = await site.case(assignee=inv, investigate=True, stake="4200.00")
    page = await signed_in(browser, site, inv)
    await expect(page.locator("h1")).to_have_text("Mes dossiers")
    row = page.locator("#cases tr", has=page.locator(f"a[href='/dossiers/{case_id}']"))
    await expect(row).to_contain_text("4\u202f200,00\u00a0€")
    await page.screenshot(path=SHOTS / "worklist.png", full_page=True)
    await page.click(f"#cases a[href='/dossiers/{case_id}']")
    await expect(page.locator("#stage")).to_have_text("Investigation")

    await page.click("details:has(form[data-action='record_grievance']) > summary")
    form = page.locator("form[data-action='record_grievance']")
    await form.get_by_label("Qualification").select_option("fraud")
    await form.get_by_label("Description").fill("actes fictifs")
    await form.get_by_label("Ligne : libellé").fill("mars")
    await form.get_by_label("Ligne : montant (€)").fill("12,34,5")
    await form.get_by_label("Ligne : payé le").fill("2025-03-31")
    await form.locator("button[type=submit]").click()

    form = page.locator("form[data-action='record_grievance']")
    error = form.locator("#record_grievance-line_amount-error")
    await expect(error).to_have_text("Montant invalide : écrivez-le comme 1250,40.")
    await expect(form.locator("#record_grievance-line_amount")).to_have_attribute(
        "aria-invalid", "true"
    )
    # what was typed is kept
    await expect(form.get_by_label("Ligne : libellé")).to_have_value("mars")
    await expect(page.locator("#harm")).to_have_text("0,00\u00a0€")
    await page.screenshot(path=SHOTS / "grievance-error.png", full_page=True)

    await form.get_by_label("Ligne : montant (€)").fill("1 250,40")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".done")).to_contain_text(
        "Action enregistrée : a enregistré un grief"
    )
    await expect(page.locator("#harm")).to_have_text("1\u202f250,40\u00a0€")
    first = page.locator("#timeline li").first
    await expect(first).to_contain_text("a enregistré un grief")
    await expect(first).to_contain_text("Investigator")  # the display name, not the id
    await expect(page.locator("table.grievance")).to_contain_text("mars")
    await page.goto(f"{site.url}/dossiers/{case_id}?kind=investigation")
    await expect(page.locator("#timeline li")).to_have_count(1)
    await page.goto(f"{site.url}/dossiers/{case_id}")
    await page.screenshot(path=SHOTS / "case.png", full_page=True)


async def test_a_supervisor_reassigns_cases_from_the_team_view_and_the_investigator_loses_them(
    browser: Browser, site: Site
) -> None:
    inv, inv2 = site.user("investigator"), site.user("investigator2")
    first, second = await site.case(assignee=inv), await site.case(assignee=inv)
    before = await signed_in(browser, site, inv)
    for case_id in (first, second):
        await expect(before.locator(f"#cases a[href='/dossiers/{case_id}']")).to_have_count(1)

    sup = await signed_in(browser, site, site.user("supervisor"))
    await expect(sup.locator("h1")).to_have_text("Équipe")  # a supervisor's home page
    load = sup.locator("#load tr", has_text=inv)
    await expect(load.locator("td").first).to_have_text("2")
    for case_id in (first, second):
        await sup.check(f"#team-cases input[value='{case_id}']")
    await sup.select_option("#assignee", inv2)
    await sup.fill("#reason", "congés")
    await sup.click("#reassign button[type=submit]")
    await expect(sup.locator(".done")).to_have_text("2 dossier(s) réaffecté(s).")
    await expect(sup.locator("#load tr", has_text=inv2).locator("td").first).to_have_text("2")

    await before.goto(f"{site.url}/dossiers")
    for case_id in (first, second):
        await expect(before.locator(f"#cases a[href='/dossiers/{case_id}']")).to_have_count(0)
    await before.goto(f"{site.url}/dossiers/{first}")
    await expect(before.locator(".error")).to_contain_text("assigné à un autre enquêteur")


async def test_the_worklist_filters_stay_in_the_url_and_an_investigator_takes_the_next_case(
    browser: Browser, site: Site
) -> None:
    inv = site.user("investigator")
    here = await site.case(assignee=inv, region="Normandie")
    late = await site.case(assignee=inv, region="Normandie", received_days_ago=40)
    elsewhere = await site.case(assignee=inv, region="Bretagne")
    page = await signed_in(browser, site, inv)
    await page.select_option("#region", f"Normandie-{site.tag}")
    await page.click("form.filters button[type=submit]")
    assert f"region=Normandie-{site.tag}" in page.url
    await expect(page.locator(f"#cases a[href='/dossiers/{here}']")).to_have_count(1)
    await expect(page.locator(f"#cases a[href='/dossiers/{elsewhere}']")).to_have_count(0)
    await expect(page.locator("#region")).to_have_value(f"Normandie-{site.tag}")
    # overdue first, each with its deadline badge
    rows = page.locator("#cases tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text(late)
    await expect(rows.nth(0).locator(".badge")).to_have_text(re.compile(r"^en retard de \d+ j$"))
    await expect(rows.nth(1).locator(".badge")).to_have_text("dans les délais")

    # one more case in the triage queue, unassigned; the filter keeps to its region
    await site.case(region="Normandie")
    await page.click("#take-next")
    await expect(page.locator("#assignee")).to_have_text(f"Investigator {site.tag}")
    await expect(page.locator("#stage")).to_have_text("Ciblage")
    await expect(page.locator(".done")).to_contain_text("a affecté le dossier")


async def test_a_manager_sees_the_dashboard_with_its_charts_tables_and_targets(
    browser: Browser, site: Site
) -> None:
    page = await signed_in(browser, site, site.user("manager"))
    await expect(page.locator("h1")).to_contain_text("Pilotage")
    charts = ("#chart-rates", "#chart-harm", "#chart-harm-group", "#chart-stages", "#chart-delays")
    for chart in charts:
        await expect(page.locator(chart)).to_be_visible()
        await expect(page.locator(f"{chart} > title")).not_to_be_empty()
        await expect(page.locator(f"{chart} > desc")).not_to_be_empty()
        # the same data as a table, next to the chart
        section = page.locator("section.chart", has=page.locator(chart))
        await expect(section.locator("details table tbody tr").first).to_be_attached()
    table = page.locator("#indicators-table")
    await expect(table.locator("th")).to_contain_text(["Valeur", "Cible", "Écart"])
    await expect(table.locator("tbody tr")).to_have_count(6)  # 47 and 48 twice, 49, 50
    await expect(table).to_contain_text("62,0\u00a0%")  # the official target of indicator 47
    await page.screenshot(path=SHOTS / "dashboard.png", full_page=True)

    # filtered by region: the indicators of that region, set against the national rates
    region = f"Bretagne-{site.tag}"
    await site.case(region="Bretagne")
    await page.goto(f"{site.url}/pilotage")
    await page.select_option("#region", region)
    await page.click("form.filters button[type=submit]")
    assert f"region=Bretagne-{site.tag}" in page.url
    await expect(page.locator("#ind-h + .note")).to_contain_text(f"Pour {region}")

    async with page.expect_download() as download:
        await page.click("a[href^='/pilotage/stages.csv']")
    body = Path(await (await download.value).path()).read_bytes()
    assert body.startswith("\ufeff".encode()), "a byte-order mark for the spreadsheet"
    assert body.decode("utf-8-sig").splitlines()[0] == "Étape;Nombre"


async def test_an_auditor_sees_the_pages_but_no_action_form(browser: Browser, site: Site) -> None:
    case_id = await site.case(assignee=site.user("investigator"), investigate=True)
    page = await signed_in(browser, site, site.user("auditor"))
    await page.goto(f"{site.url}/dossiers/{case_id}")
    await expect(page.locator("#timeline")).to_contain_text("a ouvert l'investigation")
    await expect(page.locator("form[data-action]")).to_have_count(0)
    await expect(page.locator("main")).to_contain_text("Lecture seule")
    await page.goto(f"{site.url}/equipe")
    await expect(page.locator("#reassign")).to_have_count(0)
    await page.goto(f"{site.url}/pilotage")
    await expect(page.locator("#chart-rates")).to_be_visible()


async def test_an_expired_session_sends_back_to_the_sign_in_page_and_signing_out_ends_it(
    browser: Browser, site: Site
) -> None:
    page = await signed_in(browser, site, site.user("investigator"))
    await site.expire_sessions(site.user("investigator"))
    await page.goto(f"{site.url}/dossiers?stage=triage")
    await expect(page.locator("#expired")).to_contain_text("Votre session a expiré")
    await page.fill("#username", site.user("investigator"))
    await page.fill("#password", PASSWORD)
    await page.click("form.card button[type=submit]")
    assert page.url.endswith("/dossiers?stage=triage"), "back where the user was"

    await page.click("header form[action='/logout'] button")
    await expect(page.locator("h1")).to_have_text("Connexion")
    await page.goto(f"{site.url}/dossiers")
    await expect(page.locator("#username")).to_be_visible()  # signed out: no session


async def test_english_is_selectable_and_french_is_the_default(
    browser: Browser, site: Site
) -> None:
    page = await signed_in(browser, site, site.user("investigator"))
    await expect(page.locator("h1")).to_have_text("Mes dossiers")
    await page.select_option("#lang", "en")
    await page.click("header form[action='/lang'] button")
    await expect(page.locator("h1")).to_have_text("My cases")


async def test_the_pages_load_with_the_network_blocked_except_the_application(
    browser: Browser, site: Site
) -> None:
    outside: list[str] = []
    context = await browser.new_context()

    async def only_the_app(route: Route) -> None:
        if route.request.url.startswith(site.url):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_the_app)
    page = await context.new_page()
    await page.goto(f"{site.url}/login")
    await page.fill("#username", site.user("manager"))
    await page.fill("#password", PASSWORD)
    await page.click("form.card button[type=submit]")
    for path in ("/dossiers", "/equipe", "/pilotage"):
        response = await page.goto(f"{site.url}{path}")
        assert response is not None and response.ok, path
        stylesheet = await page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "system-ui" in stylesheet, "the vendored stylesheet loaded"
    assert outside == [], f"requests outside the application: {outside}"


async def test_a_case_page_lists_its_letters_and_serves_each_as_a_pdf(
    browser: Browser, site: Site
) -> None:
    inv = site.user("investigator")
    case_id = await site.case(assignee=inv, investigate=True)
    client = site.env.client
    for name, fields in (
        (
            "record_grievance",
            {
                "qualification": "fault",
                "description": "actes facturés en double",
                "lines": [{"description": "mars", "amount": "420.00", "paid_on": "2025-03-31"}],
            },
        ),
        ("conclude_investigation", {}),
        ("decide_follow_ups", {"follow_ups": ["warning"]}),
    ):
        cmd = ACTION_TYPES[name](request_id=uuid.uuid4().hex, actor=inv, **fields)
        await act(client, case_id, cmd)
    today = datetime.now(PARIS).date()
    letter = await letters.issue(
        client, case_id, LetterKind.WARNING, inv, Fund.from_settings(Settings()), today
    )
    await letters.send(client, site.engine, letter.id, today, inv)

    page = await signed_in(browser, site, inv)
    await page.goto(f"{site.url}/dossiers/{case_id}")
    row = page.locator("#letters tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("Avertissement")
    link = row.locator("a")
    response = await page.request.get(f"{site.url}{await link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (await response.body()).startswith(b"%PDF-")
