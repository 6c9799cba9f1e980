"""Proximal Newton with working sets for the L1 / elastic-net logistic objective.

    F(w, w0) = f(w, w0) + l1 ||w||₁,   f = L + l2/2 ||w||²,   l1 = alpha r, l2 = alpha (1 − r)

Each outer step (glmnet's scheme, analysed by Lee, Sun & Saunders 2014):

1. the working set W holds the support of w and the zero coordinates whose KKT
   violation max(|∇_j L| − l1, 0) is largest (up to max(10, |support|) of them,
   so the set at most doubles from one step to the next);
2. f is replaced by its second-order model in (w0, w_W) and the L1-penalized
   quadratic is minimized exactly (:func:`minimize_enet_quadratic`);
3. a backtracking line search on F along u − (w0, w_W) sets the step.

The inner tolerance shrinks with the outer KKT residual ρ (forcing term
min(0.1, ρ/ρ₀)), which keeps the local convergence quadratic; coordinates outside
W stay exactly zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bayesreg.core._bernoulli_objective import LineSearchError, PenalizedBernoulli, SolverOutcome
from bayesreg.core._enet_quadratic import minimize_enet_quadratic

__all__ = ["prox_newton"]

FloatArray = NDArray[np.float64]

#: Fewest violating coordinates added to the working set in one step.
MIN_ADDED = 10
#: Coordinate-descent sweeps allowed for one quadratic subproblem.
MAX_SWEEPS = 100


def prox_newton(
    problem: PenalizedBernoulli,
    coef: FloatArray,
    intercept: float,
    *,
    threshold: float,
    gradient_scale: float,
    max_iter: int,
) -> SolverOutcome:
    """Minimize F by proximal Newton steps from ``(coef, intercept)``.

    Stops when the KKT residual is at most ``threshold`` (``gradient_scale`` is the
    residual's natural size, used for the inner forcing term), after ``max_iter``
    outer steps, or when the line search finds no decrease beyond rounding.
    """
    X = problem.X
    n_free = 1 if problem.fit_intercept else 0
    eta = problem.linear_predictor(coef, intercept)
    value = problem.value(eta, coef)
    n_iter = 0
    while True:
        grad_loss, grad_intercept, weights = problem.derivatives(eta)
        violations = problem.violations(coef, grad_loss)
        kkt = max(float(np.max(violations)), abs(grad_intercept))
        if kkt <= threshold or n_iter == max_iter:
            return SolverOutcome(coef, intercept, kkt, n_iter, stalled=False)
        working = _working_set(coef, violations, threshold)
        # Second-order model of f in u = (w0, w_W): ∇f = (∂L/∂w0, ∇_W L + l2 w_W).
        start = np.concatenate(([intercept], coef[working]))[1 - n_free :]
        gradient = np.concatenate(
            ([grad_intercept], grad_loss[working] + problem.l2 * coef[working])
        )
        gradient = gradient[1 - n_free :]
        hessian = problem.hessian(weights, working)
        solution = minimize_enet_quadratic(
            hessian,
            hessian @ start - gradient,
            start,
            l1=problem.l1,
            n_free=n_free,
            tol=max(kkt * min(0.1, kkt / gradient_scale), 0.1 * threshold),
            max_sweeps=MAX_SWEEPS,
        )
        direction = solution - start
        if not np.any(direction):
            return SolverOutcome(coef, intercept, kkt, n_iter, stalled=True)
        step_coef = np.zeros_like(coef)
        step_coef[working] = direction[n_free:]
        step_intercept = float(direction[0]) if n_free else 0.0
        # Δ = ∇fᵀd + l1 (||w_W + d||₁ − ||w_W||₁) ≤ −dᵀ∇²f d < 0 (Lee, Sun & Saunders, Lemma 2.3).
        decrease = float(gradient @ direction) + problem.l1 * float(
            np.abs(solution[n_free:]).sum() - np.abs(start[n_free:]).sum()
        )
        delta_eta = X[:, working] @ direction[n_free:] + step_intercept
        try:
            step, _ = problem.line_search(eta, coef, value, delta_eta, step_coef, decrease)
        except LineSearchError:
            return SolverOutcome(coef, intercept, kkt, n_iter, stalled=True)
        coef = coef + step * step_coef
        intercept = intercept + step * step_intercept
        # η is recomputed from (w, w0), never accumulated, so it carries no drift.
        eta = problem.linear_predictor(coef, intercept)
        value = problem.value(eta, coef)
        n_iter += 1


def _working_set(coef: FloatArray, violations: FloatArray, threshold: float) -> NDArray[np.intp]:
    """Support of ``coef`` plus the zero coordinates that violate the KKT conditions most.

    At most max(MIN_ADDED, |support|) violators (violation > ``threshold``) are added.
    """
    support = np.flatnonzero(coef)
    candidates = np.flatnonzero((coef == 0.0) & (violations > threshold))
    n_added = max(MIN_ADDED, support.size)
    if candidates.size > n_added:
        worst = np.argpartition(-violations[candidates], n_added - 1)[:n_added]
        candidates = candidates[worst]
    return np.sort(np.concatenate((support, candidates)))
