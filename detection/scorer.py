"""Peer-group atypicality scorer (scikit-learn style estimator).

1. Robust z-scores of each feature against the provider's peers (median / scaled MAD).
   Only *high* values are suspicious, so the signal is the positive part z+.
2. A univariate aggregate (the strongest peer deviation) and a multivariate outlier
   score on z+ (IsolationForest by default; LOF and an ECOD-like tail score are available,
   see docs/detection.md for the comparison).
3. Both are normalised on the fit population and combined into a score in [0, 1]
   (0.5 = as atypical as the fit population's 95th percentile): with c the combination
   and p95 its 95th percentile, score = r^s / (1 + r^s), r = c / p95, s = `steepness`.
   A steep mapping (s = 5) keeps the ordering and the 0.5 floor but leaves the
   unremarkable majority near 0, so that suspicion x stake does not promote a large,
   ordinary provider over a small, atypical one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.utils.validation import check_is_fitted

from detection.credibility import screen_features, shrink_towards
from detection.feature_specs import FAMILY, FEATURE_NAMES, PREFERRED, SPECS, sentence
from detection.peers import assign_groups, group_stats, large_enough_groups, member_positions

MULTIVARIATE_METHODS = ("iforest", "lof", "ecod", "none")


#: below this robust z, a feature is within the peers' usual spread: not an explanation
MIN_EXPLAINED_Z = 1.0
#: a score of 0.5 (the default floor) needs at least one deviation this strong
MIN_STRONG_Z = 3.0


class PeerAtypicalityScorer(BaseEstimator):
    def __init__(
        self,
        features: tuple[str, ...] | None = None,
        min_group_size: int = 20,
        multivariate: str = "iforest",
        univariate_weight: float = 0.6,
        z_clip: float = 30.0,
        shrinkage: float = 30.0,
        steepness: float = 5.0,
        n_estimators: int = 200,
        random_state: int | None = 0,
    ) -> None:
        self.features = features
        self.min_group_size = min_group_size
        self.multivariate = multivariate
        self.univariate_weight = univariate_weight
        self.z_clip = z_clip
        self.shrinkage = shrinkage
        self.steepness = steepness
        self.n_estimators = n_estimators
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: Any = None) -> PeerAtypicalityScorer:
        if self.multivariate not in MULTIVARIATE_METHODS:
            raise ValueError(f"multivariate must be one of {MULTIVARIATE_METHODS}")
        self.feature_names_in_ = np.array(self.features or FEATURE_NAMES)
        self.n_features_in_ = len(self.feature_names_in_)
        names = list(self.feature_names_in_)
        self.groups_ = large_enough_groups(X, self.min_group_size)
        group = assign_groups(X, self.groups_)
        values = X[names].astype("float64")
        # constant or duplicated features say nothing (or say it twice): left out, reported
        self.excluded_features_ = screen_features(values)
        self.families_ = _family_index(names, self.excluded_features_)
        self.raw_medians_ = self._group_medians(X, values)
        # the peers an explanation quotes: raw values, same membership as the medians
        self.raw_reference_ = values.assign(
            profession=X["profession"].astype(str).to_numpy(),
            region=X["region"].astype(str).to_numpy(),
        )
        values = self._shrink(X, values)
        self.reference_ = values.assign(_group=group.to_numpy())
        floors = np.array([SPECS[n].min_scale if n in SPECS else 1e-6 for n in names])
        stats = group_stats(X, values, self.groups_)
        mad = stats["mad"] * 1.4826
        iqr = (stats["q75"] - stats["q25"]) / 1.349
        tail = (stats["q90"] - stats["median"]) / 1.2816
        spread = np.fmax(np.fmax(mad.to_numpy(), iqr.to_numpy()), tail.to_numpy())
        self.medians_ = stats["median"][names]
        self.scales_ = pd.DataFrame(
            np.fmax(np.nan_to_num(spread), floors), index=stats["median"].index, columns=names
        )
        zpos = self._zpos(X)
        self.model_ = self._fit_multivariate(zpos)
        uni, multi = self._raw_components(zpos)
        self.uni_center_, self.uni_scale_ = _robust_center_scale(uni)
        self.multi_center_, self.multi_scale_ = _robust_center_scale(multi)
        combined = self._combine(uni, multi)
        # 0.5 = the top 5 %; but where values are coarse (counts of doctors, pharmacies),
        # more than 5 % can tie at a mild deviation: 0.5 also needs a feature at least
        # MIN_STRONG_Z robust deviations above the peers
        strong = self._combine(np.array([MIN_STRONG_Z]), np.array([self.multi_center_]))
        self.offset_ = float(max(np.quantile(combined, 0.95), strong[0], 1e-6))
        return self

    def _group_medians(self, X: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
        return group_stats(X, values, self.groups_, only_median=True)["median"]

    def _shrink(self, X: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
        """Credibility shrinkage of every feature towards the peer median, with a
        pseudo-count of `shrinkage` claims (see detection.credibility)."""
        if not self.shrinkage or "n_claims" not in X.columns:
            return values
        group = assign_groups(X, self.groups_).to_numpy()
        prior = self.raw_medians_.loc[group, list(values.columns)].to_numpy()
        return shrink_towards(values, prior, X["n_claims"].to_numpy(), self.shrinkage)

    def _fit_multivariate(self, zpos: np.ndarray) -> Any:
        if zpos.shape[1] == 0:  # every feature left out: nothing to model
            return None
        if self.multivariate == "iforest":
            # subsampling picks rows by position: fit on a canonical row order so that the
            # same providers give the same model whatever order the claims came in
            canonical = zpos[np.lexsort(zpos.T[::-1])] if len(zpos) else zpos
            return IsolationForest(
                n_estimators=self.n_estimators, random_state=self.random_state
            ).fit(canonical)
        if self.multivariate == "lof":
            n_neighbors = max(2, min(35, len(zpos) - 1))
            return LocalOutlierFactor(n_neighbors=n_neighbors, novelty=True).fit(zpos)
        if self.multivariate == "ecod":
            return np.sort(zpos, axis=0)
        return None

    # ---- scoring -------------------------------------------------------------------------
    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Signed robust z-scores against each row's peer group (NaN -> 0)."""
        check_is_fitted(self, "medians_")
        names = list(self.feature_names_in_)
        group = assign_groups(X, self.groups_)
        med = self.medians_.loc[group.to_numpy()].to_numpy()
        scale = self.scales_.loc[group.to_numpy()].to_numpy()
        values = self._shrink(X, X[names].astype("float64")).to_numpy()
        z = (values - med) / scale
        z = np.clip(np.nan_to_num(z, nan=0.0), -self.z_clip, self.z_clip)
        excluded = [j for j, n in enumerate(names) if n in self.excluded_features_]
        z[:, excluded] = 0.0
        return pd.DataFrame(z, index=X.index, columns=names)

    def _zpos(self, X: pd.DataFrame) -> np.ndarray:
        """Positive deviations, one column per feature family (its strongest member): the
        seven workload measures are one piece of evidence, not seven."""
        zpos = np.clip(self.transform(X).to_numpy(), 0.0, None)
        if not self.families_:
            return np.zeros((len(zpos), 0))
        return np.column_stack([zpos[:, members].max(axis=1) for members in self.families_])

    def _raw_components(self, zpos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # strongest deviation; averaging several correlated volume features only rewarded size
        uni = zpos.max(axis=1) if zpos.shape[1] else np.zeros(len(zpos))
        if self.model_ is None and self.multivariate != "none":
            multi = np.zeros(len(zpos))
        elif self.multivariate == "iforest":
            multi = -self.model_.score_samples(zpos)
        elif self.multivariate == "lof":
            multi = -self.model_.score_samples(zpos)
        elif self.multivariate == "ecod":
            ref = self.model_
            n = len(ref)
            tail = np.empty_like(zpos)
            for j in range(zpos.shape[1]):
                above = n - np.searchsorted(ref[:, j], zpos[:, j], side="left")
                tail[:, j] = (above + 1) / (n + 1)
            multi = -np.log(tail).sum(axis=1)
        else:
            multi = np.zeros(len(zpos))
        return uni, multi

    def _combine(self, uni: np.ndarray, multi: np.ndarray) -> np.ndarray:
        u = np.clip((uni - self.uni_center_) / self.uni_scale_, 0, None)
        m = np.clip((multi - self.multi_center_) / self.multi_scale_, 0, None)
        w = self.univariate_weight if self.multivariate != "none" else 1.0
        return w * u + (1 - w) * m

    def score_samples(self, X: pd.DataFrame) -> np.ndarray:
        """Atypicality in [0, 1]; higher = more atypical against peers."""
        check_is_fitted(self, "offset_")
        combined = self._combine(*self._raw_components(self._zpos(X)))
        odds = (combined / self.offset_) ** self.steepness
        return odds / (1.0 + odds)

    def fit_score(self, X: pd.DataFrame) -> np.ndarray:
        return self.fit(X).score_samples(X)

    # ---- explanation ---------------------------------------------------------------------
    def explain(self, X: pd.DataFrame, top_k: int = 3) -> list[list[dict[str, Any]]]:
        """Top contributing features per row (z >= 1): the target's raw value, the median
        and percentile of the same peers its score was computed against, and a sentence."""
        z = self.transform(X).to_numpy()
        group = assign_groups(X, self.groups_).to_numpy()
        names = [str(n) for n in self.feature_names_in_]
        values = X[names].to_numpy(dtype="float64")
        ref = self.raw_reference_
        positions = member_positions(ref)
        sorted_peers: dict[tuple[str, str], np.ndarray] = {}
        peer_counts: dict[str, int] = {}

        def peer_values(key: str, name: str) -> np.ndarray:
            # each peer group's values, sorted once: a percentile is two binary searches
            if (key, name) not in sorted_peers:
                default = np.arange(len(ref)) if key == "*" else np.array([], dtype=int)
                rows: np.ndarray = positions.get(key, default)
                peer_counts[key] = len(rows)
                column = ref[name].to_numpy(dtype="float64")[rows]
                sorted_peers[key, name] = np.sort(column[~np.isnan(column)])
            return sorted_peers[key, name]

        out: list[list[dict[str, Any]]] = []
        for pos in range(len(X)):
            row_z = z[pos]
            items: list[dict[str, Any]] = []
            out.append(items)
            if not len(row_z) or row_z.max() < MIN_EXPLAINED_Z:
                continue  # nothing stands out: no explanation to build
            key = str(group[pos])
            for j in _explanation_order(row_z, names)[:top_k]:
                if row_z[j] < MIN_EXPLAINED_Z:
                    break
                name = names[j]
                value = float(values[pos, j])
                pct = _percentile(peer_values(key, name), value)
                peers = peer_counts[key]
                median = float(self.raw_medians_.loc[key, name])
                spec = SPECS[name]
                text = sentence(spec, value, median, pct)
                if peers < self.min_group_size:
                    text += f" [only {peers} peers: weak comparison]"
                items.append(
                    {
                        "feature": name,
                        "label": spec.label,
                        "value": value,
                        "peer_median": median,
                        "percentile": pct,
                        "z": float(row_z[j]),
                        "peer_group": key,
                        "peers": peers,
                        "text": text,
                    }
                )
        return out


def _family_index(names: list[str], excluded: dict[str, str]) -> list[list[int]]:
    """Column indices of each feature family, left-out features dropped."""
    families: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        if name not in excluded:
            families.setdefault(FAMILY.get(name, name), []).append(j)
    return list(families.values())


def _explanation_order(row_z: np.ndarray, names: list[str]) -> list[int]:
    """Feature indices by decreasing z, one per family (ties: FEATURES order)."""
    index = {str(n): j for j, n in enumerate(names)}
    seen: set[str] = set()
    order = []
    for j in np.argsort(-row_z, kind="stable"):
        family = FAMILY.get(str(names[j]), str(names[j]))
        if family in seen:
            continue
        seen.add(family)
        preferred = index.get(PREFERRED.get(family, ""))
        if preferred is not None and row_z[preferred] >= min(3.0, 0.5 * row_z[j]):
            j = preferred
        order.append(int(j))
    return order


def _percentile(sorted_values: np.ndarray, x: float) -> float:
    """Mid-rank percentile of ``x`` among the (sorted, non-missing) peer values."""
    n = len(sorted_values)
    if n == 0 or np.isnan(x):
        return float("nan")
    below = int(np.searchsorted(sorted_values, x, side="left"))
    equal = int(np.searchsorted(sorted_values, x, side="right")) - below
    return round(100.0 * (below + 0.5 * equal) / n, 1)


def _robust_center_scale(x: np.ndarray) -> tuple[float, float]:
    center = float(np.median(x))
    spread = float(np.quantile(x, 0.9) - center)
    return center, max(spread, 1e-9)
