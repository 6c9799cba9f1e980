"""check_equivalence: the report, its verdict, its table and its serialization.

The numbers are checked against the quantities they are made of: the objective F of
``bayesreg.core.objective`` (relative 1e-12 between the two estimates when they agree) and
the stated verdict rule. A perturbed penalized estimate must turn the verdict to False.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

import bayesreg.equivalence
from bayesreg.core.objective import objective
from bayesreg.core.results import PenalizedFit
from bayesreg.datasets import load_diabetes
from bayesreg.equivalence import EquivalenceReport, check_equivalence
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior

OBJECTIVE_RTOL = 1e-12


@pytest.fixture(scope="module")
def diabetes_report() -> EquivalenceReport:
    """Laplace(0, 2) on standardized diabetes with σ = 54: the lasso at alpha = 3.2986."""
    X, y = load_diabetes(as_frame=True)
    return check_equivalence(X * np.sqrt(len(y)), y, LaplacePrior(2.0), noise=54.0)


def test_diabetes_laplace_prior_is_the_lasso(diabetes_report: EquivalenceReport) -> None:
    report = diabetes_report
    assert report.ok
    assert report.support_match
    assert report.alpha == pytest.approx(54.0**2 / (442 * 2.0), rel=1e-15)
    assert report.l1_ratio == 1.0
    assert report.feature_names == ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
    assert np.count_nonzero(report.coef_map == 0.0) == 4
    assert report.max_abs_diff == np.max(np.abs(report.coef_map - report.coef_penalized))
    assert report.max_abs_diff <= report.rtol * np.max(np.abs(report.coef_penalized))
    assert report.objective_map == pytest.approx(report.objective_penalized, rel=OBJECTIVE_RTOL)
    X, y = load_diabetes()
    X = X * np.sqrt(442)
    assert report.objective_penalized == pytest.approx(
        objective(X, y, report.coef_penalized, report.intercept_penalized, report.alpha, 1.0),
        rel=1e-15,
    )
    assert report.certificate_penalized == "duality gap"


def test_table_and_dict(diabetes_report: EquivalenceReport) -> None:
    table = str(diabetes_report)
    assert "LaplacePrior(scale=2.0)" in table
    assert "alpha = 3.29864" in table
    assert "EQUIVALENT" in table
    assert "NOT EQUIVALENT" not in table
    for name in diabetes_report.feature_names:
        assert name in table
    # one row per coefficient, with the zero/non-zero status on each side
    assert table.count("zero     zero") == 4
    as_dict = diabetes_report.to_dict()
    assert set(as_dict) == {item.name for item in dataclasses.fields(EquivalenceReport)}
    restored = json.loads(json.dumps(as_dict))
    assert restored["prior"] == {"family": "LaplacePrior", "scale": 2.0}
    np.testing.assert_array_equal(restored["coef_map"], diabetes_report.coef_map)


@pytest.mark.parametrize(
    ("prior", "likelihood"),
    [(GaussianPrior(0.5), "gaussian"), (ElasticNetPrior(2.0, 1.0), "bernoulli")],
    ids=["ridge", "logistic-elastic-net"],
)
def test_other_families_and_likelihoods(prior: Any, likelihood: str) -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 5))
    y = X @ np.array([1.0, -1.0, 0.0, 0.5, 0.0]) + rng.standard_normal(40)
    if likelihood == "bernoulli":
        y = (y > 0).astype(float)
    # for the Bernoulli likelihood the noise is not used
    report = check_equivalence(X, y, prior, noise=3.0, likelihood=likelihood)
    assert report.ok
    assert report.noise == (3.0 if likelihood == "gaussian" else 1.0)
    expected = prior.penalty(40, report.noise)
    assert (report.alpha, report.l1_ratio) == pytest.approx(expected, rel=1e-15)
    assert report.objective_map == pytest.approx(report.objective_penalized, rel=OBJECTIVE_RTOL)


def test_a_wrong_penalized_estimate_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shift one coefficient of the core's solution by 1e-6: the verdict must flip."""
    original = bayesreg.equivalence.penalized_solve

    def shifted(*args: Any, **kwargs: Any) -> PenalizedFit:
        fit = original(*args, **kwargs)
        coef = fit.coef.copy()
        coef[0] += 1e-6
        return dataclasses.replace(fit, coef=coef)

    monkeypatch.setattr(bayesreg.equivalence, "penalized_solve", shifted)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.standard_normal(30)
    report = check_equivalence(X, y, GaussianPrior(1.0))
    assert not report.ok
    assert report.max_abs_diff == pytest.approx(1e-6, rel=1e-6)
    assert "NOT EQUIVALENT" in str(report)
    # the same discrepancy passes a loose enough tolerance
    assert check_equivalence(X, y, GaussianPrior(1.0), rtol=1e-3).ok


def test_bad_arguments() -> None:
    X = pd.DataFrame(np.eye(4)[:, :2], columns=["a", "b"])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    with pytest.raises(InputValueError, match="noise"):
        check_equivalence(X, y, LaplacePrior(1.0), noise=0.0)
    with pytest.raises(InputValueError, match="rtol"):
        check_equivalence(X, y, LaplacePrior(1.0), rtol=-1.0)
    with pytest.raises(InputValueError, match="likelihood"):
        check_equivalence(X, y, LaplacePrior(1.0), likelihood="probit")
    with pytest.raises(InputTypeError, match="prior"):
        check_equivalence(X, y, 1.0)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="0 and 1"):
        check_equivalence(X, y + 0.5, LaplacePrior(1.0), likelihood="bernoulli")
