"""Sparse summaries of a posterior: DSS (certified adaptive lasso path), SAVS, variable ranking.

Posteriors come from the exact Gaussian sampler (GaussianPrior, σ fixed) on simulated
sparse data: n = 150, p = 8, true coefficients (2, −1.5, 1.2, 0, …, 0), σ = 1. The posterior
sd of each coefficient is about σ/√n ≈ 0.08, so the smallest signal is ≈ 15 posterior sd
from 0: the support statements below hold for any seed by that margin, not by luck.
"""

from __future__ import annotations

from typing import Any

import arviz_base
import numpy as np
import pytest
import scipy.sparse
from hypothesis import given
from hypothesis import strategies as st

from bayesreg.core.enet_solver import lasso
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.posterior.sparsify import (
    column_sq_norms,
    dss,
    rank_variables,
    savs,
    savs_threshold,
)
from bayesreg.priors import GaussianPrior, HorseshoePrior, RegularizedHorseshoePrior

SUPPORT = (0, 1, 2)
TRUE_COEF = np.array([2.0, -1.5, 1.2, 0.0, 0.0, 0.0, 0.0, 0.0])


def _simulated(seed: int) -> tuple[np.ndarray, np.ndarray, Any]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((150, TRUE_COEF.size))
    y = 1.0 + X @ TRUE_COEF + rng.standard_normal(150)
    tree = sample_posterior(
        X,
        y,
        GaussianPrior(10.0),
        noise=1.0,
        method="exact",
        draws=1000,
        chains=2,
        random_seed=seed + 100,
        progressbar=False,
    )
    return X, y, tree


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, Any]:
    return _simulated(0)


def _hand_tree(posterior: dict[str, np.ndarray], y: np.ndarray | None = None, **attrs: Any) -> Any:
    dims = {name: ["feature"] for name in ("coef", "lambda", "kappa")}
    groups = {"posterior": posterior}
    if y is not None:
        groups["observed_data"] = {"y_obs": y}
        dims["y_obs"] = ["obs"]
    tree = arviz_base.from_dict(groups, dims=dims)
    tree.attrs.update(attrs)
    return tree


def _centered(X: np.ndarray) -> np.ndarray:
    return X - X.mean(axis=0)


# --- DSS -----------------------------------------------------------------------------------


