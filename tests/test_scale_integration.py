"""Sufficient statistics in place of the rows: every consumer gives the rows' answer.

The same statistics come from three sources — ``from_arrays``, ``from_chunks`` (fixed
and random chunkings) and ``from_dask`` (synchronous scheduler) — and each fit, sampler
and model built from them is compared with the same call on the rows.

Tolerances, stated once:

* ``COEF_RTOL = 1e-8``: coefficients, intercepts, posterior means and covariances, ridge
  evidence — max-norm difference over the max norm of the rows' result. Both sides are
  accurate to about ``κ·eps`` (κ ≈ 1e2 here), so 1e-8 leaves room only for rounding.
* ``DRAW_RTOL = 1e-8``: Gibbs draws with the same seed. With n ≥ p the sampler reads only
  the cross products, so the two chains use identical random numbers and differ only by
  the rounding of the statistics (propagated through a contracting chain).
* ``LOGP_RTOL = 1e-9``: PyMC log-densities at random points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core._duality import enet_duality_gap, gap_threshold
from bayesreg.core._stats_solvers import enet_gap_floor
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.empirical_bayes import lasso_mcem, ridge_evidence
from bayesreg.posterior.gibbs import GibbsPrior, NoisePrior, gibbs_sample
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
)
from bayesreg.pymc.likelihood import build_sufficient_model
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

FloatArray = NDArray[np.float64]

COEF_RTOL = 1e-8
DRAW_RTOL = 1e-8
LOGP_RTOL = 1e-9


def make_problem(n: int = 300, p: int = 8, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """Correlated columns (ρ = 0.5) with large, unequal means; a sparse truth; noise."""
    rng = np.random.default_rng(seed)
    mixing = np.linalg.cholesky(0.5 * np.eye(p) + 0.5)
    X = rng.standard_normal((n, p)) @ mixing.T + np.linspace(-50.0, 200.0, p)
    truth = np.zeros(p)
    truth[: min(p, 3)] = [2.0, -1.5, 0.7][: min(p, 3)]
    return X, 10.0 + X @ truth + rng.standard_normal(n)


def statistics_of(X: FloatArray, y: FloatArray) -> dict[str, SufficientStats]:
    """The statistics of (X, y) by every constructor."""
    import dask
    import dask.array as da

    n = len(y)
    with dask.config.set(scheduler="synchronous"):
        from_dask = SufficientStats.from_dask(
            da.from_array(X, chunks=(max(n // 7, 1), X.shape[1])), da.from_array(y, chunks=n // 3)
        )
    return {
        "arrays": SufficientStats.from_arrays(X, y),
        "chunks": SufficientStats.from_chunks(
            (X[i : i + 41], y[i : i + 41]) for i in range(0, n, 41)
        ),
        "dask": from_dask,
    }


def relative_difference(value: Any, reference: Any) -> float:
    a, b = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


@pytest.fixture(scope="module")
def problem() -> tuple[FloatArray, FloatArray, dict[str, SufficientStats]]:
    X, y = make_problem()
    return X, y, statistics_of(X, y)


Problem = tuple[FloatArray, FloatArray, dict[str, SufficientStats]]


# --- penalized fits -------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 1e-4, 0.1, 10.0])
def test_ridge_matches_the_rows(problem: Problem, alpha: float, fit_intercept: bool) -> None:
    X, y, sources = problem
    rows = ridge(X, y, alpha, fit_intercept=fit_intercept)
    for name, stats in sources.items():
        fit = ridge(stats, None, alpha, fit_intercept=fit_intercept)
        assert fit.converged, name
        assert 0.0 <= fit.gap <= fit.tol, name
        assert relative_difference(fit.coef, rows.coef) <= COEF_RTOL, name
        assert fit.intercept == pytest.approx(rows.intercept, rel=COEF_RTOL, abs=COEF_RTOL), name
        assert fit.objective == pytest.approx(rows.objective, rel=COEF_RTOL), name


def test_least_squares_on_a_rank_deficient_design_is_the_minimum_norm_solution() -> None:
    X, y = make_problem(100, 4, seed=1)
    X = np.column_stack([X, X[:, 0] - 2.0 * X[:, 1]])  # a column in the span of two others
    rows = ridge(X, y, 0.0)
    fit = ridge(SufficientStats.from_arrays(X, y), None, 0.0)
    assert fit.converged
    assert relative_difference(fit.coef, rows.coef) <= COEF_RTOL


def test_ridge_path_matches_the_rows(problem: Problem) -> None:
    X, y, sources = problem
    alphas = [10.0, 1.0, 1e-2, 1e-4, 0.0]
    rows = ridge_path(X, y, alphas)
    for name, stats in sources.items():
        path = ridge_path(stats, None, alphas)
        assert path.converged.all(), name
        np.testing.assert_array_equal(path.alphas, rows.alphas)
        assert relative_difference(path.coefs, rows.coefs) <= COEF_RTOL, name
        assert relative_difference(path.intercepts, rows.intercepts) <= COEF_RTOL, name
        assert relative_difference(path.df, rows.df) <= COEF_RTOL, name
        assert relative_difference(path.gcv, rows.gcv) <= COEF_RTOL, name
        assert np.isnan(path.loo).all(), "leave-one-out needs the rows"


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_lasso_and_elastic_net_match_the_rows(
    problem: Problem, l1_ratio: float, fit_intercept: bool
) -> None:
    X, y, sources = problem
    top = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    for name, stats in sources.items():
        stats_top = alpha_max(stats, None, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
        assert stats_top == pytest.approx(top, rel=COEF_RTOL), name
    for fraction in (0.5, 0.05, 1e-4):
        alpha = fraction * top
        rows = elastic_net(X, y, alpha, l1_ratio, fit_intercept=fit_intercept)
        for name, stats in sources.items():
            fit = elastic_net(stats, None, alpha, l1_ratio, fit_intercept=fit_intercept)
            assert fit.converged, name
            assert 0.0 <= fit.gap <= fit.tol, name
            assert relative_difference(fit.coef, rows.coef) <= COEF_RTOL, name
            np.testing.assert_array_equal(fit.coef != 0.0, rows.coef != 0.0)
            assert fit.intercept == pytest.approx(rows.intercept, rel=COEF_RTOL, abs=COEF_RTOL)


def test_lasso_path_matches_the_rows(problem: Problem) -> None:
    X, y, sources = problem
    rows = lasso_path(X, y, n_alphas=40)
    for name, stats in sources.items():
        path = lasso_path(stats, None, n_alphas=40)
        assert path.converged.all(), name
        assert path.alpha_max == pytest.approx(rows.alpha_max, rel=COEF_RTOL)
        assert relative_difference(path.alphas, rows.alphas) <= COEF_RTOL, name
        assert relative_difference(path.coefs, rows.coefs) <= COEF_RTOL, name
        assert relative_difference(path.intercepts, rows.intercepts) <= COEF_RTOL, name


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**16),
    cut_fractions=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=10),
    fraction=st.floats(min_value=1e-3, max_value=0.9),
)
def test_random_chunkings_give_the_rows_lasso(
    seed: int, cut_fractions: list[float], fraction: float
) -> None:
    X, y = make_problem(120, 6, seed=seed)
    edges = sorted({0, len(y), *(int(f * len(y)) for f in cut_fractions)})
    blocks = ((X[a:b], y[a:b]) for a, b in itertools.pairwise(edges))
    stats = SufficientStats.from_chunks(blocks)
    alpha = fraction * alpha_max(X, y)
    rows = lasso(X, y, alpha)
    fit = lasso(stats, None, alpha)
    assert fit.converged
    assert relative_difference(fit.coef, rows.coef) <= COEF_RTOL


def test_more_features_than_rows() -> None:
    X, y = make_problem(30, 50, seed=4)
    stats = SufficientStats.from_arrays(X, y)
    alpha = 0.05 * alpha_max(X, y)
    assert relative_difference(lasso(stats, None, alpha).coef, lasso(X, y, alpha).coef) <= 1e-7
    assert relative_difference(ridge(stats, None, 0.5).coef, ridge(X, y, 0.5).coef) <= COEF_RTOL


def test_the_certificate_from_statistics_is_honest_about_its_floor() -> None:
    """Large cancelling coefficients: the gap from statistics is resolved only to its floor.

    y ≈ 1e4·(x2 − x1) with x2 − x1 ~ 1e-4·N(0, 1): at alpha = 1e-6 the lasso has
    coefficients ≈ ±1e4 whose products with G cancel, and the gap computed from the
    statistics in float64 differs from the same gap evaluated in extended precision by
    up to the floor ``eps·√p·(|w|ᵀa + ...)`` (``enet_gap_floor``), far above
    ``1e-12·F(0)``: the fit is certified against the floor, not an impossible 1e-12.
    """
    rng = np.random.default_rng(0)
    z = rng.standard_normal((500, 3))
    X = np.column_stack([z[:, 0], z[:, 0] + 1e-4 * z[:, 1], z[:, 2]]) + 5.0
    y = 1e4 * (X[:, 1] - X[:, 0]) + X[:, 2] + 0.1 * rng.standard_normal(500)
    stats = SufficientStats.from_arrays(X, y)
    fit = lasso(stats, None, 1e-6)
    data, _ = stats.gram_problem()
    floor = enet_gap_floor(data, fit.coef)
    assert floor > 1e3 * gap_threshold(data.yty, 1e-12)
    assert fit.converged
    assert fit.tol == pytest.approx(floor, rel=1e-12)
    assert fit.gap <= floor < 1e-6 * 0.5 * data.yty
    # The same gap at the same w with the statistics' arithmetic in extended precision.
    gram, xty = data.gram.astype(np.longdouble), data.xty.astype(np.longdouble)
    coef = fit.coef.astype(np.longdouble)
    correlation = xty - gram @ coef
    residual_sq = data.yty - coef @ (xty + correlation)
    exact_gap = enet_duality_gap(
        fit.coef, correlation.astype(np.float64), float(residual_sq), 1e-6, 1.0
    )
    assert abs(fit.gap - exact_gap) <= floor


# --- posteriors -----------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_exact_posterior_matches_the_rows(problem: Problem, fit_intercept: bool) -> None:
    X, y, sources = problem
    rows = gaussian_posterior(X, y, scale=0.5, noise=1.2, fit_intercept=fit_intercept)
    for name, stats in sources.items():
        exact = gaussian_posterior(stats, None, scale=0.5, noise=1.2, fit_intercept=fit_intercept)
        assert relative_difference(exact.mean, rows.mean) <= COEF_RTOL, name
        assert relative_difference(exact.covariance, rows.covariance) <= COEF_RTOL, name
        assert exact.intercept_mean == pytest.approx(rows.intercept_mean, rel=COEF_RTOL)
        assert exact.intercept_variance == pytest.approx(rows.intercept_variance, rel=COEF_RTOL)
    tree = sample_posterior(
        sources["chunks"], None, GaussianPrior(0.5), noise=1.2, method="exact", random_seed=3
    )
    rows_tree = sample_posterior(X, y, GaussianPrior(0.5), noise=1.2, method="exact", random_seed=3)
    draws, rows_draws = tree["posterior"]["coef"].values, rows_tree["posterior"]["coef"].values
    assert relative_difference(draws, rows_draws) <= DRAW_RTOL
    assert "observed_data" not in tree.children
    assert "sufficient statistics of 300 rows" in tree.attrs["observed_data"]


@pytest.mark.parametrize(
    ("prior", "noise"),
    [
        (GaussianPrior(0.5), None),
        (LaplacePrior(0.3), 1.0),
        (BayesianLassoPrior(2.0), None),
        (ElasticNetPrior(1.0, 2.0), 1.0),
    ],
)
def test_gibbs_draws_equal_the_rows_draws(
    problem: Problem, prior: Prior, noise: float | None
) -> None:
    X, y, sources = problem
    options: dict[str, Any] = {
        "noise": noise,
        "method": "gibbs",
        "draws": 150,
        "tune": 50,
        "chains": 2,
        "random_seed": 7,
        "progressbar": False,
    }
    rows = sample_posterior(X, y, prior, **options)["posterior"]
    from_stats = sample_posterior(sources["dask"], None, prior, **options)["posterior"]
    assert set(from_stats.data_vars) == set(rows.data_vars)
    for variable in map(str, rows.data_vars):
        difference = relative_difference(from_stats[variable].values, rows[variable].values)
        assert difference <= DRAW_RTOL, variable


def test_gibbs_with_a_reference_noise_prior_and_no_intercept(problem: Problem) -> None:
    X, y, sources = problem
    options: dict[str, Any] = {
        "noise_prior": NoisePrior.reference(),
        "fit_intercept": False,
        "draws": 100,
        "tune": 20,
        "chains": 2,
        "random_seed": 1,
        "progressbar": False,
    }
    rows = gibbs_sample(X, y, GibbsPrior.laplace(0.5), **options)
    fit = gibbs_sample(sources["arrays"], None, GibbsPrior.laplace(0.5), **options)
    assert fit.intercept is None
    assert fit.noise is not None
    assert rows.noise is not None
    assert relative_difference(fit.coef, rows.coef) <= DRAW_RTOL
    assert relative_difference(fit.noise, rows.noise) <= DRAW_RTOL


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_evidence_matches_the_rows(problem: Problem, fit_intercept: bool) -> None:
    X, y, sources = problem
    rows = ridge_evidence(X, y, fit_intercept=fit_intercept)
    for name, stats in sources.items():
        evidence = ridge_evidence(stats, None, fit_intercept=fit_intercept)
        assert evidence.converged, name
        assert evidence.dof == rows.dof, name
        for field in ("scale", "noise", "alpha", "log_evidence"):
            value, expected = getattr(evidence, field), getattr(rows, field)
            assert value == pytest.approx(expected, rel=COEF_RTOL), (name, field)


def test_lasso_mcem_follows_the_rows_trace(problem: Problem) -> None:
    X, y, sources = problem
    options: dict[str, Any] = {"n_iter": 6, "draws_per_iter": 30, "burn_in": 30, "tol": 1.0}
    rows = lasso_mcem(X, y, random_seed=5, **options)
    fit = lasso_mcem(sources["chunks"], None, random_seed=5, **options)
    assert relative_difference(fit.trace, rows.trace) <= DRAW_RTOL
    assert fit.noise == pytest.approx(rows.noise, rel=DRAW_RTOL)


def test_samplers_that_need_the_rows_say_so() -> None:
    X, y = make_problem(10, 20, seed=2)
    stats = SufficientStats.from_arrays(X, y)
    with pytest.raises(DataError, match="gibbs_sample from sufficient statistics needs n ≥ p"):
        gibbs_sample(stats, None, GibbsPrior.gaussian(1.0), noise=1.0, progressbar=False)
    with pytest.raises(DataError, match="lasso_mcem from sufficient statistics needs n ≥ p"):
        lasso_mcem(stats, None)
    with pytest.raises(InputValueError, match="Gaussian likelihood only"):
        sample_posterior(stats, None, GaussianPrior(1.0), likelihood="bernoulli")
    with pytest.raises(InputValueError, match="y must be None"):
        sample_posterior(stats, y, GaussianPrior(1.0), noise=1.0, method="exact")
    # the exact posterior needs no rows, whatever n and p
    assert gaussian_posterior(stats, None, scale=1.0, noise=1.0).mean.shape == (20,)


@pytest.mark.parametrize(
    "call",
    [
        lambda s, y: ridge(s, y, 1.0),
        lambda s, y: ridge_path(s, y, [1.0]),
        lambda s, y: lasso(s, y, 1.0),
        lambda s, y: elastic_net(s, y, 1.0, 0.5),
        lambda s, y: lasso_path(s, y),
        lambda s, y: alpha_max(s, y),
        lambda s, y: ridge_evidence(s, y),
        lambda s, y: gibbs_sample(s, y, GibbsPrior.gaussian(1.0)),
        lambda s, y: build_model(s, y, GaussianPrior(1.0)),
    ],
)
def test_a_target_next_to_statistics_is_an_error(call: Callable[[Any, Any], Any]) -> None:
    X, y = make_problem(20, 3)
    with pytest.raises(InputValueError, match="y must be None when X is a SufficientStats"):
        call(SufficientStats.from_arrays(X, y), y)


# --- PyMC -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior", "noise", "fit_intercept"),
    [
        (LaplacePrior(0.4), None, True),
        (GaussianPrior(0.7), 1.3, False),
        (ElasticNetPrior(1.5, 2.0), 0.8, True),
        (BayesianLassoPrior(3.0), None, False),
    ],
)
def test_sufficient_likelihood_has_the_rows_log_density(
    prior: Prior, noise: float | None, fit_intercept: bool
) -> None:
    X, y = make_problem(60, 4, seed=3)
    stats = SufficientStats.from_arrays(X, y)
    rows = build_model(X, y, prior, noise=noise, fit_intercept=fit_intercept)
    model = build_model(stats, None, prior, noise=noise, fit_intercept=fit_intercept)
    assert {rv.name for rv in model.free_RVs} == {rv.name for rv in rows.free_RVs}
    assert model.initial_point().keys() == rows.initial_point().keys()
    rows_logp, logp = rows.compile_logp(), model.compile_logp()
    rng = np.random.default_rng(0)
    for point in [rows.initial_point()] + [
        {k: v + rng.normal(scale=0.5, size=np.shape(v)) for k, v in rows.initial_point().items()}
        for _ in range(5)
    ]:
        expected = float(rows_logp(point))
        assert float(logp(point)) == pytest.approx(expected, rel=LOGP_RTOL)


@pytest.mark.parametrize(
    ("prior", "noise"), [(LaplacePrior(1.0), None), (ElasticNetPrior(20.0, 5.0), 1.0)]
)
def test_find_map_of_the_sufficient_model_is_the_rows_map(
    prior: Prior, noise: float | None
) -> None:
    X, y = make_problem(80, 5, seed=6)
    stats = SufficientStats.from_arrays(X, y)
    rows = find_map(build_model(X, y, prior, noise=noise))
    estimate = find_map(build_model(stats, None, prior, noise=noise))
    assert estimate.converged
    assert estimate.coef is not None
    assert rows.coef is not None
    assert relative_difference(estimate.coef, rows.coef) <= COEF_RTOL
    np.testing.assert_array_equal(estimate.coef == 0.0, rows.coef == 0.0)
    assert estimate.intercept == pytest.approx(rows.intercept, rel=COEF_RTOL)
    if noise is None:
        assert estimate.noise == pytest.approx(rows.noise, rel=COEF_RTOL)


def test_sufficient_model_structure_and_errors() -> None:
    X, y = make_problem(40, 3)
    stats = SufficientStats.from_arrays(X, y, feature_names=["a", "b", "c"])
    model = build_model(stats, None, LaplacePrior(1.0))
    assert model.coords["feature"] == ("a", "b", "c")
    assert "obs" not in model.coords
    assert [potential.name for potential in model.potentials] == ["y_obs"]
    assert not model.observed_RVs
    assert float(model["n_samples"].get_value()) == 40.0
    # σ starts at the residual scale of w = 0, the intercept at ȳ, as for the rows
    start = model.initial_point()
    assert np.exp(start["noise_log__"]) == pytest.approx(np.std(y), rel=1e-12)
    assert start["intercept"] == pytest.approx(np.mean(y), rel=1e-12)
    with pytest.raises(InputValueError, match="Gaussian likelihood only"):
        build_model(stats, None, LaplacePrior(1.0), likelihood="bernoulli")
    with pytest.raises(InputValueError, match="Gaussian likelihood only"):
        build_sufficient_model(
            stats, LaplacePrior(1.0), noise=None, likelihood="bernoulli", fit_intercept=True
        )


@pytest.mark.slow
def test_nuts_on_the_sufficient_model_finds_the_exact_posterior() -> None:
    X, y = make_problem(200, 3, seed=8)
    stats = SufficientStats.from_arrays(X, y)
    tree = sample_posterior(
        stats,
        None,
        GaussianPrior(1.0),
        noise=1.0,
        method="nuts",
        draws=500,
        tune=500,
        chains=2,
        random_seed=2,
        progressbar=False,
        nuts_sampler="pymc",
    )
    exact = gaussian_posterior(stats, None, scale=1.0, noise=1.0)
    draws = np.asarray(tree["posterior"]["coef"]).reshape(-1, 3)
    # within 4 Monte Carlo standard errors (NUTS draws here are nearly independent;
    # the effective size is taken as half the number of draws to be safe)
    standard_error = np.sqrt(np.diag(exact.covariance) / (0.5 * draws.shape[0]))
    assert np.all(np.abs(draws.mean(axis=0) - exact.mean) <= 4.0 * standard_error)
    assert "sufficient statistics" in tree.attrs["observed_data"]
    assert math.isfinite(float(tree["posterior"]["intercept"].mean()))
