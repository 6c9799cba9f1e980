"""The Poisson likelihood (log link, offset) through the PyMC layer.

The model's log-density is checked against the closed form (scipy.stats.poisson.logpmf
plus the prior's log-density); its MAP against the core's certified ``poisson`` fit, an
independent convex solver (cvxpy) and the KKT conditions written out here; the NUTS
posterior mean against the exact posterior mean by quadrature.
"""

from __future__ import annotations

from typing import Any

import arviz as az
import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp

from bayesreg.core.poisson import poisson
from bayesreg.datasets import load_randhie
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior import sample_posterior
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior, Prior
from bayesreg.pymc import build_model, check_equivalence, find_map

# find_map against the core solver: both certified to KKT residuals far below this.
MAP_RTOL = 1e-8
# cvxpy (Clarabel, an interior-point method for the exponential cone) with its gap and
# feasibility tolerances at 1e-12: its coefficients are accurate to a few 1e-9.
CVXPY_RTOL = 1e-7
CLARABEL_TIGHT = {
    "tol_gap_abs": 1e-12,
    "tol_gap_rel": 1e-12,
    "tol_feas": 1e-12,
    "tol_ktratio": 1e-10,
}


def _problem(
    seed: int, n: int, p: int, *, with_offset: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    offset = np.log(rng.uniform(0.5, 2.0, n)) if with_offset else None
    coef = np.zeros(p)
    coef[: min(p, 3)] = [0.6, -0.4, 0.3][: min(p, 3)]
    eta = 0.5 + X @ coef + (0.0 if offset is None else offset)
    y = rng.poisson(np.exp(eta)).astype(np.float64)
    y[0] = max(y[0], 1.0)  # a positive count, so that the intercept has a MAP
    return X, y, offset


def _kkt(
    X: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None,
    coef: np.ndarray,
    intercept: float,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
) -> float:
    """The KKT residual of min F written out: ∇L = Xᵀ(μ − y)/n, μ = exp(o + w0 + Xw)."""
    eta = intercept + X @ coef + (0.0 if offset is None else offset)
    residual = (np.exp(eta) - y) / y.size
    grad = X.T @ residual + alpha * (1.0 - l1_ratio) * coef
    l1 = alpha * l1_ratio
    distance = np.where(
        coef != 0.0,
        np.abs(grad + l1 * np.sign(coef)),
        np.maximum(np.abs(grad) - l1, 0.0),
    )
    worst = float(np.max(distance, initial=0.0))
    return max(worst, abs(float(residual.sum()))) if fit_intercept else worst


def _cvxpy_fit(
    X: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None,
    alpha: float,
    l1_ratio: float,
    fit_intercept: bool,
) -> tuple[np.ndarray, float]:
    """The penalized Poisson fit by a generic conic solver (exponential cone)."""
    n, p = X.shape
    w = cp.Variable(p)
    w0 = cp.Variable() if fit_intercept else cp.Constant(0.0)
    eta = X @ w + w0 + (0.0 if offset is None else offset)
    loss = cp.sum(cp.exp(eta) - cp.multiply(y, eta)) / n
    penalty = alpha * (l1_ratio * cp.norm1(w) + (1.0 - l1_ratio) / 2.0 * cp.sum_squares(w))
    cp.Problem(cp.Minimize(loss + penalty)).solve(solver=cp.CLARABEL, **CLARABEL_TIGHT)
    return np.asarray(w.value, dtype=np.float64), float(w0.value)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([1.0, -1.0, 2.0, 0.0], r"y\[1\] = -1.0 is negative"),
        ([1.0, 2.0, 2.5, 0.0], r"y\[2\] = 2.5 is not an integer"),
        ([0.0, 0.0, 0.0, 0.0], "only zeros"),
    ],
)
def test_build_model_refuses_what_is_not_counts(y: list[float], match: str) -> None:
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(DataError, match=match):
        build_model(X, y, LaplacePrior(1.0), likelihood="poisson")


def test_build_model_allows_zero_counts_without_intercept() -> None:
    X = np.arange(8.0).reshape(4, 2)
    model = build_model(
        X, np.zeros(4), LaplacePrior(1.0), likelihood="poisson", fit_intercept=False
    )
    assert "intercept" not in model.named_vars


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_offset_belongs_to_the_poisson_likelihood(likelihood: str) -> None:
    X = np.arange(8.0).reshape(4, 2)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with pytest.raises(InputValueError, match=r"offset.*likelihood='poisson' only"):
        build_model(X, y, LaplacePrior(1.0), likelihood=likelihood, offset=np.zeros(4))