def test_every_dss_point_is_the_certified_adaptive_lasso_it_claims(simulated: Any) -> None:
    X, _, tree = simulated
    result = dss(tree, X, n_alphas=40)
    draws = tree["posterior"]["coef"].to_numpy().reshape(-1, X.shape[1])
    mean = draws.mean(axis=0)
    intercept = float(tree["posterior"]["intercept"].to_numpy().mean())
    fitted = intercept + X @ mean
    factor = 1.0 / np.abs(mean)
    np.testing.assert_allclose(result.posterior_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(result.penalty_factor, factor, rtol=1e-14)
    assert result.path.converged.all()
    # the KKT scale of the core's certificate: ||Xcᵀŷc||∞/n
    Xc, fitted_c = _centered(X), fitted - fitted.mean()
    kkt_scale = np.max(np.abs(Xc.T @ fitted_c)) / X.shape[0]
    for alpha, coef, icpt in zip(result.alphas, result.coefs, result.path.intercepts, strict=True):
        single = lasso(X, fitted, alpha, penalty_factor=factor)
        # two certified solutions of one strictly convex problem (n > p): equal to 1e-8
        np.testing.assert_allclose(coef, single.coef, rtol=0, atol=1e-8 * np.abs(mean).max())
        assert icpt == pytest.approx(single.intercept, abs=1e-8 * abs(intercept) + 1e-8)
        # KKT of g = Xcᵀ(ŷc − Xc γ)/n: g_j = alpha v_j sign(γ_j) on the support,
        # |g_j| ≤ alpha v_j off it
        gradient = Xc.T @ (fitted_c - Xc @ coef) / X.shape[0]
        active = coef != 0.0
        np.testing.assert_allclose(
            gradient[active],
            alpha * factor[active] * np.sign(coef[active]),
            rtol=0,
            atol=1e-9 * kkt_scale,
        )
        assert np.all(np.abs(gradient[~active]) <= alpha * factor[~active] + 1e-9 * kkt_scale)
    np.testing.assert_array_equal(result.sizes, np.count_nonzero(result.coefs, axis=1))


def test_loss_gap_is_the_excess_loss_of_each_draw(simulated: Any) -> None:
    X, _, tree = simulated
    result = dss(tree, X, n_alphas=25, prob=0.8)
    draws = tree["posterior"]["coef"].to_numpy().reshape(-1, X.shape[1])
    intercepts = tree["posterior"]["intercept"].to_numpy().reshape(-1)
    n = X.shape[0]
    dense = result.intercept_mean + X @ result.posterior_mean
    predictors = intercepts[:, None] + draws @ X.T  # (S, n), intercept draws included
    scale = np.sum((dense - dense.mean()) ** 2) / n
    for k in (0, 5, 12, 24):
        sparse = result.path.intercepts[k] + X @ result.coefs[k]
        direct = (
            np.sum((predictors - sparse) ** 2, axis=1) - np.sum((predictors - dense) ** 2, axis=1)
        ) / n
        np.testing.assert_allclose(result.loss_gap[k], direct, rtol=0, atol=1e-10 * scale)
        difference = _centered(X) @ (result.coefs[k] - result.posterior_mean)
        # the posterior mean of ψ is ||Xc(γ − w̄)||²/n: the cross term averages to 0 exactly
        assert result.loss_gap_mean[k] == pytest.approx(
            difference @ difference / n, abs=1e-10 * scale
        )
    np.testing.assert_allclose(
        np.stack([result.loss_gap_lower, result.loss_gap_upper]),
        np.quantile(result.loss_gap, [0.1, 0.9], axis=1),
        rtol=1e-14,
    )


def test_chosen_point_is_the_smallest_model_whose_band_contains_zero(simulated: Any) -> None:
    X, _, tree = simulated
    result = dss(tree, X)
    covers = result.covers_zero
    assert covers[result.chosen]
    assert result.sizes[result.chosen] == result.sizes[covers].min()
    earlier_same_size = covers[: result.chosen] & (
        result.sizes[: result.chosen] == result.sizes[result.chosen]
    )
    assert not earlier_same_size.any()
    frame = result.to_frame()
    assert list(frame["size"]) == list(result.sizes)
    assert frame["covers_zero"].iloc[result.chosen]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dss_recovers_the_true_support_with_a_wide_signal_margin(seed: int) -> None:
    X, _, tree = _simulated(seed)
    result = dss(tree, X)
    supports = {tuple(np.flatnonzero(coef)) for coef in result.coefs}
    # signals enter near alpha ≈ w̄_j² ≥ 1, noise near ≤ (6 × 0.08)²: the exact support is a
    # point of the path
    assert SUPPORT in supports
    # leaving out a signal costs ψ ≈ 1.2² ≫ the band's half-width ≈ 2·1.645·σ·δ/√n
    assert set(SUPPORT) <= set(np.flatnonzero(result.chosen_coef))
    assert {f"x{j}" for j in SUPPORT} <= set(result.selected)


def test_dss_of_a_sparse_design_equals_the_dense_one(simulated: Any) -> None:
    X, _, tree = simulated
    dense = dss(tree, X, n_alphas=15)
    sparse = dss(tree, scipy.sparse.csr_matrix(X), n_alphas=15)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(sparse.loss_gap, dense.loss_gap, rtol=0, atol=1e-9)


def test_a_coefficient_whose_posterior_mean_is_zero_stays_out() -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 3))
    coef = rng.normal([1.0, -1.0, 0.0], 0.1, size=(2, 50, 3))
    coef[..., 2] = 0.0
    tree = _hand_tree({"coef": coef, "intercept": rng.normal(size=(2, 50))})
    result = dss(tree, X, n_alphas=10)
    assert result.penalty_factor[2] == np.inf
    assert np.all(result.coefs[:, 2] == 0.0)
    fitted = result.intercept_mean + X @ result.posterior_mean
    single = lasso(X[:, :2], fitted, result.alphas[-1], penalty_factor=result.penalty_factor[:2])
    np.testing.assert_allclose(result.coefs[-1, :2], single.coef, rtol=0, atol=1e-10)
    with pytest.raises(DataError, match="posterior mean is 0 for every coefficient"):
        dss(_hand_tree({"coef": np.zeros((1, 5, 3))}), X)


