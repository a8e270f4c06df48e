#!/usr/bin/python3
"""The reference models of ../shared/datasets/BASELINES.md, re-implemented, on Taiwan.

usage: /usr/bin/python3 bench/reference.py [SHARED_DIR] [--solver liblinear|lbfgs]
                                           [--models LR,WoE-LR,XGB-hist,RF,HGB] [--jobs N]

Prints one line per model, space-separated:  NAME AUC CV_S FIT_S
  NAME   LR, WoE-LR, XGB-hist (XGBoost's Python package), RF, HGB (scikit-learn)
  AUC    mean of the five fold AUCs (the folds of taiwan/folds.csv)
  CV_S   wall seconds of the 5-fold cross-validation (preprocessing, fits, predictions)
  FIT_S  wall seconds of one fit on all rows (preprocessing included)
--jobs N: XGBoost's and RandomForest's threads (default: every core). Loading the CSV is
not timed. Needs Debian's python3-sklearn and python3-xgboost.
"""
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from xgboost import XGBClassifier

TARGET = "default.payment.next.month"
ID = "ID"
# As sample-data/mappings/taiwan.json types them; every other column is numeric.
CATEGORICAL = ["SEX", "EDUCATION", "MARRIAGE"]


def load(shared):
    d = os.path.join(shared, "datasets", "taiwan")
    df = pd.read_csv(os.path.join(d, "UCI_Credit_Card.csv"))  # floats: "5e+05" parses
    folds = pd.read_csv(os.path.join(d, "folds.csv"))
    fold = np.empty(len(df), dtype=int)
    fold[folds["row"].to_numpy()] = folds["fold"].to_numpy()
    y = df[TARGET].to_numpy().astype(int)
    X = df.drop(columns=[TARGET, ID])
    numeric = [c for c in X.columns if c not in CATEGORICAL]
    return X, y, fold, numeric


# ---- LR: numerics median-imputed and standardised, categoricals one-hot, L2 C=1 ----

def make_lr(numeric, solver):
    pre = ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer(strategy="median")),
                          ("std", StandardScaler())]), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])
    return Pipeline([("pre", pre), ("lr", LogisticRegression(C=1.0, solver=solver,
                                                             max_iter=1000))])


# ---- WoE-LR, as BASELINES.md words it ----

class WoELR:
    """Numerics cut at the unique 10%..90% quantiles of the training rows (linear
    interpolation), bins right-closed; categoricals one bin per level; missing its own
    bin; WoE = ln(%good/%bad) with 0.5 added to each bin's goods and bads; logistic
    regression (C = 1) on the WoE values. A value with no bin (unseen level) gets WoE 0."""

    def __init__(self, numeric, solver):
        self.numeric = numeric
        self.solver = solver

    def _bins(self, col, x):
        """Bin keys for column values x: ints for numerics (-1 = missing), levels for
        categoricals (None = missing)."""
        if col in self.numeric:
            v = x.astype(float)
            b = np.searchsorted(self.edges[col], v, side="left")  # e[k-1] < v <= e[k]
            b[np.isnan(v)] = -1
            return b
        return np.array([None if pd.isna(t) else t for t in x], dtype=object)

    def _woe(self, X):
        out = np.zeros((len(X), len(self.cols)))
        for j, col in enumerate(self.cols):
            b = self._bins(col, X[col].to_numpy())
            table = self.woe[col]
            out[:, j] = [table.get(k, 0.0) for k in b]
        return out

    def fit(self, X, y):
        self.cols = list(X.columns)
        self.edges, self.woe = {}, {}
        for col in self.numeric:
            v = X[col].to_numpy(dtype=float)
            v = v[~np.isnan(v)]
            self.edges[col] = np.unique(np.quantile(v, np.arange(1, 10) / 10.0))
        G = float((y == 0).sum())
        D = float((y == 1).sum())
        for col in self.cols:
            b = self._bins(col, X[col].to_numpy())
            keys, inv = np.unique(b.astype(str) if b.dtype == object else b,
                                  return_inverse=True)
            good = np.bincount(inv, weights=(y == 0), minlength=len(keys))
            bad = np.bincount(inv, weights=(y == 1), minlength=len(keys))
            B = len(keys)
            woe = np.log(((good + 0.5) / (G + 0.5 * B)) / ((bad + 0.5) / (D + 0.5 * B)))
            # map the original keys (not their string forms) to WoE
            first = {}
            for i, k in enumerate(b):
                first.setdefault(inv[i], k)
            self.woe[col] = {first[i]: woe[i] for i in range(B)}
        self.lr = LogisticRegression(C=1.0, solver=self.solver, max_iter=1000)
        self.lr.fit(self._woe(X), y)
        return self

    def predict_proba(self, X):
        return self.lr.predict_proba(self._woe(X))


# ---- XGB hist ----

JOBS = os.cpu_count()


def make_xgb(numeric):
    pre = ColumnTransformer([
        ("num", "passthrough", numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])
    xgb = XGBClassifier(n_estimators=300, max_depth=4, learning_rate=0.05, subsample=0.8,
                        colsample_bytree=0.8, tree_method="hist", n_jobs=JOBS,
                        random_state=0, objective="binary:logistic")
    return Pipeline([("pre", pre), ("xgb", xgb)])


# ---- RF and HGB, as BASELINES.md words them ----

def make_rf(numeric):
    pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
    ])
    rf = RandomForestClassifier(n_estimators=500, min_samples_leaf=20, max_features="sqrt",
                                n_jobs=JOBS, random_state=0)
    return Pipeline([("pre", pre), ("rf", rf)])


def make_hgb(numeric):
    pre = ColumnTransformer([
        ("num", "passthrough", numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
    ])
    return Pipeline([("pre", pre), ("hgb", HistGradientBoostingClassifier(random_state=0))])


def run(make, X, y, fold):
    aucs = []
    t0 = time.perf_counter()
    for f in np.unique(fold):
        tr, te = fold != f, fold == f
        m = make().fit(X[tr], y[tr])
        aucs.append(roc_auc_score(y[te], m.predict_proba(X[te])[:, 1]))
    cv = time.perf_counter() - t0
    t0 = time.perf_counter()
    make().fit(X, y)
    fit = time.perf_counter() - t0
    return float(np.mean(aucs)), cv, fit


def main(argv):
    global JOBS
    shared = None
    solver = "liblinear"
    wanted = None
    i = 0
    while i < len(argv):
        if argv[i] == "--solver":
            solver = argv[i + 1]
            i += 2
        elif argv[i] == "--jobs":
            JOBS = int(argv[i + 1])
            i += 2
        elif argv[i] == "--models":
            wanted = argv[i + 1].split(",")
            i += 2
        else:
            shared = argv[i]
            i += 1
    if shared is None:
        shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
    X, y, fold, numeric = load(shared)
    models = [
        ("LR", lambda: make_lr(numeric, solver)),
        ("WoE-LR", lambda: WoELR(numeric, solver)),
        ("XGB-hist", lambda: make_xgb(numeric)),
        ("RF", lambda: make_rf(numeric)),
        ("HGB", lambda: make_hgb(numeric)),
    ]
    for name, make in models:
        if wanted is not None and name not in wanted:
            continue
        auc, cv, fit = run(make, X, y, fold)
        print(f"{name} {auc:.4f} {cv:.2f} {fit:.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
