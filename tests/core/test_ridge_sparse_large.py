"""ridge on a scipy.sparse X wider than MAX_GRAM_FEATURES: conjugate gradients, certified.

Beyond 10000 columns the dense Gram matrix is never formed: the normal equations
``(XcᵀXc + n·alpha·I) w = Xcᵀyc`` are solved by conjugate gradients on the implicitly
centered sparse products. The solution must equal scikit-learn's ``Ridge`` on the same
sparse matrix (``alpha_sklearn = n·alpha``: sklearn minimizes ``||y − Xw||² + A||w||²``,
the package ``||y − Xw||²/(2n) + alpha/2 ||w||²``) to 1e-8, and its duality gap must be
the gap ``||∇F(w)||²/(2 alpha)`` recomputed here from X, y and the returned w0, w.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from numpy.typing import NDArray
from sklearn.linear_model import Ridge

from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import MAX_GRAM_FEATURES, ridge, ridge_path
from bayesreg.errors import ConvergenceWarning, DataError

FloatArray = NDArray[np.float64]
# The module, not the function bayesreg.core re-exports under the same name.
ridge_module = importlib.import_module("bayesreg.core.ridge")
N_SAMPLES, N_FEATURES = 3000, 12_000


@pytest.fixture(scope="module")
def wide() -> tuple[Any, FloatArray]:
    """n = 3000, p = 12000 (> MAX_GRAM_FEATURES), density 1e-3, 50 true effects, offset 1."""
    assert N_FEATURES > MAX_GRAM_FEATURES
    rng = np.random.default_rng(2024)
    X = scipy.sparse.random(N_SAMPLES, N_FEATURES, density=1e-3, format="csr", random_state=rng)
    coef = np.zeros(N_FEATURES)
    support = rng.choice(N_FEATURES, 50, replace=False)
    coef[support] = 3.0 * rng.standard_normal(50)
    y = X @ coef + 0.1 * rng.standard_normal(N_SAMPLES) + 1.0
    return X, y


def relative_difference(a: FloatArray, b: FloatArray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def recomputed_gap(X: Any, y: FloatArray, fit: PenalizedFit, fit_intercept: bool) -> float:
    """``||∇F(w)||²/(2 alpha)`` from the uncentered X, y and the returned w0 (0 without)."""
    n = X.shape[0]
    residual = y - fit.intercept - X @ fit.coef
    gradient = fit.alpha * fit.coef - (X.T @ residual) / n
    if fit_intercept:
        assert abs(residual.sum()) <= 1e-9 * np.abs(y).sum()  # w0 optimal: 1ᵀr = 0
    return float(gradient @ gradient) / (2.0 * fit.alpha)


@pytest.mark.parametrize("alpha", [1e-2, 1e-4])
@pytest.mark.parametrize("solver", ["sparse_cg", "lsqr"])
def test_wide_sparse_ridge_matches_sklearn(
    wide: tuple[Any, FloatArray], alpha: float, solver: str
) -> None:
    X, y = wide
    fit = ridge(X, y, alpha)
    oracle = Ridge(alpha=N_SAMPLES * alpha, solver=solver, tol=1e-12, max_iter=100_000).fit(X, y)
    assert relative_difference(fit.coef, oracle.coef_) <= 1e-8
    assert abs(fit.intercept - oracle.intercept_) <= 1e-8 * max(1.0, abs(oracle.intercept_))


@pytest.mark.parametrize("alpha", [1e-2, 1e-4])
def test_wide_sparse_ridge_gap_is_certified_and_recomputable(
    wide: tuple[Any, FloatArray], alpha: float
) -> None:
    X, y = wide
    fit = ridge(X, y, alpha)
    assert fit.converged
    assert fit.certificate == "duality gap"
    assert 1 < fit.n_iter <= ridge_module.CG_ITERATIONS_PER_RANK * (N_SAMPLES + 1)
    assert 0.0 <= fit.gap <= fit.tol
    # the tolerance ridge uses everywhere: at least RELATIVE_GAP_TOL · F(0)
    yc = y - y.mean()
    assert fit.tol >= ridge_module.RELATIVE_GAP_TOL * float(yc @ yc) / (2 * N_SAMPLES)
    independent = recomputed_gap(X, y, fit, fit_intercept=True)
    assert independent <= fit.tol
    assert independent == pytest.approx(fit.gap, rel=1e-3, abs=1e-6 * fit.tol)
    residual = y - fit.intercept - X @ fit.coef
    objective = float(residual @ residual) / (2 * N_SAMPLES) + alpha / 2 * float(
        fit.coef @ fit.coef
    )
    assert fit.objective == pytest.approx(objective, rel=1e-12)


def test_wide_sparse_ridge_without_intercept(wide: tuple[Any, FloatArray]) -> None:
    X, y = wide
    alpha = 1e-3
    fit = ridge(X, y, alpha, fit_intercept=False)
    oracle = Ridge(
        alpha=N_SAMPLES * alpha, solver="sparse_cg", tol=1e-12, max_iter=100_000,
        fit_intercept=False,
    ).fit(X, y)  # fmt: skip
    assert fit.converged
    assert fit.intercept == 0.0
    assert relative_difference(fit.coef, oracle.coef_) <= 1e-8
    assert recomputed_gap(X, y, fit, fit_intercept=False) <= fit.tol


def test_wide_sparse_ridge_refuses_alpha_zero(wide: tuple[Any, FloatArray]) -> None:
    X, y = wide
    with pytest.raises(DataError, match=r"alpha = 0 .*\(3000, 12000\).*alpha > 0"):
        ridge(X, y, 0.0)


def test_wide_sparse_ridge_warns_when_the_budget_runs_out(
    wide: tuple[Any, FloatArray], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = wide
    # 0.002 · (3000 + 1) = 6 iterations: far from the solution at alpha = 1e-4
    monkeypatch.setattr(ridge_module, "CG_ITERATIONS_PER_RANK", 0.002)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        fit = ridge(X, y, 1e-4)
    assert not fit.converged
    assert fit.n_iter == 6
    assert fit.gap > fit.tol
    assert recomputed_gap(X, y, fit, fit_intercept=True) == pytest.approx(fit.gap, rel=1e-8)


def test_wide_sparse_ridge_path_is_still_refused(wide: tuple[Any, FloatArray]) -> None:
    X, y = wide
    with pytest.raises(DataError, match=r"12000 × 12000 Gram matrix"):
        ridge_path(X, y, [1e-2])
