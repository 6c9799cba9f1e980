"""Why the lasso gives zeros: the L1 diamond and the L2 disc against the loss's ellipses.

The solutions are computed by :func:`bayesreg.core.geometry.constraint_geometry`; this
module only draws them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon

from bayesreg.core.geometry import ConstraintGeometry, constraint_geometry
from bayesreg.core.types import FloatArray
from bayesreg.plots._common import axes_or_new
from bayesreg.plots._style import GAUSSIAN, LAPLACE, LEAST_SQUARES
from bayesreg.validation import feature_names_of

__all__ = ["plot_constraint_geometry"]


L1_COLOR = LAPLACE.color
L2_COLOR = GAUSSIAN.color
#: where a note may sit (centres, in axes fractions), and its least distance to a marker
NOTE_PLACES = tuple((x, y) for y in (0.9, 0.1, 0.7, 0.3, 0.5) for x in (0.8, 0.2, 0.5))
NOTE_CLEARANCE = 0.3


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
    solutions are computed exactly by :func:`bayesreg.core.geometry.constraint_geometry`.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        Two features (a DataFrame's column names label the axes).
    y : array-like of shape (n_samples,)
    alpha : float, optional
        Lasso penalty fixing the budget ``t = ||w_lasso(alpha)||₁`` (see
        :func:`bayesreg.core.geometry.constraint_geometry`).
    budget : float, optional
        The radius t of both regions. Default: half the norm of the least-squares point.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes), with equal scales on both coefficient axes.

    Examples
    --------
    Body mass index and HDL cholesterol (``s3``) of the diabetes data are correlated
    (r = −0.37): the diamond's corner sets the coefficient of ``s3`` exactly to 0.

    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.plots import plot_constraint_geometry
    >>> X, y = load_diabetes(as_frame=True)
    >>> ax = plot_constraint_geometry(X[["bmi", "s3"]], y)
    >>> ax.get_xlabel()
    'coefficient of bmi'
    """
    geometry = constraint_geometry(X, y, alpha=alpha, budget=budget)
    names = feature_names_of(X, 2)
    axes = axes_or_new(ax, figsize=(9.0, 5.6))
    radius = geometry.budget
    corners = np.array([[radius, 0.0], [0.0, radius], [-radius, 0.0], [0.0, -radius]])
    x_limits, y_limits = _square_limits(np.vstack([corners, geometry.least_squares]))
    _draw_contours(axes, geometry, x_limits, y_limits)
    _draw_regions(axes, corners)
    _draw_solutions(axes, geometry, names, (x_limits, y_limits))
    _draw_legend(axes, geometry, corners)
    axes.set_xlim(*x_limits)
    axes.set_ylim(*y_limits)
    axes.set_aspect("equal")
    axes.set_xlabel(f"coefficient of {names[0]}")
    axes.set_ylabel(f"coefficient of {names[1]}")
    axes.set_title("Same budget, different shape: L1 corners give zeros")
    return axes


def _draw_contours(
    axes: Axes,
    geometry: ConstraintGeometry,
    x_limits: tuple[float, float],
    y_limits: tuple[float, float],
) -> None:
    """Grey loss contours, and the two contours through the solutions in the regions' colours.

    Levels are of the excess loss ``L(w) − L(ŵ)``; the grey ones are equally spaced in
    "ellipse radius" (excess ∝ k²) out past the contour through the origin,
    ``L(0) − L(ŵ) = ½ ŵᵀ G ŵ``.
    """
    grid_x, grid_y = np.meshgrid(np.linspace(*x_limits, 300), np.linspace(*y_limits, 300))
    minimum = float(geometry.loss(geometry.least_squares))
    excess = geometry.loss(np.stack([grid_x, grid_y], axis=-1)) - minimum
    l1_excess = float(geometry.loss(geometry.l1_solution)) - minimum
    l2_excess = float(geometry.loss(geometry.l2_solution)) - minimum
    through_origin = float(geometry.loss(np.zeros(2))) - minimum
    reference = max(through_origin, l1_excess, l2_excess)
    background = reference * (np.arange(1, 16) / 6.0) ** 2
    axes.contour(grid_x, grid_y, excess, levels=background, colors="0.6", linewidths=0.7)
    for level, color in ((l1_excess, L1_COLOR), (l2_excess, L2_COLOR)):
        if level > 0.0:
            axes.contour(grid_x, grid_y, excess, levels=[level], colors=color, linewidths=1.6)


