"""Per-coefficient penalty factors in the GLM solvers (logistic, Poisson).

``F = L(η) + alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``: the MAP under independent priors
with one scale per coefficient. Checked by the change of variables ``u_j = v_j w_j`` (exact
for the pure L1 penalty), by glum's ``P1``/``P2`` (the same objective), and by the KKT
conditions recomputed here with per-coordinate strengths ``alpha·v_j``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from glum import GeneralizedLinearRegressor
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core.datafits import datafit_of
from bayesreg.core.logistic import logistic
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.poisson import poisson
from bayesreg.errors import DataError, InputValueError
from bayesreg.priors import LaplacePrior

FloatArray = NDArray[np.float64]


def _problem(family: str, n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = X[:, : min(p, 3)] @ np.array([0.8, -0.6, 0.4])[: min(p, 3)]
    if family == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(np.float64)
    else:
        y = rng.poisson(np.exp(0.3 + 0.5 * eta)).astype(np.float64)
    return X, y


def _fit(family: str, X: FloatArray, y: FloatArray, alpha: float, r: float, **options):  # type: ignore[no-untyped-def]
    solver = logistic if family == "bernoulli" else poisson
    return solver(X, y, alpha, r, **options)


def _kkt(  # type: ignore[no-untyped-def]
    family: str, X: FloatArray, y: FloatArray, fit, factor: FloatArray, intercept: bool = True
) -> float:
    """max_j dist(−∂L/∂w_j, alpha·v_j·∂P_j) and, with an intercept, |∂L/∂w0|."""
    gradient, _ = datafit_of(family, y).derivatives(fit.intercept + X @ fit.coef)
    distance = subdiff_distance(fit.coef, X.T @ gradient, fit.alpha * factor, fit.l1_ratio)
    return float(max(np.max(distance), abs(gradient.sum()) if intercept else 0.0))


@settings(max_examples=12, deadline=None)
@given(
    family=st.sampled_from(["bernoulli", "poisson"]),
    seed=st.integers(0, 2**16),
    shape=st.sampled_from([(80, 5), (30, 12)]),
    intercept=st.booleans(),
)
def test_pure_l1_factors_are_the_change_of_variables(
    family: str, seed: int, shape: tuple[int, int], intercept: bool
) -> None:
    """v_j|w_j| = |u_j| with u_j = v_j w_j and Xw = (X/v)u: the factored fit is the plain
    fit on X/v, its coefficients divided by v (an identity of the objective)."""
    X, y = _problem(family, *shape, seed)
    factor = np.random.default_rng(seed + 1).uniform(0.3, 3.0, X.shape[1])
    alpha = 0.05
    fit = _fit(family, X, y, alpha, 1.0, penalty_factor=factor, fit_intercept=intercept)
    plain = _fit(family, X / factor, y, alpha, 1.0, fit_intercept=intercept)
    scale = max(1.0, float(np.max(np.abs(fit.coef))))
    np.testing.assert_allclose(fit.coef, plain.coef / factor, rtol=0, atol=1e-8 * scale)
    assert ((fit.coef == 0.0) == (plain.coef == 0.0)).all()
    assert fit.objective == pytest.approx(plain.objective, rel=1e-12, abs=1e-14)
    assert fit.converged
    assert _kkt(family, X, y, fit, factor, intercept) <= fit.tol * (1.0 + 1e-6) + 1e-15


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_poisson_factors_match_glum(l1_ratio: float) -> None:
    """glum's P1 = P2 = v is the same objective (unrescaled); one coefficient unpenalized."""
    X, y = _problem("poisson", 200, 8, 3)
    factor = np.array([1.0, 0.5, 2.0, 0.0, 1.5, 3.0, 1.0, 0.7])
    alpha = 0.02
    fit = poisson(X, y, alpha, l1_ratio, penalty_factor=factor)
    model = GeneralizedLinearRegressor(
        family="poisson", alpha=alpha, l1_ratio=l1_ratio, P1=factor, P2=factor,
        gradient_tol=1e-12, max_iter=1000,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    scale = max(1.0, float(np.max(np.abs(fit.coef))))
    np.testing.assert_allclose(fit.coef, model.coef_, rtol=0, atol=1e-7 * scale)
    assert fit.intercept == pytest.approx(float(model.intercept_), abs=1e-7 * scale)
    assert ((fit.coef == 0.0) == (np.abs(model.coef_) < 1e-10)).all()
    assert fit.coef[3] != 0.0  # the unpenalized coefficient
    assert _kkt("poisson", X, y, fit, factor) <= fit.tol * (1.0 + 1e-6)


def test_logistic_factors_with_an_unpenalized_coefficient_satisfy_kkt() -> None:
    X, y = _problem("bernoulli", 150, 6, 5)
    factor = np.array([0.0, 1.0, 2.0, 1.0, 4.0, 1.0])
    fit = logistic(X, y, 0.05, 0.7, penalty_factor=factor)
    assert fit.converged
    assert _kkt("bernoulli", X, y, fit, factor) <= fit.tol * (1.0 + 1e-6)
    # the unpenalized coefficient is free: its gradient is zero, not within alpha·r
    gradient, _ = datafit_of("bernoulli", y).derivatives(fit.intercept + X @ fit.coef)
    assert abs(float(X[:, 0] @ gradient)) <= fit.tol * (1.0 + 1e-6)


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_no_factors_is_bit_for_bit_the_plain_fit(family: str) -> None:
    X, y = _problem(family, 60, 4, 7)
    plain = _fit(family, X, y, 0.03, 0.5)
    ones = _fit(family, X, y, 0.03, 0.5, penalty_factor=None)
    np.testing.assert_array_equal(plain.coef, ones.coef)
    assert plain.intercept == ones.intercept


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_vector_scale_prior_fit_is_the_factored_glm(family: str) -> None:
    """A Laplace prior with scales b_j: the factored fit at alpha = 1/(n·b_ref), v = b_ref/b."""
    X, y = _problem(family, 100, 4, 9)
    prior = LaplacePrior(scale=[0.5, 1.0, np.inf, 0.25])
    fit = prior.penalized_fit(X, y, likelihood=family)
    alpha, l1_ratio = prior.penalty(len(y), 1.0)
    direct = _fit(family, X, y, alpha, l1_ratio, penalty_factor=prior.penalty_factor())
    np.testing.assert_array_equal(fit.coef, direct.coef)
    assert alpha == pytest.approx(1.0 / (len(y) * 0.25), rel=1e-12)


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_bad_factors_are_refused_by_name(family: str) -> None:
    X, y = _problem(family, 40, 3, 11)
    with pytest.raises((DataError, InputValueError), match="penalty_factor"):
        _fit(family, X, y, 0.1, 1.0, penalty_factor=[1.0, 2.0])
    with pytest.raises((DataError, InputValueError), match="penalty_factor"):
        _fit(family, X, y, 0.1, 1.0, penalty_factor=[1.0, -1.0, 1.0])


@pytest.mark.parametrize("family", ["bernoulli", "poisson"])
def test_factored_path_starts_at_its_alpha_max_and_matches_single_fits(family: str) -> None:
    """alpha_max = max_j |g_j|/(r·v_j): all zeros there, one coefficient just below; every
    point of the warm-started path is the single factored fit (both certified)."""
    from bayesreg.core.logistic import logistic_alpha_max
    from bayesreg.core.logistic_path import logistic_path
    from bayesreg.core.poisson import poisson_alpha_max, poisson_path

    X, y = _problem(family, 120, 6, 13)
    factor = np.array([0.5, 1.0, 2.0, 1.0, 4.0, 1.5])
    alpha_max = logistic_alpha_max if family == "bernoulli" else poisson_alpha_max
    path_of = logistic_path if family == "bernoulli" else poisson_path
    top = alpha_max(X, y, penalty_factor=factor)
    assert np.all(_fit(family, X, y, top, 1.0, penalty_factor=factor).coef == 0.0)
    assert np.count_nonzero(_fit(family, X, y, 0.98 * top, 1.0, penalty_factor=factor).coef) == 1
    path = path_of(X, y, penalty_factor=factor, n_alphas=8)
    assert path.alpha_max == pytest.approx(top, rel=1e-12)
    assert path.converged.all()
    for alpha, coef in zip(path.alphas, path.coefs, strict=True):
        single = _fit(family, X, y, float(alpha), 1.0, penalty_factor=factor)
        np.testing.assert_allclose(coef, single.coef, rtol=0, atol=1e-7)
    with pytest.raises(InputValueError, match="zero entries"):
        alpha_max(X, y, penalty_factor=np.array([0.0, 1.0, 1.0, 1.0, 1.0, 1.0]))
    given = path_of(X, y, [0.1, 0.01], penalty_factor=np.array([0.0, 1, 1, 1, 1, 1]))
    assert np.isnan(given.alpha_max)
    assert given.coefs[0, 0] != 0.0  # the unpenalized coefficient
