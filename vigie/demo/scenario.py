"""The whole demo: case paths driven by hand, then detection opening cases from claims."""

from __future__ import annotations

from rich.console import Console

from vigie.demo.case_paths import run_case_paths, show_cases
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
    console.print(
        f"  .venv/bin/vigie case act '{case_ids[1]}' record_procedure_event "
        "track=recovery event=recovery_ended"
    )
    claims = stack.settings.home_dir / "demo" / "claims.parquet"
    console.print(f"  .venv/bin/vigie detect score --claims {claims} --out scores.csv")
