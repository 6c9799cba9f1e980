"""Newton's method for the smooth logistic objective (ridge penalty or none).

    F(w, w0) = L(w, w0) + l2/2 · ||w||²,   ∇²F = Zᵀ W Z + l2 · diag(0, I),
    Z = [1, X],  W = diag(μ(1 − μ)/n),

with l2 = alpha when l1_ratio = 0 and l2 = 0 for the unpenalized maximum
likelihood estimate (alpha = 0). Each step solves ∇²F · d = −∇F exactly and is
damped by an Armijo line search on F, so the iterates converge globally and,
near the minimizer, quadratically: a handful of steps reach machine precision.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core._bernoulli_objective import LineSearchError, PenalizedBernoulli, SolverOutcome

__all__ = ["newton_ridge"]

FloatArray = NDArray[np.float64]


def newton_ridge(
    problem: PenalizedBernoulli,
    coef: FloatArray,
    intercept: float,
    *,
    threshold: float,
    max_iter: int,
) -> SolverOutcome:
    """Minimize the smooth objective by damped Newton steps from ``(coef, intercept)``.

    The Newton system is solved in the primal, by Cholesky of the (p+1)×(p+1)
    Hessian, when p ≤ n, and through the n×n kernel form (Woodbury identity, see
    :func:`_kernel_direction`) when p > n and l2 > 0. Stops when the KKT residual
    ``max(||∇_w F||_∞, |∂F/∂w0|)`` is at most ``threshold``.
    """
    X = problem.X
    n_samples, n_features = X.shape
    kernel = X @ X.T if n_features > n_samples and problem.l2 > 0.0 else None
    eta = problem.linear_predictor(coef, intercept)
    value = problem.value(eta, coef)
    n_iter = 0
    while True:
        grad_loss, grad_intercept, weights = problem.derivatives(eta)
        kkt = problem.kkt_residual(coef, grad_loss, grad_intercept)
        if kkt <= threshold or n_iter == max_iter:
            return SolverOutcome(coef, intercept, kkt, n_iter, stalled=False)
        grad_coef = grad_loss + problem.l2 * coef
        if kernel is None:
            step_coef, step_intercept = _primal_direction(
                problem, weights, grad_coef, grad_intercept
            )
        else:
            step_coef, step_intercept = _kernel_direction(
                problem, kernel, weights, grad_coef, grad_intercept
            )
        # Δ = ∇Fᵀd = −dᵀ ∇²F d < 0 for a Newton direction.
        decrease = float(grad_coef @ step_coef) + grad_intercept * step_intercept
        try:
            step, _ = problem.line_search(
                eta, coef, value, X @ step_coef + step_intercept, step_coef, decrease
            )
        except LineSearchError:
            return SolverOutcome(coef, intercept, kkt, n_iter, stalled=True)
        coef = coef + step * step_coef
        intercept = intercept + step * step_intercept
        # η is recomputed from (w, w0), never accumulated, so it carries no drift.
        eta = problem.linear_predictor(coef, intercept)
        value = problem.value(eta, coef)
        n_iter += 1


def _primal_direction(
    problem: PenalizedBernoulli,
    weights: FloatArray,
    grad_coef: FloatArray,
    grad_intercept: float,
) -> tuple[FloatArray, float]:
    """Solve the bordered Newton system by Cholesky::

        [ 1ᵀW1    1ᵀWX        ] [d0]     [∂F/∂w0]
        [ XᵀW1    XᵀWX + l2 I ] [d ]  = −[∇_w F ]

    (first row and column only with an intercept).
    """
    hessian = problem.hessian(weights)
    if not problem.fit_intercept:
        return _solve_positive_definite(hessian, -grad_coef), 0.0
    gradient = np.concatenate(([grad_intercept], grad_coef))
    direction = _solve_positive_definite(hessian, -gradient)
    return direction[1:], float(direction[0])


def _kernel_direction(
    problem: PenalizedBernoulli,
    kernel: FloatArray,
    weights: FloatArray,
    grad_coef: FloatArray,
    grad_intercept: float,
) -> tuple[FloatArray, float]:
    """Newton direction through n×n systems, for p > n and l2 > 0.

    With S = diag(√W), B = S X and K = X Xᵀ, the Woodbury identity gives

        M⁻¹ v = (v − Bᵀ G⁻¹ B v / l2) / l2,   M = XᵀWX + l2 I,   G = I + S K S / l2,

    and G has every eigenvalue ≥ 1. With an intercept the bordered system is
    solved through its Schur complement; by the push-through identity

        σ = 1ᵀW1 − bᵀM⁻¹b = sᵀ G⁻¹ s,    M⁻¹ b = Bᵀ G⁻¹ s / l2,    b = XᵀW1,  s = √W 1,

    so σ > 0 is computed without cancellation, and
    d0 = (bᵀ M⁻¹ ∇_w F − ∂F/∂w0) / σ,  d = −M⁻¹ (∇_w F + b d0).
    """
    X = problem.X
    l2 = problem.l2
    root = np.sqrt(weights)
    factor = scipy.linalg.cho_factor(np.eye(len(root)) + np.outer(root, root) * kernel / l2)

    def apply_inverse(vector: FloatArray) -> FloatArray:
        projected = root * scipy.linalg.cho_solve(factor, root * (X @ vector))
        result: FloatArray = (vector - X.T @ projected / l2) / l2
        return result

    inverse_grad = apply_inverse(grad_coef)
    if not problem.fit_intercept:
        return -inverse_grad, 0.0
    weighted_root = root * scipy.linalg.cho_solve(factor, root)
    schur = float(weighted_root.sum())
    inverse_border = X.T @ weighted_root / l2
    border = X.T @ weights
    step_intercept = (float(border @ inverse_grad) - grad_intercept) / schur
    return -(inverse_grad + step_intercept * inverse_border), step_intercept


def _solve_positive_definite(matrix: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve ``matrix · x = rhs`` by Cholesky; least squares if ``matrix`` is singular.

    The Hessian is positive definite except when every weight μ(1 − μ) of a
    direction has underflowed to zero (|η| ≳ 745); the least-squares solution
    then still gives a descent direction.
    """
    try:
        factor = scipy.linalg.cho_factor(matrix)
    except np.linalg.LinAlgError:
        solution: FloatArray = scipy.linalg.lstsq(matrix, rhs)[0]
        return solution
    solved: FloatArray = scipy.linalg.cho_solve(factor, rhs)
    return solved
