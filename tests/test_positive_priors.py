"""Priors supported on w ≥ 0: ExponentialPrior (truncated Laplace) and HalfNormalPrior.

Identities checked: the MAP under Exponential(rate 1/b) priors with σ fixed is the
non-negative lasso at ``alpha = σ²/(n b)``, under HalfNormal(τ) the non-negative ridge at
``alpha = σ²/(n τ²)``; the densities against scipy.stats; posterior draws by NUTS are ≥ 0.
``find_map`` on the PyMC model (the coefficients bounded at 0) is that sign-constrained fit,
zeros included, certified by the one-sided KKT conditions recomputed here; with σ free its
coefficients are the fit at σ̂; ``check_equivalence`` agrees on the diabetes data.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge
from bayesreg.datasets import load_diabetes
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.priors import ExponentialPrior, GaussianPrior, HalfNormalPrior, LaplacePrior

#: find_map against the certified penalized fit: coefficients within this relative error.
MAP_RTOL = 1e-8
#: The one-sided KKT residual of the MAP for F, relative to the gradient scale ||Xc|| ||yc||/n.
KKT_RTOL = 1e-10


def _data(seed: int = 0, n: int = 30, p: int = 5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.array([1.0, -1.0, 0.5, 0.0, 2.0])[:p] + rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("scale", [0.1, 0.5, 3.0])
def test_exponential_map_is_nonnegative_lasso(scale):
    X, y = _data()
    n, sigma = X.shape[0], 0.8
    fit = ExponentialPrior(scale).penalized_fit(X, y, noise=sigma)
    direct = lasso(X, y, sigma**2 / (n * scale), positive=True)
    np.testing.assert_array_equal(fit.coef, direct.coef)  # the same computation
    assert np.all(fit.coef >= 0.0)
    # the same L1 weight as the Laplace prior it truncates
    assert ExponentialPrior(scale).penalty(n, sigma) == LaplacePrior(scale).penalty(n, sigma)


@pytest.mark.parametrize("scale", [0.3, 2.0])
def test_halfnormal_map_is_nonnegative_ridge(scale):
    X, y = _data(1)
    n, sigma = X.shape[0], 1.3
    fit = HalfNormalPrior(scale).penalized_fit(X, y, noise=sigma)
    direct = ridge(X, y, sigma**2 / (n * scale**2), positive=True)
    np.testing.assert_array_equal(fit.coef, direct.coef)
    assert np.all(fit.coef >= 0.0)


@pytest.mark.parametrize(
    ("family", "truncated"), [(LaplacePrior, ExponentialPrior), (GaussianPrior, HalfNormalPrior)]
)
def test_positive_keyword_gives_the_truncated_prior(family, truncated):
    # LaplacePrior(b, positive=True) is the Exponential prior, GaussianPrior(τ, positive=True)
    # the half-normal: the same object, so the same MAP (the core fit with positive=True)
    X, y = _data(2)
    prior = family(0.7, positive=True)
    assert type(prior) is truncated
    assert prior == truncated(0.7)
    assert prior.positive
    np.testing.assert_array_equal(
        prior.penalized_fit(X, y, noise=0.9).coef,
        truncated(0.7).penalized_fit(X, y, noise=0.9).coef,
    )
    assert np.all(prior.rvs(1000, random_seed=0) >= 0.0)
    two_sided = family(scale=0.7, positive=False)
    assert type(two_sided) is family
    assert not two_sided.positive
    assert two_sided == family(0.7)
    assert hash(two_sided) == hash(family(0.7))
    with pytest.raises(InputTypeError, match="positive"):
        family(0.7, positive="yes")


def test_densities_match_scipy_and_integrate_to_one():
    w = np.array([-1.0, 0.0, 0.3, 2.0])
    b, tau = 0.7, 1.9
    expected = stats.expon(scale=b).logpdf(w)
    np.testing.assert_allclose(ExponentialPrior(b).logpdf(w), expected, rtol=1e-14)
    np.testing.assert_allclose(
        HalfNormalPrior(tau).logpdf(w), stats.halfnorm(scale=tau).logpdf(w), rtol=1e-14
    )
    for prior in (ExponentialPrior(b), HalfNormalPrior(tau)):
        mass, _ = integrate.quad(lambda x, p=prior: float(np.exp(p.logpdf(x))), 0, np.inf)
        assert mass == pytest.approx(1.0, abs=1e-9)
        draws = prior.rvs(size=20000, random_seed=3)
        assert np.all(draws >= 0.0)
    assert ExponentialPrior(b).variance() == pytest.approx(stats.expon(scale=b).var())
    assert HalfNormalPrior(tau).variance() == pytest.approx(stats.halfnorm(scale=tau).var())


def test_penalty_value_and_prox_enforce_the_constraint():
    prior = ExponentialPrior(0.5)
    assert prior.penalty_value(np.array([1.0, -1e-3]), 10) == np.inf
    alpha, _ = prior.penalty(10)
    assert prior.penalty_value(np.array([1.0, 2.0]), 10) == pytest.approx(3.0 * alpha)
    z = np.array([-2.0, 0.01, 3.0])
    np.testing.assert_allclose(prior.prox(z, 1.0, 10), np.maximum(z - alpha, 0.0))


def test_errors_are_clear():
    X, y = _data()
    with pytest.raises(InputValueError, match="scale"):
        ExponentialPrior(-1.0)
    with pytest.raises(InputValueError, match="noise"):
        ExponentialPrior(1.0).penalized_fit(
            X, (y > 0).astype(float), likelihood="bernoulli", noise=1.0
        )


def _one_sided_kkt(X, y, coef, intercept, alpha, l1_ratio):
    """KKT residual of min 1/(2n)||y − w0 − Xw||² + alpha·P(w) over w ≥ 0, recomputed:
    ``u = Xᵀ(y − w0 − Xw)/n``; ``|u_j − l1 − l2 w_j|`` where w_j > 0, ``max(u_j − l1, 0)``
    where w_j = 0 (the normal cone of [0, ∞) at 0 is (−∞, 0])."""
    assert np.all(coef >= 0.0)
    u = X.T @ (y - intercept - X @ coef) / len(y)
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    return float(np.max(np.where(coef > 0.0, np.abs(u - l1 - l2 * coef), np.maximum(u - l1, 0.0))))


_PRIORS = {"exponential": ExponentialPrior(0.3), "halfnormal": HalfNormalPrior(0.4)}
_SIGMA = 0.7
_SHAPES = {"tall": (25, 6), "wide": (8, 12)}


@functools.cache
def _shared_model(kind: str, shape: str, fit_intercept: bool) -> Any:
    """One compiled model per structure; the examples swap the data with pm.set_data."""
    from bayesreg.pymc import build_model

    X, y = _random_problem(0, shape, 1.0)
    return build_model(X, y, _PRIORS[kind], noise=_SIGMA, fit_intercept=fit_intercept)


def _random_problem(seed: int, shape: str, y_scale: float):
    rng = np.random.default_rng(seed)
    n, p = _SHAPES[shape]
    X = rng.standard_normal((n, p)) + rng.standard_normal(p)  # uncentered columns
    truth = rng.standard_normal(p) * (rng.uniform(size=p) < 0.6)
    return X, y_scale * (X @ truth + 0.5 * rng.standard_normal(n) + 1.5)


@settings(max_examples=4)
@given(
    kind=st.sampled_from(sorted(_PRIORS)),
    shape=st.sampled_from(sorted(_SHAPES)),
    fit_intercept=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
    y_scale=st.sampled_from([0.2, 1.0, 3.0]),
)
def test_find_map_is_the_sign_constrained_fit(kind, shape, fit_intercept, seed, y_scale):
    """σ fixed: find_map = penalized_fit (elastic_net(..., positive=True)) to 1e-8 relative,
    the same zeros, a certified global MAP; the one-sided KKT residual is recomputed."""
    pm = pytest.importorskip("pymc")
    from bayesreg.pymc import find_map

    prior = _PRIORS[kind]
    X, y = _random_problem(seed, shape, y_scale)
    model = _shared_model(kind, shape, fit_intercept)
    with model:
        pm.set_data({"X": X, "y": y}, coords={"obs": np.arange(len(y))})
    estimate = find_map(model)
    fit = prior.penalized_fit(X, y, noise=_SIGMA, fit_intercept=fit_intercept)
    assert estimate.converged
    assert estimate.optimality == "global"
    assert np.all(estimate.coef >= 0.0)
    np.testing.assert_array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    np.testing.assert_array_equal(estimate.zero_pattern["coef"], fit.coef == 0.0)
    scale = max(float(np.max(np.abs(fit.coef))), 1.0)
    assert np.max(np.abs(estimate.coef - fit.coef)) <= MAP_RTOL * scale
    intercept = estimate.intercept if fit_intercept else 0.0
    if fit_intercept:
        assert abs(intercept - fit.intercept) <= MAP_RTOL * max(abs(fit.intercept), scale)
    alpha, l1_ratio = prior.penalty(len(y), _SIGMA)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    gradient_scale = np.max(np.linalg.norm(Xc, axis=0)) * np.linalg.norm(yc) / len(y)
    kkt = _one_sided_kkt(X, y, estimate.coef, intercept, alpha, l1_ratio)
    assert kkt <= KKT_RTOL * gradient_scale


def test_find_map_reaches_zeros_that_the_log_scale_cannot():
    """Coefficients whose unconstrained fit is negative sit exactly at 0 (not 1e-300)."""
    pytest.importorskip("pymc")
    from bayesreg.pymc import build_model, find_map

    X, y = _data()  # the truth has a coefficient −1
    for prior in (ExponentialPrior(0.5), HalfNormalPrior(1.0)):
        estimate = find_map(build_model(X, y, prior, noise=1.0))
        assert estimate.coef is not None
        assert estimate.coef[1] == 0.0
        assert estimate.n_nonzero < X.shape[1]


@pytest.mark.parametrize("prior", [ExponentialPrior(300.0), HalfNormalPrior(300.0)])
def test_free_noise_identity(prior):
    """σ free: the joint MAP's ŵ is elastic_net(..., positive=True) at prior.penalty(n, σ̂)
    (alpha = σ̂²/(n b), resp. σ̂²/(n τ²)); σ̂ is stationary."""
    pytest.importorskip("pymc")
    from bayesreg.pymc import build_model, find_map

    X, y = load_diabetes()
    n = len(y)
    estimate = find_map(build_model(X, y, prior))
    assert estimate.converged
    assert estimate.optimality == "stationary"
    assert estimate.noise is not None
    assert estimate.coef is not None
    sigma = estimate.noise
    expected = (
        sigma**2 / (n * prior.scale) if prior.l1_weight() else sigma**2 / (n * prior.scale**2)
    )
    alpha, l1_ratio = prior.penalty(n, sigma)
    assert alpha == pytest.approx(expected, rel=1e-14)
    fit = elastic_net(X, y, alpha, l1_ratio, positive=True)
    np.testing.assert_array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    assert np.max(np.abs(estimate.coef - fit.coef)) <= MAP_RTOL * np.max(np.abs(fit.coef))
    rss = float(np.sum((y - estimate.intercept - X @ estimate.coef) ** 2))
    # d/dσ [−n log σ − RSS/(2σ²) − σ²/(2 s_y²)] = 0, HalfNormal(s_y) noise prior, s_y = sd(y)
    terms = np.array([-n / sigma, rss / sigma**3, -sigma / np.var(y)])
    assert abs(terms.sum()) <= 1e-8 * np.max(np.abs(terms))


@pytest.mark.parametrize("prior", [ExponentialPrior(30.0), HalfNormalPrior(100.0)])
def test_check_equivalence_on_diabetes(prior):
    """σ = 54: the MAP and the non-negative fit agree, by the one-sided certificate."""
    pytest.importorskip("pymc")
    from bayesreg.pymc import check_equivalence

    X, y = load_diabetes()
    report = check_equivalence(X, y, prior, noise=54.0)
    assert report.ok
    assert report.support_match
    assert 0 < np.count_nonzero(report.coef_map) < X.shape[1]
    alpha, l1_ratio = prior.penalty(len(y), 54.0)
    kkt = _one_sided_kkt(X, y, report.coef_map, report.intercept_map, alpha, l1_ratio)
    assert report.kkt_map == pytest.approx(kkt, rel=1e-6, abs=1e-13)
    # the two-sided residual would fail the verdict: some zeros have u_j far below −l1
    u = X.T @ (y - report.intercept_map - X @ report.coef_map) / len(y)
    two_sided = np.max(np.where(report.coef_map == 0.0, -u - alpha * l1_ratio, 0.0))
    assert two_sided > report.rtol * report.gradient_scale


def test_nuts_draws_are_nonnegative():
    pytest.importorskip("pymc")
    from bayesreg.posterior import sample_posterior

    X, y = _data(2, 20, 3)
    tree = sample_posterior(
        X, y, ExponentialPrior(1.0), noise=1.0, method="nuts", draws=50, tune=50,
        chains=1, random_seed=4, progressbar=False,
    )  # fmt: skip
    coef = np.asarray(tree["posterior"]["coef"])
    assert coef.size == 50 * 3
    assert np.all(coef >= 0.0)


class _Quadratic:
    """``½θᵀAθ − bᵀθ + Σ λ_j|θ_j|`` with some coordinates bounded at 0: the engine's oracle."""

    working_sets = False

    def __init__(self, A, b, weights, positive, convex):
        self.A, self.b, self.weights, self.positive, self.convex = A, b, weights, positive, convex

    def evaluate(self, theta):
        from bayesreg.core.newton import Point

        value = 0.5 * theta @ self.A @ theta - self.b @ theta + self.weights @ np.abs(theta)
        gradient = self.A @ theta - self.b
        return Point(
            theta, value, gradient, self.weights, np.zeros_like(theta), None, self.positive
        )

    def curvature(self, point, columns):
        from bayesreg.core.newton import DenseCurvature

        return DenseCurvature(self.A[np.ix_(columns, columns)])

    def line(self, point, columns, direction):
        def value(step, theta):
            assert np.all(theta[self.positive] >= 0.0)  # never evaluated outside the box
            return self.evaluate(theta).value

        return value