# --- SAVS ----------------------------------------------------------------------------------


def _savs_direct(w: np.ndarray, norm_sq: np.ndarray) -> np.ndarray:
    """Ray & Bhattacharya's formula written out: sign(w) ||X_j||⁻² (|w| ||X_j||² − |w|⁻²)⁺."""
    return np.sign(w) / norm_sq * np.maximum(np.abs(w) * norm_sq - 1.0 / w**2, 0.0)


def test_savs_on_hand_made_numbers() -> None:
    c = np.array([np.sqrt(0.5), np.sqrt(0.5), np.sqrt(2.0)])
    X = np.stack([c + 1.0, -c + 1.0])  # centered column norms² (1, 1, 4); raw 2(c² + 1)
    w = np.array([2.0, 0.5, -1.0])
    tree = _hand_tree({"coef": w.reshape(1, 1, 3), "intercept": np.zeros((1, 1))})
    # μ = (1/4, 4, 1): 2 − 1/4 = 1.75; 0.5 < 4 → 0; −(4·1 − 1)/4 = −0.75
    result = savs(tree, X)
    np.testing.assert_allclose(result.coef, [1.75, 0.0, -0.75], rtol=1e-15)
    np.testing.assert_allclose(result.draws[0, 0], [1.75, 0.0, -0.75], rtol=1e-15)
    np.testing.assert_allclose(result.column_sq_norms, [1.0, 1.0, 4.0], rtol=1e-14)
    np.testing.assert_array_equal(result.inclusion, [1.0, 0.0, 1.0])
    raw = savs(tree, X, fit_intercept=False)
    np.testing.assert_allclose(raw.coef, _savs_direct(w, 2.0 * (c**2 + 1.0)), rtol=1e-14)
    assert savs_threshold(np.array([0.0, 1.0]), np.array([1.0, 0.0])).tolist() == [0.0, 0.0]


@given(
    w=st.floats(0.05, 5.0).flatmap(lambda a: st.sampled_from([a, -a])),
    norm_sq=st.floats(0.1, 100.0),
)
def test_savs_is_the_exact_minimizer_of_its_coordinate_problem(w: float, norm_sq: float) -> None:
    """γ* minimizes h(γ) = ½||X_j||²(γ − w)² + μ|γ|, μ = w⁻²: certified two ways."""
    gamma = float(savs_threshold(np.array([w]), np.array([norm_sq]))[0])
    assert gamma == pytest.approx(
        float(_savs_direct(np.array([w]), np.array([norm_sq]))[0]), rel=1e-14, abs=0.0
    )
    mu = 1.0 / w**2

    def objective(g: np.ndarray) -> np.ndarray:
        return 0.5 * norm_sq * (g - w) ** 2 + mu * np.abs(g)

    # no point of a fine grid (step 1e-4 around [−|w|, |w|]) does better, up to rounding
    grid = np.linspace(-abs(w) - 1.0, abs(w) + 1.0, 20001)
    assert objective(np.array([gamma]))[0] <= objective(grid).min() + 1e-12 * (1.0 + mu)
    # subgradient condition 0 ∈ ||X_j||²(γ − w) + μ ∂|γ|
    slope = norm_sq * (gamma - w)
    if gamma != 0.0:
        assert slope + mu * np.sign(gamma) == pytest.approx(
            0.0, abs=1e-10 * (norm_sq * abs(w) + mu)
        )
    else:
        assert abs(slope) <= mu * (1.0 + 1e-12)


def test_savs_of_the_posterior_draws(simulated: Any) -> None:
    X, _, tree = simulated
    result = savs(tree, X)
    draws = tree["posterior"]["coef"].to_numpy()
    norms = np.sum(_centered(X) ** 2, axis=0)
    np.testing.assert_allclose(column_sq_norms(X, fit_intercept=True), norms, rtol=1e-13)
    np.testing.assert_allclose(result.draws, _savs_direct(draws, norms), rtol=1e-13, atol=0)
    np.testing.assert_allclose(result.inclusion, (result.draws != 0.0).mean(axis=(0, 1)))
    # a signal ≥ 15 posterior sd from 0 is never thresholded: |w| ≥ 0.5 and ||X_j||² ≥ 50
    # give the threshold μ/||X_j||² = 1/(w²||X_j||²) ≤ 0.08 < |w|
    np.testing.assert_array_equal(result.inclusion[list(SUPPORT)], 1.0)
    sparse = savs(tree, scipy.sparse.csc_matrix(X))
    np.testing.assert_allclose(sparse.draws, result.draws, rtol=1e-12, atol=0)


