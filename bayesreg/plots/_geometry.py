"""Why the lasso gives zeros: the L1 diamond and the L2 disc against the loss's ellipses.

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
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon
from numpy.typing import NDArray
from scipy import linalg, optimize

from bayesreg.core.objective import center
from bayesreg.core.penalties import soft_threshold
from bayesreg.errors import DataError, InputValueError
from bayesreg.plots._common import axes_or_new
from bayesreg.validation import (
    as_design,
    as_target,
    check_finite_nonneg,
    check_positive,
    feature_names_of,
)

__all__ = ["ConstraintGeometry", "constraint_geometry", "plot_constraint_geometry"]

FloatArray = NDArray[np.float64]

L1_COLOR = "tab:blue"
L2_COLOR = "tab:orange"


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


def _quadratic_loss(gram: FloatArray, moment: FloatArray, w: FloatArray) -> float:
    """``½ wᵀ G w − cᵀ w`` (the loss up to its constant)."""
    return float(0.5 * w @ gram @ w - moment @ w)


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
    >>> from bayesreg.plots import constraint_geometry
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
    data = center(design, target, True)
    gram = data.X.T @ data.X / n_samples
    moment = data.X.T @ data.y / n_samples
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
        loss_at_zero=float(data.y @ data.y) / (2.0 * n_samples),
        least_squares=least_squares,
        budget=radius,
        l1_solution=l1_solution,
        l1_alpha=l1_alpha,
        l2_solution=l2_solution,
        l2_alpha=l2_alpha,
    )


def _square_limits(points: FloatArray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits of equal span around ``points`` (shape (k, 2)), with a margin."""
    low = points.min(axis=0)
    high = points.max(axis=0)
    span = 1.25 * float((high - low).max())
    middle = 0.5 * (low + high)
    return (
        (float(middle[0] - span / 2), float(middle[0] + span / 2)),
        (float(middle[1] - span / 2), float(middle[1] + span / 2)),
    )


