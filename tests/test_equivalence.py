"""check_equivalence: the report, its verdict, its table and its serialization.

The numbers are checked against the quantities they are made of: the objective F of
``bayesreg.core.objective`` (relative 1e-12 between the two estimates when they agree) and
the stated verdict rule. A perturbed penalized estimate must turn the verdict to False.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.optimize

import bayesreg.pymc.equivalence
from bayesreg.core.objective import objective
from bayesreg.core.results import PenalizedFit
from bayesreg.core.solve import penalized_solve
from bayesreg.datasets import load_diabetes
from bayesreg.errors import DataError, InputTypeError, InputValueError, ModelStructureError
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc.equivalence import EquivalenceReport, check_equivalence
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

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
    # the Bernoulli likelihood has no noise: the conversion takes σ = 1
    noise = 3.0 if likelihood == "gaussian" else None
    report = check_equivalence(X, y, prior, noise=noise, likelihood=likelihood)
    assert report.ok
    assert report.noise == (3.0 if likelihood == "gaussian" else 1.0)
    assert not report.noise_estimated
    expected = prior.penalty(40, report.noise)
    assert (report.alpha, report.l1_ratio) == pytest.approx(expected, rel=1e-15)
    assert report.objective_map == pytest.approx(report.objective_penalized, rel=OBJECTIVE_RTOL)


def test_a_wrong_penalized_estimate_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shift one coefficient of the core's solution by 1e-6: the verdict must flip."""
    original = bayesreg.pymc.equivalence.penalized_solve

    def shifted(*args: Any, **kwargs: Any) -> PenalizedFit:
        fit = original(*args, **kwargs)
        coef = fit.coef.copy()
        coef[0] += 1e-6
        return dataclasses.replace(fit, coef=coef)

    monkeypatch.setattr(bayesreg.pymc.equivalence, "penalized_solve", shifted)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, 3))
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.standard_normal(30)
    report = check_equivalence(X, y, GaussianPrior(1.0), noise=1.0)
    assert not report.ok
    assert report.max_abs_diff == pytest.approx(1e-6, rel=1e-6)
    # the MAP itself is right: its KKT residual for F passes, the comparison does not
    assert report.kkt_map <= report.rtol * report.gradient_scale
    assert report.max_abs_diff > report.rtol * report.coef_scale
    assert "NOT EQUIVALENT" in str(report)
    # the same discrepancy passes a loose enough tolerance
    assert check_equivalence(X, y, GaussianPrior(1.0), noise=1.0, rtol=1e-3).ok


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
    for noise in (1.0, 2.0):
        with pytest.raises(InputValueError, match="Bernoulli likelihood has no noise; omit noise"):
            check_equivalence(X, y, LaplacePrior(1.0), noise=noise, likelihood="bernoulli")


# --- the verdict is relative to the scales of the data ------------------------------------

#: y (with σ and the prior's scale) or X measured in units 1e-9 … 1e9 times the original.
UNITS = [1e-9, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9]
#: Wrong MAPs: every coefficient doubled, or off by a relative 1e-4 (far above rtol = 1e-8).
WRONG_FACTORS = [2.0, 1.0 + 1e-4]


def _sweep_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    return X, X @ np.array([1.5, -2.0, 0.0, 0.7, 0.0]) + rng.standard_normal(60)


