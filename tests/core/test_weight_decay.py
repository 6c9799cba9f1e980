"""Weight decay as the L2 penalty, and where Adam breaks the equivalence.

Gradient descent on the quadratic F is the linear recursion e_{t+1} = (I − ηH) e_t on
the error e = (w0, w) − (w0*, w*), with H the Hessian of F; it is checked exactly.
For Adam the provable statements are about fixed points: the ridge solution w* is the
fixed point of Adam + L2, while AdamW's fixed point w† solves
``∇_w L(w)_j = −ε·alpha·w_j / (1 − alpha|w_j|)`` (computed here by Newton's method).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from bayesreg.core.objective import objective
from bayesreg.core.ridge import ridge
from bayesreg.core.weight_decay import adam, gradient_descent_ridge
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

ALPHA = 0.1
EPS = 1e-8


@pytest.fixture(scope="module")
def problem() -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 5)) @ np.diag([1.0, 2.0, 0.5, 1.0, 3.0]) + 0.3
    y = 1.0 + X @ rng.standard_normal(5) + rng.standard_normal(100)
    return X, y


def hessian(X: FloatArray, alpha: float, fit_intercept: bool) -> FloatArray:
    """Hessian of F in (w0, w) (or in w alone): ZᵀZ/n + alpha·diag(0, 1, ..., 1)."""
    n = X.shape[0]
    Z = np.column_stack((np.ones(n), X)) if fit_intercept else X
    penalty = alpha * np.eye(Z.shape[1])
    if fit_intercept:
        penalty[0, 0] = 0.0
    matrix: FloatArray = Z.T @ Z / n + penalty
    return matrix


def loss_gradient(X: FloatArray, y: FloatArray, w: FloatArray, w0: float) -> FloatArray:
    """(∂L/∂w0, ∇_w L) of L = 1/(2n)||y − w0 − Xw||²."""
    residual = y - w0 - X @ w
    return np.concatenate(([-residual.mean()], -X.T @ residual / len(y)))


def adamw_fixed_point(X: FloatArray, y: FloatArray, alpha: float, eps: float) -> FloatArray:
    """(w0†, w†): the minimizer of L + eps·Σ_j [−|w_j| − log(1 − alpha|w_j|)/alpha], by Newton.

    Its stationarity condition ∇_w L_j = −eps·alpha·w_j/(1 − alpha|w_j|), ∂L/∂w0 = 0 is
    the full-batch fixed point of AdamW (m̂ = g, v̂ = g²). Started at least squares.
    """
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = len(y)
    w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    assert np.max(alpha * np.abs(w)) < 1.0  # inside the box where the fixed point lives
    for _ in range(20):
        barrier = 1.0 - alpha * np.abs(w)
        gradient = -Xc.T @ (yc - Xc @ w) / n + eps * alpha * w / barrier
        curvature = Xc.T @ Xc / n + np.diag(eps * alpha / barrier**2)
        w = w - np.linalg.solve(curvature, gradient)
    assert np.max(np.abs(gradient)) <= 1e-14
    return np.concatenate(([y.mean() - X.mean(axis=0) @ w], w))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gradient_descent_is_the_linear_recursion_and_reaches_ridge(
    problem: tuple[FloatArray, FloatArray], fit_intercept: bool
) -> None:
    X, y = problem
    H = hessian(X, ALPHA, fit_intercept)
    eigenvalues, eigenvectors = np.linalg.eigh(H)
    # Default step 1/(λ_max(ZᵀZ/n) + alpha) ≤ 1/λ_max(H): contraction 1 − η·λ_min(H).
    step = 1.0 / (np.linalg.eigvalsh(hessian(X, 0.0, fit_intercept))[-1] + ALPHA)
    contraction = 1.0 - step * eigenvalues[0]
    n_steps = math.ceil(math.log(1e-10) / math.log(contraction))
    assert 50 < n_steps < 2000  # the number of steps 1e-10 needs on this problem

    trace = gradient_descent_ridge(
        X, y, ALPHA, n_steps=n_steps, fit_intercept=fit_intercept, record_every=25
    )
    assert trace.learning_rate == pytest.approx(step, rel=1e-12)
    fit = ridge(X, y, ALPHA, fit_intercept=fit_intercept)
    optimum = np.concatenate(([fit.intercept], fit.coef)) if fit_intercept else fit.coef
    iterates = np.column_stack((trace.intercepts, trace.coefs)) if fit_intercept else trace.coefs
    # e_t = (I − ηH)^t e_0 with e_0 = −optimum (the start is zero).
    start_error = -optimum
    for t, iterate in zip(trace.steps, iterates, strict=True):
        predicted = eigenvectors @ (
            (1.0 - step * eigenvalues) ** t * (eigenvectors.T @ start_error)
        )
        np.testing.assert_allclose(
            iterate - optimum, predicted, atol=1e-12 * np.linalg.norm(optimum)
        )
    final_error = np.linalg.norm(iterates[-1] - optimum)
    assert final_error <= 1e-10 * np.linalg.norm(optimum) + 1e-13 * np.linalg.norm(optimum)
    assert trace.steps[-1] == n_steps
    assert trace.gradient_norms[-1] <= 1e-9 * trace.gradient_norms[0]
    if not fit_intercept:
        np.testing.assert_array_equal(trace.intercepts, 0.0)


def test_each_decay_step_is_a_gradient_step_on_f(problem: tuple[FloatArray, FloatArray]) -> None:
    X, y = problem
    eta = 0.05
    trace = gradient_descent_ridge(
        X, y, ALPHA, learning_rate=eta, n_steps=20, coef_init=np.ones(5), intercept_init=2.0
    )
    for t in range(20):
        w, w0 = trace.coefs[t], trace.intercepts[t]
        gradient = loss_gradient(X, y, w, w0)
        gradient[1:] += ALPHA * w  # ∇_w F = ∇_w L + alpha·w; the intercept is not penalized
        np.testing.assert_allclose(trace.coefs[t + 1], w - eta * gradient[1:], rtol=1e-13)
        assert trace.intercepts[t + 1] == pytest.approx(w0 - eta * gradient[0], rel=1e-13)
        expected = objective(X, y, trace.coefs[t], trace.intercepts[t], ALPHA, 0.0)
        assert trace.objectives[t] == pytest.approx(expected, rel=1e-14)
        assert trace.gradient_norms[t] == pytest.approx(np.linalg.norm(gradient), rel=1e-12)


def test_penalty_without_the_half_needs_decay_factor_one_minus_two_eta_lambda(
    problem: tuple[FloatArray, FloatArray],
) -> None:
    # λ·Σ w² has gradient 2λw: weight decay (1 − 2ηλ) is our alpha = 2λ.
    X, y = problem
    lam, eta = 0.03, 0.01
    w, w0 = np.full(5, 0.5), 1.0
    trace = gradient_descent_ridge(
        X, y, 2 * lam, learning_rate=eta, n_steps=1, coef_init=w, intercept_init=w0
    )
    gradient = loss_gradient(X, y, w, w0)
    np.testing.assert_allclose(trace.coef, (1 - 2 * eta * lam) * w - eta * gradient[1:], rtol=1e-14)


def test_adam_with_l2_reaches_ridge_and_adamw_does_not(
    problem: tuple[FloatArray, FloatArray],
) -> None:
    X, y = problem
    fit = ridge(X, y, ALPHA)
    optimum = np.concatenate(([fit.intercept], fit.coef))
    fixed_point = adamw_fixed_point(X, y, ALPHA, EPS)
    # 10 000 full-batch steps, η = 0.01 annealed to 0 by the cosine schedule.
    coupled, decoupled = (
        adam(
            X,
            y,
            ALPHA,
            weight_decay=coupling,
            learning_rate=0.01,
            n_steps=10_000,
            schedule="cosine",
            record_every=10_000,
        )
        for coupling in ("l2", "decoupled")
    )
    assert coupled.method == "adam + l2"
    assert decoupled.method == "adamw"
    coupled_end = np.concatenate(([coupled.intercept], coupled.coef))
    decoupled_end = np.concatenate(([decoupled.intercept], decoupled.coef))
    # Adam + L2 ends at the ridge solution ...
    assert np.linalg.norm(coupled_end - optimum) <= 1e-10 * np.linalg.norm(optimum)
    assert coupled.gradient_norms[-1] <= 1e-10 * coupled.gradient_norms[0]
    # ... AdamW at its own fixed point w†, which is far from ridge (∇F(w†) ≠ 0).
    separation = np.linalg.norm(fixed_point - optimum)
    assert separation >= 0.1 * np.linalg.norm(optimum)
    assert np.linalg.norm(decoupled_end - fixed_point) <= 1e-2 * separation
    assert decoupled.gradient_norms[-1] >= 0.01 * decoupled.gradient_norms[0]


def test_first_step_from_each_fixed_point(problem: tuple[FloatArray, FloatArray]) -> None:
    """Bias correction makes step 1 exact: m̂ = g, v̂ = g², so Δw = −η(g/(|g| + ε) [+ alpha·w])."""
    X, y = problem
    eta = 0.01
    fit = ridge(X, y, ALPHA)
    # Adam + L2 at w*: g = ∇F(w*) is rounding error, so the step is at most η·|g|/ε.
    coupled = adam(
        X, y, ALPHA, learning_rate=eta, n_steps=1, coef_init=fit.coef, intercept_init=fit.intercept
    )
    gradient = loss_gradient(X, y, fit.coef, fit.intercept)
    gradient[1:] += ALPHA * fit.coef
    assert np.max(np.abs(coupled.coef - fit.coef)) <= eta * np.max(np.abs(gradient)) / EPS
    assert np.max(np.abs(coupled.coef - fit.coef)) <= 1e-5 * eta
    # AdamW at w*: g = ∇L(w*) = −alpha·w*, and the step is about η(1 − alpha|w*_j|) ≫ 0.
    decoupled = adam(
        X,
        y,
        ALPHA,
        weight_decay="decoupled",
        learning_rate=eta,
        n_steps=1,
        coef_init=fit.coef,
        intercept_init=fit.intercept,
    )
    loss_grad = loss_gradient(X, y, fit.coef, fit.intercept)[1:]
    expected_step = -eta * (loss_grad / (np.abs(loss_grad) + EPS) + ALPHA * fit.coef)
    np.testing.assert_allclose(decoupled.coef - fit.coef, expected_step, rtol=1e-10)
    assert np.all(np.abs(expected_step) >= 0.5 * eta)
    # AdamW at w† stays; Adam + L2 at w† moves by about η in every coordinate.
    fixed_point = adamw_fixed_point(X, y, ALPHA, EPS)
    start = {"coef_init": fixed_point[1:], "intercept_init": fixed_point[0]}
    stays = adam(X, y, ALPHA, weight_decay="decoupled", learning_rate=eta, n_steps=1, **start)
    moves = adam(X, y, ALPHA, weight_decay="l2", learning_rate=eta, n_steps=1, **start)
    assert np.max(np.abs(stays.coef - fixed_point[1:])) <= 1e-6 * eta
    assert abs(stays.intercept - fixed_point[0]) <= 1e-6 * eta
    assert np.min(np.abs(moves.coef - fixed_point[1:])) >= 0.5 * eta


def test_adam_without_intercept_and_recording(problem: tuple[FloatArray, FloatArray]) -> None:
    X, y = problem
    trace = adam(X, y, ALPHA, fit_intercept=False, n_steps=7, record_every=3)
    np.testing.assert_array_equal(trace.steps, [0, 3, 6, 7])
    np.testing.assert_array_equal(trace.intercepts, 0.0)
    assert trace.coefs.shape == (4, 5)
    with pytest.raises(ValueError, match="read-only"):
        trace.coefs[0, 0] = 1.0


def test_bad_arguments(problem: tuple[FloatArray, FloatArray]) -> None:
    X, y = problem
    with pytest.raises(InputValueError, match="weight_decay must be one of 'l2', 'decoupled'"):
        adam(X, y, ALPHA, weight_decay="adamw")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="schedule must be one of"):
        adam(X, y, ALPHA, schedule="linear")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match=r"betas\[1\] must lie in \[0, 1\); got 1\.0"):
        adam(X, y, ALPHA, betas=(0.9, 1.0))
    with pytest.raises(InputTypeError, match="betas must be a pair"):
        adam(X, y, ALPHA, betas=(0.9,))  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match=r"eps must be a finite number > 0; got 0\.0"):
        adam(X, y, ALPHA, eps=0.0)
    with pytest.raises(InputValueError, match="learning_rate must be a finite number > 0"):
        gradient_descent_ridge(X, y, ALPHA, learning_rate=-1.0)
    with pytest.raises(InputTypeError, match="n_steps must be an integer"):
        gradient_descent_ridge(X, y, ALPHA, n_steps=10.0)  # type: ignore[arg-type]
    with pytest.raises(
        DataError, match=r"coef_init must have one entry per column of X \(5\); got shape \(3,\)"
    ):
        gradient_descent_ridge(X, y, ALPHA, coef_init=np.zeros(3))
    with pytest.raises(
        InputValueError, match=r"intercept_init must be 0\.0 when fit_intercept=False"
    ):
        adam(X, y, ALPHA, fit_intercept=False, intercept_init=1.0)
    with pytest.raises(InputValueError, match="alpha must be a finite number ≥ 0"):
        adam(X, y, -ALPHA)
