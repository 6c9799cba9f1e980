"""The constraint-region geometry of the lasso and ridge in two dimensions, solved exactly.

For two features, with the intercept profiled out (``Xc = X − x̄``, ``yc = y − ȳ``),
the least-squares loss is the quadratic

    L(w) = 1/(2n) ||yc − Xc w||² = ½ wᵀ G w − cᵀ w + ||yc||²/(2n),
    G = Xcᵀ Xc / n,  c = Xcᵀ yc / n,

whose level sets are ellipses centered at the least-squares point ŵ = G⁻¹ c. The
constrained problems

    min L(w)  subject to ||w||₁ ≤ t        (the diamond)
    min L(w)  subject to ||w||₂ ≤ t        (the disc)

are the penalized ones in another parametrization: their solutions are the lasso
solution at alpha = λ(t) and the ridge solution at alpha = μ(t), with λ, μ the
Lagrange multipliers of the constraints. Both are computed exactly here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg, optimize

from bayesreg.core.data import least_squares_data
from bayesreg.core.penalties import soft_threshold
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_design,
    as_target,
    check_finite_nonneg,
    check_positive,
)

__all__ = ["ConstraintGeometry", "constraint_geometry"]


def _quadratic_loss(gram: FloatArray, moment: FloatArray, w: FloatArray) -> float:
    """``½ wᵀ G w − cᵀ w`` (the loss up to its constant)."""
    return float(0.5 * w @ gram @ w - moment @ w)


@dataclass(frozen=True)
class ConstraintGeometry:
    """Exact solutions of the two constrained least-squares problems in two dimensions.

    Attributes
    ----------
    gram : ndarray of shape (2, 2)
        ``G = Xcᵀ Xc / n``.
    moment : ndarray of shape (2,)
        ``c = Xcᵀ yc / n``.
    loss_at_zero : float
        ``L(0) = ||yc||²/(2n)``.
    least_squares : ndarray of shape (2,)
        ``ŵ = G⁻¹ c``, the center of the loss's elliptical contours.
    budget : float
        The radius t of both regions, ``||w||₁ ≤ t`` and ``||w||₂ ≤ t``.
    l1_solution : ndarray of shape (2,)
        The minimizer of L on the diamond ``||w||₁ ≤ t``.
    l1_alpha : float
        Its Lagrange multiplier ``λ = ||∇L(w)||_∞``: ``l1_solution`` is the lasso
        solution (``l1_ratio = 1``) at ``alpha = λ`` (0 when ŵ lies inside the diamond).
    l2_solution : ndarray of shape (2,)
        The minimizer of L on the disc ``||w||₂ ≤ t``.
    l2_alpha : float
        Its Lagrange multiplier μ: ``l2_solution`` solves ``(G + μ I) w = c``, the ridge
        solution (``l1_ratio = 0``) at ``alpha = μ`` (0 when ŵ lies inside the disc).

    Examples
    --------
    Each constrained solution is a penalized one, at the Lagrange multiplier:

    >>> import numpy as np
    >>> from bayesreg import lasso, ridge
    >>> from bayesreg.core import constraint_geometry
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> y = X @ np.array([2.0, 0.4]) + 0.5 * rng.standard_normal(200)
    >>> geometry = constraint_geometry(X, y, budget=1.0)
    >>> geometry.budget, round(float(np.abs(geometry.l1_solution).sum()), 6)
    (1.0, 1.0)
    >>> bool(np.allclose(lasso(X, y, geometry.l1_alpha).coef, geometry.l1_solution))
    True
    >>> bool(np.allclose(ridge(X, y, geometry.l2_alpha).coef, geometry.l2_solution))
    True
    """

    gram: FloatArray
    moment: FloatArray
    loss_at_zero: float
    least_squares: FloatArray
    budget: float
    l1_solution: FloatArray
    l1_alpha: float
    l2_solution: FloatArray
    l2_alpha: float

    def loss(self, w: Any) -> FloatArray:
        """``L(w) = ½ wᵀ G w − cᵀ w + L(0)`` for points ``w`` of shape (..., 2)."""
        points = np.asarray(w, dtype=np.float64)
        quadratic = 0.5 * np.einsum("...i,ij,...j->...", points, self.gram, points)
        result: FloatArray = quadratic - points @ self.moment + self.loss_at_zero
        return result


def _l2_constrained(
    gram: FloatArray, moment: FloatArray, budget: float, least_squares: FloatArray
) -> tuple[FloatArray, float]:
    """Minimizer of L on ||w||₂ ≤ t and its multiplier μ.

    KKT: ∇L(w) + μ w = 0, i.e. w(μ) = (G + μI)⁻¹ c, with μ > 0 exactly when the
    constraint binds (||ŵ||₂ > t). With G = V diag(d) Vᵀ and b = Vᵀc,
    ||w(μ)||₂² = Σ_k b_k² / (d_k + μ)², strictly decreasing in μ, so the root of
    ||w(μ)||₂ = t is unique; brentq brackets it in [0, ||c||₂ / t], where
    ||w(μ)||₂ ≤ ||c||₂ / (d_min + μ) < t.
    """
    if float(np.linalg.norm(least_squares)) <= budget:
        return least_squares.copy(), 0.0
    eigenvalues, eigenvectors = linalg.eigh(gram)
    rotated = eigenvectors.T @ moment

    def excess_norm(mu: float) -> float:
        return float(np.linalg.norm(rotated / (eigenvalues + mu))) - budget

    upper = float(np.linalg.norm(moment)) / budget
    mu = float(optimize.brentq(excess_norm, 0.0, upper, xtol=1e-15 * upper, rtol=1e-15))
    return eigenvectors @ (rotated / (eigenvalues + mu)), mu


def _l1_constrained(
    gram: FloatArray, moment: FloatArray, budget: float, least_squares: FloatArray
) -> FloatArray:
    """Minimizer of L on the diamond ||w||₁ ≤ t, by enumerating its four edges.

    If ||ŵ||₁ ≤ t the constraint is inactive. Otherwise the minimizer lies on the
    boundary, which is four segments w(u) = p + u q, u ∈ [0, t], with
    p = (0, s₂ t), q = (s₁, −s₂) for the signs (s₁, s₂). On a segment
    L(p + u q) = const + u qᵀ(G p − c) + ½ u² qᵀ G q, a 1-D convex quadratic whose
    minimizer is u* = clip(qᵀ(c − G p) / qᵀ G q, 0, t); u* ∈ {0, t} is a vertex.
    The best of the four segment minimizers is the constrained minimizer.
    """
    if float(np.abs(least_squares).sum()) <= budget:
        return least_squares.copy()
    candidates = []
    for first_sign, second_sign in itertools.product((-1.0, 1.0), repeat=2):
        start = np.array([0.0, second_sign * budget])
        direction = np.array([first_sign, -second_sign])
        curvature = float(direction @ gram @ direction)
        step = float(direction @ (moment - gram @ start)) / curvature
        candidates.append(start + min(max(step, 0.0), budget) * direction)
    best = min(candidates, key=lambda w: _quadratic_loss(gram, moment, w))
    # + 0.0 turns a signed zero -0.0 into 0.0
    return best + 0.0


def _lasso_two_features(gram: FloatArray, moment: FloatArray, alpha: float) -> FloatArray:
    """Exact minimizer of L(w) + alpha ||w||₁ in two dimensions, by enumerating supports.

    On a support S with signs s the stationarity condition G_SS w_S = c_S − alpha s_S
    gives one candidate per (support, signs): w = 0; w = (S(c₁, alpha)/G₁₁, 0);
    w = (0, S(c₂, alpha)/G₂₂); w = G⁻¹(c − alpha s) for s ∈ {±1}². The minimizer is
    one of them, so the candidate with the smallest objective is the minimizer.
    """
    candidates = [
        np.zeros(2),
        np.array([float(soft_threshold(moment[0], alpha)) / gram[0, 0], 0.0]),
        np.array([0.0, float(soft_threshold(moment[1], alpha)) / gram[1, 1]]),
    ]
    for signs in itertools.product((-1.0, 1.0), repeat=2):
        candidates.append(linalg.solve(gram, moment - alpha * np.array(signs), assume_a="pos"))

    def penalized(w: FloatArray) -> float:
        return _quadratic_loss(gram, moment, w) + alpha * float(np.abs(w).sum())

    return min(candidates, key=penalized)


def constraint_geometry(
    X: Any, y: Any, *, alpha: float | None = None, budget: float | None = None
) -> ConstraintGeometry:
    """Solve least squares on the L1 diamond and on the L2 disc of one radius, exactly.

    For two features and the loss ``L(w) = 1/(2n) ||yc − Xc w||²`` (intercept profiled
    out), computes::

        w_L1 = argmin L(w)  s.t. ||w||₁ ≤ t        (a vertex when one coordinate is 0)
        w_L2 = argmin L(w)  s.t. ||w||₂ ≤ t

    ``w_L2`` is the ridge solution ``(G + μI)⁻¹ c`` with μ found by a 1-D root find
    (scipy.optimize.brentq) on ``||w(μ)||₂ = t``; ``w_L1`` is the best of the exact
    minimizers of L on the four edges of the diamond (each a 1-D quadratic).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of shape (n_samples,)
    alpha : float, optional
        A lasso penalty ``0 ≤ alpha < alpha_max = ||Xcᵀ yc||_∞ / n``: the budget is then
        ``t = ||w_lasso(alpha)||₁``, so the diamond's solution is the lasso solution at
        this alpha. Give ``alpha`` or ``budget``, not both.
    budget : float, optional
        The radius t > 0 of both regions. Default (with ``alpha`` also None): half the
        Euclidean norm of the least-squares point, so both constraints bind.

    Returns
    -------
    ConstraintGeometry

    Raises
    ------
    DataError
        If X does not have exactly two columns, or its centered columns are collinear
        (the least-squares point is then not unique).
    InputValueError
        If both ``alpha`` and ``budget`` are given, ``budget ≤ 0``, or
        ``alpha ≥ alpha_max``.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.geometry import constraint_geometry
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> y = X @ np.array([2.0, 0.4]) + 0.5 * rng.standard_normal(200)
    >>> geometry = constraint_geometry(X, y, budget=1.0)
    >>> bool(geometry.l1_solution[1] == 0.0), bool(np.all(geometry.l2_solution != 0.0))
    (True, True)
    """
    design = as_design(X)
    target = as_target(y, design.shape[0])
    if design.shape[1] != 2:
        raise DataError(
            f"X must have exactly 2 columns for the two-dimensional picture; got shape "
            f"{design.shape}. Select two features, e.g. X[:, [0, 1]]."
        )
    if alpha is not None and budget is not None:
        raise InputValueError(
            f"give alpha or budget, not both; got alpha={alpha!r} and budget={budget!r}."
        )
    n_samples = design.shape[0]
    data = least_squares_data(design, target, fit_intercept=True)
    gram = data.gram() / n_samples
    moment = data.xty / n_samples
    eigenvalues = linalg.eigvalsh(gram)
    if eigenvalues[0] <= 1e-12 * max(float(eigenvalues[1]), np.finfo(float).tiny):
        raise DataError(
            "the two centered columns of X are collinear (or constant), so the "
            "least-squares point is not unique; pass two linearly independent features."
        )
    least_squares = linalg.solve(gram, moment, assume_a="pos")

    if alpha is not None:
        penalty = check_finite_nonneg(alpha, "alpha")
        alpha_max = float(np.abs(moment).max())
        if penalty >= alpha_max:
            raise InputValueError(
                f"alpha must be below alpha_max = {alpha_max:.6g} (at and above it the "
                f"lasso solution is 0 and the diamond shrinks to a point); got {penalty!r}."
            )
        radius = float(np.abs(_lasso_two_features(gram, moment, penalty)).sum())
    elif budget is not None:
        radius = check_positive(budget, "budget")
    else:
        radius = 0.5 * float(np.linalg.norm(least_squares))

    l1_solution = _l1_constrained(gram, moment, radius, least_squares)
    # KKT on the diamond: −∇L(w) = λ g with g ∈ ∂||w||₁, so λ = ||∇L(w)||_∞ (0 inside).
    l1_alpha = (
        float(np.abs(gram @ l1_solution - moment).max())
        if float(np.abs(least_squares).sum()) > radius
        else 0.0
    )
    l2_solution, l2_alpha = _l2_constrained(gram, moment, radius, least_squares)
    return ConstraintGeometry(
        gram=gram,
        moment=moment,
        loss_at_zero=data.yty / (2.0 * n_samples),
        least_squares=least_squares,
        budget=radius,
        l1_solution=l1_solution,
        l1_alpha=l1_alpha,
        l2_solution=l2_solution,
        l2_alpha=l2_alpha,
    )