def test_standardized_savs_is_unit_free_and_the_formula_on_standardized_data() -> None:
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 4))
    y = rng.standard_normal(60)
    draws = rng.normal([1.0, 0.3, -0.1, 0.02], 0.2, size=(2, 40, 4))
    tree = _hand_tree({"coef": draws, "intercept": np.zeros((2, 40))}, y=y)
    base = savs(tree, X, standardize=True)
    # y in other units (× c) and columns in other units (× d_j): w_j scales by c/d_j
    c, d = 7.0, np.array([0.01, 3.0, 250.0, 1.0])
    rescaled = _hand_tree({"coef": draws * c / d, "intercept": np.zeros((2, 40))}, y=c * y)
    moved = savs(rescaled, X * d, standardize=True)
    np.testing.assert_allclose(moved.draws, base.draws * c / d, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(moved.inclusion, base.inclusion)
    assert not np.array_equal(
        savs(rescaled, X * d).inclusion, savs(tree, X).inclusion
    )  # the paper's formula in raw units is not unit-free
    # on standardized data (||Xc_j||² = n, rms of yc = 1) both are the paper's formula
    Xs = _centered(X) / _centered(X).std(axis=0)
    ys = (y - y.mean()) / y.std()
    standard = _hand_tree({"coef": draws, "intercept": np.zeros((2, 40))}, y=ys)
    np.testing.assert_allclose(
        savs(standard, Xs, standardize=True).draws, savs(standard, Xs).draws, rtol=1e-12, atol=0
    )
    with pytest.raises(InputValueError, match="standardize=True needs the observed y"):
        savs(_hand_tree({"coef": draws}), X, standardize=True)


# --- ranking -------------------------------------------------------------------------------


def test_ranking_puts_strong_signals_above_noise(simulated: Any) -> None:
    X, y, tree = simulated
    table = rank_variables(tree, X)
    assert set(table.index[:3]) == {f"x{j}" for j in SUPPORT}
    assert list(table["rank"]) == list(range(1, X.shape[1] + 1))
    assert np.all(table.loc[[f"x{j}" for j in SUPPORT], "prob_relevant"] == 1.0)
    assert np.all(np.diff(table["prob_relevant"].to_numpy()) <= 0.0)
    epsilon = 0.1 * y.std() / X.std(axis=0)
    np.testing.assert_allclose(table.sort_index()["negligible"], epsilon, rtol=1e-12)
    draws = tree["posterior"]["coef"].to_numpy().reshape(-1, X.shape[1])
    ordered = table.sort_index()
    np.testing.assert_allclose(ordered["lower"], np.quantile(draws, 0.025, axis=0), rtol=1e-14)
    np.testing.assert_allclose(ordered["upper"], np.quantile(draws, 0.975, axis=0), rtol=1e-14)
    np.testing.assert_allclose(ordered["savs_inclusion"], savs(tree, X).inclusion)
    assert "kappa" not in table.columns
    custom = rank_variables(tree, X, negligible=0.5, prob=0.5)
    np.testing.assert_array_equal(custom["negligible"], 0.5)


def test_a_coefficient_that_is_zero_in_every_draw_ranks_last() -> None:
    rng = np.random.default_rng(2)
    coef = rng.normal([0.01, 0.0, 0.02], 0.05, size=(1, 30, 3))
    coef[..., 1] = 0.0
    table = rank_variables(_hand_tree({"coef": coef}), rng.standard_normal((10, 3)), negligible=1.0)
    assert table.index[-1] == "1"  # arviz_base numbers the features 0, 1, 2
    assert table.loc["1", "savs_inclusion"] == 0.0


def test_ranking_reports_shrinkage_factors_when_the_tree_holds_scales() -> None:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 2))
    coef = rng.standard_normal((2, 20, 2))
    local = np.abs(rng.standard_normal((2, 20, 2)))
    glob = np.abs(rng.standard_normal((2, 20)))
    tree = _hand_tree({"coef": coef, "intercept": np.zeros((2, 20)), "lambda": local, "tau": glob})
    tree.attrs["fixed_noise"] = 0.7
    table = rank_variables(tree, X, negligible=0.1).sort_index()
    norms = np.sum(_centered(X) ** 2, axis=0)
    kappa = 1.0 / (1.0 + norms * local**2 * glob[..., None] ** 2 / 0.7**2)
    np.testing.assert_allclose(table["kappa"], kappa.mean(axis=(0, 1)), rtol=1e-13)
    sigma = np.abs(rng.standard_normal((2, 20))) + 0.1
    sampled = _hand_tree({"coef": coef, "lambda": local, "noise": sigma})
    table = rank_variables(sampled, X, negligible=0.1, fit_intercept=False).sort_index()
    kappa = 1.0 / (1.0 + np.sum(X**2, axis=0) * local**2 / sigma[..., None] ** 2)
    np.testing.assert_allclose(table["kappa"], kappa.mean(axis=(0, 1)), rtol=1e-13)
    given_kappa = _hand_tree({"coef": coef, "kappa": local / (1.0 + local)})
    table = rank_variables(given_kappa, X, negligible=0.1).sort_index()
    np.testing.assert_allclose(table["kappa"], (local / (1.0 + local)).mean(axis=(0, 1)))