def plot_constraint_geometry(
    X: Any,
    y: Any,
    *,
    alpha: float | None = None,
    budget: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw the L1 diamond, the L2 disc and the loss contours that touch them.

    For two features the least-squares loss ``L(w) = 1/(2n) ||yc − Xc w||²`` has
    elliptical contours around the least-squares point ŵ. Shrinking w into the diamond
    ``||w||₁ ≤ t`` (the lasso) or the disc ``||w||₂ ≤ t`` (ridge) moves the solution
    to the point where the smallest contour touches the region. The diamond has corners
    on the axes, so the touching point is often a corner, where one coefficient is
    exactly 0; the disc has none, so ridge shrinks both coefficients but zeroes neither.
    The contours through the two solutions are drawn in the regions' colours; the
    solutions are computed exactly by :func:`constraint_geometry`.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        Two features (a DataFrame's column names label the axes).
    y : array-like of shape (n_samples,)
    alpha : float, optional
        Lasso penalty fixing the budget ``t = ||w_lasso(alpha)||₁`` (see
        :func:`constraint_geometry`).
    budget : float, optional
        The radius t of both regions. Default: half the norm of the least-squares point.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Two correlated features, one with a small effect: the lasso's solution is the corner
    of the diamond on the first axis (coefficient 2 is exactly 0); ridge keeps both.

    >>> import numpy as np
    >>> from bayesreg.plots import plot_constraint_geometry
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> y = X @ np.array([2.0, 0.4]) + 0.5 * rng.standard_normal(200)
    >>> ax = plot_constraint_geometry(X, y, budget=1.0)
    """
    geometry = constraint_geometry(X, y, alpha=alpha, budget=budget)
    names = feature_names_of(X, 2)
    axes = axes_or_new(ax, figsize=(9.0, 5.6))
    radius = geometry.budget
    least_squares = geometry.least_squares

    corners = np.array([[radius, 0.0], [0.0, radius], [-radius, 0.0], [0.0, -radius]])
    x_limits, y_limits = _square_limits(np.vstack([corners, least_squares]))
    grid_x, grid_y = np.meshgrid(np.linspace(*x_limits, 300), np.linspace(*y_limits, 300))
    minimum = float(geometry.loss(least_squares))
    excess = geometry.loss(np.stack([grid_x, grid_y], axis=-1)) - minimum
    l1_excess = float(geometry.loss(geometry.l1_solution)) - minimum
    l2_excess = float(geometry.loss(geometry.l2_solution)) - minimum

    # background contours equally spaced in "ellipse radius" (excess ∝ k²), out to the
    # contour through the origin, L(0) − L(ŵ) = ½ ŵᵀ G ŵ
    through_origin = float(geometry.loss(np.zeros(2))) - minimum
    reference = max(through_origin, l1_excess, l2_excess)
    background = reference * (np.arange(1, 16) / 6.0) ** 2
    axes.contour(grid_x, grid_y, excess, levels=background, colors="0.6", linewidths=0.7)
    for level, color in ((l1_excess, L1_COLOR), (l2_excess, L2_COLOR)):
        if level > 0.0:
            axes.contour(grid_x, grid_y, excess, levels=[level], colors=color, linewidths=1.6)

    # fills first (disc under diamond), then both outlines fully opaque
    axes.add_patch(Circle((0.0, 0.0), radius, facecolor=L2_COLOR, alpha=0.15, lw=0))
    axes.add_patch(Polygon(corners, facecolor=L1_COLOR, alpha=0.35, lw=0))
    axes.add_patch(Circle((0.0, 0.0), radius, fill=False, edgecolor=L2_COLOR, lw=2))
    axes.add_patch(Polygon(corners, fill=False, edgecolor=L1_COLOR, lw=2))
    axes.axhline(0.0, color="black", lw=0.6)
    axes.axvline(0.0, color="black", lw=0.6)

    axes.plot(*least_squares, marker="X", color="black", markersize=10, ls="none")
    axes.plot(*geometry.l1_solution, marker="o", color=L1_COLOR, mec="black", ms=10, ls="none")
    axes.plot(*geometry.l2_solution, marker="s", color=L2_COLOR, mec="black", ms=9, ls="none")
    zeros = np.flatnonzero(geometry.l1_solution == 0.0)
    if zeros.size == 1:
        # text beside the corner: below it on the horizontal axis, right of it on the vertical
        corner = geometry.l1_solution
        offset = (-20.0 * np.sign(corner[0]), -45.0) if zeros[0] == 1 else (75.0, 0.0)
        axes.annotate(
            f"corner: coefficient of\n{names[int(zeros[0])]} is exactly 0",
            xy=(float(corner[0]), float(corner[1])),
            xytext=offset,
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": L1_COLOR},
            arrowprops={"arrowstyle": "->", "color": "black", "lw": 0.8},
        )

    handles = [
        Polygon(corners, facecolor=(*to_rgb(L1_COLOR), 0.35), edgecolor=L1_COLOR, lw=2),
        Polygon(corners, facecolor=(*to_rgb(L2_COLOR), 0.15), edgecolor=L2_COLOR, lw=2),
        Line2D([], [], color="0.6", lw=0.7),
        Line2D([], [], marker="X", color="black", ls="none", ms=9),
        Line2D([], [], marker="o", color=L1_COLOR, mec="black", ls="none", ms=9),
        Line2D([], [], marker="s", color=L2_COLOR, mec="black", ls="none", ms=8),
    ]
    labels = [
        f"L1 ball ‖w‖₁ ≤ {radius:.3g}",
        f"L2 ball ‖w‖₂ ≤ {radius:.3g}",
        "contours of the squared-error loss",
        "least squares ŵ",
        f"lasso solution (alpha = {geometry.l1_alpha:.3g})",
        f"ridge solution (alpha = {geometry.l2_alpha:.3g})",
    ]
    axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    axes.set_xlim(*x_limits)
    axes.set_ylim(*y_limits)
    axes.set_aspect("equal")
    axes.set_xlabel(f"coefficient of {names[0]}")
    axes.set_ylabel(f"coefficient of {names[1]}")
    axes.set_title("Same budget, different shape: L1 corners give zeros")
    return axes