def _draw_regions(axes: Axes, corners: FloatArray) -> None:
    """The disc and the diamond of radius t: fills first (disc under diamond), then outlines."""
    radius = float(corners[0, 0])
    axes.add_patch(Circle((0.0, 0.0), radius, facecolor=L2_COLOR, alpha=0.15, lw=0))
    axes.add_patch(Polygon(corners, facecolor=L1_COLOR, alpha=0.35, lw=0))
    axes.add_patch(Circle((0.0, 0.0), radius, fill=False, edgecolor=L2_COLOR, lw=2))
    axes.add_patch(Polygon(corners, fill=False, edgecolor=L1_COLOR, lw=2))
    axes.axhline(0.0, color="black", lw=0.6)
    axes.axvline(0.0, color="black", lw=0.6)


def _draw_solutions(
    axes: Axes,
    geometry: ConstraintGeometry,
    names: tuple[str, ...],
    limits: tuple[tuple[float, float], tuple[float, float]],
) -> None:
    """ŵ and the two constrained solutions; a note at the diamond's corner when it is one.

    The note goes to the place nearest the corner that keeps clear of every marker, so
    that it never covers a solution.
    """
    axes.plot(*geometry.least_squares, **LEAST_SQUARES.point(ms=10, zorder=4))
    axes.plot(*geometry.l1_solution, **LAPLACE.point(mec="black", ms=10, zorder=4))
    axes.plot(*geometry.l2_solution, **GAUSSIAN.point(mec="black", ms=9, zorder=4))
    zeros = np.flatnonzero(geometry.l1_solution == 0.0)
    if zeros.size != 1:
        return
    corner = geometry.l1_solution
    points = np.vstack([geometry.least_squares, geometry.l1_solution, geometry.l2_solution])
    axes.annotate(
        f"corner: coefficient of\n{names[int(zeros[0])]} is exactly 0",
        xy=(float(corner[0]), float(corner[1])),
        xytext=_free_place(points, corner, limits),
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        zorder=5,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": L1_COLOR},
        arrowprops={"arrowstyle": "->", "color": "black", "lw": 0.8, "shrinkB": 6},
    )


def _free_place(
    points: FloatArray,
    target: FloatArray,
    limits: tuple[tuple[float, float], tuple[float, float]],
) -> tuple[float, float]:
    """A place of ``NOTE_PLACES`` for a note pointing at ``target``.

    Distances are in axes fractions. Of the places at least ``NOTE_CLEARANCE`` from every
    point, the one nearest ``target`` (a short arrow); if none is that clear, the place
    whose nearest point is farthest.
    """
    (x_low, x_high), (y_low, y_high) = limits
    span = np.array([x_high - x_low, y_high - y_low])
    low = np.array([x_low, y_low])
    fractions = (points - low) / span
    places = np.array(NOTE_PLACES)
    nearest = np.min(np.linalg.norm(places[:, None, :] - fractions[None, :, :], axis=2), axis=1)
    to_target = np.linalg.norm(places - (target - low) / span, axis=1)
    clear = nearest >= NOTE_CLEARANCE
    best = (
        places[int(np.argmin(np.where(clear, to_target, np.inf)))]
        if clear.any()
        else places[int(np.argmax(nearest))]
    )
    return float(best[0]), float(best[1])


def _draw_legend(axes: Axes, geometry: ConstraintGeometry, corners: FloatArray) -> None:
    """One legend entry per region, the contours and each point, with the alphas."""
    handles = [
        Polygon(corners, facecolor=(*to_rgb(L1_COLOR), 0.35), edgecolor=L1_COLOR, lw=2),
        Polygon(corners, facecolor=(*to_rgb(L2_COLOR), 0.15), edgecolor=L2_COLOR, lw=2),
        Line2D([], [], color="0.6", lw=0.7),
        Line2D([], [], **LEAST_SQUARES.point(ms=9)),
        Line2D([], [], **LAPLACE.point(mec="black", ms=9)),
        Line2D([], [], **GAUSSIAN.point(mec="black", ms=8)),
    ]
    labels = [
        f"L1 ball ‖w‖₁ ≤ {geometry.budget:.3g}",
        f"L2 ball ‖w‖₂ ≤ {geometry.budget:.3g}",
        "contours of the squared-error loss",
        "least squares ŵ",
        f"lasso = MAP, Laplace prior\n(alpha = {geometry.l1_alpha:.3g})",
        f"ridge = MAP, Gaussian prior\n(alpha = {geometry.l2_alpha:.3g})",
    ]
    axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