def _draws(tree: Any, name: str) -> np.ndarray:
    return np.asarray(tree.posterior[name].to_numpy())


@pytest.mark.parametrize("global_prior", ["half_cauchy", "fixed"])
def test_ranking_reads_the_scales_of_horseshoe_gibbs_trees(global_prior: str) -> None:
    # κ_j = 1/(1 + ||Xc_j||² λ_j² τ²/σ²) from the sampler's own variable names: coef_lambda
    # (horseshoe), coef_lambda_tilde (regularized horseshoe: the slab is inside λ̃_j),
    # coef_tau or the prior's fixed scale, and the noise draws.
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 4))
    y = X @ np.array([3.0, 0.0, 0.0, 0.0]) + rng.standard_normal(60)
    norms = np.sum(_centered(X) ** 2, axis=0)
    for prior, local_name in (
        (HorseshoePrior(0.5, global_prior=global_prior), "coef_lambda"),
        (RegularizedHorseshoePrior(0.5, global_prior=global_prior), "coef_lambda_tilde"),
    ):
        tree = sample_posterior(
            X, y, prior, method="gibbs", draws=200, chains=2, random_seed=3, progressbar=False
        )
        table = rank_variables(tree, X, negligible=0.1).sort_index()
        tau_sq = _draws(tree, "coef_tau")[..., None] ** 2 if global_prior == "half_cauchy" else 0.25
        scale = _draws(tree, local_name) ** 2 * tau_sq
        kappa = 1.0 / (1.0 + norms * scale / _draws(tree, "noise")[..., None] ** 2)
        np.testing.assert_allclose(table["kappa"], kappa.mean(axis=(0, 1)), rtol=1e-12)
        # the strong effect is shrunk least
        assert table["kappa"].iloc[0] < table["kappa"].iloc[1:].min()


# --- bad input -----------------------------------------------------------------------------


def test_bad_inputs_are_refused_with_the_parameter_named(simulated: Any) -> None:
    X, _, tree = simulated
    with pytest.raises(InputValueError, match="prob"):
        dss(tree, X, prob=1.5)
    with pytest.raises(DataError, match="8 coefficients but X has shape"):
        dss(tree, X[:, :5])
    with pytest.raises(InputTypeError, match="DataTree"):
        savs({"coef": X}, X)
    bernoulli = _hand_tree({"coef": np.ones((1, 3, 2))}, likelihood="bernoulli")
    with pytest.raises(InputValueError, match="likelihood='bernoulli'"):
        dss(bernoulli, X[:, :2])
    with pytest.raises(InputValueError, match="negligible"):
        rank_variables(bernoulli, X[:, :2])
    with pytest.raises(InputValueError, match="negligible must be"):
        rank_variables(tree, X, negligible=[0.1, 0.2])
