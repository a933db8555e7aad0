"""An alert names its suspected typology from its strongest explaining feature."""

from __future__ import annotations

from detection.typology import typology


def test_a_nurse_explained_by_care_time_is_suspected_of_hyperactivity() -> None:
    items = [{"feature": "care_hours_per_day_mean"}, {"feature": "amount_per_day"}]
    assert typology("nurse", items) == "nurse_hyperactivity"


def test_expensive_hearing_aids_read_as_price_inflation() -> None:
    assert (
        typology("hearing_aid", [{"feature": "unit_amount_mean"}]) == "hearing_aid_price_inflation"
    )


def test_nothing_to_explain_falls_back_to_atypical_activity() -> None:
    assert typology("gp", []) == "atypical_activity"
    assert typology("gp", [{"feature": "something_new"}]) == "atypical_activity"
