"""``kkt_residual``: the optimality certificate of any point, against closed forms and oracles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit
from sklearn.linear_model import ElasticNet, LogisticRegression

from bayesreg.core.objective import kkt_residual, objective
from bayesreg.errors import InputValueError


def _data(seed: int, n: int = 60, p: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ np.triu(np.full((p, p), 0.4)) + rng.standard_normal((n, p))
    y = 2.0 + X @ np.linspace(1.5, 0.0, p) + rng.standard_normal(n)
    return X, y


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    alpha=st.floats(1e-3, 5.0),
    l1_ratio=st.floats(0.0, 1.0),
)
def test_residual_at_zero_is_the_excess_correlation(
    seed: int, alpha: float, l1_ratio: float
) -> None:
    """At w = 0, w0 = ȳ: the residual is max(‖Xᵀ(y − ȳ)‖∞/n − alpha·r, 0) (closed form)."""
    X, y = _data(seed)
    correlation = np.abs(X.T @ (y - y.mean())).max() / len(y)
    expected = max(correlation - alpha * l1_ratio, 0.0)
    value = kkt_residual(X, y, np.zeros(X.shape[1]), float(y.mean()), alpha, l1_ratio)
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("l1_ratio", [0.3, 1.0])
def test_residual_vanishes_at_the_sklearn_elastic_net_solution(l1_ratio: float) -> None:
    X, y = _data(3)
    model = ElasticNet(alpha=0.3, l1_ratio=l1_ratio, tol=1e-15, max_iter=100_000).fit(X, y)
    value = kkt_residual(X, y, model.coef_, float(model.intercept_), 0.3, l1_ratio)
    # gradients are of order ‖Xᵀy‖∞/n ≈ 10; coordinate descent reaches ~1e-10 of that
    assert value <= 1e-8


def test_residual_sees_a_shifted_intercept() -> None:
    """With centered columns ∂L/∂w0 = ȳ − w0 − x̄ᵀw is the only term a shift of w0 moves."""
    X, y = _data(5)
    X = X - X.mean(axis=0)
    model = ElasticNet(alpha=0.2, l1_ratio=1.0, tol=1e-15, max_iter=100_000).fit(X, y)
    shift = 0.25
    moved = kkt_residual(X, y, model.coef_, float(model.intercept_) + shift, 0.2, 1.0)
    assert moved == pytest.approx(shift, rel=1e-9)
    ignored = kkt_residual(
        X, y, model.coef_, float(model.intercept_) + shift, 0.2, 1.0, fit_intercept=False
    )
    assert ignored <= 1e-8


def test_bernoulli_residual_at_zero_and_at_the_sklearn_solution() -> None:
    X, y = _data(11)
    labels = (y > np.median(y)).astype(float)
    start = float(logit(labels.mean()))
    # at w = 0 and w0 = logit(ȳ), ∇_w L = Xᵀ(ȳ − y)/n
    expected = np.abs(X.T @ (expit(start) - labels)).max() / len(labels)
    value = kkt_residual(X, labels, np.zeros(X.shape[1]), start, 1e-3, 0.0, "bernoulli")
    assert value == pytest.approx(expected, rel=1e-10)
    alpha = 0.05
    model = LogisticRegression(
        C=1.0 / (len(labels) * alpha), solver="newton-cholesky", tol=1e-14, max_iter=1000
    ).fit(X, labels)
    optimum = kkt_residual(
        X, labels, model.coef_[0], float(model.intercept_[0]), alpha, 0.0, "bernoulli"
    )
    assert optimum <= 1e-9


@pytest.mark.parametrize("function", [objective, kkt_residual])
def test_objective_and_kkt_residual_validate_the_penalty(function) -> None:  # type: ignore[no-untyped-def]
    X = np.ones((3, 2))
    y = np.zeros(3)
    with pytest.raises(InputValueError, match="alpha must be a finite number ≥ 0"):
        function(X, y, np.zeros(2), 0.0, -1.0, 0.5)
    with pytest.raises(InputValueError, match=r"l1_ratio must lie in \[0, 1\]"):
        function(X, y, np.zeros(2), 0.0, 1.0, 5.0)


def test_poisson_objective_is_the_negative_log_likelihood_and_residual_vanishes() -> None:
    """F = −(1/n) Σ log Poisson(y | exp(o + η)) − (1/n) Σ log y! + alpha·P, and the KKT
    residual at the certified Poisson fit is below the fit's own threshold."""
    from scipy import stats
    from scipy.special import gammaln

    from bayesreg.core.poisson import poisson

    rng = np.random.default_rng(7)
    X = rng.standard_normal((80, 4))
    offset = rng.uniform(-0.5, 0.5, 80)
    y = rng.poisson(np.exp(0.2 + offset + 0.4 * X[:, 0])).astype(float)
    coef, intercept = rng.standard_normal(4) * 0.1, 0.3
    rate = np.exp(offset + intercept + X @ coef)
    expected = -np.mean(stats.poisson.logpmf(y, rate)) - np.mean(gammaln(y + 1.0))
    expected += 0.05 * (0.5 * np.abs(coef).sum() + 0.25 * coef @ coef)
    value = objective(X, y, coef, intercept, 0.05, 0.5, "poisson", offset=offset)
    assert value == pytest.approx(expected, rel=1e-12)
    fit = poisson(X, y, 0.05, 0.5, offset=offset)
    residual = kkt_residual(X, y, fit.coef, fit.intercept, 0.05, 0.5, "poisson", offset=offset)
    assert residual <= fit.tol
    assert objective(X, y, fit.coef, fit.intercept, 0.05, 0.5, "poisson", offset=offset) == (
        pytest.approx(fit.objective, rel=1e-13)
    )
    # without the offset the point is not optimal: the residual sees it
    assert kkt_residual(X, y, fit.coef, fit.intercept, 0.05, 0.5, "poisson") > 100 * fit.tol
