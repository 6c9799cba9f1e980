"""One proximal Newton engine for a smooth function plus weighted L1 terms, certified.

The problem is

    minimize_θ  f(θ) = s(θ) + Σ_j λ_j(θ) |θ_j − m_j|,      λ_j ≥ 0,

with s smooth, the weights λ_j smooth in θ (constant for a penalty; ``1/b`` of a
hierarchical Laplace scale b in a PyMC model) and the kink locations m_j fixed. A
coordinate with λ_j = 0 is smooth (an intercept, a noise scale). The problem is an
oracle (:class:`NewtonProblem`): at θ it gives f(θ), the gradient ĝ of f with the |·|
factors held fixed (∇s plus Σ_j ∇λ_j |θ_j − m_j|), the weights and the locations
(a :class:`Point`); on a set of coordinates, the Hessian of the smooth model
(a :class:`Curvature`: its dense block, and a linear solve); and f along a line.

Each step (Lee, Sun & Saunders 2014; glmnet's working sets, Friedman, Hastie &
Tibshirani 2010):

1. the working set W holds the smooth coordinates, those off their kink, and the kinked
   ones whose KKT violation ``max(|ĝ_j| − λ_j, 0)`` is largest (up to
   max(10, |support|) of them, so the set at most doubles per step) — or every
   coordinate, for a problem whose Hessian comes whole;
2. with the weights frozen at θ, the second-order model of f on W,

       ĝ_Wᵀ(u − θ_W) + ½ (u − θ_W)ᵀ H (u − θ_W) + Σ_{j∈W} λ_j |u_j − m_j|,

   is minimized exactly: by the active-set method of :mod:`bayesreg.core._active_set`
   (:mod:`bayesreg.core.newton_subproblem`; Jacobi-scaled, finitely many steps, exact
   zeros), or, with no kink in W, by the curvature's own linear solve (Cholesky, or the
   n×n Woodbury form of a wide design).
   When s is not known to be convex, H is first damped to H + μD² (Marquardt's scaling,
   D² = |diag H|) with the smallest μ ≥ 0 that makes D⁻¹(H + μD²)D⁻¹ positive definite
   with a margin, so every step is unit-free;
3. a backtracking (Armijo) line search on f along the step sets its length; the unit
   step lands exactly on the subproblem's minimizer, so its zeros are exact zeros.
   Once the zero pattern is right the steps are Newton steps on the support:
   convergence is quadratic.

The certificate is the KKT residual ``max_j dist(−ĝ_j, λ_j ∂|θ_j − m_j|)``, 0 exactly at
a stationary point of f (its minimizer when f is convex).

**Lower bounds.** A point may mark coordinates B as bounded below at their location
(``Point.positive``; the MAP under a prior supported on ``θ_j ≥ m_j``, such as the
Exponential or HalfNormal prior)::

    minimize_θ  f(θ) + Σ_{j∈B} ι_{[m_j, ∞)}(θ_j).

On ``θ_j ≥ m_j`` the kink ``λ_j|θ_j − m_j|`` is linear, and a bounded coordinate with
λ_j = 0 (HalfNormal) is smooth above its bound. Each bounded coordinate is anchored at
its bound as a kink is: the subproblem is solved in ``v_j = u_j − m_j ≥ 0`` (the
active-set method's sign constraints: such a coordinate enters only with sign +1, and only
if ``−ĝ_j > λ_j``), the line search moves along the segment from θ to the subproblem's
minimizer, which stays in the box, and the KKT residual at the bound is one-sided,
``max(−ĝ_j − λ_j, 0)`` (the normal cone of ``[m_j, ∞)`` at m_j is ``(−∞, 0]``), and
``|ĝ_j + λ_j|`` above it. A point without bounds (``positive`` None) takes exactly the
unconstrained path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core.newton_subproblem import solve_dense
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.types import EPS, FloatArray, IndexArray

__all__ = [
    "Curvature",
    "DenseCurvature",
    "NewtonProblem",
    "NewtonResult",
    "Point",
    "kkt_violations",
    "minimize",
]


#: Sufficient-decrease constant of the Armijo rule f(θ + t d) ≤ f(θ) + c t Δ.
ARMIJO = 1e-4
#: Step halvings tried before the line search gives up (t ≥ 2^-40).
MAX_HALVINGS = 40
#: f is evaluated with a relative rounding error of a few ulps; a trial point whose value
#: lies within this many ulps of f(θ) counts as no increase.
ROUNDING_ULPS = 16.0
#: Fewest violating coordinates added to the working set in one step.
MIN_ADDED = 10
#: Margin λ_min(D⁻¹(H + μD²)D⁻¹) ≥ margin of the damping, raised when a step was cut short.
MIN_MARGIN = 1e-10
MAX_MARGIN = 1.0


@dataclass(frozen=True)
class Point:
    """What the oracle knows at θ.

    ``gradient`` is ĝ, the gradient of f with the |·| factors held fixed; ``weights``
    are λ(θ) (0 for a smooth coordinate) and ``locations`` the kinks m (read only where
    λ_j > 0 or the coordinate is bounded). ``state`` is the oracle's own data at θ (e.g.
    the linear predictor). ``positive`` (None: no bound) marks the coordinates
    constrained to ``θ_j ≥ m_j`` (module docstring, "Lower bounds"); θ satisfies them.
    """

    theta: FloatArray
    value: float
    gradient: FloatArray
    weights: FloatArray
    locations: FloatArray
    state: Any = None
    positive: NDArray[np.bool_] | None = None

    @cached_property
    def kinked(self) -> NDArray[np.bool_]:
        """The coordinates anchored at their location m_j: an L1 term (λ_j > 0) or a bound."""
        kinked: NDArray[np.bool_] = self.weights > 0.0
        if self.positive is not None:
            kinked = kinked | self.positive
        return kinked

    @cached_property
    def offsets(self) -> FloatArray:
        """``θ_j − m_j`` on the anchored coordinates, 0 on the smooth ones."""
        offsets: FloatArray = np.where(self.kinked, self.theta - self.locations, 0.0)
        return offsets


class Curvature(Protocol):
    """The Hessian of the smooth model on a working set W."""

    def matrix(self) -> FloatArray:
        """The dense block ``H[W, W]``."""
        ...

    def solve(self, rhs: FloatArray) -> FloatArray:
        """``H[W, W]⁻¹ rhs`` (a least-squares solution where H is singular)."""
        ...


class NewtonProblem(Protocol):
    """The oracle the engine minimizes (module docstring)."""

    @property
    def convex(self) -> bool:
        """Whether s is known to be convex (then H is used undamped)."""
        ...

    @property
    def working_sets(self) -> bool:
        """Whether each step is restricted to a working set (else all coordinates)."""
        ...

    def evaluate(self, theta: FloatArray) -> Point:
        """f, ĝ, λ and m at θ."""
        ...

    def curvature(self, point: Point, columns: IndexArray) -> Curvature:
        """The Hessian of the smooth model at ``point`` on the coordinates ``columns``."""
        ...

    def line(
        self, point: Point, columns: IndexArray, direction: FloatArray
    ) -> Callable[[float, FloatArray], float]:
        """``(t, θ_t) ↦ f(θ_t)`` for ``θ_t = θ + t·d``, d = ``direction`` on ``columns``.

        ``θ_t`` is passed as the engine forms it (at t = 1 the subproblem's minimizer
        itself); an oracle may instead update what it holds at θ by ``t``.
        """
        ...


@dataclass(frozen=True)
class DenseCurvature:
    """A Hessian block held as a dense matrix; solves are Jacobi-scaled Cholesky."""

    hessian: FloatArray

    def matrix(self) -> FloatArray:
        return self.hessian

    def solve(self, rhs: FloatArray) -> FloatArray:
        """Cholesky of ``DHD`` (``D = diag(H)^(−1/2)``); least squares if H is singular.

        The Hessian is positive definite except when a direction's curvature has
        underflowed (e.g. every logistic weight μ(1 − μ) of it at |η| ≳ 745); the
        least-squares solution then still gives a descent direction.
        """
        diagonal = np.diag(self.hessian)
        if np.all(diagonal > 0.0):
            scale = 1.0 / np.sqrt(diagonal)
            factor, info = scipy.linalg.lapack.dpotrf(self.hessian * np.outer(scale, scale))
            if info == 0:
                solved: FloatArray = scale * scipy.linalg.lapack.dpotrs(factor, scale * rhs)[0]
                return solved
        solution: FloatArray = scipy.linalg.lstsq(self.hessian, rhs)[0]
        return solution


@dataclass(frozen=True)
class NewtonResult:
    """The last point, its KKT residual and the steps taken.

    ``stalled`` is True when no descent step was found (the line search failed) before
    the residual reached the threshold.
    """

    point: Point
    kkt: float
    n_iter: int
    stalled: bool


def kkt_violations(point: Point) -> FloatArray:
    """Per coordinate, the distance of ``−ĝ_j`` to ``λ_j ∂|θ_j − m_j|`` (|ĝ_j| if smooth).

    On a coordinate bounded at m_j (``point.positive``) the subdifferential is that of
    ``λ_j (θ_j − m_j) + ι(θ_j ≥ m_j)``: ``{λ_j}`` above the bound, ``(−∞, λ_j]`` at it,
    so the distance is ``|ĝ_j + λ_j|`` above and ``max(−ĝ_j − λ_j, 0)`` at the bound.
    """
    distance = subdiff_distance(point.offsets, point.gradient, point.weights, 1.0)
    if point.positive is None:
        return distance
    bounded: FloatArray = np.where(
        point.offsets > 0.0,
        np.abs(point.gradient + point.weights),
        np.maximum(-point.gradient - point.weights, 0.0),
    )
    violations: FloatArray = np.where(point.positive, bounded, distance)
    return violations


def minimize(
    problem: NewtonProblem,
    theta: FloatArray,
    *,
    threshold: float,
    max_iter: int,
    polish: bool = False,
) -> NewtonResult:
    """Minimize f by proximal Newton steps from ``theta`` (module docstring).

    Stops when the KKT residual is at most ``threshold`` — after one more step, kept only
    if it lowers the residual, when ``polish`` is set (near the solution that step takes
    the estimate to machine precision) — after ``max_iter`` steps, when the residual is
    no longer finite, or when no step decreases f beyond rounding.
    """
    point = problem.evaluate(theta)
    violations = kkt_violations(point)
    kkt = float(np.max(violations, initial=0.0))
    margin = MIN_MARGIN
    n_iter = 0
    stalled = False
    while n_iter < max_iter and np.isfinite(kkt):
        polishing = kkt <= threshold
        if polishing and not polish:
            break
        step = _step(problem, point, violations, threshold, margin)
        if step is None:
            stalled = not polishing
            break
        next_point, full_step = step
        next_violations = kkt_violations(next_point)
        next_kkt = float(np.max(next_violations, initial=0.0))
        if polishing and not next_kkt < kkt:
            break
        point, violations, kkt = next_point, next_violations, next_kkt
        n_iter += 1
        if polishing:
            break
        if not problem.convex:
            margin = max(margin / 100.0, MIN_MARGIN) if full_step else min(100 * margin, MAX_MARGIN)
    return NewtonResult(point, kkt, n_iter, stalled)


def _step(
    problem: NewtonProblem,
    point: Point,
    violations: FloatArray,
    threshold: float,
    margin: float,
) -> tuple[Point, bool] | None:
    """One damped proximal Newton step: the new point and whether the unit step was taken;
    None when no descent step exists."""
    kinked = point.kinked
    columns = (
        _working_set(kinked, point.offsets, violations, threshold)
        if problem.working_sets and kinked.any()
        else np.arange(point.theta.size)
    )
    curvature = problem.curvature(point, columns)
    if not problem.convex:
        curvature = DenseCurvature(_marquardt(curvature.matrix(), margin))
    # The subproblem in v = u − c (c = m on the kinks, θ elsewhere): its L1 terms are
    # Σ λ_j |v_j| (λ_j = 0 off the kinks) and it starts at v₀ = θ − c.
    gradient = point.gradient[columns]
    weights = point.weights[columns]
    start = point.offsets[columns]
    bounded = None if point.positive is None else point.positive[columns]
    if np.any(weights > 0.0) or (bounded is not None and bounded.any()):
        hessian = curvature.matrix()
        target = solve_dense(
            hessian,
            hessian @ start - gradient,
            weights,
            start,
            positive_definite=not problem.convex,
            positive=bounded,
        )
    else:
        target = -curvature.solve(gradient)
    direction = target - start
    decrease = _model_decrease(gradient, weights, start, target, direction)
    if not np.any(direction) or not decrease < 0.0:
        return None
    proposal = point.theta.copy()
    proposal[columns] = (
        np.where(kinked[columns], point.locations[columns], point.theta[columns]) + target
    )
    # θ + t(u − θ) stays in the box [m, ∞) of the bounded coordinates for t ∈ [0, 1] (u is
    # the subproblem's minimizer, in the box); only rounding could put it below m, and the
    # oracle is never evaluated there
    floor = None if point.positive is None else np.where(point.positive, point.locations, -np.inf)
    if floor is not None:
        proposal = np.maximum(proposal, floor)
    trial = problem.line(point, columns, direction)
    slack = ROUNDING_ULPS * EPS * abs(point.value)
    step = 1.0
    for _ in range(MAX_HALVINGS):
        # the unit step lands exactly on the subproblem's minimizer, zeros included
        theta = proposal
        if step < 1.0:
            theta = point.theta.copy()
            theta[columns] += step * direction
            if floor is not None:
                theta = np.maximum(theta, floor)
        if trial(step, theta) <= point.value + ARMIJO * step * decrease + slack:
            return problem.evaluate(theta), step == 1.0
        step *= 0.5
    return None


def _working_set(
    kinked: NDArray[np.bool_], offsets: FloatArray, violations: FloatArray, threshold: float
) -> IndexArray:
    """Smooth and off-kink coordinates, plus the kinked ones at their kink that violate the
    KKT conditions most: at most max(MIN_ADDED, |support|) with violation > ``threshold``."""
    keep = ~kinked | (offsets != 0.0)
    candidates = np.flatnonzero(~keep & (violations > threshold))
    n_added = max(MIN_ADDED, int(np.count_nonzero(kinked & keep)))
    if candidates.size > n_added:
        candidates = candidates[np.argpartition(-violations[candidates], n_added - 1)[:n_added]]
    return np.sort(np.concatenate((np.flatnonzero(keep), candidates)))


def _model_decrease(
    gradient: FloatArray,
    weights: FloatArray,
    start: FloatArray,
    target: FloatArray,
    direction: FloatArray,
) -> float:
    """Δ = ĝᵀd + Σ λ (|v| − |v₀|), an upper bound on f'(θ; d), < 0 unless d = 0 (Lee,
    Sun & Saunders 2014, Lemma 2.3).

    With ς = sign(v₀), |v₀| = ς v₀ and d = v − v₀, so Δ = (ĝ + λ ς)ᵀd + Σ λ (|v| − ς v):
    the gradient on the orthant times d, plus a term that is exactly 0 wherever the sign
    does not change. Summed that way, Δ keeps its digits near the solution, where ĝᵀd
    and Σ λ ς d cancel to many places.
    """
    signs = np.sign(start)
    orthant = float((gradient + weights * signs) @ direction)
    return orthant + float(weights @ (np.abs(target) - signs * target))


def _marquardt(hessian: FloatArray, margin: float) -> FloatArray:
    """``H + μD²`` with the smallest μ ≥ 0 giving λ_min(D⁻¹(H + μD²)D⁻¹) ≥ margin.

    D = diag(√|H_jj|) (floored at eps · max|H_jj|): Marquardt's scaling. The shift is then
    the same in every unit system — rescaling a coordinate θ_j → c θ_j rescales row and
    column j of H and D alike — so a coordinate measured in large units (a coefficient of a
    column of X in 1e-9) does not set the damping of one measured in small units (log σ).
    """
    symmetric = 0.5 * (hessian + hessian.T)
    diagonal = np.diag(symmetric)
    floor = EPS * max(float(np.max(np.abs(diagonal), initial=0.0)), EPS)
    magnitude = np.maximum(np.abs(diagonal), floor)
    scale = np.sqrt(magnitude)
    # Ĥ = D⁻¹ H D⁻¹ has Ĥ_jj = ±1 (exactly) wherever H_jj is not negligible
    scaled = symmetric / np.outer(scale, scale)
    np.fill_diagonal(scaled, diagonal / magnitude)
    # λ_min(Ĥ) ≥ margin  ⇔  Ĥ − margin·I is positive definite: then μ = 0 (one Cholesky)
    _, info = scipy.linalg.lapack.dpotrf(scaled - margin * np.eye(scaled.shape[0]))
    if info == 0:
        return symmetric
    smallest = float(scipy.linalg.eigvalsh(scaled, subset_by_index=[0, 0])[0])
    # formed as D(Ĥ + μI)D: the cancellation in Ĥ_jj + μ (−1 + (1 + margin) where H_jj < 0)
    # then happens on the unit-free Ĥ, so its rounding is the same in every unit system
    scaled[np.diag_indices_from(scaled)] += margin - smallest
    shifted: FloatArray = scaled * np.outer(scale, scale)
    return shifted