def _inject_map(monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    """Make check_equivalence's find_map return ``make(true estimate)``."""
    original = bayesreg.pymc.equivalence.find_map

    def find(model: Any, **kwargs: Any) -> Any:
        return make(original(model, **kwargs))

    monkeypatch.setattr(bayesreg.pymc.equivalence, "find_map", find)


def _scaled_map(estimate: Any, factor: float) -> Any:
    coef = estimate.values["coef"] * factor
    return dataclasses.replace(estimate, coef=coef, values={**estimate.values, "coef": coef})


# y → c·y with σ → c·σ and the prior's scale → c·scale is the same problem in other units:
# the MAP and the penalized estimate are c times the original ones.
SCALED_PRIORS = {
    "laplace": lambda c: LaplacePrior(0.05 * c),
    "gaussian": lambda c: GaussianPrior(0.5 * c),
    # −log p = a|w| + (c₂/2)w²: a → a/c, c₂ → c₂/c²
    "elastic-net": lambda c: ElasticNetPrior(10.0 / c, 4.0 / c**2),
}


@functools.cache
def _baseline(family: str) -> EquivalenceReport:
    X, y = _sweep_data()
    return check_equivalence(X, y, SCALED_PRIORS[family](1.0), noise=1.0)


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("family", list(SCALED_PRIORS))
def test_verdict_does_not_depend_on_the_units_of_y(
    monkeypatch: pytest.MonkeyPatch, family: str, units: float
) -> None:
    """The true MAP passes and a doubled or 1e-4-off MAP fails, whatever the units of y."""
    X, y = _sweep_data()
    prior = SCALED_PRIORS[family](units)
    truth = check_equivalence(X, units * y, prior, noise=units)
    assert truth.ok, str(truth)
    baseline = _baseline(family)
    # the scales of the verdict are c times the original ones (rounding aside)
    for name in ("gradient_scale", "coef_scale", "intercept_scale"):
        assert getattr(truth, name) == pytest.approx(units * getattr(baseline, name), rel=1e-12)
    for factor in WRONG_FACTORS:
        with monkeypatch.context() as patch:
            _inject_map(patch, lambda estimate, factor=factor: _scaled_map(estimate, factor))
            wrong = check_equivalence(X, units * y, prior, noise=units)
        assert not wrong.ok, f"a MAP × {factor} passed at units {units:g}"
        assert wrong.kkt_map > wrong.rtol * wrong.gradient_scale
        assert wrong.max_abs_diff > wrong.rtol * wrong.coef_scale


@pytest.mark.parametrize("units", UNITS)
def test_verdict_does_not_depend_on_the_units_of_x(
    monkeypatch: pytest.MonkeyPatch, units: float
) -> None:
    """Logistic regression with X → d·X and the prior's scale → scale/d: w → w/d.

    The MAP is injected as the certified core solution (what an exact MAP equals), so
    the sweep tests the verdict alone: the PyMC MAP solver has its own accuracy at
    extreme units.
    """
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 4))
    labels = (X @ np.array([1.5, -1.0, 0.0, 0.5]) + rng.logistic(size=80) > 0).astype(float)
    prior = LaplacePrior(0.2 / units)
    solution = penalized_solve(
        X * units, labels, *prior.penalty(80), likelihood="bernoulli", tol=1e-13
    )

    def exact(estimate: Any, factor: float) -> Any:
        coef = solution.coef * factor
        return dataclasses.replace(
            estimate,
            coef=coef,
            intercept=solution.intercept,
            values={**estimate.values, "coef": coef, "intercept": np.array(solution.intercept)},
        )

    # a MapEstimate of this model's structure, whose numbers are replaced
    template = find_map(build_model(X, labels, LaplacePrior(0.2), likelihood="bernoulli"))
    reports = {}
    for factor in [1.0, *WRONG_FACTORS]:
        with monkeypatch.context() as patch:
            patch.setattr(
                bayesreg.pymc.equivalence,
                "find_map",
                lambda model, factor=factor, **options: exact(template, factor),
            )
            reports[factor] = check_equivalence(X * units, labels, prior, likelihood="bernoulli")
    assert 0 < np.count_nonzero(solution.coef) < 4  # exact zeros and non-zeros
    assert reports[1.0].ok, str(reports[1.0])
    for factor in WRONG_FACTORS:
        assert not reports[factor].ok


