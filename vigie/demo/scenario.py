"""The whole demo: case paths driven by hand, then detection opening cases from claims."""

from __future__ import annotations

from rich.console import Console

from vigie.demo.case_paths import DEMO_PASSWORD, DEMO_USERS, run_case_paths, show_cases
from vigie.demo.detection import run_detection
from vigie.runtime.stack import Stack


async def run_demo(stack: Stack, console: Console) -> None:
    console.rule("1. Cases along different procedure paths")
    case_ids = await run_case_paths(stack, console)
    console.rule("2. Detection: synthetic claims -> scores -> alerts -> cases")
    await run_detection(stack, console)
    console.rule("3. Where to look")
    show_cases(stack, console)
    console.print("Explore:")
    console.print("  .venv/bin/vigie cases list                 (cases, from Postgres)")
    console.print(f"  .venv/bin/vigie case show '{case_ids[0]}'")
    console.print(f"  .venv/bin/vigie case show '{case_ids[1]}'   (paid, then offset)")
    console.print(f"  .venv/bin/vigie case show '{case_ids[5]}'   (an instalment plan in default)")
    console.print("  .venv/bin/vigie tasks --overdue             (with VIGIE_USER=manager)")
    console.print("  .venv/bin/vigie payments unmatched")
    claims = stack.settings.home_dir / "demo" / "claims.parquet"
    console.print(f"  .venv/bin/vigie detect score --claims {claims} --out scores.csv")
    if stack.api is not None:
        accounts = ", ".join(user_id for user_id, *_ in DEMO_USERS)
        console.print(
            f"Pages: {stack.api.url}/  (worklist: enqueteur; team: superviseur; "
            "dashboard: manager; read only: auditeur)"
        )
        console.print(f"API: {stack.api.url}/docs (OpenAPI: {stack.api.url}/openapi.json)")
        console.print(f"  demo accounts: {accounts}; password: {DEMO_PASSWORD}")
        console.print(
            f"  curl -s -d 'username=enqueteur&password={DEMO_PASSWORD}' "
            f"{stack.api.url}/api/auth/token"
        )
