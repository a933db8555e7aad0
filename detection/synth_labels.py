"""Ground-truth label files of the synthetic generator (providers, insured persons)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from detection.synth_insured import InsuredPlan
from detection.synth_table import beneficiary_ids
from detection.synth_world import World


def write_provider_labels(w: World, path: str | Path) -> None:
    """`provider_id,label,pattern` for every provider (patterns joined with `;`)."""
    pd.DataFrame(
        {
            "provider_id": w.provider_ids,
            "label": w.prov_fraud.astype(int),
            "pattern": [";".join(p) for p in w.prov_patterns],
        }
    ).to_csv(path, index=False)


def write_insured_labels(plan: InsuredPlan, seen: np.ndarray, path: str | Path) -> None:
    """`beneficiary_id,label,pattern` for every beneficiary with at least one claim."""
    bene = np.flatnonzero(seen)
    label = np.isin(bene, plan.fraudsters)
    pattern = np.full(len(bene), "", dtype=object)
    by_bene = dict(zip(plan.fraudsters.tolist(), plan.patterns, strict=True))
    for k in np.flatnonzero(label):
        pattern[k] = ";".join(by_bene[int(bene[k])])
    pd.DataFrame(
        {
            "beneficiary_id": beneficiary_ids(bene).to_numpy(zero_copy_only=False),
            "label": label.astype(int),
            "pattern": pattern,
        }
    ).to_csv(path, index=False)
