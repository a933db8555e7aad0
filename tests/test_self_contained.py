"""The repository stands on its own: its docs and code never send a reader to files outside
it (a shared architecture or domain file) or to tracker issues."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SCANNED = ("docs", "vigie", "workflows", "activities", "models", "detection", "bench")
OUTSIDE = re.compile(r"\.\./shared|shared/|ARCHITECTURE\.md|DOMAIN\.md|\bissue (#?\d+|\")", re.I)


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "worker.py"]
    for folder in SCANNED:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.suffix in {".md", ".py", ".toml"} and "__pycache__" not in p.parts
        ]
    return files


def test_no_doc_or_module_points_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in scanned_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not found, "\n".join(found)
