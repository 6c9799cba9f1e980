"""Observation weights in the PyMC layer (build_model(..., weights=s), check_equivalence)
and in the posterior samplers (sample_posterior(..., sample_weight=s)).

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
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.sampling import sample_posterior
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
    with pytest.raises(InputValueError, match="weights were given with sufficient statistics"):
        build_model(SufficientStats.from_arrays(X, y), None, LaplacePrior(1.0), weights=weights)


def test_weighted_vector_scale_map_is_the_weighted_factored_fit() -> None:
    """Per-coefficient scales with weights: the MAP is the core fit with sample_weight and
    penalty_factor (check_equivalence's verdict at rtol 1e-8), zeros included."""
    X, y, weights = _data(30, 4, seed=3)
    prior = LaplacePrior(scale=(0.02, 0.05, float("inf"), 0.01))
    report = check_equivalence(X, y, prior, noise=NOISE, weights=weights)
    assert report.ok, str(report)
    assert report.coef_map[2] != 0.0  # the flat coefficient is unpenalized
    assert np.any(report.coef_map == 0.0)


# ---------------------------------------------------------------------------------------
# The weighted posterior: exact (Gaussian prior, σ fixed), Gibbs and NUTS.
# ---------------------------------------------------------------------------------------


def _closed_form(
    X: Any, y: Any, weights: Any, scale: float, noise: float, fit_intercept: bool
) -> tuple[Any, Any, float, float]:
    """Weighted least squares with a Gaussian prior, from scratch: the rows
    √s_i (x_i − x̄_s), √s_i (y_i − ȳ_s) with the raw weights, Σ = σ²(X̃ᵀX̃ + σ²/τ² I)⁻¹,
    m = Σ X̃ᵀỹ/σ², and w0 | w ~ N(ȳ_s − x̄_sᵀw, σ²/Σs)."""
    total = weights.sum()
    x_mean = weights @ X / total if fit_intercept else np.zeros(X.shape[1])
    y_mean = weights @ y / total if fit_intercept else 0.0
    root = np.sqrt(weights)
    X_tilde, y_tilde = root[:, None] * (X - x_mean), root * (y - y_mean)
    precision = X_tilde.T @ X_tilde / noise**2 + np.eye(X.shape[1]) / scale**2
    covariance = np.linalg.inv(precision)
    mean = covariance @ X_tilde.T @ y_tilde / noise**2
    intercept_variance = noise**2 / total + x_mean @ covariance @ x_mean if fit_intercept else 0.0
    return mean, covariance, float(y_mean - x_mean @ mean), float(intercept_variance)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_exact_weighted_posterior_is_the_closed_form(fit_intercept: bool) -> None:
    """Mean, covariance, intercept mean and variance to 1e-12 relative; the mean is the
    weighted penalized fit of the Gaussian prior (its MAP)."""
    X, y, weights = _data(25, 4, seed=21)
    scale, noise = 0.5, 0.7
    exact = gaussian_posterior(
        X, y, scale=scale, noise=noise, fit_intercept=fit_intercept, sample_weight=weights
    )
    mean, covariance, w0_mean, w0_variance = _closed_form(
        X, y, weights, scale, noise, fit_intercept
    )
    np.testing.assert_allclose(exact.mean, mean, rtol=1e-12, atol=1e-12 * np.abs(mean).max())
    np.testing.assert_allclose(
        exact.covariance, covariance, rtol=0, atol=1e-12 * np.abs(covariance).max()
    )
    assert exact.intercept_mean == pytest.approx(w0_mean, rel=1e-12, abs=1e-12)
    assert exact.intercept_variance == pytest.approx(w0_variance, rel=1e-12, abs=0.0)
    assert exact.alpha == pytest.approx(noise**2 / (scale**2 * weights.sum()), rel=1e-15)
    fit = GaussianPrior(scale).penalized_fit(
        X, y, noise=noise, fit_intercept=fit_intercept, sample_weight=weights
    )
    np.testing.assert_allclose(exact.mean, fit.coef, rtol=0, atol=1e-10 * np.abs(mean).max())


def test_exact_posterior_takes_the_raw_weights() -> None:
    """Constant weights c are noise σ/√c (not "no weights", as for the penalized fit), and
    integer weights are replicated rows: both to rounding."""
    X, y, _ = _data(20, 3, seed=22)
    scale, noise, c = 0.8, 0.6, 2.5
    weighted = gaussian_posterior(X, y, scale=scale, noise=noise, sample_weight=np.full(20, c))
    plain = gaussian_posterior(X, y, scale=scale, noise=noise / np.sqrt(c))
    np.testing.assert_allclose(weighted.mean, plain.mean, rtol=1e-12)
    np.testing.assert_allclose(weighted.covariance, plain.covariance, rtol=1e-12)
    assert weighted.intercept_variance == pytest.approx(plain.intercept_variance, rel=1e-12)
    counts = np.random.default_rng(22).integers(0, 4, 20)
    counts[0] = 1
    by_weight = gaussian_posterior(X, y, scale=scale, noise=noise, sample_weight=counts)
    replicated = gaussian_posterior(
        np.repeat(X, counts, axis=0), np.repeat(y, counts), scale=scale, noise=noise
    )
    np.testing.assert_allclose(by_weight.mean, replicated.mean, rtol=1e-11)
    np.testing.assert_allclose(by_weight.covariance, replicated.covariance, rtol=1e-11)
    assert by_weight.intercept_mean == pytest.approx(replicated.intercept_mean, rel=1e-11)
    assert by_weight.intercept_variance == pytest.approx(replicated.intercept_variance, rel=1e-11)


def test_weighted_linear_data_counts_the_positive_rows() -> None:
    """σ's degrees of freedom are m − 1 (m rows with s_i > 0), the intercept's count Σs."""
    X, y, weights = _data(12, 3, seed=23)
    data = linear_data_of(X, y, fit_intercept=True, sample_weight=weights)
    assert data.dof == np.count_nonzero(weights) - 1
    assert data.total_weight == pytest.approx(weights.sum(), rel=1e-15)
    root = np.sqrt(weights)
    x_mean = weights @ X / weights.sum()
    X_tilde = root[:, None] * (X - x_mean)
    np.testing.assert_allclose(data.gram, X_tilde.T @ X_tilde, rtol=1e-12)


def _values(tree: Any, name: str) -> Any:
    return tree.children["posterior"].to_dataset()[name].to_numpy()


def _mcse(tree: Any, name: str) -> Any:
    import arviz as az

    return np.asarray(az.mcse(tree, var_names=[name])[name].to_numpy())


def test_weighted_exact_and_gibbs_draws_agree_with_the_closed_form() -> None:
    """σ fixed, Gaussian prior: the draws' means within 5 Monte Carlo standard errors of
    the closed form, their sds within 10 % (4000 draws: the sd's relative error is ~1.1 %)."""
    X, y, weights = _data(30, 3, seed=24)
    scale, noise = 0.6, 0.7
    mean, covariance, w0_mean, w0_variance = _closed_form(X, y, weights, scale, noise, True)
    options: dict[str, Any] = {"draws": 2000, "chains": 2, "tune": 200, "progressbar": False}
    for method in ("exact", "gibbs"):
        tree = sample_posterior(
            X, y, GaussianPrior(scale), noise=noise, method=method, sample_weight=weights,
            random_seed=np.random.default_rng(), **options,
        )  # fmt: skip
        coef, intercept = _values(tree, "coef"), _values(tree, "intercept")
        assert np.all(np.abs(coef.mean(axis=(0, 1)) - mean) <= 5.0 * _mcse(tree, "coef"))
        np.testing.assert_allclose(
            coef.reshape(-1, 3).std(axis=0), np.sqrt(np.diag(covariance)), rtol=0.10
        )
        assert abs(intercept.mean() - w0_mean) <= 5.0 * _mcse(tree, "intercept")
        assert intercept.std() == pytest.approx(np.sqrt(w0_variance), rel=0.10)


@pytest.mark.slow
def test_weighted_gibbs_agrees_with_nuts_with_free_noise() -> None:
    """σ free, Laplace prior: Gibbs (dof m − 1, intercept σ²/Σs) and NUTS on
    build_model(..., weights=s) target the same posterior: means within 4 combined Monte
    Carlo standard errors, sds within 10 %; the same noise prior."""
    X, y, weights = _data(25, 3, seed=25)
    prior = LaplacePrior(0.4)
    options: dict[str, Any] = {"draws": 1000, "chains": 2, "tune": 500, "progressbar": False}
    gibbs = sample_posterior(X, y, prior, method="gibbs", sample_weight=weights, **options)
    nuts = sample_posterior(
        X, y, prior, method="nuts", nuts_sampler="pymc", sample_weight=weights, **options
    )
    assert gibbs.attrs["noise_prior"] == nuts.attrs["noise_prior"]
    for name in ("coef", "intercept", "noise"):
        ours, theirs = _values(gibbs, name), _values(nuts, name)
        tolerance = 4.0 * np.hypot(_mcse(gibbs, name), _mcse(nuts, name))
        assert np.all(np.abs(ours.mean(axis=(0, 1)) - theirs.mean(axis=(0, 1))) <= tolerance)
        np.testing.assert_allclose(
            ours.reshape(2000, -1).std(axis=0), theirs.reshape(2000, -1).std(axis=0), rtol=0.10
        )


def test_sample_posterior_refuses_weights_where_unsupported() -> None:
    X, y, weights = _data(8, 2, seed=26)
    counts = np.round(np.abs(y))
    with pytest.raises(InputValueError, match="method='gibbs' needs the Gaussian likelihood"):
        sample_posterior(
            X, counts, LaplacePrior(1.0), likelihood="poisson", method="gibbs",
            sample_weight=weights,
        )  # fmt: skip
    with pytest.raises(InputValueError, match="sample_weight cannot be applied to SufficientStats"):
        sample_posterior(
            SufficientStats.from_arrays(X, y), None, GaussianPrior(1.0), noise=1.0,
            method="exact", sample_weight=weights,
        )  # fmt: skip
    with pytest.raises(DataError, match="sample_weight must be finite"):
        sample_posterior(
            X, y, GaussianPrior(1.0), noise=1.0, method="exact", sample_weight=-weights
        )