def test_a_wrong_map_fails_even_when_the_core_agrees_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The KKT rule certifies the MAP for F on its own: a shared error does not pass."""
    X, y = _sweep_data()
    _inject_map(monkeypatch, lambda estimate: _scaled_map(estimate, 1.0 + 1e-4))
    original = bayesreg.pymc.equivalence.penalized_solve

    def same_error(*args: Any, **kwargs: Any) -> PenalizedFit:
        fit = original(*args, **kwargs)
        return dataclasses.replace(fit, coef=fit.coef * (1.0 + 1e-4))

    monkeypatch.setattr(bayesreg.pymc.equivalence, "penalized_solve", same_error)
    report = check_equivalence(X, 1e-9 * y, LaplacePrior(0.05e-9), noise=1e-9)
    assert report.max_abs_diff <= report.rtol * report.coef_scale
    assert report.support_match
    assert not report.ok
    assert report.kkt_map > report.rtol * report.gradient_scale


# --- σ free: the joint MAP's coefficients are the penalized estimate at σ̂ -----------------


def _negative_log_posterior_profile(
    X: np.ndarray, y: np.ndarray, prior: Any, noise: float
) -> float:
    """min over (w, w0) of −log p(w, w0, σ | y) at σ = noise, up to a constant.

    Written out from the model: n log σ + ||y − w0 − Xw||²/(2σ²) + Σ_j −log p(w_j)
    + σ²/(2 s_y²) (the HalfNormal(s_y) noise prior, s_y the rms of y about its mean); the
    inner minimum is the core solver's at ``prior.penalty(n, σ)``.
    """
    n = len(y)
    alpha, l1_ratio = prior.penalty(n, noise)
    fit = penalized_solve(X, y, alpha, l1_ratio)
    residual = y - fit.intercept - X @ fit.coef
    prior_terms = prior.l1_weight(noise) * np.sum(np.abs(fit.coef)) + 0.5 * prior.l2_weight(
        noise
    ) * np.sum(fit.coef**2)
    s_y = np.sqrt(np.mean((y - y.mean()) ** 2))
    return float(
        n * np.log(noise)
        + residual @ residual / (2.0 * noise**2)
        + prior_terms
        + noise**2 / (2.0 * s_y**2)
    )


@pytest.mark.parametrize(
    "prior", [LaplacePrior(0.5), GaussianPrior(0.4), ElasticNetPrior(2.0, 3.0)], ids=repr
)
def test_free_noise_compares_at_the_joint_map_sigma(prior: Any) -> None:
    """The default noise=None: σ̂ maximizes the profile posterior (scipy, independently),
    and the reported MAP coefficients are the core solution at prior.penalty(n, σ̂)."""
    X, y = _sweep_data()
    report = check_equivalence(X, y, prior)
    assert report.noise_estimated
    assert report.map_converged
    assert report.ok, str(report)
    assert "joint MAP σ̂" in str(report)
    # σ̂ is the mode of the profile −log p(σ) = min_w −log p(w, w0, σ): bounded scalar
    # minimization to xatol 1e-10 on σ ∈ [0.1, 10] (the residual sd is about 1)
    oracle = scipy.optimize.minimize_scalar(
        lambda sigma: _negative_log_posterior_profile(X, y, prior, sigma),
        bounds=(0.1, 10.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert report.noise == pytest.approx(oracle.x, rel=1e-7)
    # the comparison is made at σ̂'s penalty, against the core solver run here
    assert (report.alpha, report.l1_ratio) == prior.penalty(60, report.noise)
    solution = penalized_solve(X, y, report.alpha, report.l1_ratio)
    np.testing.assert_allclose(report.coef_map, solution.coef, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(report.coef_map == 0.0, solution.coef == 0.0)
    assert report.intercept_map == pytest.approx(solution.intercept, abs=1e-9)


def test_free_noise_is_the_default_of_build_model_and_check_equivalence() -> None:
    """build_model states the default noise=None; the others pass their options through."""
    from bayesreg.pymc.model import model_options
    from bayesreg.testing import assert_map_matches_penalty

    assert inspect.signature(build_model).parameters["noise"].default is None
    assert model_options().noise is None
    for function in (check_equivalence, assert_map_matches_penalty):
        assert inspect.signature(function).parameters["options"].kind is (
            inspect.Parameter.VAR_KEYWORD
        )
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([1.0, -0.5, 0.0]) + rng.standard_normal(40)
    report = assert_map_matches_penalty(X, y, LaplacePrior(0.5))
    assert report.noise_estimated
    with pytest.raises(TypeError, match="nois"):
        check_equivalence(X, y, LaplacePrior(0.5), nois=1.0)  # type: ignore[call-arg]


def test_free_noise_with_no_more_samples_than_features_lets_find_map_say_there_is_no_mode() -> None:
    """With n ≤ p and σ free the fit can be exact while σ → 0: log p is unbounded.

    check_equivalence does not catch find_map's error (nor fall back to a fixed σ).
    """
    rng = np.random.default_rng(5)
    X = rng.standard_normal((10, 20))
    y = X[:, 0] + rng.standard_normal(10)
    with pytest.raises(ModelStructureError, match="has no mode"):
        check_equivalence(X, y, LaplacePrior(1.0))
    assert check_equivalence(X, y, LaplacePrior(1.0), noise=1.0).ok
