"""Supervised re-ranker learned from past case outcomes (provider_id, label 1/0).

Inputs are the peer-normalised z-scores plus the unsupervised atypicality score, so one
model serves every profession. Used only when there are enough labels of each class.

Two candidates are compared by stratified cross-validation on the labels: a regularised
gradient boosting (few leaves, a minimum leaf size, early stopping) and a logistic
regression baseline; the one with the better out-of-fold average precision is kept (ROC-AUC
breaks a tie), then calibrated (sigmoid, on the same folds) so its output reads as a
probability. A few thousand labelled providers overfit a large boosting model easily.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

MODEL_FORMAT = "vigie-detection-ranker/1"


class InsufficientLabelsError(ValueError):
    """Too few positive or negative labels to learn anything trustworthy."""


class SupervisedRanker(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        min_positives: int = 30,
        min_negatives: int = 30,
        cv: int = 5,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        random_state: int | None = 0,
    ) -> None:
        self.min_positives = min_positives
        self.min_negatives = min_negatives
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _candidates(self) -> dict[str, Any]:
        return {
            "boosting": HistGradientBoostingClassifier(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_leaf_nodes=7,
                min_samples_leaf=20,
                l2_regularization=1.0,
                early_stopping=True,
                validation_fraction=0.2,
                n_iter_no_change=15,
                random_state=self.random_state,
            ),
            "logistic": make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)),
        }

    def fit(self, X: pd.DataFrame, y: Any) -> SupervisedRanker:
        y_arr = np.asarray(y).astype(int)
        pos, neg = int(y_arr.sum()), int((y_arr == 0).sum())
        if pos < self.min_positives or neg < self.min_negatives:
            raise InsufficientLabelsError(
                f"need >= {self.min_positives} positive and >= {self.min_negatives} negative "
                f"labels, got {pos} and {neg}"
            )
        self.feature_names_in_ = np.array([str(c) for c in X.columns])
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.array([0, 1])
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        self.candidates_: dict[str, dict[str, float]] = {}
        for name, model in self._candidates().items():
            oof = cross_val_predict(model, X, y_arr, cv=folds, method="predict_proba")[:, 1]
            self.candidates_[name] = {
                "roc_auc": float(roc_auc_score(y_arr, oof)),
                "average_precision": float(average_precision_score(y_arr, oof)),
            }
        self.kept_ = max(
            self.candidates_,
            key=lambda n: (
                self.candidates_[n]["average_precision"],
                self.candidates_[n]["roc_auc"],
            ),
        )
        self.cv_roc_auc_ = self.candidates_[self.kept_]["roc_auc"]
        self.cv_average_precision_ = self.candidates_[self.kept_]["average_precision"]
        kept = self._candidates()[self.kept_]
        self.model_ = CalibratedClassifierCV(kept, method="sigmoid", cv=folds).fit(X, y_arr)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(X[list(self.feature_names_in_)])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def score_samples(self, X: pd.DataFrame) -> np.ndarray:
        return self.predict_proba(X)[:, 1]


def save_model(ranker: SupervisedRanker, path: str | Path) -> None:
    joblib.dump({"format": MODEL_FORMAT, "ranker": ranker}, path)


def load_model(path: str | Path) -> SupervisedRanker:
    """Only load model files you produced yourself: joblib files can run code."""
    bundle = joblib.load(path)
    if not isinstance(bundle, dict) or bundle.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path} is not a Vigie detection model")
    ranker = bundle["ranker"]
    assert isinstance(ranker, SupervisedRanker)
    return ranker
