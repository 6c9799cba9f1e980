"""Which certificate the elastic-net solvers report, and when.

The duality gap certifies a solution unless floating point cannot resolve it: at tiny
alpha the dual point is scaled by ``alpha·r / ||g||∞``, so rounding of size δ in the
correlations leaves a gap of about ``(δ/alpha)²·rr/2`` even at the exact minimizer. There
the KKT residual certifies instead, relative to ``||Xcᵀyc||∞/n``, and the result says so
(``bayesreg.core._duality.certify_enet``, one rule for ``elastic_net``, ``lasso_path``
and the sufficient-statistics solvers).

Oracles: the closed-form minimizer of the lasso when every coefficient is active with
the signs of least squares, ``w = G⁻¹(c − alpha·sign(w_ls))`` (Cholesky), scikit-learn's
``LinearRegression``, and :func:`bayesreg.core.objective.kkt_residual` computed from the
raw rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg
from numpy.typing import NDArray
from sklearn.linear_model import LinearRegression

from bayesreg.core._duality import EnetPenalty, certify_enet
from bayesreg.core.data import least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.objective import kkt_residual
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import ConvergenceWarning

FloatArray = NDArray[np.float64]

TINY_ALPHAS = [1e-12, 1e-15]


def make_problem(seed: int, n: int = 200, p: int = 20) -> tuple[FloatArray, FloatArray]:
    """n > p, every least-squares coefficient clearly non-zero, columns off-center."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 2.0
    coef = rng.choice([-1.0, 1.0], p) * rng.uniform(0.5, 2.0, p)
    return X, 5.0 + X @ coef + rng.standard_normal(n)


