"""Shrinkage summaries, diagnostics, effective degrees of freedom, Bayesian path."""

from __future__ import annotations

import warnings

import arviz_base
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression

from bayesreg.core.enet_solver import lasso
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.errors import DataError, DiagnosticsWarning, InputValueError
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.posterior.summary import (
    bayesian_path,
    check_diagnostics,
    ridge_effective_dof,
    shrinkage_summary,
)
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
)


def _problem(n: int = 60, p: int = 4, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.array([1.0, -0.5, 0.0, 0.2])[:p] + 1.0 + rng.standard_normal(n)
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(p)]), y


def _tree(posterior: dict[str, np.ndarray], sample_stats: dict[str, np.ndarray] | None = None):  # type: ignore[no-untyped-def]
    groups = {"posterior": posterior}
    if sample_stats is not None:
        groups["sample_stats"] = sample_stats
    return arviz_base.from_dict(groups, dims={"coef": ["feature"]})


def test_summary_of_the_exact_posterior_against_closed_forms() -> None:
    X, y = _problem()
    scale, noise = 0.5, 1.0
    prior = GaussianPrior(scale)
    tree = sample_posterior(
        X,
        y,
        prior,
        noise=noise,
        method="exact",
        draws=5000,
        chains=4,
        random_seed=1,
        progressbar=False,
    )
    table = shrinkage_summary(tree, X, y, prior, noise=noise, hdi_prob=0.9)
    exact = gaussian_posterior(X, y, scale=scale, noise=noise)
    sd = np.sqrt(np.diag(exact.covariance))
    size = 20_000
    assert list(table.index) == ["f0", "f1", "f2", "f3"]
    # the MAP is the ridge fit at alpha = σ²/(nτ²), which is the exact posterior mean
    np.testing.assert_allclose(table["map"], exact.mean, rtol=1e-9, atol=1e-12)
    # i.i.d. draws: mean within 4 standard errors, sd within 3 %, HDI = m ± 1.645 sd ± 5 %
    assert np.all(np.abs(table["mean"] - exact.mean) <= 4.0 * sd / np.sqrt(size))
    np.testing.assert_allclose(table["sd"], sd, rtol=0.03)
    half_width = stats.norm.ppf(0.95) * sd
    np.testing.assert_allclose(table["hdi_upper"] - table["hdi_lower"], 2 * half_width, rtol=0.05)
    np.testing.assert_allclose(
        table["least_squares"], LinearRegression().fit(X, y).coef_, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(
        table["shrinkage"], 1.0 - np.abs(table["mean"]) / np.abs(table["least_squares"])
    )
    # P(w > 0) of a normal, and P(|w| < ε) with ε = 0.1 sd(y)/sd(x_j): within 0.02
    direction = stats.norm.cdf(np.abs(exact.mean) / sd)
    np.testing.assert_allclose(table["prob_direction"], direction, atol=0.02)
    epsilon = 0.1 * y.std() / X.to_numpy().std(axis=0)
    negligible = stats.norm.cdf((epsilon - exact.mean) / sd) - stats.norm.cdf(
        (-epsilon - exact.mean) / sd
    )
    np.testing.assert_allclose(table["prob_negligible"], negligible, atol=0.02)
    assert np.all(table["r_hat"] < 1.01)
    assert np.all(table["ess_bulk"] > 10_000)


@pytest.mark.slow
def test_summary_map_with_free_noise_is_the_joint_map() -> None:
    """With σ free the MAP column is the joint MAP (ŵ, σ̂) of build_model's posterior.

    Its ŵ is the lasso at alpha = σ̂²/(n b) (read off the KKT conditions), and σ̂ is
    stationary in σ: with the intercept at its MAP and σ ~ HalfNormal(s_y),
    d/dσ [−n log σ − rss/(2σ²) − σ²/(2 s_y²)] = −n/σ + rss/σ³ − σ/s_y² = 0.
    """
    X, y = _problem(n=40, p=3, seed=2)
    scale = 0.3
    prior = LaplacePrior(scale)
    tree = sample_posterior(
        X, y, prior, method="gibbs", draws=1000, chains=2, random_seed=3, progressbar=False
    )
    coef = shrinkage_summary(tree, X, y, prior)["map"].to_numpy()
    n = len(y)
    centered, target = X.to_numpy() - X.to_numpy().mean(axis=0), y - y.mean()
    gradient = centered.T @ (target - centered @ coef) / n
    active = coef != 0.0
    assert active.any()
    alpha = float(np.mean(gradient[active] * np.sign(coef[active])))
    np.testing.assert_allclose(gradient[active], alpha * np.sign(coef[active]), rtol=1e-6)
    assert np.all(np.abs(gradient[~active]) <= alpha * (1 + 1e-9))
    noise = np.sqrt(alpha * n * scale)
    rss = float(np.sum((target - centered @ coef) ** 2))
    s_y = float(np.sqrt(np.mean(target**2)))
    stationarity = -n / noise + rss / noise**3 - noise / s_y**2
    assert abs(stationarity) <= 1e-6 * n / noise


def test_diagnostics_warn_about_divergences_rhat_and_ess() -> None:
    rng = np.random.default_rng(4)
    good = _tree({"coef": rng.standard_normal((4, 500, 2))})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_diagnostics(good)
    assert report.ok
    assert report.divergences == 0
    assert report.max_rhat < 1.01

    shifted = rng.standard_normal((4, 500, 2)) + np.arange(4)[:, None, None]
    with pytest.warns(DiagnosticsWarning, match="R-hat"):
        assert not check_diagnostics(_tree({"coef": shifted})).ok

    diverging = np.zeros((4, 500), dtype=bool)
    diverging[0, :3] = True
    with pytest.warns(DiagnosticsWarning, match="3 divergent"):
        report = check_diagnostics(
            _tree({"coef": rng.standard_normal((4, 500, 2))}, {"diverging": diverging})
        )
    assert report.divergences == 3

    walk = np.cumsum(rng.standard_normal((4, 500, 2)), axis=1) * 0.01
    walk += rng.standard_normal((4, 500, 2))[:, :1]  # similar chains, strongly autocorrelated
    with pytest.warns(DiagnosticsWarning, match="ESS"):
        check_diagnostics(_tree({"coef": walk}))


def test_ridge_effective_dof_is_the_trace_of_the_hat_matrix() -> None:
    X, y = _problem(n=30, p=4, seed=5)
    design = X.to_numpy()
    centered = design - design.mean(axis=0)
    n = design.shape[0]
    alphas = np.array([0.0, 0.01, 0.3, 10.0])
    for alpha in alphas:
        hat = centered @ np.linalg.solve(centered.T @ centered + n * alpha * np.eye(4), centered.T)
        assert ridge_effective_dof(X, alpha) == pytest.approx(np.trace(hat), rel=1e-10)
    assert ridge_effective_dof(X, 0.0) == pytest.approx(4.0, rel=1e-12)
    assert ridge_effective_dof(X, 1e12) < 1e-9
    path = ridge_path(X, y, alphas[1:])
    np.testing.assert_allclose(
        [ridge_effective_dof(X, a) for a in path.alphas], path.df, rtol=1e-10
    )


def test_prior_penalized_fit_is_the_core_solution() -> None:
    X, y = _problem(seed=6)
    noise = 1.2
    gaussian = GaussianPrior(0.4)
    alpha, _ = gaussian.penalty(X.shape[0], noise)
    np.testing.assert_allclose(
        gaussian.penalized_fit(X, y, noise=noise).coef, ridge(X, y, alpha).coef, rtol=1e-12
    )
    laplace = LaplacePrior(0.4)
    alpha, _ = laplace.penalty(X.shape[0], noise)
    np.testing.assert_allclose(
        laplace.penalized_fit(X, y, noise=noise).coef, lasso(X, y, alpha).coef, rtol=1e-12
    )


def test_bayesian_path_puts_intervals_next_to_the_penalized_path() -> None:
    X, y = _problem(n=50, p=3, seed=7)
    noise = 1.0
    scales = [0.05, 0.3, 2.0]
    path = bayesian_path(X, y, [GaussianPrior(s) for s in scales], noise=noise, hdi_prob=0.8)
    assert len(path) == 3 * 3
    # Gaussian priors: the posterior mean is the penalized (ridge) estimate
    np.testing.assert_allclose(path["mean"], path["penalized"], rtol=1e-9, atol=1e-12)
    assert np.all(path["hdi_lower"] < path["mean"])
    assert np.all(path["mean"] < path["hdi_upper"])
    widths = (path["hdi_upper"] - path["hdi_lower"]).to_numpy().reshape(3, 3)
    assert np.all(np.diff(widths, axis=0) > 0)  # a wider prior, a wider posterior
    expected_alphas = [noise**2 / (50 * s**2) for s in scales]
    np.testing.assert_allclose(path["alpha"].to_numpy()[::3], expected_alphas, rtol=1e-12)

    laplace = bayesian_path(
        X, y, [LaplacePrior(0.5), LaplacePrior(5.0)], noise=noise, draws=2000, random_seed=8
    )
    alpha = LaplacePrior(0.5).penalty(50, noise)[0]
    np.testing.assert_allclose(laplace["penalized"][:3], lasso(X, y, alpha).coef, rtol=1e-12)
    assert np.all(laplace["hdi_lower"] <= laplace["median"])
    assert np.all(laplace["median"] <= laplace["hdi_upper"])
    assert set(laplace["l1_ratio"]) == {1.0}


def _tree_with_means(means: np.ndarray, seed: int = 0):  # type: ignore[no-untyped-def]
    """2 chains × 1000 i.i.d. normal draws, shifted so that their sample mean is ``means``."""
    draws = np.random.default_rng(seed).standard_normal((2, 1000, means.size)) * 0.05
    draws += means - draws.reshape(-1, means.size).mean(axis=0)
    return _tree({"coef": draws})


def test_shrinkage_is_the_fraction_of_least_squares_given_up_with_a_sign_flag() -> None:
    X, y = _problem(n=80, p=4, seed=11)
    least_squares = LinearRegression().fit(X, y).coef_
    # posterior means: half of least squares, a sign flip, an expansion, nearly 0
    means = least_squares * np.array([0.5, -0.2, 1.5, 0.02])
    tree = _tree_with_means(means)
    table = shrinkage_summary(tree, X, y, GaussianPrior(1.0), noise=1.0)
    np.testing.assert_allclose(table["mean"], means, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(table["shrinkage"], [0.5, 0.8, -0.5, 0.98], rtol=1e-9, atol=1e-12)
    assert table["sign_flip"].tolist() == [False, True, False, False]
    # the definition never exceeds 1, whatever the sign of the mean (the old 1 − mean/LS
    # gave 1.2 for the flipped coefficient)
    assert np.all(table["shrinkage"] <= 1.0)


def test_map_coef_is_reused_and_defaults_to_the_core_solution() -> None:
    X, y = _problem(n=60, p=4, seed=12)
    prior = LaplacePrior(0.2)
    tree = _tree_with_means(np.array([0.8, -0.4, 0.0, 0.1]))
    alpha = prior.penalty(60, 1.0)[0]
    computed = shrinkage_summary(tree, X, y, prior, noise=1.0)
    np.testing.assert_allclose(computed["map"], lasso(X, y, alpha).coef, rtol=1e-12, atol=1e-14)
    given = [0.1, 0.2, 0.3, 0.4]
    reused = shrinkage_summary(tree, X, y, prior, noise=1.0, map_coef=given)
    np.testing.assert_array_equal(reused["map"], given)
    pd.testing.assert_frame_equal(reused.drop(columns="map"), computed.drop(columns="map"))
    with pytest.raises(DataError, match="map_coef must have one entry per column"):
        shrinkage_summary(tree, X, y, prior, noise=1.0, map_coef=[0.1, 0.2])


def test_map_coef_with_free_noise_skips_find_map(monkeypatch: pytest.MonkeyPatch) -> None:
    import bayesreg.pymc.map

    def no_find_map(*args: object, **kwargs: object) -> None:
        raise AssertionError("find_map was called although map_coef was given")

    monkeypatch.setattr(bayesreg.pymc.map, "find_map", no_find_map)
    X, y = _problem(n=40, p=4, seed=13)
    tree = _tree_with_means(np.array([0.5, -0.5, 0.0, 0.2]))
    table = shrinkage_summary(tree, X, y, LaplacePrior(0.3), map_coef=np.zeros(4))
    np.testing.assert_array_equal(table["map"], 0.0)
    with pytest.raises(AssertionError, match="find_map was called"):
        shrinkage_summary(tree, X, y, LaplacePrior(0.3), noise=None)
    # a tree that records neither its noise nor its prior needs them for the MAP column
    with pytest.raises(InputValueError, match="noise: the tree neither samples"):
        shrinkage_summary(tree, X, y, LaplacePrior(0.3))
    with pytest.raises(InputValueError, match="does not record a bayesreg prior"):
        shrinkage_summary(tree, X, y, noise=1.0)


def test_bayesian_path_records_its_hdi_probability() -> None:
    X, y = _problem(n=30, p=2, seed=14)
    path = bayesian_path(X, y, [GaussianPrior(0.5)], noise=1.0, hdi_prob=0.8)
    assert path.attrs["hdi_prob"] == 0.8


# --- the prior and noise the tree was drawn with ------------------------------------------


def _gibbs_tree(X: pd.DataFrame, y: np.ndarray, prior: Prior, noise: float | None):  # type: ignore[no-untyped-def]
    return sample_posterior(
        X,
        y,
        prior,
        noise=noise,
        method="gibbs",
        draws=300,
        chains=2,
        random_seed=5,
        progressbar=False,
    )


def test_summary_reads_the_prior_and_noise_from_the_tree() -> None:
    """Without prior and noise the MAP column is the lasso at the tree's σ²/(n b)."""
    X, y = _problem(n=60, p=4, seed=21)
    prior = LaplacePrior(0.2)
    tree = _gibbs_tree(X, y, prior, 1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DiagnosticsWarning)
        read = shrinkage_summary(tree, X, y)
        given = shrinkage_summary(tree, X, y, prior, noise=1.5)
    pd.testing.assert_frame_equal(read, given)
    alpha = 1.5**2 / (60 * 0.2)
    np.testing.assert_allclose(read["map"], lasso(X, y, alpha).coef, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "prior",
    [
        GaussianPrior(0.7),
        LaplacePrior(0.2),
        ElasticNetPrior(2.0, 0.5),
        BayesianLassoPrior(3.0),
        BayesianLassoPrior(hyperprior=(1.0, 0.5)),
    ],
    ids=repr,
)
def test_every_prior_is_rebuilt_from_the_tree_attributes(prior: Prior) -> None:
    from bayesreg.posterior.sampling import prior_attrs
    from bayesreg.posterior.summary import _tree_prior

    tree = _tree({"coef": np.zeros((1, 5, 2))})
    tree.attrs.update(prior_attrs(prior))
    rebuilt = _tree_prior(tree, None)
    assert rebuilt == prior
    assert type(rebuilt) is type(prior)


@pytest.mark.parametrize(
    ("prior", "noise", "message"),
    [
        (
            LaplacePrior(0.3),
            1.5,
            r"prior=LaplacePrior\(scale=0\.3\) contradicts the tree, "
            r"which was drawn under LaplacePrior\(scale=0\.2\)",
        ),
        (GaussianPrior(0.2), 1.5, r"prior=GaussianPrior\(scale=0\.2\) contradicts the tree"),
        (None, 2.0, r"noise=2\.0 contradicts the tree, drawn with σ = 1\.5 fixed"),
        (None, None, r"noise=None contradicts the tree, drawn with σ = 1\.5 fixed"),
    ],
)
def test_a_prior_or_noise_that_contradicts_the_tree_is_refused(
    prior: Prior | None, noise: float | None, message: str
) -> None:
    X, y = _problem(n=40, p=3, seed=22)
    tree = _gibbs_tree(X, y, LaplacePrior(0.2), 1.5)
    with pytest.raises(InputValueError, match=message):
        shrinkage_summary(tree, X, y, prior, noise=noise)


def test_a_tree_that_sampled_the_noise_takes_the_sigma_of_its_map_column() -> None:
    """At the joint MAP's σ̂ the core solver's MAP is the joint MAP's ŵ (no PyMC needed)."""
    from bayesreg.pymc.map import find_map
    from bayesreg.pymc.model import build_model

    X, y = _problem(n=40, p=3, seed=23)
    prior = LaplacePrior(0.2)
    tree = _gibbs_tree(X, y, prior, None)
    sigma = find_map(build_model(X, y, prior)).noise
    assert sigma is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DiagnosticsWarning)
        joint = shrinkage_summary(tree, X, y)
        at_sigma = shrinkage_summary(tree, X, y, noise=sigma)
    np.testing.assert_allclose(at_sigma["map"], joint["map"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        at_sigma["map"], lasso(X, y, sigma**2 / (40 * 0.2)).coef, rtol=1e-12, atol=1e-14
    )


def test_a_bernoulli_tree_is_refused() -> None:
    X, y = _problem(n=40, p=2, seed=24)
    tree = _tree({"coef": np.zeros((1, 5, 2))})
    tree.attrs["likelihood"] = "bernoulli"
    with pytest.raises(InputValueError, match="drawn with the bernoulli likelihood"):
        shrinkage_summary(tree, X, y, GaussianPrior(1.0))


def test_weighted_tree_is_summarized_against_the_weighted_model() -> None:
    # integer weights are repeated rows: the MAP, least-squares and default ε columns of a
    # tree drawn with weights are those of the replicated rows (oracles: the weighted
    # LinearRegression and the lasso on the replicated rows)
    X, y = _problem(n=60, p=4, seed=21)
    weights = np.random.default_rng(22).integers(1, 4, 60).astype(float)
    prior = LaplacePrior(0.2)
    tree = sample_posterior(
        X, y, prior, noise=1.0, method="gibbs", draws=200, chains=2, random_seed=0,
        sample_weight=weights, progressbar=False,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DiagnosticsWarning)  # 400 draws: ESS below its bar
        table = shrinkage_summary(tree, X, y, sample_weight=weights)
        with pytest.raises(InputValueError, match="pass them as sample_weight"):
            shrinkage_summary(tree, X, y)
    rows = np.repeat(np.arange(60), weights.astype(int))
    X_rep, y_rep = X.iloc[rows], y[rows]
    least_squares = LinearRegression().fit(X, y, sample_weight=weights).coef_
    np.testing.assert_allclose(table["least_squares"], least_squares, rtol=1e-10)
    alpha = prior.penalty(rows.size, 1.0)[0]
    np.testing.assert_allclose(table["map"], lasso(X_rep, y_rep, alpha).coef, rtol=0.0, atol=1e-10)
    draws = tree["posterior"]["coef"].to_numpy().reshape(-1, 4)
    epsilon = 0.1 * np.std(y_rep) / np.std(X_rep.to_numpy(), axis=0)
    np.testing.assert_allclose(table["prob_negligible"], (np.abs(draws) < epsilon).mean(axis=0))
    # a tree drawn without weights refuses them
    unweighted = sample_posterior(
        X, y, prior, noise=1.0, method="gibbs", draws=50, chains=1, random_seed=0,
        progressbar=False,
    )  # fmt: skip
    with pytest.raises(InputValueError, match="drawn without observation weights"):
        shrinkage_summary(unweighted, X, y, sample_weight=weights)
