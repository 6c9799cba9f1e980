"""Ridge and the ridge path against independent oracles.

Oracles: ``numpy.linalg.lstsq`` on the augmented system ``[1 X; 0 √(nα) I] (w0, w) ≈ [y; 0]``
(the intercept column unpenalized), scikit-learn ``Ridge``, an explicit hat matrix,
explicit leave-one-out refits, and the optimality condition
``Xcᵀ(yc − Xc w) = n·alpha·w``.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import Ridge

from bayesreg.core._ridge_linalg import (
    Spectrum,
    cholesky_coef,
    duality_gaps,
    gram_spectrum,
    svd_spectrum,
)
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.datasets import load_diabetes
from bayesreg.errors import ConvergenceWarning, DataError, InputTypeError, InputValueError

# The package re-exports the function ridge as bayesreg.core.ridge, which shadows the
# module of the same name there: patch the module object itself.
RIDGE_MODULE = importlib.import_module("bayesreg.core.ridge")

FloatArray = NDArray[np.float64]

#: Relative agreement required with the closed-form oracle.
ORACLE_RTOL = 1e-10


def make_problem(
    n: int, p: int, seed: int, *, correlation: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Gaussian design with equicorrelated columns, a non-zero mean and a noisy target."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((n, 1))
    X = np.sqrt(1.0 - correlation) * rng.standard_normal((n, p)) + np.sqrt(correlation) * shared
    X = X + rng.normal(size=p)  # columns not centered
    y = 3.0 + X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def oracle(X: FloatArray, y: FloatArray, alpha: float, fit_intercept: bool) -> FloatArray:
    """(w0, w) from lstsq on [1 X; 0 √(nα) I] (w0, w) ≈ [y; 0] (alpha > 0)."""
    n, p = X.shape
    design = np.column_stack((np.ones(n), X)) if fit_intercept else X
    offset = 1 if fit_intercept else 0
    penalty_rows = np.zeros((p, p + offset))
    penalty_rows[:, offset:] = np.sqrt(n * alpha) * np.eye(p)
    solution = np.linalg.lstsq(
        np.vstack((design, penalty_rows)), np.concatenate((y, np.zeros(p))), rcond=None
    )[0]
    return solution if fit_intercept else np.concatenate(([0.0], solution))


def relative_error(estimate: FloatArray, reference: FloatArray) -> float:
    return float(np.linalg.norm(estimate - reference) / max(np.linalg.norm(reference), 1e-300))


@pytest.mark.parametrize(("n", "p"), [(60, 8), (8, 60), (30, 30)])
@pytest.mark.parametrize("alpha", [1e-4, 0.05, 3.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_augmented_least_squares(
    n: int, p: int, alpha: float, fit_intercept: bool
) -> None:
    X, y = make_problem(n, p, seed=n * p)
    fit = ridge(X, y, alpha, fit_intercept=fit_intercept)
    reference = oracle(X, y, alpha, fit_intercept)
    estimate = np.concatenate(([fit.intercept], fit.coef))
    assert relative_error(estimate, reference) <= ORACLE_RTOL
    assert fit.converged
    assert fit.gap <= fit.tol
    assert fit.n_iter == 1
    assert fit.l1_ratio == 0.0
    residual = y - fit.intercept - X @ fit.coef
    expected_objective = residual @ residual / (2 * n) + alpha / 2 * fit.coef @ fit.coef
    assert fit.objective == pytest.approx(expected_objective, rel=1e-12)


@pytest.mark.parametrize(("n", "p"), [(80, 6), (10, 40)])
def test_ridge_matches_sklearn(n: int, p: int) -> None:
    X, y = make_problem(n, p, seed=7, correlation=0.5)
    alpha = 0.02
    # sklearn's Ridge minimizes ||y − w0 − Xw||² + A||w||², A = n·alpha.
    reference = Ridge(alpha=n * alpha, solver="svd").fit(X, y)
    fit = ridge(X, y, alpha)
    assert relative_error(fit.coef, reference.coef_) <= ORACLE_RTOL
    assert fit.intercept == pytest.approx(reference.intercept_, rel=ORACLE_RTOL, abs=1e-12)


def test_ridge_on_diabetes_satisfies_normal_equations() -> None:
    X, y = load_diabetes()
    n = len(y)
    for alpha in (1e-6, 1e-3, 1.0, 1e3):
        fit = ridge(X, y, alpha)
        Xc, yc = X - X.mean(axis=0), y - y.mean()
        # Xcᵀ(yc − Xc w) = n·alpha·w at the minimizer.
        stationarity = Xc.T @ (yc - Xc @ fit.coef) - n * alpha * fit.coef
        assert np.linalg.norm(stationarity) <= 1e-10 * np.linalg.norm(Xc.T @ yc)
        assert (
            relative_error(np.concatenate(([fit.intercept], fit.coef)), oracle(X, y, alpha, True))
            <= ORACLE_RTOL
        )


def test_duplicated_column_shares_its_weight_equally() -> None:
    # [x, x, Z] at alpha equals [√2 x, Z] at alpha, with each copy getting u/√2:
    # x(w1 + w2) with alpha/2 (w1² + w2²) is minimized at w1 = w2 = v/2, costing alpha/4 v².
    X, y = make_problem(50, 4, seed=3)
    duplicated = np.column_stack((X[:, 0], X))
    merged = np.column_stack((np.sqrt(2.0) * X[:, 0], X[:, 1:]))
    for alpha in (1e-3, 0.3):
        fit = ridge(duplicated, y, alpha)
        reference = ridge(merged, y, alpha)
        assert fit.coef[0] == pytest.approx(fit.coef[1], rel=1e-10)
        assert fit.coef[0] == pytest.approx(reference.coef[0] / np.sqrt(2.0), rel=1e-10)
        np.testing.assert_allclose(fit.coef[2:], reference.coef[1:], rtol=1e-10, atol=1e-12)


def test_exactly_collinear_columns() -> None:
    X, y = make_problem(40, 3, seed=11)
    collinear = np.column_stack((X, X[:, 0] + X[:, 1]))  # null vector (1, 1, 0, −1)
    null_vector = np.array([1.0, 1.0, 0.0, -1.0]) / np.sqrt(3.0)
    for alpha in (1e-5, 0.1):
        fit = ridge(collinear, y, alpha)
        reference = oracle(collinear, y, alpha, True)
        assert relative_error(np.concatenate(([fit.intercept], fit.coef)), reference) <= 1e-9
        # Ridge never puts weight on the null space of Xc.
        assert abs(fit.coef @ null_vector) <= 1e-10 * np.linalg.norm(fit.coef)
    least_squares = ridge(collinear, y, 0.0)
    Xc, yc = collinear - collinear.mean(axis=0), y - y.mean()
    min_norm = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    assert relative_error(least_squares.coef, min_norm) <= ORACLE_RTOL
    assert abs(least_squares.coef @ null_vector) <= 1e-10 * np.linalg.norm(least_squares.coef)


@pytest.mark.parametrize(("n", "p"), [(50, 5), (6, 20)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_alpha_zero_is_minimum_norm_least_squares(n: int, p: int, fit_intercept: bool) -> None:
    X, y = make_problem(n, p, seed=5)
    fit = ridge(X, y, 0.0, fit_intercept=fit_intercept)
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    min_norm = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    assert relative_error(fit.coef, min_norm) <= ORACLE_RTOL
    assert fit.converged
    if p >= n:
        # Interpolation: every residual vanishes (up to rounding).
        residual = y - fit.intercept - X @ fit.coef
        assert np.max(np.abs(residual)) <= 1e-10 * np.max(np.abs(y))


def test_tiny_alpha_uses_the_svd_and_stays_accurate() -> None:
    # cond(Xc)² ≈ 1e12 makes Cholesky of the normal equations inaccurate; the SVD is used.
    rng = np.random.default_rng(2)
    U, _ = np.linalg.qr(rng.standard_normal((100, 6)))
    V, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    X = U @ np.diag(np.logspace(0, -6, 6)) @ V.T
    y = rng.standard_normal(100)
    alpha = 1e-14
    assert cholesky_coef(X, y, 100 * alpha) is None  # rcond below MIN_CHOLESKY_RCOND
    fit = ridge(X, y, alpha, fit_intercept=False)
    d = np.logspace(0, -6, 6)
    reference = V @ (d / (d**2 + 100 * alpha) * (U.T @ y))
    assert relative_error(fit.coef, reference) <= 1e-8
    assert fit.converged


def test_tiny_alpha_is_certified_to_rounding() -> None:
    # n·alpha/d_max² ≈ 1e-28: the gap's own rounding floor ||δ||²/(2 alpha) sets the
    # threshold, and the solution is least squares to working precision.
    X, y = load_diabetes()
    fit = ridge(X, y, 1e-30)
    yc = y - y.mean()
    assert fit.converged
    assert fit.tol > 1e-12 * yc @ yc / (2 * len(y))
    least_squares = np.linalg.lstsq(X - X.mean(axis=0), yc, rcond=None)[0]
    assert relative_error(fit.coef, least_squares) <= 1e-10


def test_a_non_optimal_solution_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    def perturbed(Xc: FloatArray, yc: FloatArray, shift: float) -> FloatArray | None:
        coef = cholesky_coef(Xc, yc, shift)
        return None if coef is None else coef * (1.0 + 1e-6)

    monkeypatch.setattr(RIDGE_MODULE, "cholesky_coef", perturbed)
    X, y = make_problem(30, 4, seed=0)
    with pytest.warns(ConvergenceWarning, match="duality gap .* is above its threshold"):
        fit = ridge(X, y, 0.1)
    assert not fit.converged
    assert fit.gap > fit.tol


def test_gap_equals_primal_minus_dual_at_any_point() -> None:
    """The cancellation-free gap equals F(w) − D(r/n) with D written out in full."""
    X, y = make_problem(30, 5, seed=9)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = len(y)
    rng = np.random.default_rng(0)
    for alpha in (0.01, 1.0):
        w = rng.standard_normal(5)
        r = yc - Xc @ w
        theta = r / n
        primal = r @ r / (2 * n) + alpha / 2 * w @ w
        dual = theta @ yc - n / 2 * theta @ theta - (Xc.T @ theta) @ (Xc.T @ theta) / (2 * alpha)
        gap = duality_gaps(Xc, w[None, :], r[None, :], np.array([alpha]), None)[0]
        assert gap == pytest.approx(primal - dual, rel=1e-10)
        # Weak duality: F(w) ≥ F(w*) ≥ D(θ) for any θ.
        optimum = ridge(Xc, yc, alpha, fit_intercept=False).objective
        assert primal >= optimum >= dual
    # alpha = 0: the dual point is projected onto {Xcᵀθ = 0}.
    w = rng.standard_normal(5)
    r = yc - Xc @ w
    basis = svd_spectrum(Xc, yc).basis
    assert basis is not None
    theta = (r - basis @ (basis.T @ r)) / n
    assert np.max(np.abs(Xc.T @ theta)) <= 1e-12 * np.max(np.abs(Xc.T @ r / n))
    primal = r @ r / (2 * n)
    dual = theta @ yc - n / 2 * theta @ theta
    gap = duality_gaps(Xc, w[None, :], r[None, :], np.array([0.0]), basis)[0]
    assert gap == pytest.approx(primal - dual, rel=1e-10)


@pytest.mark.parametrize(("n", "p"), [(40, 6), (7, 25)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_path_equals_ridge_at_every_alpha(n: int, p: int, fit_intercept: bool) -> None:
    X, y = make_problem(n, p, seed=n + p, correlation=0.3)
    alphas = [0.3, 1e-4, 10.0, 0.0, 0.02]
    path = ridge_path(X, y, alphas, fit_intercept=fit_intercept)
    np.testing.assert_array_equal(path.alphas, sorted(alphas, reverse=True))
    assert path.alpha_max == np.inf
    assert len(path) == 5
    assert np.all(path.converged)
    np.testing.assert_array_equal(path.n_iters, 1)
    for i, alpha in enumerate(path.alphas):
        fit = ridge(X, y, alpha, fit_intercept=fit_intercept)
        assert relative_error(path.coefs[i], fit.coef) <= ORACLE_RTOL
        assert path.intercepts[i] == pytest.approx(fit.intercept, rel=ORACLE_RTOL, abs=1e-12)
        assert path.objectives[i] == pytest.approx(fit.objective, rel=1e-12)
        assert path.gaps[i] <= fit.tol


@pytest.mark.parametrize(("n", "p"), [(40, 6), (6, 40)])
@pytest.mark.parametrize("collinear", [False, True])
def test_gram_and_svd_factors_agree_where_the_gram_is_used(n: int, p: int, collinear: bool) -> None:
    # Down to the smallest shift the Gram factors are used for, 1e-6·||Xc||_F², their
    # eigenvalue errors (≈ eps·λ_max) cost at most ≈ eps·1e6 relative accuracy.
    X, y = make_problem(n, p, seed=12, correlation=0.9)
    if collinear:  # exact null directions of Xc
        X = np.column_stack((X, X[:, 0], X[:, 0] - 2.0 * X[:, 1]))
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    scale = float(np.sum(Xc**2))
    shifts = np.array([1.0, 1e-3, 1e-6]) * scale
    gram, svd = gram_spectrum(Xc, yc, shifts[-1]), svd_spectrum(Xc, yc)
    assert gram is not None
    for i, (from_gram, from_svd) in enumerate(
        zip(gram.coefs(shifts), svd.coefs(shifts), strict=True)
    ):
        assert relative_error(from_gram, from_svd) <= 1e-9, i
    np.testing.assert_allclose(
        gram.filters(shifts) @ gram.leverage_weights.T,
        svd.filters(shifts) @ svd.leverage_weights.T,
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        gram.filters(shifts) @ gram.eigenvalues, svd.filters(shifts) @ svd.eigenvalues, rtol=1e-9
    )


def hat_matrix(X: FloatArray, alpha: float, fit_intercept: bool) -> FloatArray:
    """H = Z (ZᵀZ + nα D)⁻¹ Zᵀ, Z = [1 X], D = diag(0, 1, ..., 1), by a linear solve."""
    n = X.shape[0]
    Z = np.column_stack((np.ones(n), X)) if fit_intercept else X
    penalty = np.eye(Z.shape[1]) * n * alpha
    if fit_intercept:
        penalty[0, 0] = 0.0
    hat: FloatArray = Z @ np.linalg.solve(Z.T @ Z + penalty, Z.T)
    return hat


#: GCV and LOO agree with the explicit hat matrix to this many ulps times the condition
#: number of the shifted system (measured: 1.3e-9 relative against exact rational
#: arithmetic at κ = 1.2e7, i.e. 0.5 eps·κ).
CONDITION_ULPS = 16.0


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    ("shape", "alphas", "factorization"),
    [
        ((25, 6), [1e-3, 0.1, 2.0], "gram"),
        ((25, 6), [1e-9, 0.1, 2.0], "svd"),
        ((8, 20), [1e-3, 0.1, 2.0], "gram"),
        ((8, 20), [1e-6, 0.1, 2.0], "svd"),
    ],
)
def test_df_gcv_and_loo_against_an_explicit_hat_matrix(
    monkeypatch: pytest.MonkeyPatch,
    fit_intercept: bool,
    shape: tuple[int, int],
    alphas: list[float],
    factorization: str,
) -> None:
    used: list[str] = []

    def gram(Xc: FloatArray, yc: FloatArray, smallest_shift: float) -> Spectrum | None:
        spectrum = gram_spectrum(Xc, yc, smallest_shift)
        used.append("gram" if spectrum is not None else "gram refused")
        return spectrum

    def svd(Xc: FloatArray, yc: FloatArray) -> Spectrum:
        used.append("svd")
        return svd_spectrum(Xc, yc)

    monkeypatch.setattr(RIDGE_MODULE, "gram_spectrum", gram)
    monkeypatch.setattr(RIDGE_MODULE, "svd_spectrum", svd)
    X, y = make_problem(*shape, seed=4, correlation=0.6)
    n = len(y)
    path = ridge_path(X, y, alphas, fit_intercept=fit_intercept)
    # (d_max² + nα_min)/(nα_min) against 1e6 picks the factors.
    assert used == (["gram"] if factorization == "gram" else ["gram refused", "svd"])
    Xc = X - X.mean(axis=0) if fit_intercept else X
    largest = float(np.linalg.norm(Xc, 2)) ** 2
    for i, alpha in enumerate(path.alphas):
        hat = hat_matrix(X, alpha, fit_intercept)
        trace = np.trace(hat)
        residual = y - hat @ y
        assert path.df[i] == pytest.approx(trace - (1.0 if fit_intercept else 0.0), rel=1e-10)
        # Near interpolation 1 − h_ii and the residuals are O(nα/λ): a perturbation of X by
        # eps moves them by eps·κ relatively, κ = (λ_max + nα)/(nα) the shifted system's
        # condition number (1.2e7 at 8 × 20, alpha = 1e-6), for any algorithm (the
        # explicit hat matrix here included), so the tolerance is sized by κ.
        kappa = (largest + n * alpha) / (n * alpha)
        rtol = max(1e-9, CONDITION_ULPS * np.finfo(float).eps * kappa)
        gcv = np.mean(residual**2) / (1.0 - trace / n) ** 2
        assert path.gcv[i] == pytest.approx(gcv, rel=rtol)
        loo = np.mean((residual / (1.0 - np.diag(hat))) ** 2)
        assert path.loo[i] == pytest.approx(loo, rel=rtol)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loo_against_explicit_refits(fit_intercept: bool) -> None:
    # The LOO shortcut holds the total penalty n·alpha fixed: each refit on n − 1 samples
    # uses alpha' = n·alpha / (n − 1) in the averaged convention.
    X, y = make_problem(15, 4, seed=8)
    n = len(y)
    path = ridge_path(X, y, [0.05, 0.5], fit_intercept=fit_intercept)
    for i, alpha in enumerate(path.alphas):
        errors = []
        for held_out in range(n):
            keep = np.arange(n) != held_out
            refit = ridge(X[keep], y[keep], n * alpha / (n - 1), fit_intercept=fit_intercept)
            errors.append(y[held_out] - refit.intercept - X[held_out] @ refit.coef)
        assert path.loo[i] == pytest.approx(np.mean(np.square(errors)), rel=1e-9)


def test_interpolating_fit_has_infinite_loo_and_gcv() -> None:
    X, y = make_problem(6, 10, seed=1)
    path = ridge_path(X, y, [0.0, 1.0])
    assert path.df[1] == pytest.approx(5.0, rel=1e-12)  # rank of Xc = n − 1
    assert path.gcv[1] == np.inf
    assert np.isfinite(path.gcv[0])
    assert np.isfinite(path.loo[0])


def test_path_is_monotone_shrinkage() -> None:
    X, y = load_diabetes()
    path = ridge_path(X, y, np.geomspace(1e-6, 1e2, 30))
    norms = np.linalg.norm(path.coefs, axis=1)
    # Decreasing alphas: ||w(α)|| and df(α) grow as alpha falls.
    assert np.all(np.diff(norms) > 0)
    assert np.all(np.diff(path.df) > 0)
    assert 0.0 < path.df[0] < path.df[-1] < 10.0


@given(
    n=st.integers(2, 12),
    p=st.integers(1, 12),
    log_alpha=st.floats(-4.0, 2.0),
    correlation=st.floats(0.0, 0.95),
    fit_intercept=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_properties_on_random_problems(
    n: int, p: int, log_alpha: float, correlation: float, fit_intercept: bool, seed: int
) -> None:
    X, y = make_problem(n, p, seed, correlation=correlation)
    alpha = 10.0**log_alpha
    fit = ridge(X, y, alpha, fit_intercept=fit_intercept)
    reference = oracle(X, y, alpha, fit_intercept)
    assert relative_error(np.concatenate(([fit.intercept], fit.coef)), reference) <= 1e-9
    Xc = X - X.mean(axis=0) if fit_intercept else X
    yc = y - y.mean() if fit_intercept else y
    stationarity = Xc.T @ (yc - Xc @ fit.coef) / n - alpha * fit.coef
    assert np.linalg.norm(stationarity) <= 1e-10 * max(np.linalg.norm(Xc.T @ yc / n), 1e-300)
    path = ridge_path(X, y, [alpha, 2 * alpha], fit_intercept=fit_intercept)
    assert relative_error(path.coefs[1], fit.coef) <= ORACLE_RTOL
    # Doubling alpha shrinks the norm and lowers df; F(w) ≤ F at a perturbed point.
    assert np.linalg.norm(path.coefs[0]) <= np.linalg.norm(path.coefs[1]) * (1 + 1e-12)
    assert path.df[0] <= path.df[1]
    perturbed = fit.coef + 1e-3 * np.random.default_rng(seed).standard_normal(p)
    residual = y - fit.intercept - X @ perturbed
    assert fit.objective <= residual @ residual / (2 * n) + alpha / 2 * perturbed @ perturbed


def test_inputs_are_not_modified_and_frames_are_accepted() -> None:
    X, y = make_problem(20, 3, seed=0)
    X_before, y_before = X.copy(), y.copy()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    fit = ridge(frame, pd.Series(y), 0.1)
    ridge_path(X, y.tolist(), np.array([0.1, 1.0]))
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_allclose(fit.coef, ridge(X, y, 0.1).coef, rtol=1e-14)
    with pytest.raises(ValueError, match="read-only"):
        fit.coef[0] = 1.0


@pytest.mark.parametrize(
    ("alpha", "error", "pattern"),
    [
        (-1.0, InputValueError, r"alpha must be a finite number ≥ 0; got -1\.0"),
        (float("nan"), InputValueError, "alpha must be a finite number ≥ 0; got nan"),
        (True, InputTypeError, "alpha must be a real number; got True"),
        ("0.1", InputTypeError, "alpha must be a real number; got '0.1'"),
    ],
)
def test_bad_alpha(alpha: object, error: type[Exception], pattern: str) -> None:
    X, y = make_problem(10, 2, seed=0)
    with pytest.raises(error, match=pattern):
        ridge(X, y, alpha)  # type: ignore[arg-type]


def test_bad_data_and_options() -> None:
    X, y = make_problem(10, 2, seed=0)
    with pytest.raises(DataError, match="y has 9 entries but X has 10 rows"):
        ridge(X, y[:-1], 0.1)
    with pytest.raises(DataError, match="X contains 1 NaN"):
        ridge(np.where(np.eye(10, 2, k=1) == 1, np.nan, X), y, 0.1)
    with pytest.raises(InputTypeError, match="fit_intercept must be True or False; got 'yes'"):
        ridge(X, y, 0.1, fit_intercept="yes")  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"alphas must be a non-empty 1-D .* got shape \(0,\)"):
        ridge_path(X, y, [])
    with pytest.raises(DataError, match=r"got shape \(\)"):
        ridge_path(X, y, 0.1)
    with pytest.raises(
        InputValueError, match=r"alphas must hold finite numbers ≥ 0; got \[-1\.0\]"
    ):
        ridge_path(X, y, [0.1, -1.0])
    with pytest.raises(InputValueError, match="alphas must hold finite numbers"):
        ridge_path(X, y, [np.inf])


def test_no_warning_on_ordinary_problems() -> None:
    X, y = load_diabetes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ridge_path(X, y, np.geomspace(1e-8, 1e4, 50))
        ridge(X, y, 0.0)
