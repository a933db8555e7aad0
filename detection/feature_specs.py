"""What each feature means: label, unit and how to phrase it for an investigator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    label: str
    unit: str  # "h", "EUR", "share", "count", "km"
    min_scale: float  # floor of the robust peer spread (avoids z blow-ups when MAD = 0)
    summary: str = ""


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("care_hours_per_day_mean", "Standard care time per day", "h", 0.5, "on average"),
    FeatureSpec("care_hours_per_day_p95", "Standard care time per day", "h", 0.5, "at p95"),
    FeatureSpec(
        "share_days_over_limit", "Share of days above the feasible care time", "share", 0.03
    ),
    FeatureSpec("acts_per_day_mean", "Acts per working day", "count", 1.0, "on average"),
    FeatureSpec("acts_per_day_p95", "Acts per working day", "count", 1.0, "at p95"),
    FeatureSpec("patients_per_day_mean", "Patients per working day", "count", 1.0, "on average"),
    FeatureSpec("patients_per_day_max", "Patients per working day", "count", 1.0, "at most"),
    FeatureSpec("amount_per_patient", "Amount billed per patient", "EUR", 5.0, "on average"),
    FeatureSpec("amount_per_day", "Amount billed per working day", "EUR", 10.0, "on average"),
    FeatureSpec("unit_amount_mean", "Price per act or device", "EUR", 1.0, "on average"),
    FeatureSpec("expensive_share", "Share of expensive acts", "share", 0.02),
    FeatureSpec("acts_per_patient", "Acts per patient", "count", 0.3, "on average"),
    FeatureSpec(
        "duplicate_share",
        "Share of lines billed again (same patient, act, day, and time when known)",
        "share",
        0.005,
    ),
    FeatureSpec(
        "night_weekend_share",
        "Share of acts on weekends or, where times are known, at night",
        "share",
        0.03,
    ),
    FeatureSpec("km_per_trip_mean", "Kilometres per trip", "km", 1.5, "on average"),
    FeatureSpec("km_per_trip_p95", "Kilometres per trip", "km", 2.0, "at p95"),
    FeatureSpec(
        "isolated_patient_share", "Share of patients with no care elsewhere", "share", 0.03
    ),
    FeatureSpec(
        "top_prescriber_share", "Share of prescriptions from the top prescriber", "share", 0.05
    ),
    FeatureSpec(
        "top_prescriber_exclusivity",
        "Share of the top prescriber's prescriptions sent to this provider",
        "share",
        0.05,
    ),
    FeatureSpec("after_death_share", "Share of acts after the patient's death", "share", 0.005),
    FeatureSpec("hospital_stay_share", "Share of acts during a hospital stay", "share", 0.005),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

#: insured persons (beneficiaries), compared with peers of the same region, age band and
#: chronic-condition status (detection.insured_features)
INSURED_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("amount_billed", "Amount of care billed for the person", "EUR", 20.0, "in all"),
    FeatureSpec("distinct_gps", "General practitioners consulted", "count", 1.0),
    FeatureSpec("distinct_prescribers", "Distinct prescribers", "count", 1.0),
    FeatureSpec("distinct_pharmacies", "Pharmacies delivering", "count", 1.0),
    FeatureSpec(
        "overlapping_delivery_share",
        "Share of deliveries of a drug already delivered by another pharmacy within 10 days",
        "share",
        0.02,
    ),
    FeatureSpec(
        "lone_prescriber_expensive_share",
        "Share of expensive deliveries on a prescriber who prescribes nothing else for the person",
        "share",
        0.01,
    ),
    FeatureSpec("sick_leave_days", "Days of sick leave prescribed", "count", 2.0, "in all"),
    FeatureSpec("sick_leave_prescribers", "Doctors prescribing sick leave", "count", 1.0),
)
INSURED_FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in INSURED_FEATURES)
SPECS: dict[str, FeatureSpec] = {f.name: f for f in (*FEATURES, *INSURED_FEATURES)}
# Explanations show one feature per family; for workload, the physical measure (standard
# care time) is preferred when it is clearly atypical itself (z >= 3, or half the top z).
WORKLOAD = (
    "care_hours_per_day_mean",
    "care_hours_per_day_p95",
    "share_days_over_limit",
    "acts_per_day_mean",
    "acts_per_day_p95",
    "patients_per_day_mean",
    "patients_per_day_max",
)
FAMILY: dict[str, str] = {n: ("workload" if n in WORKLOAD else n) for n in FEATURE_NAMES} | {
    "distinct_gps": "doctors",
    "distinct_prescribers": "doctors",
    "sick_leave_days": "sick_leave",
    "sick_leave_prescribers": "sick_leave",
}
PREFERRED: dict[str, str] = {"workload": "care_hours_per_day_mean"}


def format_value(spec: FeatureSpec, value: float) -> str:
    if spec.unit == "h":
        return f"{value:.1f} h"
    if spec.unit == "EUR":
        return f"{value:,.2f} EUR"
    if spec.unit == "share":
        return f"{100 * value:.1f} %"
    if spec.unit == "km":
        return f"{value:.1f} km"
    return f"{value:.1f}"


def percentile_text(p: float) -> str:
    """'percentile 98.9 among peers': a decimal percentile has no English ordinal suffix."""
    return f"percentile {p:.1f}".rstrip("0").rstrip(".") + " among peers"


def sentence(spec: FeatureSpec, value: float, peer_median: float, percentile: float) -> str:
    """E.g. 'Standard care time per day: 14.2 h on average, peers' median 5.1 h
    (percentile 99.7 among peers)'."""
    return (
        f"{spec.label}: {format_value(spec, value)}{' ' + spec.summary if spec.summary else ''}"
        f", peers' median "
        f"{format_value(spec, peer_median)} ({percentile_text(percentile)})"
    )
