"""Observation weights in the PyMC layer: build_model(..., weights=s) and check_equivalence.

Row i of the weighted Gaussian model has noise σ/√s_i, so with σ fixed
−log p = (Σs/σ²)·[1/(2Σs) Σ s_i r_i² + alpha·P(w)] + const at prior.penalty(Σs, σ): the
MAP is prior.penalized_fit(X, y, noise=σ, sample_weight=s). Each find_map compiles a
model, so the cases are few.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError, InputValueError
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc import build_model, check_equivalence, find_map
from bayesreg.testing import assert_map_matches_penalty

NOISE = 0.6


def _data(n: int, p: int, seed: int) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    coef = np.zeros(p)
    coef[: min(3, p)] = [1.5, -1.0, 0.5][: min(3, p)]
    y = 1.0 + X @ coef + NOISE * rng.standard_normal(n)
    weights = rng.uniform(0.2, 3.0, n)
    weights[[1, 4]] = 0.0  # two rows left out
    return X, y, weights


@pytest.mark.parametrize(
    ("prior", "fit_intercept", "shape"),
    [
        (LaplacePrior(0.05), True, (40, 6)),
        (GaussianPrior(0.5), False, (40, 6)),
        (ElasticNetPrior(l1=4.0, l2=2.0), True, (15, 25)),  # n < p
        (LaplacePrior(0.1), False, (15, 25)),
    ],
)
def test_weighted_map_is_the_weighted_penalized_fit(
    prior: Any, fit_intercept: bool, shape: tuple[int, int]
) -> None:
    """find_map(build_model(..., weights=s, noise=σ)) = penalized_fit(..., sample_weight=s):
    coefficients and intercept to 1e-8 relative to max(||coef||∞, 1), identical zeros."""
    X, y, weights = _data(*shape, seed=shape[1])
    model = build_model(X, y, prior, noise=NOISE, fit_intercept=fit_intercept, weights=weights)
    estimate = find_map(model)
    fit = prior.penalized_fit(X, y, noise=NOISE, fit_intercept=fit_intercept, sample_weight=weights)
    assert estimate.optimality == "global"
    scale = max(float(np.max(np.abs(fit.coef))), 1.0)
    coef = estimate.values["coef"]
    assert np.max(np.abs(coef - fit.coef)) <= 1e-8 * scale
    assert np.array_equal(coef == 0.0, fit.coef == 0.0)
    intercept = 0.0 if estimate.intercept is None else estimate.intercept
    assert abs(intercept - fit.intercept) <= 1e-8 * max(abs(fit.intercept), scale)
    if not isinstance(prior, GaussianPrior):
        assert np.count_nonzero(coef == 0.0) > 0  # the zeros are really compared


def test_integer_weights_are_replicated_rows() -> None:
    """The MAP of the model with integer weights is the MAP of the model on the rows
    replicated s_i times (σ fixed: the normalizing constants differ only by a constant)."""
    X, y, _ = _data(20, 4, seed=3)
    counts = np.random.default_rng(3).integers(0, 4, 20)
    counts[0] = 2
    prior = LaplacePrior(0.3)
    weighted = find_map(build_model(X, y, prior, noise=NOISE, weights=counts))
    replicated = find_map(
        build_model(np.repeat(X, counts, axis=0), np.repeat(y, counts), prior, noise=NOISE)
    )
    scale = max(float(np.max(np.abs(replicated.values["coef"]))), 1.0)
    assert np.max(np.abs(weighted.values["coef"] - replicated.values["coef"])) <= 1e-8 * scale
    assert np.array_equal(weighted.values["coef"] == 0.0, replicated.values["coef"] == 0.0)
    assert weighted.intercept is not None
    assert replicated.intercept is not None
    assert abs(weighted.intercept - replicated.intercept) <= 1e-8 * scale


def test_zero_weight_removes_the_row() -> None:
    """A zero-weight row is not in the model: same data, same log-density (to rounding)
    as the model built without it, and the "obs" coordinate keeps the original indices."""
    X, y, weights = _data(12, 3, seed=5)
    keep = weights > 0.0
    prior = GaussianPrior(1.0)
    full = build_model(X, y, prior, weights=weights)  # σ free
    dropped = build_model(X[keep], y[keep], prior, weights=weights[keep])
    assert np.array_equal(full.coords["obs"], np.flatnonzero(keep))
    assert np.array_equal(full["X"].get_value(), X[keep])
    point = {
        "coef": np.array([0.3, -0.2, 0.1]),
        "intercept": np.array(0.7),
        "noise_log__": np.array(np.log(0.8)),
    }
    value_full = full.compile_logp()(point)
    value_dropped = dropped.compile_logp()(point)
    assert np.isfinite(value_full)
    assert abs(value_full - value_dropped) <= 1e-12 * abs(value_dropped)


def test_weighted_gaussian_loglik_is_the_closed_form() -> None:
    """With σ fixed, −log p differs from Σ s_i r_i²/(2σ²) + (−log prior) by a constant:
    two points give the same difference (the weighted likelihood, zero rows excluded)."""
    X, y, weights = _data(10, 2, seed=8)
    prior = GaussianPrior(2.0)
    logp = build_model(X, y, prior, noise=NOISE, weights=weights).compile_logp()

    def closed_form(coef: Any, w0: float) -> float:
        residual = y - w0 - X @ coef
        return float(weights @ residual**2) / (2 * NOISE**2) + float(coef @ coef) / (2 * 4.0)

    points = [(np.array([0.1, 0.2]), 0.3), (np.array([-1.0, 0.5]), 2.0)]
    gaps = [
        -logp({"coef": coef, "intercept": np.array(w0)}) - closed_form(coef, w0)
        for coef, w0 in points
    ]
    assert abs(gaps[0] - gaps[1]) <= 1e-10 * max(abs(g) for g in gaps)


def test_free_noise_counts_the_positive_weight_rows() -> None:
    """With σ free (σ ~ HalfNormal(s_y)) the joint MAP's σ̂ solves
    m/σ − Σ s_i r_i²/σ³ + σ/s_y² = 0, i.e. σ̂²(m + σ̂²/s_y²) = Σ s_i r_i², with m the
    number of rows of positive weight (not Σs) and s_y² = Σ s_i (y_i − ȳ_s)²/m; and the
    coefficients are the weighted penalized fit at σ̂ (check_equivalence)."""
    X, y, weights = _data(30, 4, seed=11)
    weights[7] = 0.0
    prior = GaussianPrior(0.4)  # its density does not involve σ
    report = check_equivalence(X, y, prior, weights=weights)
    assert report.ok
    assert report.noise_estimated
    positive = weights > 0.0
    m = int(np.count_nonzero(positive))
    mean = float(weights @ y / weights.sum())
    scale2 = float(weights @ (y - mean) ** 2) / m
    residual = y - report.intercept_map - X @ report.coef_map
    weighted_rss = float(weights @ residual**2)
    sigma2 = report.noise**2
    assert abs(sigma2 * (m + sigma2 / scale2) - weighted_rss) <= 1e-7 * weighted_rss
    # the unweighted count n (or Σs) in place of m would give a visibly different σ̂
    assert abs(sigma2 * (weights.size + sigma2 / scale2) - weighted_rss) > 1e-3 * weighted_rss


def test_testing_helper_passes_weights() -> None:
    X, y, weights = _data(15, 25, seed=13)
    report = assert_map_matches_penalty(X, y, LaplacePrior(0.1), noise=NOISE, weights=weights)
    total = float(weights.sum())
    assert report.alpha == pytest.approx(NOISE**2 / 0.1 / total, rel=1e-15)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (-np.ones(6), "weights must be finite and ≥ 0"),
        (np.ones(5), r"weights must have shape \(6,\)"),
        (np.zeros(6), "weights must have a positive sum"),
        (np.array([1.0, np.nan, 1.0, 1.0, 1.0, 1.0]), "weights must be finite"),
    ],
)
def test_bad_weights_are_refused(weights: Any, match: str) -> None:
    X, y, _ = _data(6, 2, seed=0)
    with pytest.raises(DataError, match=match):
        build_model(X, y, LaplacePrior(1.0), weights=weights)


def test_weights_are_refused_where_unsupported() -> None:
    X, y, weights = _data(8, 2, seed=1)
    labels = (y > np.median(y)).astype(float)
    for kind in ("bernoulli", "poisson"):
        target = labels if kind == "bernoulli" else np.round(np.abs(y))
        with pytest.raises(InputValueError, match=f"weights were given with likelihood='{kind}'"):
            build_model(X, target, LaplacePrior(1.0), likelihood=kind, weights=weights)
    with pytest.raises(InputValueError, match="weights were given with sufficient statistics"):
        build_model(SufficientStats.from_arrays(X, y), None, LaplacePrior(1.0), weights=weights)
    with pytest.raises(InputValueError, match="weights with LaplacePrior"):
        check_equivalence(X, y, LaplacePrior((1.0, 2.0)), noise=1.0, weights=weights)
