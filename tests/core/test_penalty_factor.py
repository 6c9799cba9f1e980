"""Per-coefficient penalty factors: the weighted lasso, elastic net and ridge.

Objective: ``F(w, w0) = 1/(2n)||y − w0 − Xw||² + alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``.
Oracles: scikit-learn's ``Lasso`` on ``X`` with columns divided by ``v_j`` (an exact identity
for pure L1: ``w_j = coef_j / v_j``), cvxpy (Clarabel) on the objective as written, glmnet's
Fortran with ``relative_penalties`` (its ``penalty.factor``, rescaled by glmnet), and the
certificates recomputed here from the definitions (a dual point built from the residual,
KKT conditions coordinate by coordinate), independently of the package's code.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso

from bayesreg.core.conventions import (
    from_glmnet,
    from_glmnet_penalty_factor,
    to_glmnet,
    to_glmnet_penalty_factor,
)
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError, InputValueError

#: Agreement with an oracle, relative to the largest coefficient.
ORACLE_RTOL = 1e-7
#: Objective: never worse than the oracle's by more than this times F(0).
OBJECTIVE_SLACK = 1e-12
#: The independently recomputed duality gap, relative to F(0): rounding of F − D.
GAP_RTOL = 1e-10
#: The KKT residual, relative to ||Xcᵀyc||∞/n.
KKT_RTOL = 1e-9


def _data(seed: int, n: int = 60, p: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-1.0, 1.0, p)
    w = np.zeros(p)
    w[: min(4, p)] = [2.0, -1.5, 1.0, 0.5][: min(4, p)]
    return X, X @ w + 3.0 + rng.standard_normal(n)


def _fit(X, y, alpha, l1_ratio, factor, fit_intercept=True):
    if l1_ratio == 0.0:
        return ridge(X, y, alpha, fit_intercept=fit_intercept, penalty_factor=factor)
    return elastic_net(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, penalty_factor=factor)


def _objective(X, y, coef, intercept, alpha, l1_ratio, factor):
    residual = y - intercept - X @ coef
    penalty = l1_ratio * factor @ np.abs(coef) + 0.5 * (1.0 - l1_ratio) * factor @ coef**2
    return residual @ residual / (2 * len(y)) + alpha * penalty


def _centered(X, y, fit_intercept):
    if not fit_intercept:
        return X, y
    return X - X.mean(axis=0), y - y.mean()


def independent_gap(X, y, coef, alpha, l1_ratio, factor, fit_intercept):
    """``F(w) − D(θ)`` from the definitions, θ the residual made dual feasible.

    θ = ρ/n projected onto ``{Zcᵀθ = 0}`` (the unpenalized columns: their conjugate is the
    indicator of 0), then, for the pure lasso, scaled by ``s = min(1, min_j λ_j/|Xc_jᵀθ|)``;
    with ``l2_j = alpha(1 − r)v_j > 0`` the Fenchel conjugate
    ``h_j*(z) = (|z| − λ_j)₊²/(2 l2_j)`` needs no scaling.
    """
    Xc, yc = _centered(X, y, fit_intercept)
    n = len(y)
    theta = (yc - Xc @ coef) / n
    free = factor == 0.0
    if free.any():
        basis, _ = np.linalg.qr(Xc[:, free])
        theta = theta - basis @ (basis.T @ theta)
    z = Xc.T @ theta
    l1 = alpha * l1_ratio * factor
    l2 = alpha * (1.0 - l1_ratio) * factor
    pen = ~free
    if l1_ratio == 1.0:
        ratio = np.max(np.abs(z[pen]) / l1[pen])
        theta = theta / max(1.0, ratio)
        conjugate = 0.0
    else:
        excess = np.maximum(np.abs(z[pen]) - l1[pen], 0.0)
        conjugate = float(np.sum(excess**2 / (2.0 * l2[pen])))
    dual = theta @ yc - 0.5 * n * theta @ theta - conjugate
    primal = _objective(Xc, yc, coef, 0.0, alpha, l1_ratio, factor)
    return primal - dual


def independent_kkt(X, y, coef, alpha, l1_ratio, factor, fit_intercept):
    """``max_j dist(u_j, alpha v_j ∂[r|w_j| + (1 − r)/2 w_j²])``, ``u = Xcᵀ(yc − Xc w)/n``."""
    Xc, yc = _centered(X, y, fit_intercept)
    u = Xc.T @ (yc - Xc @ coef) / len(y)
    l1 = alpha * l1_ratio * factor
    smooth = u - alpha * (1.0 - l1_ratio) * factor * coef
    nonzero = coef != 0.0
    distance = np.where(
        nonzero, np.abs(smooth - l1 * np.sign(coef)), np.maximum(np.abs(smooth) - l1, 0.0)
    )
    return float(np.max(distance)), float(np.max(np.abs(Xc.T @ yc))) / len(y)


def _check_certified(X, y, fit, alpha, l1_ratio, factor, fit_intercept=True):
    _Xc, yc = _centered(X, y, fit_intercept)
    zero_objective = yc @ yc / (2 * len(y))
    gap = independent_gap(X, y, fit.coef, alpha, l1_ratio, factor, fit_intercept)
    assert gap <= GAP_RTOL * zero_objective
    kkt, scale = independent_kkt(X, y, fit.coef, alpha, l1_ratio, factor, fit_intercept)
    assert kkt <= KKT_RTOL * scale
    assert fit.converged
    assert 0.0 <= fit.gap <= fit.tol
    # the reported objective is F of the original problem
    value = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, factor)
    assert fit.objective == pytest.approx(value, rel=1e-12, abs=1e-14 * zero_objective)


def _cvxpy(X, y, alpha, l1_ratio, factor, fit_intercept=True):
    n, p = X.shape
    w = cp.Variable(p)
    b = cp.Variable() if fit_intercept else 0.0
    penalty = l1_ratio * cp.sum(cp.multiply(factor, cp.abs(w))) + 0.5 * (1.0 - l1_ratio) * cp.sum(
        cp.multiply(factor, cp.square(w))
    )
    objective = cp.sum_squares(y - X @ w - b) / (2 * n) + alpha * penalty
    cp.Problem(cp.Minimize(objective)).solve(
        solver="CLARABEL", tol_gap_abs=1e-14, tol_gap_rel=1e-14, tol_feas=1e-14
    )
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value), intercept


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_weighted_lasso_is_sklearn_lasso_on_rescaled_columns(seed, fit_intercept):
    # Σ v_j|w_j| with X_j w_j = (X_j/v_j)(v_j w_j): the lasso on X/v, coef_j = c_j / v_j.
    X, y = _data(seed)
    factor = np.random.default_rng(seed + 10).uniform(0.2, 3.0, X.shape[1])
    alpha = 0.2 * alpha_max(X, y, penalty_factor=factor, fit_intercept=fit_intercept)
    fit = lasso(X, y, alpha, penalty_factor=factor, fit_intercept=fit_intercept)
    oracle = Lasso(alpha=alpha, tol=1e-15, max_iter=1_000_000, fit_intercept=fit_intercept)
    expected = oracle.fit(X / factor, y).coef_ / factor
    scale = np.max(np.abs(expected))
    assert np.max(np.abs(fit.coef - expected)) <= ORACLE_RTOL * scale
    assert np.array_equal(fit.coef == 0.0, expected == 0.0)
    assert 0 < np.count_nonzero(fit.coef) < X.shape[1]
    _check_certified(X, y, fit, alpha, 1.0, factor, fit_intercept)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("with_free", [False, True])
def test_against_cvxpy(l1_ratio, fit_intercept, with_free):
    X, y = _data(3)
    factor = np.random.default_rng(4).uniform(0.3, 2.5, X.shape[1])
    if with_free:
        factor[[2, 7]] = 0.0
    alpha = 0.1
    fit = _fit(X, y, alpha, l1_ratio, factor, fit_intercept)
    coef, intercept = _cvxpy(X, y, alpha, l1_ratio, factor, fit_intercept)
    scale = np.max(np.abs(coef))
    assert np.max(np.abs(fit.coef - coef)) <= ORACLE_RTOL * scale
    assert abs(fit.intercept - intercept) <= ORACLE_RTOL * max(abs(intercept), scale)
    # cvxpy's zeros are small numbers: ours are exact where its are below the tolerance
    assert np.array_equal(fit.coef == 0.0, np.abs(coef) <= ORACLE_RTOL * scale)
    if with_free:
        assert np.all(fit.coef[[2, 7]] != 0.0)
    zero_objective = np.var(y if fit_intercept else y - 0.0) / 2
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, factor)
    theirs = _objective(X, y, coef, intercept, alpha, l1_ratio, factor)
    assert ours <= theirs + OBJECTIVE_SLACK * max(zero_objective, y @ y / (2 * len(y)))
    _check_certified(X, y, fit, alpha, l1_ratio, factor, fit_intercept)


@settings(max_examples=12)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(5, 25),
    p=st.integers(2, 30),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.0]),
    fit_intercept=st.booleans(),
    n_free=st.integers(0, 2),
    relative_alpha=st.floats(0.02, 0.9),
)
def test_random_problems_are_certified(seed, n, p, l1_ratio, fit_intercept, n_free, relative_alpha):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    factor = rng.uniform(0.1, 4.0, p)
    # unpenalized columns must be of full rank with the intercept: at most n − 2 of them
    n_free = min(n_free, p - 1, n - 2)
    factor[:n_free] = 0.0
    if l1_ratio > 0.0:
        alpha = relative_alpha * alpha_max(
            X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept, penalty_factor=factor
        )
    else:
        alpha = relative_alpha
    fit = _fit(X, y, alpha, l1_ratio, factor, fit_intercept)
    _check_certified(X, y, fit, alpha, l1_ratio, factor, fit_intercept)


def test_none_is_bit_for_bit_the_unweighted_solver():
    X, y = _data(5, n=30, p=40)
    for fit_with, fit_without in [
        (lasso(X, y, 0.1, penalty_factor=None), lasso(X, y, 0.1)),
        (elastic_net(X, y, 0.1, 0.5, penalty_factor=None), elastic_net(X, y, 0.1, 0.5)),
        (ridge(X, y, 0.1, penalty_factor=None), ridge(X, y, 0.1)),
    ]:
        assert np.array_equal(fit_with.coef, fit_without.coef)
        assert fit_with.intercept == fit_without.intercept
        assert fit_with.gap == fit_without.gap
        assert fit_with.objective == fit_without.objective
    path_with, path_without = lasso_path(X, y, penalty_factor=None), lasso_path(X, y)
    assert np.array_equal(path_with.coefs, path_without.coefs)
    assert np.array_equal(path_with.gaps, path_without.gaps)
    assert np.array_equal(path_with.alphas, path_without.alphas)
    assert alpha_max(X, y, penalty_factor=None) == alpha_max(X, y)


def test_ones_equal_no_factor():
    X, y = _data(6)
    ones = np.ones(X.shape[1])
    for l1_ratio in (1.0, 0.5, 0.0):
        weighted = _fit(X, y, 0.1, l1_ratio, ones)
        plain = _fit(X, y, 0.1, l1_ratio, None)
        assert np.allclose(weighted.coef, plain.coef, rtol=1e-12, atol=1e-14)
        assert np.array_equal(weighted.coef == 0.0, plain.coef == 0.0)


def test_alpha_max_of_factors_with_unpenalized_columns():
    # alpha_max = max over v_j > 0 of |(M Xc)_jᵀ M yc| / (n r v_j), M projecting out Zc.
    X, y = _data(7)
    n = len(y)
    factor = np.linspace(0.5, 2.0, X.shape[1])
    factor[1] = 0.0
    Xc, yc = _centered(X, y, True)
    z = Xc[:, [1]]
    resid = yc - z @ np.linalg.lstsq(z, yc, rcond=None)[0]
    expected = np.max(np.abs(np.delete(Xc.T @ resid, 1)) / np.delete(factor, 1)) / n
    for l1_ratio in (1.0, 0.4):
        top = alpha_max(X, y, l1_ratio=l1_ratio, penalty_factor=factor)
        assert top == pytest.approx(expected / l1_ratio, rel=1e-12)
        at_top = elastic_net(X, y, top, l1_ratio, penalty_factor=factor)
        assert np.count_nonzero(at_top.coef) == 1
        assert at_top.coef[1] != 0.0
        below = elastic_net(X, y, 0.99 * top, l1_ratio, penalty_factor=factor)
        assert np.count_nonzero(below.coef) == 2


def test_path_points_equal_single_fits():
    X, y = _data(8, n=30, p=45)
    factor = np.random.default_rng(8).uniform(0.2, 2.0, X.shape[1])
    factor[0] = 0.0
    path = lasso_path(X, y, n_alphas=12, penalty_factor=factor)
    assert path.converged.all()
    assert path.alpha_max == pytest.approx(alpha_max(X, y, penalty_factor=factor), rel=1e-14)
    for alpha, coef, intercept in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        fit = lasso(X, y, alpha, penalty_factor=factor)
        scale = max(np.max(np.abs(fit.coef)), 1.0)
        assert np.max(np.abs(coef - fit.coef)) <= 1e-9 * scale
        assert abs(intercept - fit.intercept) <= 1e-9 * scale
        assert np.array_equal(coef == 0.0, fit.coef == 0.0)
        _check_certified(X, y, fit, alpha, 1.0, factor)


@pytest.mark.parametrize("shape", [(80, 12), (25, 40)])
@pytest.mark.parametrize("with_free", [False, True])
def test_sparse_and_statistics_agree_with_dense(shape, with_free):
    rng = np.random.default_rng(9)
    dense = rng.standard_normal(shape) * (rng.random(shape) < 0.3)
    y = dense[:, :3] @ [1.0, -2.0, 0.5] + rng.standard_normal(shape[0])
    factor = rng.uniform(0.3, 2.0, shape[1])
    if with_free:
        factor[[0, 4]] = 0.0
    for l1_ratio in (1.0, 0.5, 0.0):
        reference = _fit(dense, y, 0.05, l1_ratio, factor)
        scale = max(np.max(np.abs(reference.coef)), 1.0)
        forms = [sp.csr_matrix(dense), sp.csc_matrix(dense)]
        if shape[0] >= shape[1]:
            forms.append(SufficientStats.from_arrays(dense, y))
        for form in forms:
            target = None if isinstance(form, SufficientStats) else y
            fit = _fit(form, target, 0.05, l1_ratio, factor)
            assert fit.converged
            assert np.max(np.abs(fit.coef - reference.coef)) <= 1e-9 * scale
            assert abs(fit.intercept - reference.intercept) <= 1e-9 * scale
            if l1_ratio > 0.0:
                assert np.array_equal(fit.coef == 0.0, reference.coef == 0.0)


def test_unpenalized_columns_have_least_squares_coefficients():
    # Given w_P, the unpenalized w_Z solve the least-squares fit of the partial residual.
    X, y = _data(10)
    factor = np.ones(X.shape[1])
    factor[[3, 5]] = 0.0
    fit = lasso(X, y, 0.3, penalty_factor=factor)
    Xc, yc = _centered(X, y, True)
    partial = yc - np.delete(Xc, [3, 5], axis=1) @ np.delete(fit.coef, [3, 5])
    expected = np.linalg.lstsq(Xc[:, [3, 5]], partial, rcond=None)[0]
    assert np.allclose(fit.coef[[3, 5]], expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("factor", "match"),
    [
        (np.ones(3), r"penalty_factor.*10 finite numbers.*shape \(3,\)"),
        (np.ones((10, 1)), r"penalty_factor.*shape \(10, 1\)"),
        (np.r_[-1.0, np.ones(9)], r"finite numbers ≥ 0.*penalty_factor\[0\] = -1\.0"),
        (np.r_[np.ones(9), np.nan], r"finite numbers ≥ 0.*penalty_factor\[9\] = nan"),
        (np.r_[np.ones(9), np.inf], r"finite numbers ≥ 0.*penalty_factor\[9\] = inf"),
        (np.zeros(10), r"penalty_factor is all zeros.*least squares"),
    ],
)
def test_bad_factors_are_refused(factor, match):
    X, y = _data(11)
    for call in (
        lambda: lasso(X, y, 0.1, penalty_factor=factor),
        lambda: elastic_net(X, y, 0.1, 0.5, penalty_factor=factor),
        lambda: ridge(X, y, 0.1, penalty_factor=factor),
        lambda: lasso_path(X, y, penalty_factor=factor),
        lambda: alpha_max(X, y, penalty_factor=factor),
    ):
        with pytest.raises(InputValueError, match=match):
            call()


def test_rank_deficient_unpenalized_columns_are_refused():
    X, y = _data(12)
    constant = X.copy()
    constant[:, 2] = 4.0
    factor = np.ones(X.shape[1])
    factor[2] = 0.0
    with pytest.raises(DataError, match=r"column 2.*intercept"):
        lasso(constant, y, 0.1, penalty_factor=factor)
    duplicate = X.copy()
    duplicate[:, 3] = 2.0 * duplicate[:, 1]
    factor[[1, 3]] = 0.0
    for form in (duplicate, sp.csr_matrix(duplicate)):
        with pytest.raises(DataError, match="rank deficient"):
            ridge(form, y, 0.1, penalty_factor=factor)


@pytest.mark.parametrize("mixing", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_glmnet_penalty_factor_gives_our_solution(mixing, fit_intercept):
    # glmnet's Fortran (python-glmnet, standardize=False) with relative_penalties = v,
    # which it rescales to sum to p; ours with from_glmnet_penalty_factor(v).
    glmnet = pytest.importorskip("glmnet")
    X, y = _data(13, n=50, p=8)
    y = 3.0 * y - 5.0
    factor = np.array([0.5, 2.0, 0.0, 1.0, 3.0, 0.25, 1.5, 0.0])
    lam = 0.2 * float(np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean())))) / len(y)
    model = glmnet.ElasticNet(
        alpha=mixing,
        lambda_path=np.array([lam]),
        standardize=False,
        fit_intercept=fit_intercept,
        tol=1e-30,
        max_iter=10**6,
        n_splits=0,
    )
    model.fit(X, y, relative_penalties=factor)
    coef, intercept = model.coef_path_[:, -1], float(model.intercept_path_[-1])
    alpha, l1_ratio = from_glmnet(lam, mixing, y=y)
    ours = _fit(X, y, alpha, l1_ratio, from_glmnet_penalty_factor(factor), fit_intercept)
    scale = np.max(np.abs(coef))
    assert np.max(np.abs(ours.coef - coef)) <= 1e-10 * scale
    assert abs(ours.intercept - intercept) <= 1e-10 * max(scale, abs(intercept))
    if mixing > 0.0:
        assert np.array_equal(ours.coef == 0.0, coef == 0.0)
    # and back: the same penalty written with factors summing to p
    alpha_back, factor_back = to_glmnet_penalty_factor(alpha, from_glmnet_penalty_factor(factor))
    assert np.sum(factor_back) == pytest.approx(factor.size, rel=1e-14)
    assert alpha_back == pytest.approx(alpha, rel=1e-14)
    theirs = to_glmnet(alpha_back, l1_ratio, y=y)
    assert theirs["lambda"] == pytest.approx(lam, rel=1e-13)


def test_to_glmnet_penalty_factor_keeps_the_penalty():
    alpha, factor = 0.3, np.array([0.0, 2.0, 5.0, 1.0])
    alpha_new, factor_new = to_glmnet_penalty_factor(alpha, factor)
    assert np.sum(factor_new) == pytest.approx(4.0, rel=1e-15)
    assert np.allclose(alpha_new * factor_new, alpha * factor, rtol=1e-15)
    with pytest.raises(InputValueError, match="penalty_factor"):
        to_glmnet_penalty_factor(alpha, [1.0, -1.0])


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_glum_p1_p2_are_our_factors(l1_ratio):
    # glum's penalty alpha·(r Σ P1_j|w_j| + (1 − r)/2 wᵀ diag(P2) w), normal family with
    # loss 1/(2n)||y − η||²: P1 = P2 = v, not rescaled.
    glum = pytest.importorskip("glum")
    X, y = _data(14, n=60, p=6)
    factor = np.array([0.5, 2.0, 0.0, 1.0, 3.0, 0.25])
    model = glum.GeneralizedLinearRegressor(
        family="normal", alpha=0.1, l1_ratio=l1_ratio, P1=factor, P2=factor,
        gradient_tol=1e-14, max_iter=10_000,
    )  # fmt: skip
    model.fit(X, y)
    ours = _fit(X, y, 0.1, l1_ratio, factor)
    scale = np.max(np.abs(ours.coef))
    assert np.max(np.abs(model.coef_ - ours.coef)) <= ORACLE_RTOL * scale
    assert abs(model.intercept_ - ours.intercept) <= ORACLE_RTOL * max(scale, 1.0)
