"""Name the suspected typology (patterns: docs/detection.md) from what explains a score.

Triage reads "nurse_hyperactivity" faster than a score: the alert's typology is the one of
its strongest explaining feature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FEATURE_TYPOLOGY: Mapping[str, str] = {
    "care_hours_per_day_mean": "hyperactivity",
    "care_hours_per_day_p95": "hyperactivity",
    "share_days_over_limit": "hyperactivity",
    "acts_per_day_mean": "hyperactivity",
    "acts_per_day_p95": "hyperactivity",
    "patients_per_day_mean": "hyperactivity",
    "patients_per_day_max": "hyperactivity",
    "amount_per_patient": "overbilling",
    "amount_per_day": "overbilling",
    "acts_per_patient": "repeated_billing",
    "unit_amount_mean": "upcoding",
    "expensive_share": "upcoding",
    "duplicate_share": "duplicate_billing",
    "night_weekend_share": "off_hours_billing",
    "km_per_trip_mean": "inflated_transport_km",
    "km_per_trip_p95": "inflated_transport_km",
    "isolated_patient_share": "fictitious_patients",
    "top_prescriber_share": "prescriber_collusion",
    "top_prescriber_exclusivity": "prescriber_collusion",
    "after_death_share": "acts_after_death",
    "hospital_stay_share": "acts_during_hospital_stay",
}
PRICE_PROFESSIONS = {"hearing_aid": "price_inflation"}
#: an insured person's typology (the prefix is ``insured``)
INSURED_TYPOLOGY: Mapping[str, str] = {
    "distinct_gps": "doctor_shopping",
    "distinct_prescribers": "doctor_shopping",
    "distinct_pharmacies": "prescription_nomadism",
    "overlapping_delivery_share": "prescription_nomadism",
    "lone_prescriber_expensive_share": "forged_prescriptions",
    "sick_leave_days": "sick_leave_abuse",
    "sick_leave_prescribers": "sick_leave_abuse",
    "amount_billed": "overconsumption",
}
FALLBACK = "atypical_activity"


def typology(profession: str, explanation_items: Sequence[Mapping[str, Any]]) -> str:
    """``{profession}_{typology}`` of the strongest explaining feature (e.g.
    ``nurse_hyperactivity``; ``insured_doctor_shopping`` with profession ``insured``), or
    ``atypical_activity`` when nothing stands out."""
    if not explanation_items:
        return FALLBACK
    if profession == "insured":
        # the amount says how much, not how: a specific signal names the typology first
        kinds = [
            INSURED_TYPOLOGY.get(str(item.get("feature")), FALLBACK) for item in explanation_items
        ]
        specific = [k for k in kinds if k not in ("overconsumption", FALLBACK)]
        insured = (specific or kinds)[0]
        return f"insured_{insured}" if insured != FALLBACK else FALLBACK
    kind = FEATURE_TYPOLOGY.get(str(explanation_items[0].get("feature")), FALLBACK)
    if kind == "upcoding" and profession in PRICE_PROFESSIONS:
        kind = PRICE_PROFESSIONS[profession]
    return f"{profession}_{kind}" if kind != FALLBACK else FALLBACK