@pytest.mark.parametrize("convex", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_engine_with_bounds(convex, seed):
    """core.newton.minimize with bounded coordinates: all bounded with λ = alpha is the
    non-negative lasso without intercept (elastic_net(..., positive=True)); a mix of bounded
    kinked, bounded smooth, free kinked and smooth coordinates meets the one-sided KKT
    conditions, recomputed here."""
    from bayesreg.core.newton import minimize

    rng = np.random.default_rng(seed)
    n, p = 40, 8
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    A, b = X.T @ X / n, X.T @ y / n
    alpha = 0.3 * float(np.max(np.abs(b)))
    start = np.full(p, 0.5)
    problem = _Quadratic(A, b, np.full(p, alpha), np.ones(p, dtype=bool), convex)
    result = minimize(problem, start.copy(), threshold=1e-13, max_iter=50)
    direct = elastic_net(X, y, alpha, 1.0, fit_intercept=False, positive=True, tol=1e-14)
    np.testing.assert_array_equal(result.point.theta == 0.0, direct.coef == 0.0)
    np.testing.assert_allclose(result.point.theta, direct.coef, rtol=0, atol=1e-10)

    weights = np.where(np.arange(p) % 4 < 2, alpha, 0.0)  # kinked, kinked, smooth, smooth
    positive = np.arange(p) % 2 == 0  # bounded, free, bounded, free
    problem = _Quadratic(A, b, weights, positive, convex)
    theta = minimize(problem, start.copy(), threshold=1e-13, max_iter=50).point.theta
    assert np.all(theta[positive] >= 0.0)
    u = b - A @ theta  # −ĝ
    at_bound = positive & (theta == 0.0)
    free_zero = ~positive & (weights > 0.0) & (theta == 0.0)
    residual = np.where(
        at_bound,
        np.maximum(u - weights, 0.0),
        np.where(
            free_zero, np.maximum(np.abs(u) - weights, 0.0), np.abs(u - weights * np.sign(theta))
        ),
    )
    assert np.max(residual) <= 1e-12 * np.max(np.abs(b))
    assert at_bound.any()  # the bound is active somewhere: the test is not vacuous


@pytest.mark.parametrize("prior", [ExponentialPrior(0.05), HalfNormalPrior(0.5)], ids=repr)
@pytest.mark.parametrize("freeze", ["freeze_model", "freeze_dims_and_data"])
def test_frozen_model_keeps_the_exact_zeros(prior, freeze):
    """A model rebuilt by PyMC's freeze functions loses the variable's tag but keeps its
    marked transform: find_map gives the same MAP (1e-12 relative), with exact zeros, as
    on the model itself."""
    import pymc.model.transform.optimization as optimization

    from bayesreg.pymc import build_model, find_map

    X, y = _data(seed=3)
    model = build_model(X, y, prior, noise=0.5)
    estimate = find_map(model)
    frozen = find_map(getattr(optimization, freeze)(model))
    assert np.any(estimate.coef == 0.0)
    np.testing.assert_array_equal(frozen.coef == 0.0, estimate.coef == 0.0)
    np.testing.assert_array_equal(frozen.zero_pattern["coef"], estimate.zero_pattern["coef"])
    np.testing.assert_allclose(frozen.coef, estimate.coef, rtol=1e-12, atol=0.0)
    assert frozen.optimality == "global"
