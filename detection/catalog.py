"""Reference tables: professions, regions and act codes with tariffs and standard care time.

Tariffs are plausible NGAP/CCAM-like values (euro cents), not an official nomenclature.
`minutes` is the standard time an act takes (used for the "care time per day" signal);
`expensive` flags the codes an upcoder shifts towards.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Act:
    code: str
    tariff_cents: int
    minutes: int
    share: float  # typical share of a profession's claim lines (0: planted separately)
    expensive: bool = False
    free_price: bool = False  # billed price may exceed the tariff (reimbursement base)


@dataclass(frozen=True)
class Profession:
    name: str
    acts: tuple[Act, ...]
    daily_lines: float  # typical claim lines per working day
    panel: int  # typical number of distinct patients over a month
    reimbursement_rate: float
    weekday_work: tuple[float, ...]  # probability of working, Monday..Sunday
    prescribed: bool  # claims carry a prescriber_id


REGIONS: tuple[str, ...] = (
    "ile_de_france",
    "auvergne_rhone_alpes",
    "hauts_de_france",
    "nouvelle_aquitaine",
    "occitanie",
    "grand_est",
    "provence_alpes_cote_d_azur",
    "pays_de_la_loire",
    "bretagne",
    "normandie",
)
REGION_WEIGHTS: tuple[float, ...] = (0.19, 0.12, 0.09, 0.09, 0.09, 0.08, 0.08, 0.06, 0.05, 0.05)

_WEEK = (0.97, 0.97, 0.97, 0.97, 0.97, 0.55, 0.08)
_WEEK_7 = (0.95, 0.95, 0.95, 0.95, 0.95, 0.8, 0.6)

PROFESSIONS: dict[str, Profession] = {
    p.name: p
    for p in (
        Profession(
            "nurse",
            (
                Act("AMI1", 315, 10, 0.30),
                Act("AMI2", 630, 15, 0.15),
                Act("AMI4", 1260, 30, 0.07, expensive=True),
                Act("AIS3", 795, 30, 0.15),
                Act("BSA", 1300, 30, 0.08),
                Act("BSB", 1820, 45, 0.05),
                Act("BSC", 2870, 60, 0.03, expensive=True),
                Act("IFD", 275, 0, 0.17),
            ),
            daily_lines=22.0,
            panel=45,
            reimbursement_rate=0.6,
            weekday_work=_WEEK_7,
            prescribed=True,
        ),
        Profession(
            "gp",
            (
                Act("G", 3000, 15, 0.74),
                Act("VG", 4000, 25, 0.10),
                Act("APC", 5650, 30, 0.05, expensive=True),
                Act("DEQP003", 1452, 10, 0.06),
                Act("MEG", 500, 5, 0.05),
                # sick-leave prescription (arret de travail): quantity = days of leave, no fee.
                # Share 0: not in a GP's drawn code mix; the generator plants it on patients.
                Act("AAT", 0, 0, 0.0),
            ),
            daily_lines=24.0,
            panel=550,
            reimbursement_rate=0.7,
            weekday_work=_WEEK,
            prescribed=False,
        ),
        Profession(
            "physiotherapist",
            (
                Act("AMK7.5", 1763, 30, 0.60),
                Act("AMK8", 1880, 30, 0.25),
                Act("AMC9.5", 2233, 30, 0.10, expensive=True),
                Act("IFD", 250, 0, 0.05),
            ),
            daily_lines=14.0,
            panel=60,
            reimbursement_rate=0.6,
            weekday_work=_WEEK,
            prescribed=True,
        ),
        Profession(
            "transport",
            (
                Act("TAXI", 1300, 0, 0.60),
                Act("VSL", 1500, 0, 0.25),
                Act("AMB", 6000, 0, 0.15, expensive=True),
            ),
            daily_lines=6.0,
            panel=50,
            reimbursement_rate=0.65,
            weekday_work=_WEEK_7,
            prescribed=True,
        ),
        Profession(
            "dentist",
            (
                Act("C", 2300, 15, 0.25),
                Act("HBJD001", 2892, 30, 0.25),
                Act("HBMD049", 5000, 30, 0.30),
                Act("HBGD035", 3344, 30, 0.13),
                Act("HBLD036", 12000, 60, 0.07, expensive=True, free_price=True),
            ),
            daily_lines=12.0,
            panel=300,
            reimbursement_rate=0.7,
            weekday_work=_WEEK,
            prescribed=False,
        ),
        Profession(
            "hearing_aid",
            (
                Act("AUD1", 95000, 60, 0.35),
                Act("AUD2", 40000, 60, 0.40, expensive=True, free_price=True),
                Act("AUDPIL", 1000, 0, 0.25),
            ),
            daily_lines=1.5,
            panel=35,
            reimbursement_rate=0.6,
            weekday_work=_WEEK,
            prescribed=True,
        ),
        Profession(
            "pharmacy",
            (
                Act("PH7", 800, 0, 0.45),
                Act("PH4", 500, 0, 0.25),
                Act("PHH", 102, 0, 0.18),
                Act("BUP", 2800, 0, 0.04),
                Act("GLU", 3700, 0, 0.05),
                Act("PH1", 60000, 0, 0.03, expensive=True),
            ),
            daily_lines=50.0,
            panel=1500,
            reimbursement_rate=0.65,
            weekday_work=(0.98, 0.98, 0.98, 0.98, 0.98, 0.9, 0.1),
            prescribed=True,
        ),
    )
}
PROFESSION_WEIGHTS: dict[str, float] = {
    "nurse": 0.25,
    "gp": 0.20,
    "physiotherapist": 0.14,
    "transport": 0.10,
    "dentist": 0.10,
    "hearing_aid": 0.06,
    "pharmacy": 0.15,
}

# Transport billing: flat base (the act tariff) plus a per-kilometre rate (cents).
TRANSPORT_CENTS_PER_KM: dict[str, int] = {"TAXI": 110, "VSL": 95, "AMB": 230}
# Reimbursement base (cents per unit) of free-price codes.
REIMBURSEMENT_BASE_CENTS: dict[str, int] = {"HBLD036": 12000, "AUD2": 40000}


def expensive_codes() -> dict[tuple[str, str], bool]:
    """(profession, act_code) -> whether the catalogue marks the act as expensive."""
    return {(p.name, a.code): a.expensive for p in PROFESSIONS.values() for a in p.acts}


def standard_minutes() -> dict[tuple[str, str], int]:
    """(profession, act_code) -> standard minutes, for care-time features."""
    return {(p.name, a.code): a.minutes for p in PROFESSIONS.values() for a in p.acts}