@pytest.mark.parametrize(
    ("offset", "match"),
    [(np.zeros(3), "offset has 3 entries but X has 4 rows"), ([0.0, np.inf, 0, 0], "offset")],
)
def test_offset_is_validated(offset: Any, match: str) -> None:
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(DataError, match=match):
        build_model(X, [1, 0, 2, 3], LaplacePrior(1.0), likelihood="poisson", offset=offset)


def test_poisson_has_no_noise() -> None:
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(InputValueError, match="Poisson likelihood has no noise"):
        build_model(X, [1, 0, 2, 3], LaplacePrior(1.0), likelihood="poisson", noise=1.0)


def test_sampling_and_penalized_fit_refuse_poisson_misuse() -> None:
    X = np.arange(8.0).reshape(4, 2)
    y = [1.0, 0.0, 2.0, 3.0]
    for method in ("exact", "gibbs"):
        with pytest.raises(InputValueError, match="method='nuts' for Poisson"):
            sample_posterior(X, y, GaussianPrior(1.0), likelihood="poisson", method=method)
    with pytest.raises(InputValueError, match="offset"):
        sample_posterior(X, y, GaussianPrior(1.0), noise=1.0, offset=np.zeros(4))
    with pytest.raises(InputValueError, match="no noise"):
        LaplacePrior(1.0).penalized_fit(X, y, likelihood="poisson", noise=1.0)
    with pytest.raises(InputValueError, match="offset"):
        LaplacePrior(1.0).penalized_fit(X, y, noise=1.0, offset=np.zeros(4))


# --------------------------------------------------------------------------- the density


@pytest.mark.parametrize(
    "prior", [GaussianPrior(0.7), LaplacePrior(0.4), ElasticNetPrior(2.0, 3.0)], ids=repr
)
@pytest.mark.parametrize("with_offset", [False, True])
def test_log_density_is_poisson_loglik_plus_prior(prior: Prior, with_offset: bool) -> None:
    X, y, offset = _problem(1, 30, 4, with_offset=with_offset)
    model = build_model(X, y, prior, likelihood="poisson", offset=offset)
    logp = model.compile_logp(jacobian=False)
    rng = np.random.default_rng(2)
    for _ in range(5):
        coef, intercept = rng.normal(0.0, 0.5, 4), float(rng.normal(0.5, 0.5))
        eta = intercept + X @ coef + (0.0 if offset is None else offset)
        expected = stats.poisson.logpmf(y, np.exp(eta)).sum() + prior.logpdf(coef).sum()
        got = logp({"coef": coef, "intercept": np.float64(intercept)})
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-10)


def test_intercept_starts_at_the_best_null_intercept() -> None:
    X, y, offset = _problem(3, 40, 3, with_offset=True)
    assert offset is not None
    model = build_model(X, y, LaplacePrior(1.0), likelihood="poisson", offset=offset)
    start = model.initial_point()["intercept"]
    # Σ exp(o + w0) = Σ y
    np.testing.assert_allclose(start, np.log(y.sum()) - logsumexp(offset), rtol=1e-14)


# --------------------------------------------------------------------------- the MAP


def _check_map(
    X: np.ndarray,
    y: np.ndarray,
    offset: np.ndarray | None,
    prior: Prior,
    fit_intercept: bool,
) -> None:
    n = X.shape[0]
    model = build_model(
        X, y, prior, likelihood="poisson", offset=offset, fit_intercept=fit_intercept
    )
    estimate = find_map(model)
    assert estimate.converged
    assert estimate.optimality == "global"
    alpha, l1_ratio = prior.penalty(n, 1.0)
    fit = poisson(X, y, alpha, l1_ratio, offset=offset, fit_intercept=fit_intercept, tol=1e-13)
    assert estimate.coef is not None
    scale = max(1.0, float(np.max(np.abs(fit.coef), initial=0.0)))
    assert np.max(np.abs(estimate.coef - fit.coef), initial=0.0) <= MAP_RTOL * scale
    intercept = 0.0 if estimate.intercept is None else estimate.intercept
    assert abs(intercept - fit.intercept) <= MAP_RTOL * max(1.0, abs(fit.intercept))
    assert np.array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    # the MAP solves the penalized problem by the KKT conditions written out above
    null_scale = float(np.max(np.abs(X.T @ (y - y.mean())))) / n + 1.0 / n
    kkt = _kkt(X, y, offset, estimate.coef, intercept, alpha, l1_ratio, fit_intercept)
    assert kkt <= MAP_RTOL * null_scale


