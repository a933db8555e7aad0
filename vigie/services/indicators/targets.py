"""The targets of the indicators (``vigie/policy/targets.toml``), and how an indicator is set
against its target: value, target, gap (value - target), and whether it is on track.

On track: an amount counted over the year (harm suffered, avoided, detected and stopped) is
projected to the end of the year at today's pace (value x days in the year / days gone by)
and compared with the target; a rate or a delay is compared as it stands.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from vigie.services.indicators.model import CENTS, Indicator, Scope, TargetCheck

TARGETS_FILE = Path(__file__).resolve().parents[2] / "policy" / "targets.toml"
UNITS = {"EUR", "ratio", "days"}
DIRECTIONS = {"at_least", "at_most"}
#: the series whose targets apply whatever series is chosen
LOCAL = "local"
#: indicator key -> the id its targets are filed under
TARGET_IDS = {
    "harm_suffered": "49",
    "harm_avoided": "50",
    "recovery_rate_fraudulent_cohort": "47",
    "recovery_rate_fraudulent_flow": "47",
    "recovery_rate_non_fraudulent_cohort": "48",
    "recovery_rate_non_fraudulent_flow": "48",
    "delay_detection_notification": "delay_detection_notification",
}
#: amounts counted over the year, projected at today's pace
CUMULATIVE = {"harm_suffered", "harm_avoided", "detected_and_stopped"}


class TargetFileError(ValueError):
    """The targets file is invalid; the message names the target and the field."""


@dataclass(frozen=True)
class Target:
    series: str
    indicator: str
    year: int
    value: Decimal
    unit: str
    source: str
    direction: str = "at_least"
    official: bool = True


@dataclass(frozen=True)
class TargetBook:
    version: int
    default_series: str
    targets: tuple[Target, ...]

    @property
    def series(self) -> list[str]:
        return sorted({t.series for t in self.targets} - {LOCAL})

    def find(self, series: str, indicator: str, year: int) -> Target | None:
        """The target of the series for that year, else the local one, else None."""
        for name in (series, LOCAL):
            for t in self.targets:
                if (t.series, t.indicator, t.year) == (name, indicator, year):
                    return t
        return None

    def for_indicator(self, series: str, key: str, year: int) -> Target | None:
        if key == "detected_and_stopped":  # the sum of the targets 49 and 50
            suffered, avoided = self.find(series, "49", year), self.find(series, "50", year)
            if suffered is None or avoided is None:
                return None
            source = f"{suffered.source} + {avoided.source}"
            return Target(series, key, year, suffered.value + avoided.value, "EUR", source)
        number = TARGET_IDS.get(key)
        return self.find(series, number, year) if number else None


def _target(raw: dict[str, Any], where: str) -> Target:
    try:
        target = Target(
            series=str(raw["series"]),
            indicator=str(raw["indicator"]),
            year=int(raw["year"]),
            value=Decimal(str(raw["value"])),
            unit=str(raw["unit"]),
            source=str(raw["source"]),
            direction=str(raw.get("direction", "at_least")),
            official=bool(raw.get("official", True)),
        )
    except KeyError as exc:
        raise TargetFileError(f"{where}: missing {exc.args[0]!r}") from None
    except (InvalidOperation, ValueError) as exc:
        raise TargetFileError(f"{where}: {exc}") from None
    if target.unit not in UNITS:
        raise TargetFileError(f"{where}: unit {target.unit!r} not in {sorted(UNITS)}")
    if target.direction not in DIRECTIONS:
        raise TargetFileError(f"{where}: direction {target.direction!r} not in {DIRECTIONS}")
    if not target.source.strip():
        raise TargetFileError(f"{where}: a target needs its source")
    return target


def load_targets(path: Path = TARGETS_FILE) -> TargetBook:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise TargetFileError(f"{path.name}: 'version' must be a positive integer")
    targets = tuple(
        _target(raw, f"{path.name}: target #{n} ({raw.get('indicator', '?')})")
        for n, raw in enumerate(data.get("target", []), start=1)
    )
    seen: set[tuple[str, str, int]] = set()
    for t in targets:
        if (t.series, t.indicator, t.year) in seen:
            raise TargetFileError(
                f"{path.name}: two targets for {t.indicator} {t.year} ({t.series})"
            )
        seen.add((t.series, t.indicator, t.year))
    default = str(data.get("default_series", ""))
    book = TargetBook(version, default, targets)
    if default not in book.series:
        raise TargetFileError(f"{path.name}: default_series {default!r} has no targets")
    return book


def check(indicator: Indicator, target: Target, scope: Scope) -> TargetCheck:
    out = TargetCheck(target.value, target.unit, target.source, target.direction, target.official)
    value = indicator.value
    if value is None:
        return out
    value = Decimal(value)
    out.gap = value - target.value
    if indicator.key in CUMULATIVE and scope.elapsed_days > 0:
        projected = value * scope.year_days / scope.elapsed_days
        out.projected = projected.quantize(CENTS, ROUND_HALF_EVEN)
        value = out.projected
    out.on_track = (
        value >= target.value if target.direction == "at_least" else value <= target.value
    )
    return out


def apply_targets(indicators: list[Indicator], book: TargetBook, series: str, scope: Scope) -> None:
    for indicator in indicators:
        target = book.for_indicator(series, indicator.key, scope.year)
        if target is not None:
            indicator.target = check(indicator, target, scope)
