"""SciPy and statsmodels recompute the statistics Tracelab reports, and must agree to 3 decimals.

Usage: stats_reference.py CHECKS.json. The file holds any of these blocks (missing or empty
blocks are skipped); `confidence` defaults to 0.95:

  wilson:       {successes, n, low, high[, confidence]}
  newcombe:     {successes_a, n_a, successes_b, n_b, low, high[, confidence]}   (p_b - p_a)
  fisher:       {table: [[a, b], [c, d]], p}
  mcnemar:      {a_only, b_only, p}
  holm:         {p: [...], adjusted: [...]}
  mann_whitney: {a: [...], b: [...], p}
  ztest:        {successes_a, n_a, successes_b, n_b, p}                     (pooled, two-sided)
  ols:          {X: [[...]], y: [...], [groups: [...],] coefficients: [...], standard_errors: [...]}
                (HC1 errors; with groups, errors clustered by group, CR1)

Prints one line per check; exits 1 at the first mismatch, naming it.
"""
import json
import sys

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportions_ztest)

TOLERANCE = 5e-4


def independent_columns(X):
    """Columns kept in order, skipping each one that depends on those before (as Tracelab does)."""
    kept = []
    for j in range(X.shape[1]):
        if np.linalg.matrix_rank(X[:, kept + [j]]) == len(kept) + 1:
            kept.append(j)
    return kept


def ols(case):
    X, y = np.asarray(case["X"], float), np.asarray(case["y"], float)
    kept = independent_columns(X)
    if "groups" in case:
        fit = sm.OLS(y, X[:, kept]).fit(cov_type="cluster",
                                        cov_kwds={"groups": np.asarray(case["groups"])})
    else:
        fit = sm.OLS(y, X[:, kept]).fit(cov_type="HC1")
    # Tracelab reports a dependent column as coefficient 0 with standard error 0.
    coefficients, errors = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    coefficients[kept], errors[kept] = fit.params, fit.bse
    return [*coefficients, *errors], [*case["coefficients"], *case["standard_errors"]]


# Each block: how to name a case, and (reference values, Tracelab's values) for it.
CHECKS = {
    "wilson": lambda c: (
        f"{c['successes']}/{c['n']}",
        proportion_confint(c["successes"], c["n"], alpha=1 - c.get("confidence", 0.95), method="wilson"),
        (c["low"], c["high"]),
    ),
    "newcombe": lambda c: (
        f"{c['successes_b']}/{c['n_b']} - {c['successes_a']}/{c['n_a']}",
        confint_proportions_2indep(c["successes_b"], c["n_b"], c["successes_a"], c["n_a"],
                                   method="newcomb", compare="diff",
                                   alpha=1 - c.get("confidence", 0.95)),
        (c["low"], c["high"]),
    ),
    "ztest": lambda c: (
        f"{c['successes_b']}/{c['n_b']} vs {c['successes_a']}/{c['n_a']}",
        [proportions_ztest([c["successes_b"], c["successes_a"]], [c["n_b"], c["n_a"]])[1]],
        [c["p"]],
    ),
    "fisher": lambda c: (str(c["table"]), [stats.fisher_exact(c["table"]).pvalue], [c["p"]]),
    "mcnemar": lambda c: (
        f"{c['a_only']} vs {c['b_only']}",
        [mcnemar([[0, c["a_only"]], [c["b_only"], 0]], exact=c["a_only"] + c["b_only"] < 25,
                 correction=True).pvalue],
        [c["p"]],
    ),
    "holm": lambda c: (f"{len(c['p'])} p-values", multipletests(c["p"], method="holm")[1],
                       c["adjusted"]),
    "mann_whitney": lambda c: (
        f"{len(c['a'])} vs {len(c['b'])} values",
        [stats.mannwhitneyu(c["a"], c["b"], alternative="two-sided", method="asymptotic",
                            use_continuity=True).pvalue],
        [c["p"]],
    ),
    "ols": lambda c: (
        f"{len(c['y'])} sessions x {len(c['X'][0])} columns"
        + (f", clustered in {len(set(c['groups']))} groups" if "groups" in c else ", HC1"),
        *ols(c),
    ),
}


def main() -> int:
    with open(sys.argv[1]) as f:
        blocks = json.load(f)
    checked = 0
    for block, check in CHECKS.items():
        for i, case in enumerate(blocks.get(block) or []):
            name, reference, ours = check(case)
            reference, ours = np.asarray(reference, float), np.asarray(ours, float)
            gap = float(np.max(np.abs(reference - ours))) if reference.shape == ours.shape else np.inf
            label = f"{block}[{i}] {name}"
            if not gap <= TOLERANCE:
                print(f"BAD {label}: reference {reference.tolist()} tracelab {ours.tolist()}")
                print(f"mismatch in {label}")
                print(f"{checked} passed, 1 failed")
                return 1
            print(f"ok  {label}: max difference {gap:.1e}")
            checked += 1
    print(f"{checked} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