def all_active_lasso(X: FloatArray, y: FloatArray, alpha: float) -> tuple[FloatArray, float]:
    """``w = G⁻¹(c − alpha·σ)`` with σ the signs of least squares, and its intercept."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = len(y)
    gram, xty = Xc.T @ Xc / n, Xc.T @ yc / n
    least_squares = scipy.linalg.solve(gram, xty, assume_a="pos")
    coef = scipy.linalg.solve(gram, xty - alpha * np.sign(least_squares), assume_a="pos")
    return coef, float(y.mean() - X.mean(axis=0) @ coef)


def relative_error(coef: FloatArray, reference: FloatArray) -> float:
    return float(np.max(np.abs(coef - reference)) / np.max(np.abs(reference)))


@pytest.mark.parametrize("alpha", TINY_ALPHAS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tiny_alpha_is_certified_by_the_kkt_residual(alpha: float, seed: int) -> None:
    X, y = make_problem(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning
        fit = lasso(X, y, alpha)
    assert fit.converged
    assert fit.certificate == "kkt residual"
    Xc = X - X.mean(axis=0)
    gradient_scale = float(np.max(np.abs(Xc.T @ (y - y.mean())))) / len(y)
    assert fit.tol == pytest.approx(1e-12 * gradient_scale, rel=1e-12)
    assert 0.0 <= fit.gap <= fit.tol
    # The residual recomputed from the raw rows, intercept condition included.
    assert kkt_residual(X, y, fit.coef, fit.intercept, alpha, 1.0) <= fit.tol
    # The closed form (exact for this sign pattern) and least squares, which it equals
    # up to alpha·||G⁻¹|| ≈ 1e-12: both to 1e-11 relative.
    coef, intercept = all_active_lasso(X, y, alpha)
    assert relative_error(fit.coef, coef) <= 1e-11
    assert fit.intercept == pytest.approx(intercept, rel=1e-11)
    ols = LinearRegression().fit(X, y)
    assert relative_error(fit.coef, ols.coef_) <= 1e-11
    assert fit.intercept == pytest.approx(ols.intercept_, rel=1e-11)


@pytest.mark.parametrize("alpha", TINY_ALPHAS)
def test_tiny_alpha_from_statistics_and_along_the_path(alpha: float) -> None:
    X, y = make_problem(3)
    coef, _ = all_active_lasso(X, y, alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_stats = lasso(SufficientStats.from_arrays(X, y), None, alpha)
        path = lasso_path(X, y, [0.1 * alpha_max(X, y), alpha])
    assert from_stats.converged
    assert from_stats.certificate == "kkt residual"
    assert relative_error(from_stats.coef, coef) <= 1e-11
    assert path.converged.all()
    assert path.certificates == ("duality gap", "kkt residual")
    Xc = X - X.mean(axis=0)
    gradient_scale = float(np.max(np.abs(Xc.T @ (y - y.mean())))) / len(y)
    assert path.gaps[0] <= 1e-12 * np.var(y) / 2  # tol·F(0)
    assert path.gaps[1] <= 1e-12 * gradient_scale  # tol·||Xcᵀyc||∞/n
    assert relative_error(path.coefs[1], coef) <= 1e-11


def test_ordinary_alpha_is_certified_by_the_duality_gap() -> None:
    X, y = make_problem(4)
    alpha = 0.1 * alpha_max(X, y)
    fit = lasso(X, y, alpha)
    assert fit.converged
    assert fit.certificate == "duality gap"
    assert fit.tol == pytest.approx(1e-12 * np.var(y) / 2, rel=1e-12)
    assert 0.0 <= fit.gap <= fit.tol
    net = elastic_net(X, y, alpha, 0.5)
    assert net.certificate == "duality gap"
    assert 0.0 <= net.gap <= net.tol


def test_the_elastic_net_gap_resolves_tiny_alpha_through_the_fenchel_dual() -> None:
    # With an L2 part the Fenchel gap divides by l2 = alpha(1 − r) only through δ²/(2 l2),
    # which stays below tol·F(0) at these alphas: the duality gap still certifies.
    X, y = make_problem(5)
    for alpha in TINY_ALPHAS:
        fit = elastic_net(X, y, alpha, 0.5)
        assert fit.converged
        assert fit.certificate == "duality gap"
        assert relative_error(fit.coef, LinearRegression().fit(X, y).coef_) <= 1e-11


def test_an_unconverged_tiny_alpha_run_still_warns() -> None:
    X, y = make_problem(6)
    with pytest.warns(ConvergenceWarning, match="duality gap .* against its threshold"):
        fit = lasso(X, y, 1e-12, max_iter=1)
    assert not fit.converged
    assert fit.gap > fit.tol


def test_where_the_gap_resolves_nothing_the_kkt_residual_still_rejects() -> None:
    # At alpha = 1e-100 the augmented dual point is scaled to 0: every point's gap is
    # within its floor, so the KKT residual decides, and it flags a point far from
    # stationary (one pass per continuation point leaves the gradient large).
    X, y = make_problem(7)
    with pytest.warns(ConvergenceWarning, match="KKT residual .* against its threshold"):
        fit = lasso(X, y, 1e-100, max_iter=1)
    assert not fit.converged
    assert fit.certificate == "kkt residual"
    assert fit.gap > fit.tol
    assert fit.gap == pytest.approx(kkt_residual(X, y, fit.coef, fit.intercept, 1e-100, 1.0))


def test_certify_enet_recomputes_a_gram_form_gap_from_the_rows() -> None:
    # A gap handed in from a rounded computation is recomputed from the data the
    # certificate is built on, and the smaller value is kept.
    X, y = make_problem(8)
    alpha = 0.05 * alpha_max(X, y)
    fit = lasso(X, y, alpha)
    data = least_squares_data(X, y, fit_intercept=True).certificate_form()
    certificate = certify_enet(data, fit.coef, 1.0, EnetPenalty(alpha, 1.0), tol=1e-12)
    assert certificate.kind == "duality gap"
    assert certificate.converged
    assert certificate.value <= certificate.tol


def test_enet_penalty_weights_value_and_kkt_distance() -> None:
    # EnetPenalty carries alpha·P: its L1/L2 weights, its value, and the KKT distance that
    # is 0 exactly where the correlations meet the subdifferential.
    scale = np.array([1.0, 2.0, 0.5])
    penalty = EnetPenalty(0.4, 0.75, scale)
    assert penalty.l2 == pytest.approx(0.1)
    np.testing.assert_allclose(penalty.l1, 0.3 * scale)
    coef = np.array([1.0, 0.0, -2.0])
    expected = 0.4 * (0.75 * (1.0 + 0.5 * 2.0) + 0.125 * 5.0)
    assert penalty.value(coef) == pytest.approx(expected)
    # u_j ∈ ∂(l1_j|w_j| + l2/2 w_j²): l1_j sign(w_j) + l2 w_j where w_j ≠ 0, |u_j| ≤ l1_j at 0.
    optimal = np.array([0.3 + 0.1, 0.5, -0.15 - 0.2])
    np.testing.assert_allclose(penalty.kkt_distance(coef, optimal), 0.0, atol=1e-15)
    assert penalty.kkt_distance(coef, optimal + np.array([0.0, 0.2, 0.0]))[1] == pytest.approx(0.1)
    one_sided = EnetPenalty(0.4, 0.75, scale, positive=True)
    # Over w ≥ 0, w_j = 0 is optimal iff u_j ≤ l1_j (one-sided).
    below = np.array([-1.0, 0.6, 0.15])
    np.testing.assert_allclose(one_sided.kkt_distance(np.zeros(3), below), 0.0)
    np.testing.assert_allclose(one_sided.kkt_distance(np.zeros(3), below + 0.1), [0.0, 0.1, 0.1])