@settings(max_examples=6)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from([(40, 3), (25, 6), (12, 20)]),
    prior=st.sampled_from([LaplacePrior(0.3), GaussianPrior(0.8), ElasticNetPrior(4.0, 2.0)]),
    fit_intercept=st.booleans(),
    with_offset=st.booleans(),
)
def test_find_map_is_the_penalized_poisson_fit(
    seed: int, shape: tuple[int, int], prior: Prior, fit_intercept: bool, with_offset: bool
) -> None:
    X, y, offset = _problem(seed, *shape, with_offset=with_offset)
    _check_map(X, y, offset, prior, fit_intercept)


# With its tolerances at 1e-12 Clarabel may stop just short of them and cvxpy warns; the
# agreement checked below (1e-7) is what the test relies on.
@pytest.mark.filterwarnings("ignore:Solution may be inaccurate")
@pytest.mark.parametrize(
    ("n", "p", "fit_intercept"), [(60, 4, True), (15, 30, True), (50, 5, False)]
)
def test_find_map_matches_an_independent_conic_solver(n: int, p: int, fit_intercept: bool) -> None:
    X, y, offset = _problem(7, n, p, with_offset=True)
    prior = LaplacePrior(0.1)
    alpha, l1_ratio = prior.penalty(n, 1.0)
    estimate = find_map(
        build_model(X, y, prior, likelihood="poisson", offset=offset, fit_intercept=fit_intercept)
    )
    assert estimate.coef is not None
    coef, intercept = _cvxpy_fit(X, y, offset, alpha, l1_ratio, fit_intercept)
    scale = max(1.0, float(np.max(np.abs(coef))))
    assert np.max(np.abs(estimate.coef - coef)) <= CVXPY_RTOL * scale
    if fit_intercept:
        assert abs(float(estimate.intercept or 0.0) - intercept) <= CVXPY_RTOL * scale
    # the interior-point solution has no exact zeros; the MAP's zeros are where the
    # conic solution is at its own tolerance from 0
    zeros = estimate.coef == 0.0
    assert zeros.any()
    assert np.all(np.abs(coef[zeros]) <= CVXPY_RTOL * scale)


def test_hand_written_poisson_model_is_proven_convex() -> None:
    """pm.Poisson(mu=exp(affine)) written by hand is recognized; other means are not."""
    import pymc as pm

    X, y, _ = _problem(5, 30, 2, with_offset=False)
    with pm.Model() as affine:
        beta = pm.Normal("beta", 0.0, 1.0, shape=2)
        pm.Poisson("obs", mu=pm.math.exp(0.3 + pm.math.dot(X, beta)), observed=y)
    assert find_map(affine).optimality == "global"
    with pm.Model() as softplus_link:
        beta = pm.Normal("beta", 0.0, 1.0, shape=2)
        pm.Poisson("obs", mu=pm.math.log1pexp(pm.math.dot(X, beta)), observed=y)
    assert find_map(softplus_link).optimality == "stationary"
    with pm.Model() as free_scale:
        beta = pm.Normal("beta", 0.0, 1.0, shape=2)
        scale = pm.HalfNormal("scale", 1.0)
        pm.Poisson("obs", mu=scale * pm.math.exp(pm.math.dot(X, beta)), observed=y)
    assert find_map(free_scale).optimality == "stationary"


# --------------------------------------------------------------------------- equivalence


@pytest.mark.parametrize(
    "prior",
    [GaussianPrior(0.5), LaplacePrior(0.05), LaplacePrior(0.003), ElasticNetPrior(60.0, 20.0)],
    ids=repr,
)
def test_check_equivalence_on_the_randhie_counts(prior: Prior) -> None:
    X, y, time = load_randhie(standardize=True, exposure=True)
    report = check_equivalence(X, y, prior, likelihood="poisson", offset=np.log(time))
    assert report.ok, str(report)
    assert report.likelihood == "poisson"
    assert report.noise == 1.0
    # the core fit is also what the prior's penalty face computes
    fit = prior.penalized_fit(X, y, likelihood="poisson", offset=np.log(time))
    np.testing.assert_allclose(fit.coef, report.coef_penalized, rtol=0, atol=1e-8)


