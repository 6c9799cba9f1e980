"""What find_map's certificate proves, and models whose posterior has no mode.

``optimality`` is "global" only where −log p is convex. Oracle for that claim: the Hessian
of PyMC's own log-density (``compile_d2logp``), whose −H must be positive semi-definite at
random points (smallest eigenvalue ≥ −1e-9 · largest |eigenvalue|); for "stationary"
models that are truly non-convex, a point with negative curvature is exhibited.

A posterior without a mode must be refused. Oracle for that claim: log p written here
with ``scipy.stats`` along an explicit path (the scale → 0 with the terms it scales at
their location) rises by ``a · log 10`` per decade, with a the number of held values minus
the power of the scale's prior at 0 (to 1e-6 relative at the last decade; the other terms
tend to constants); the path find_map reports is that density to 1e-8 (PyMC computes
log 2 in float32 in the HalfCauchy and Laplace densities, an error of 1.9e-9 per term).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pymc as pm
import pytest
from numpy.typing import NDArray
from scipy import stats

from bayesreg.errors import ModelStructureError
from bayesreg.priors import BayesianLassoPrior, ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model
from bayesreg.pymc.oracle import compile_map

FloatArray = NDArray[np.float64]

CURVATURE_RTOL = 1e-9
GROWTH_RTOL = 1e-6
# PyMC writes log 2 in float32 in the HalfCauchy and Laplace densities (1.9e-9 off each)
PATH_ATOL = 1e-8


def design(n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ np.linspace(1.0, -1.0, p) + rng.standard_normal(n)


def convex_models() -> dict[str, Any]:
    X, y = design(20, 4, seed=0)
    labels = (y > 0).astype(float)
    models = {
        "laplace-gaussian": build_model(X, y, LaplacePrior(0.3), noise=1.0),
        "elastic-net-bernoulli": build_model(
            X, labels, ElasticNetPrior(1.0, 2.0), likelihood="bernoulli"
        ),
        "bayesian-lasso-fixed-noise": build_model(X, y, BayesianLassoPrior(2.0), noise=1.5),
    }
    with pm.Model() as hand_written:
        coef = pm.Normal("w", 0.0, 2.0, shape=4)
        rate = pm.Exponential("rate", 1.0, default_transform=None)
        mean = pm.Deterministic("mean", 0.5 * pm.math.dot(X, coef) - rate)
        pm.Normal("y", mean, 0.8, observed=y)
    models["hand-written"] = hand_written
    return models


def nonconvex_models() -> dict[str, Any]:
    """Non-convex models, positive variables untransformed (the Hessian is then in them)."""
    X, y = design(20, 4, seed=1)
    models = {}
    with pm.Model() as free_noise:  # build_model(X, y, LaplacePrior(0.3)) without transforms
        coef = pm.Laplace("w", 0.0, 0.3, shape=4)
        noise = pm.HalfNormal("noise", 1.0, default_transform=None)
        pm.Normal("y", pm.math.dot(X, coef), noise, observed=y)
    models["free-noise"] = free_noise
    with pm.Model() as hyperprior:  # BayesianLassoPrior(hyperprior=(2, 1)) with σ = 1
        lam_sq = pm.Gamma("lam_sq", alpha=2.0, beta=1.0, default_transform=None)
        coef = pm.Laplace("w", 0.0, 1.0 / pm.math.sqrt(lam_sq), shape=4)
        pm.Normal("y", pm.math.dot(X, coef), 1.0, observed=y)
    models["gamma-hyperprior"] = hyperprior
    with pm.Model() as student:
        coef = pm.Laplace("w", 0.0, 0.3, shape=4)
        pm.StudentT("y", nu=3.0, mu=pm.math.dot(X, coef), sigma=0.5, observed=y)
    models["student-t"] = student
    with pm.Model() as squared:
        coef = pm.Normal("w", 0.0, 1.0, shape=4)
        pm.Normal("y", pm.math.dot(X, coef**2), 1.0, observed=y)
    models["squared-mean"] = squared
    return models


POSITIVE = ("noise", "lam_sq", "rate")


def curvatures(model: Any, seed: int, draws: int, spread: float) -> list[float]:
    """Smallest eigenvalue of −∇²log p over the largest |eigenvalue|, at random points.

    The models have no transformed variables, so PyMC's Hessian is in the original
    variables, where optimality speaks of convexity. Points are drawn around the initial
    point (|·| of the positive variables); points where log p is not finite are skipped.
    """
    assert all(transform is None for transform in model.rvs_to_transforms.values())
    hessian = model.compile_d2logp(jacobian=False, negate_output=False)
    log_density = model.compile_logp(jacobian=False)
    start = model.initial_point()
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(draws):
        point = {
            name: (np.abs if name in POSITIVE else np.asarray)(
                value + rng.normal(scale=spread, size=np.shape(value))
            )
            for name, value in start.items()
        }
        if not np.isfinite(log_density(point)):
            continue
        eigenvalues = np.linalg.eigvalsh(-np.asarray(hessian(point)))
        ratios.append(float(eigenvalues.min() / np.max(np.abs(eigenvalues))))
    assert len(ratios) >= draws // 2
    return ratios


@pytest.mark.parametrize("name", sorted(convex_models()))
def test_global_is_claimed_only_for_convex_models(name: str) -> None:
    model = convex_models()[name]
    assert compile_map(model).optimality == "global"
    assert min(curvatures(model, seed=0, draws=20, spread=1.0)) >= -CURVATURE_RTOL
    estimate = find_map(model)
    assert estimate.converged
    assert estimate.optimality == "global"


@pytest.mark.parametrize("name", sorted(nonconvex_models()))
def test_nonconvex_models_are_only_stationary(name: str) -> None:
    model = nonconvex_models()[name]
    assert compile_map(model).optimality == "stationary"
    # and −log p is indeed not convex: negative curvature somewhere (one of the draws)
    assert min(curvatures(model, seed=1, draws=100, spread=3.0)) < -1e-3


def test_build_model_with_free_scales_is_only_stationary() -> None:
    """The models above as build_model writes them (σ and λ² log-transformed)."""
    X, y = design(20, 4, seed=1)
    free_noise = build_model(X, y, LaplacePrior(0.3))
    hyperprior = build_model(X, y, BayesianLassoPrior(hyperprior=(2.0, 1.0)), noise=1.0)
    assert compile_map(free_noise).optimality == "stationary"
    assert compile_map(hyperprior).optimality == "stationary"


def assert_rises_without_bound(
    log_density: Callable[[float], float], scale: float, growth: float
) -> None:
    """log p(scale·10⁻ᵏ) rises by growth·log 10 per decade, ever closer, for k = 1 … 8."""
    values = np.array([log_density(scale * 10.0**-k) for k in range(1, 9)])
    steps = np.diff(values)
    assert np.all(steps > 0.0)
    assert steps[-1] == pytest.approx(growth * np.log(10.0), rel=GROWTH_RTOL)


@pytest.mark.parametrize(("n", "fit_intercept"), [(4, True), (7, True), (6, False)])
def test_free_noise_with_an_exact_fit_has_no_mode(n: int, fit_intercept: bool) -> None:
    """p = 6: with n ≤ p (+1 with an intercept) the coefficients interpolate y."""
    X, y = design(n, 6, seed=n)
    scale = 0.5
    model = build_model(X, y, LaplacePrior(scale), fit_intercept=fit_intercept)
    with pytest.raises(ModelStructureError) as raised:
        find_map(model)
    message = str(raised.value)
    for fragment in (
        "no mode",
        "'noise' → 0",
        f"the {n} observed values of 'y_obs' fitted exactly",
        f"like {n}·log(1/noise)",
        "noise=σ",
        "BayesianLassoPrior",
        "pm.InverseGamma",
    ):
        assert fragment in message
    assert "max_iter" not in message
    # Oracle: an exact interpolant (least squares), and log p from scipy along σ → 0
    columns = np.column_stack([np.ones(n), X]) if fit_intercept else X
    solution = np.linalg.lstsq(columns, y, rcond=None)[0]
    intercept, coef = (solution[0], solution[1:]) if fit_intercept else (0.0, solution)
    y_scale = float(np.sqrt(np.mean((y - (y.mean() if fit_intercept else 0.0)) ** 2)))

    def log_density(sigma: float) -> float:
        return float(
            np.sum(stats.norm.logpdf(y, intercept + X @ coef, sigma))
            + np.sum(stats.laplace.logpdf(coef, scale=scale))
            + stats.halfnorm.logpdf(sigma, scale=y_scale)
        )

    assert_rises_without_bound(log_density, y_scale, growth=n)


def test_free_noise_with_more_observations_than_coefficients_has_a_mode() -> None:
    X, y = design(9, 6, seed=9)
    estimate = find_map(build_model(X, y, LaplacePrior(0.5)))
    assert estimate.converged
    assert estimate.noise is not None
    assert estimate.noise > 0.0


def test_bayesian_lasso_keeps_a_mode_when_n_is_at_most_p() -> None:
    """b = σ/λ: the exact fit costs λ‖w‖₁/σ → ∞ as σ → 0, so the collapse is blocked."""
    X, y = design(4, 6, seed=4)
    assert compile_map(build_model(X, y, BayesianLassoPrior(1.0))).find_collapse() is None
    estimate = find_map(build_model(X, y, BayesianLassoPrior(1.0)))
    assert estimate.converged
    assert estimate.optimality == "stationary"


def hierarchical(prior: Callable[[], Any], y: FloatArray) -> Any:
    """s ~ prior, beta ~ Laplace(0, s) (3 coordinates), y ~ Normal(Σ beta, 1)."""
    with pm.Model() as model:
        s = prior()
        beta = pm.Laplace("beta", 0.0, s, shape=3)
        pm.Normal("y", beta.sum(), 1.0, observed=y)
    return model


def test_a_laplace_scale_with_a_half_cauchy_prior_has_no_mode() -> None:
    y = np.array([1.0, 2.5, 0.5])
    model = hierarchical(lambda: pm.HalfCauchy("s", 1.0), y)
    with pytest.raises(ModelStructureError) as raised:
        find_map(model)
    message = str(raised.value)
    for fragment in (
        "no mode",
        "'s' → 0",
        "the 3 values of 'beta' at their prior's location",
        "like 3·log(1/s)",
        "pm.Gamma with alpha > 4",
    ):
        assert fragment in message
    assert "BayesianLassoPrior" not in message  # no observation collapses here

    def log_density(s: float) -> float:
        return float(
            np.sum(stats.laplace.logpdf(np.zeros(3), scale=s))
            + stats.halfcauchy.logpdf(s)
            + np.sum(stats.norm.logpdf(y, 0.0, 1.0))
        )

    assert_rises_without_bound(log_density, 1.0, growth=3)
    # the path find_map followed is the same density, point by point
    collapse = compile_map(model).find_collapse()
    assert collapse is not None
    for s, density in collapse.path:
        assert density == pytest.approx(log_density(s), rel=0.0, abs=PATH_ATOL)


@pytest.mark.parametrize(
    ("alpha", "has_mode"), [(1.0, False), (3.0, False), (4.0, True), (6.0, True)]
)
def test_a_gamma_prior_on_the_scale_must_vanish_fast_enough(alpha: float, has_mode: bool) -> None:
    """Gamma(α) ∝ s^(α−1) at 0 against s⁻³ from the three Laplace densities: α ≥ 4 bounds it.

    (α = 4 makes log p bounded along the path; the mode is then found and certified.)
    """
    model = hierarchical(lambda: pm.Gamma("s", alpha=alpha, beta=1.0), np.array([1.0, 2.5, 0.5]))
    if has_mode:
        assert find_map(model).converged
    else:
        with pytest.raises(ModelStructureError, match="no mode"):
            find_map(model)


def test_vector_local_scales_have_no_mode() -> None:
    """beta_j ~ Normal(0, 0.5·λ_j), λ_j ~ HalfCauchy(1): the horseshoe's spike at 0."""
    X, y = design(10, 3, seed=3)
    with pm.Model() as model:
        local = pm.HalfCauchy("lam", 1.0, shape=3)
        beta = pm.Normal("beta", 0.0, 0.5 * local, shape=3)
        pm.Normal("y", pm.math.dot(X, beta), 1.0, observed=y)
    with pytest.raises(ModelStructureError, match="'lam' → 0"):
        find_map(model)


def test_the_hierarchical_model_of_the_map_tests_with_a_half_normal_scale_has_no_mode() -> None:
    """w ~ Laplace(0.5, τ), τ ~ HalfNormal(1): log p → ∞ as τ → 0 with w = 0.5, any data."""
    X, y = design(30, 5, seed=5)
    with pm.Model() as model:
        tau = pm.HalfNormal("tau", 1.0)
        coef = pm.Laplace("w", 0.5, tau, shape=5)
        pm.Normal("y", pm.math.dot(X, coef), 3.0, observed=y)
    with pytest.raises(ModelStructureError, match="'tau' → 0"):
        find_map(model)


def test_fixed_scale_models_are_not_flagged() -> None:
    X, y = design(4, 6, seed=8)
    for prior in (LaplacePrior(0.5), GaussianPrior(1.0)):
        model = build_model(X, y, prior, noise=1.0)
        assert compile_map(model).find_collapse() is None
        assert find_map(model).optimality == "global"
