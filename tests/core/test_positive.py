"""Sign constraints: the non-negative lasso, elastic net and ridge (``positive=True``).

Objective: ``F(w, w0) = 1/(2n)||y − w0 − Xw||² + alpha [r||w||₁ + (1 − r)/2||w||²]`` over
``w ≥ 0`` (intercept free). Oracles: scikit-learn's ``Lasso(positive=True)`` and
``ElasticNet(positive=True)`` (the same objective, the same alpha), cvxpy (Clarabel) on the
objective as written with the constraint ``w ≥ 0``, and the certificates recomputed here
from their definitions: the dual point ``θ = s·ρ/n`` of the constrained problem with the
one-sided rescaling ``s = min(1, min_j l1_j/g_j⁺)``, its dual value evaluated directly, and
the KKT conditions coordinate by coordinate.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import nnls
from sklearn.linear_model import ElasticNet, Lasso

from bayesreg.core._duality import enet_duality_gap
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge
from bayesreg.errors import DataError, InputTypeError, InputValueError

#: Agreement with an oracle, relative to the largest coefficient.
ORACLE_RTOL = 1e-7
#: cvxpy (an interior-point method) is accurate to about this, relative.
CVXPY_RTOL = 1e-6
#: Objective: never worse than the oracle's by more than this times F(0).
OBJECTIVE_SLACK = 1e-12
#: The independently recomputed duality gap, relative to F(0): rounding of F − D.
GAP_RTOL = 1e-10
#: The KKT residual, relative to ||Xcᵀyc||∞/n.
KKT_RTOL = 1e-9


def _data(seed: int, n: int = 60, p: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-1, 1, p)
    truth = np.zeros(p)
    k = min(4, p)
    truth[:k] = rng.choice([-2.0, -1.0, 1.0, 2.0], k)
    y = X @ truth + 0.5 * rng.standard_normal(n) + 3.0
    return X, y


def _centered(X, y, fit_intercept):
    if not fit_intercept:
        return X, y
    return X - X.mean(axis=0), y - y.mean()


def _objective(X, y, coef, intercept, alpha, l1_ratio, factor=None):
    n = X.shape[0]
    v = np.ones(X.shape[1]) if factor is None else factor
    residual = y - intercept - X @ coef
    penalty = l1_ratio * v @ np.abs(coef) + 0.5 * (1.0 - l1_ratio) * v @ coef**2
    return residual @ residual / (2 * n) + alpha * penalty


def _independent_certificate(X, y, coef, alpha, l1_ratio, fit_intercept=True):
    """(gap, kkt) of the constrained problem at ``coef``, from the definitions.

    Primal ``P(w) = 1/(2n)||yc − Xc w||² + l1 Σw + l2/2||w||²`` on ``w ≥ 0``. Augmented-design
    dual ``D(θ̃) = θ̃ᵀỹ − n/2||θ̃||²`` with ``X̃ᵀθ̃ ≤ l1`` one-sided; ``θ̃ = s ρ̃/n``.
    """
    Xc, yc = _centered(X, y, fit_intercept)
    n, p = Xc.shape
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    rho = yc - Xc @ coef
    primal = rho @ rho / (2 * n) + l1 * coef.sum() + 0.5 * l2 * coef @ coef
    X_aug = np.vstack([Xc, np.sqrt(n * l2) * np.eye(p)])
    y_aug = np.concatenate([yc, np.zeros(p)])
    rho_aug = y_aug - X_aug @ coef
    g = X_aug.T @ rho_aug / n
    positive_part = np.maximum(g, 0.0)
    s = 1.0 if np.all(positive_part <= l1) else float(np.min(l1 / positive_part[g > 0]))
    theta = s * rho_aug / n
    assert np.all(X_aug.T @ theta <= l1 + 1e-12 * max(l1, 1.0))  # dual feasible
    dual = theta @ y_aug - n / 2 * theta @ theta
    u = Xc.T @ rho / n
    kkt = np.where(coef > 0, np.abs(u - l1 - l2 * coef), np.maximum(u - l1, 0.0))
    return primal - dual, float(kkt.max())


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "p"), [(60, 12), (20, 50)])
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01])
# the oracle runs at tol=1e-15, below what double precision resolves on some of these
# problems: scikit-learn then reports a gap at the rounding level (2e-13 against its
# 1.7e-13) as not converged; the agreement below is what is checked
@pytest.mark.filterwarnings(
    "ignore:Objective did not converge:sklearn.exceptions.ConvergenceWarning"
)
def test_nonnegative_lasso_matches_sklearn(seed, n, p, fraction):
    X, y = _data(seed, n, p)
    alpha = fraction * alpha_max(X, y, positive=True)
    fit = lasso(X, y, alpha, positive=True)
    oracle = Lasso(alpha=alpha, positive=True, tol=1e-15, max_iter=1_000_000).fit(X, y)
    scale = np.max(np.abs(oracle.coef_))
    assert fit.converged
    assert np.all(fit.coef >= 0.0)
    np.testing.assert_allclose(fit.coef, oracle.coef_, rtol=0, atol=ORACLE_RTOL * scale)
    np.testing.assert_array_equal(fit.coef == 0.0, oracle.coef_ == 0.0)
    zero_objective = np.var(y) / 2
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, 1.0)
    theirs = _objective(X, y, oracle.coef_, oracle.intercept_, alpha, 1.0)
    assert ours <= theirs + OBJECTIVE_SLACK * zero_objective


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("l1_ratio", [0.9, 0.5, 0.1])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_nonnegative_elastic_net_matches_sklearn(seed, l1_ratio, fit_intercept):
    X, y = _data(seed, 40, 25)
    alpha = 0.05 * alpha_max(X, y, l1_ratio=l1_ratio, positive=True, fit_intercept=fit_intercept)
    fit = elastic_net(X, y, alpha, l1_ratio, positive=True, fit_intercept=fit_intercept)
    oracle = ElasticNet(
        alpha=alpha,
        l1_ratio=l1_ratio,
        positive=True,
        fit_intercept=fit_intercept,
        tol=1e-15,
        max_iter=1_000_000,
    ).fit(X, y)
    scale = np.max(np.abs(oracle.coef_))
    np.testing.assert_allclose(fit.coef, oracle.coef_, rtol=0, atol=ORACLE_RTOL * scale)
    np.testing.assert_array_equal(fit.coef == 0.0, oracle.coef_ == 0.0)
    assert fit.intercept == pytest.approx(oracle.intercept_, rel=ORACLE_RTOL, abs=ORACLE_RTOL)
    zero_objective = np.var(y) / 2 if fit_intercept else y @ y / (2 * y.size)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio)
    theirs = _objective(X, y, oracle.coef_, oracle.intercept_, alpha, l1_ratio)
    assert ours <= theirs + OBJECTIVE_SLACK * zero_objective
    gap, kkt = _independent_certificate(X, y, fit.coef, alpha, l1_ratio, fit_intercept)
    assert -GAP_RTOL * zero_objective <= gap <= fit.tol + GAP_RTOL * zero_objective
    c = _centered(X, y, fit_intercept)
    assert kkt <= KKT_RTOL * np.max(np.abs(c[0].T @ c[1])) / y.size


def _cvxpy(X, y, alpha, l1_ratio, factor, fit_intercept=True):
    n, p = X.shape
    w = cp.Variable(p, nonneg=True)
    b = cp.Variable() if fit_intercept else 0.0
    penalty = l1_ratio * cp.sum(cp.multiply(factor, w)) + 0.5 * (1.0 - l1_ratio) * cp.sum(
        cp.multiply(factor, cp.square(w))
    )
    objective = cp.sum_squares(y - X @ w - b) / (2 * n) + alpha * penalty
    cp.Problem(cp.Minimize(objective)).solve(
        solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
    )
    intercept = float(b.value) if fit_intercept else 0.0
    return np.asarray(w.value), intercept


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "p"), [(50, 10), (15, 30)])
def test_nonnegative_ridge_matches_cvxpy(seed, n, p):
    X, y = _data(seed, n, p)
    alpha = 0.3
    fit = ridge(X, y, alpha, positive=True)
    same = elastic_net(X, y, alpha, 0.0, positive=True)
    np.testing.assert_array_equal(fit.coef, same.coef)
    coef, intercept = _cvxpy(X, y, alpha, 0.0, np.ones(p))
    scale = np.max(np.abs(coef))
    assert fit.converged
    assert np.all(fit.coef >= 0.0)
    np.testing.assert_allclose(fit.coef, coef, rtol=0, atol=CVXPY_RTOL * scale)
    zero_objective = np.var(y) / 2
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, 0.0)
    theirs = _objective(X, y, coef, intercept, alpha, 0.0)
    assert ours <= theirs + OBJECTIVE_SLACK * zero_objective
    # a binding constraint: unconstrained ridge has negative coefficients here
    assert np.any(ridge(X, y, alpha).coef < 0.0)
    assert np.any(fit.coef == 0.0)
    _, kkt = _independent_certificate(X, y, fit.coef, alpha, 0.0)
    Xc, yc = _centered(X, y, True)
    assert kkt <= KKT_RTOL * np.max(np.abs(Xc.T @ yc)) / n


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_penalty_factor_with_positive_matches_cvxpy(seed, l1_ratio):
    X, y = _data(seed, 40, 10)
    factor = np.random.default_rng(seed + 7).uniform(0.2, 3.0, X.shape[1])
    alpha = 0.05 if l1_ratio > 0 else 0.3
    fit = elastic_net(X, y, alpha, l1_ratio, penalty_factor=factor, positive=True)
    coef, intercept = _cvxpy(X, y, alpha, l1_ratio, factor)
    scale = np.max(np.abs(coef))
    assert fit.converged
    assert np.all(fit.coef >= 0.0)
    np.testing.assert_allclose(fit.coef, coef, rtol=0, atol=CVXPY_RTOL * scale)
    zero_objective = np.var(y) / 2
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, factor)
    theirs = _objective(X, y, coef, intercept, alpha, l1_ratio, factor)
    assert ours <= theirs + OBJECTIVE_SLACK * zero_objective


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("l1_ratio", [0.5, 0.0])
@pytest.mark.parametrize(("n", "p"), [(50, 10), (15, 30)])
def test_nonnegative_elastic_net_with_factors_is_nnls(seed, l1_ratio, n, p):
    # On w ≥ 0: alpha Σ v_j [r w_j + (1 − r)/2 w_j²] = ½ Σ_j (a_j w_j + b_j)² − const with
    # a_j = √(alpha(1 − r)v_j), b_j = alpha·r·v_j/a_j: non-negative least squares of
    # [Xc/√n; diag(a)] w against [yc/√n; −b] (Lawson–Hanson, an exact active-set oracle).
    X, y = _data(seed, n, p)
    factor = np.random.default_rng(seed + 3).uniform(0.2, 3.0, p)
    alpha = 0.2
    fit = elastic_net(X, y, alpha, l1_ratio, penalty_factor=factor, positive=True)
    Xc, yc = _centered(X, y, True)
    a = np.sqrt(alpha * (1.0 - l1_ratio) * factor)
    design = np.vstack([Xc / np.sqrt(n), np.diag(a)])
    target = np.concatenate([yc / np.sqrt(n), -alpha * l1_ratio * factor / a])
    oracle = nnls(design, target, maxiter=100 * p)[0]
    scale = np.max(np.abs(oracle))
    np.testing.assert_allclose(fit.coef, oracle, rtol=0, atol=ORACLE_RTOL * scale)
    np.testing.assert_array_equal(fit.coef == 0.0, oracle == 0.0)


def test_penalty_factor_path_matches_single_fits():
    X, y = _data(3, 30, 15)
    factor = np.random.default_rng(3).uniform(0.5, 2.0, 15)
    path = lasso_path(X, y, penalty_factor=factor, positive=True, n_alphas=8)
    assert path.alpha_max == pytest.approx(alpha_max(X, y, penalty_factor=factor, positive=True))
    for alpha, coef in zip(path.alphas, path.coefs, strict=True):
        single = lasso(X, y, alpha, penalty_factor=factor, positive=True)
        scale = max(np.max(np.abs(single.coef)), 1e-300)
        np.testing.assert_allclose(coef, single.coef, rtol=0, atol=ORACLE_RTOL * scale)
        np.testing.assert_array_equal(coef == 0.0, single.coef == 0.0)


def test_alpha_max_is_one_sided():
    X, y = _data(4, 50, 8)
    Xc, yc = _centered(X, y, True)
    c = Xc.T @ yc / y.size
    top = alpha_max(X, y, positive=True)
    assert top == pytest.approx(max(c.max(), 0.0), rel=1e-12)
    assert np.all(lasso(X, y, top, positive=True).coef == 0.0)
    assert lasso(X, y, 0.99 * top, positive=True).n_nonzero >= 1
    assert top <= alpha_max(X, y)


def test_no_positive_correlation_gives_zero():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((40, 5))
    y = -X @ np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + 0.01 * rng.standard_normal(40)
    Xc, yc = _centered(X, y, True)
    assert np.all(Xc.T @ yc < 0.0)
    assert alpha_max(X, y, positive=True) == 0.0
    fit = lasso(X, y, 0.01, positive=True)
    assert fit.converged
    assert np.all(fit.coef == 0.0)
    with pytest.raises(DataError, match="positively correlated"):
        lasso_path(X, y, positive=True)
    path = lasso_path(X, y, alphas=[0.1, 0.01], positive=True)
    assert np.all(path.coefs == 0.0)


def test_positive_false_is_the_default_computation():
    X, y = _data(6, 30, 40)
    for l1_ratio in (1.0, 0.5):
        a = elastic_net(X, y, 0.05, l1_ratio)
        b = elastic_net(X, y, 0.05, l1_ratio, positive=False)
        np.testing.assert_array_equal(a.coef, b.coef)
        assert a.gap == b.gap
    p1, p2 = lasso_path(X, y, n_alphas=10), lasso_path(X, y, n_alphas=10, positive=False)
    np.testing.assert_array_equal(p1.coefs, p2.coefs)
    np.testing.assert_array_equal(p1.gaps, p2.gaps)


def test_path_certificates_recomputed():
    X, y = _data(7, 25, 40)
    path = lasso_path(X, y, l1_ratio=0.7, positive=True, n_alphas=15)
    zero_objective = np.var(y) / 2
    assert np.all(path.converged)
    assert np.all(path.coefs >= 0.0)
    for alpha, coef, tol in zip(path.alphas, path.coefs, path.gaps, strict=True):
        gap, _ = _independent_certificate(X, y, coef, alpha, 0.7)
        assert gap <= max(tol, 0.0) + GAP_RTOL * zero_objective


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(3, 25),
    p=st.integers(1, 30),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.2, 0.0]),
    fraction=st.floats(0.01, 1.5),
    fit_intercept=st.booleans(),
)
def test_property_kkt_and_gap(seed, n, p, l1_ratio, fraction, fit_intercept):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    Xc, yc = _centered(X, y, fit_intercept)
    scale = float(np.max(np.abs(Xc.T @ yc))) / n
    if scale < 1e-8:
        return
    alpha = fraction * scale / max(l1_ratio, 0.5)
    fit = elastic_net(X, y, alpha, l1_ratio, positive=True, fit_intercept=fit_intercept)
    assert np.all(fit.coef >= 0.0)
    assert fit.converged
    zero_objective = yc @ yc / (2 * n)
    gap, kkt = _independent_certificate(X, y, fit.coef, alpha, l1_ratio, fit_intercept)
    assert gap <= fit.tol + GAP_RTOL * zero_objective + 1e-300 or kkt <= fit.tol
    assert kkt <= max(KKT_RTOL * scale, fit.tol if fit.certificate == "kkt residual" else 0.0)
    # a feasible perturbation never does better (the minimum over w ≥ 0)
    trial = np.maximum(fit.coef + 0.1 * rng.standard_normal(p), 0.0)
    value = _objective(Xc, yc, fit.coef, 0.0, alpha, l1_ratio)
    assert value <= _objective(Xc, yc, trial, 0.0, alpha, l1_ratio) + 1e-12 * zero_objective


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), l1_ratio=st.sampled_from([1.0, 0.5, 0.0]))
def test_property_gap_bounds_suboptimality(seed, l1_ratio):
    # the constrained gap at any w ≥ 0 bounds F(w) − min F (weak duality)
    rng = np.random.default_rng(seed)
    n, p = 20, 8
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    Xc, yc = _centered(X, y, True)
    alpha = 0.1
    best = elastic_net(X, y, alpha, l1_ratio, positive=True)
    minimum = _objective(Xc, yc, best.coef, 0.0, alpha, l1_ratio)
    w = np.maximum(rng.standard_normal(p), 0.0)
    rho = yc - Xc @ w
    gap = enet_duality_gap(w, Xc.T @ rho / n, rho @ rho / n, alpha, l1_ratio, positive=True)
    assert gap >= 0.0
    excess = _objective(Xc, yc, w, 0.0, alpha, l1_ratio) - minimum
    assert gap >= excess - 1e-12 * max(yc @ yc / (2 * n), 1.0)


def test_errors_are_clear():
    X, y = _data(8, 20, 5)
    with pytest.raises(InputTypeError, match="positive must be True or False"):
        lasso(X, y, 0.1, positive="yes")
    factor = np.array([0.0, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(InputValueError, match=r"penalty_factor\[0\] = 0.0"):
        elastic_net(X, y, 0.1, 0.5, penalty_factor=factor, positive=True)
    with pytest.raises(InputValueError, match=r"penalty_factor\[0\] = 0.0"):
        lasso_path(X, y, penalty_factor=factor, positive=True)
    with pytest.raises(InputValueError, match="alpha > 0"):
        ridge(X, y, 0.0, positive=True)
    with pytest.raises(InputTypeError, match="positive"):
        alpha_max(X, y, positive=1)