def test_strong_laplace_prior_zeros_randhie_coefficients_exactly() -> None:
    X, y, time = load_randhie(standardize=True, exposure=True)
    report = check_equivalence(X, y, LaplacePrior(0.003), likelihood="poisson", offset=np.log(time))
    assert report.ok
    assert 0 < int(np.sum(report.coef_map == 0.0)) < X.shape[1]


# --------------------------------------------------------------------------- NUTS


def _exact_posterior_mean(
    x: np.ndarray, y: np.ndarray, offset: np.ndarray, prior_sd: float
) -> np.ndarray:
    """E[(w0, w1) | y] by quadrature on a grid covering ±9 posterior sd around the mode."""
    from scipy.optimize import minimize

    def neg_log_post(theta: np.ndarray) -> float:
        eta = offset + theta[0] + theta[1] * x
        return float(np.sum(np.exp(eta) - y * eta) + theta[1] ** 2 / (2 * prior_sd**2))

    mode = minimize(neg_log_post, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x
    mu = np.exp(offset + mode[0] + mode[1] * x)
    hessian = np.array([[mu.sum(), mu @ x], [mu @ x, mu @ x**2 + 1 / prior_sd**2]])
    sd = np.sqrt(np.diag(np.linalg.inv(hessian)))
    w0 = mode[0] + sd[0] * np.linspace(-9.0, 9.0, 301)
    w1 = mode[1] + sd[1] * np.linspace(-9.0, 9.0, 301)
    eta = offset[None, None, :] + w0[:, None, None] + w1[None, :, None] * x[None, None, :]
    log_post = (y * eta - np.exp(eta)).sum(axis=2) - w1[None, :] ** 2 / (2 * prior_sd**2)
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    return np.array([weights.sum(axis=1) @ w0, weights.sum(axis=0) @ w1])


@pytest.mark.slow
def test_nuts_posterior_mean_is_the_exact_posterior_mean() -> None:
    """For any seed: |NUTS mean − exact mean| ≤ 4 MCSE, the exact mean by quadrature."""
    rng = np.random.default_rng(11)
    n = 60
    x = rng.standard_normal(n)
    offset = np.log(rng.uniform(0.5, 2.0, n))
    y = rng.poisson(np.exp(offset + 0.4 + 0.5 * x)).astype(np.float64)
    prior = GaussianPrior(1.0)
    tree = sample_posterior(
        x[:, None],
        y,
        prior,
        likelihood="poisson",
        offset=offset,
        draws=300,
        tune=300,
        chains=2,
        progressbar=False,
        nuts_sampler="pymc",
    )
    posterior = tree["posterior"]
    draws = np.stack(
        [posterior["intercept"].to_numpy(), posterior["coef"].to_numpy()[..., 0]], axis=-1
    )
    exact = _exact_posterior_mean(x, y, offset, prior_sd=1.0)
    mcse = np.array([az.mcse(draws[..., j]) for j in range(2)])
    assert np.all(np.abs(draws.mean(axis=(0, 1)) - exact) <= 4.0 * mcse)
    assert tree.attrs["likelihood"] == "poisson"


# --------------------------------------------------------------------------- command line


def test_cli_check_poisson_with_exposure_column(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from bayesreg.cli.main import main

    X, y, time = load_randhie(as_frame=True, exposure=True)
    frame = X.iloc[:300].assign(mdvis=y.iloc[:300], time=time.iloc[:300])
    path = tmp_path / "visits.csv"
    frame.to_csv(path, index=False)
    options = ["--target", "mdvis", "--prior", "laplace", "--scale", "0.05"]
    args = ["check", str(path), *options, "--likelihood", "poisson", "--exposure", "time"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"]
    assert report["likelihood"] == "poisson"
    assert len(report["coef_map"]) == 9  # the exposure column is not a predictor
    # the same comparison through the Python API, the offset being log(time)
    direct = check_equivalence(
        X.iloc[:300],
        y.iloc[:300],
        LaplacePrior(0.05),
        likelihood="poisson",
        offset=np.log(time.iloc[:300]),
    )
    np.testing.assert_allclose(report["coef_map"], direct.coef_map, rtol=0, atol=1e-12)
    assert (
        main(["check", str(path), "--target", "lpi", *options[2:], "--likelihood", "poisson"]) == 2
    )
    assert "must hold counts" in capsys.readouterr().err
    assert main([*args[:-4], "--exposure", "time"]) == 2
    assert "only meaningful with --likelihood poisson" in capsys.readouterr().err
