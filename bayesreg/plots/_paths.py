"""Coefficient paths over the penalty strength, and training, cross-validation and test error.

The curves are computed elsewhere (:mod:`bayesreg.core.model_selection`,
:mod:`bayesreg.posterior.bands`); this module only draws them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from bayesreg.core.model_selection import TrainTestError
from bayesreg.core.results import PathFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.plots._common import (
    axes_or_new,
    checked_on_log_axis,
    checked_path,
    feature_labels,
    feature_styles,
)
from bayesreg.plots._style import BAND_OPACITY, CV_ERROR, TEST_ERROR, TRAIN_ERROR
from bayesreg.posterior.bands import PosteriorBands
from bayesreg.validation import check_bool

__all__ = ["check_bands", "plot_path", "plot_train_test_error"]

LABEL_CHOICES = ("direct", "legend")
LABEL_FONTSIZE = 8.0


def _path_title(l1_ratio: float) -> str:
    if l1_ratio == 1.0:
        return "Lasso path (Laplace prior: MAP estimates)"
    if l1_ratio == 0.0:
        return "Ridge path (Gaussian prior: MAP estimates)"
    return f"Elastic-net path, l1_ratio = {l1_ratio:g}"


def plot_path(
    path: PathFit,
    *,
    posterior_bands: PosteriorBands | None = None,
    ax: Axes | None = None,
    feature_names: Any = None,
    log_alpha: bool = True,
    labels: str = "direct",
) -> Axes:
    """Draw each coefficient of a penalty path against the penalty strength alpha.

    Each line is ``w_j(alpha)``, the minimizer of
    ``1/(2n) ||y − w0 − X w||² + alpha · [r ||w||₁ + (1 − r)/2 ||w||²]`` (the MAP
    estimate under the matching prior). Large alpha (strong prior) shrinks every
    coefficient to 0; the lasso sets them exactly to 0 one by one, ridge only shrinks.
    With ``posterior_bands`` each line gets a shaded credible band in its colour: the
    posterior's spread around the path, which the MAP alone does not show (with many
    coefficients the bands overlap; :func:`plot_path_panels` gives each its own panel).

    Each line is labelled with its feature's name at its least-penalized end (left of
    the axes, where the coefficients are farthest apart; the y axis is then on the
    right), so that many coefficients stay readable without a legend to decode.

    Parameters
    ----------
    path : PathFit
        From ``ridge_path`` or ``lasso_path``.
    posterior_bands : PosteriorBands, optional
        Credible intervals with the shape of ``path.coefs``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    feature_names : sequence of str, optional
        One name per coefficient (default ``x0, x1, ...``).
    log_alpha : bool, default True
        Log scale for alpha (then every alpha must be > 0).
    labels : {"direct", "legend"}, default "direct"
        ``"direct"``: feature names at the left end of the lines, outside the Axes (a
        figure with ``layout="constrained"``, as a new one has, makes room for them);
        ``"legend"``: a legend right of the Axes.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes) with one line per coefficient.

    Examples
    --------
    >>> from bayesreg.datasets import load_prostate
    >>> X, y = load_prostate(split="train", standardize=True, as_frame=True)
    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> path = ridge_path(X, y, np.geomspace(1e-3, 1e3, 60))
    >>> from bayesreg.plots import plot_path
    >>> ax = plot_path(path, feature_names=list(X.columns))
    >>> len(ax.get_lines()) >= 8
    True
    """
    log_scale = check_bool(log_alpha, "log_alpha")
    if labels not in LABEL_CHOICES:
        raise InputValueError(f"labels must be one of {LABEL_CHOICES}; got {labels!r}.")
    checked_path(path, log_axis=log_scale)
    n_features = path.coefs.shape[1]
    names = feature_labels(feature_names, n_features)
    check_bands(posterior_bands, path)
    axes = axes_or_new(ax, figsize=(8.0, 4.8))
    order = np.argsort(path.alphas)
    alphas = path.alphas[order]
    styles = feature_styles(n_features)
    for j, (name, (color, line_style)) in enumerate(zip(names, styles, strict=True)):
        axes.plot(alphas, path.coefs[order, j], color=color, ls=line_style, lw=1.8, label=name)
        if posterior_bands is not None:
            axes.fill_between(
                alphas,
                posterior_bands.lower[order, j],
                posterior_bands.upper[order, j],
                color=color,
                alpha=BAND_OPACITY * 0.75,
                lw=0,
            )
    axes.axhline(0.0, color="black", lw=0.6)
    if log_scale:
        axes.set_xscale("log")
    axes.set_xlim(alphas[0], alphas[-1])
    # alpha_max is drawn when it lies in the plotted range (up to rounding at its ends)
    if math.isfinite(path.alpha_max) and alphas[0] <= path.alpha_max <= alphas[-1] * (1 + 1e-9):
        axes.axvline(path.alpha_max, color="0.4", ls=":", lw=1.2, label="alpha_max (all w = 0)")
    if posterior_bands is not None:
        axes.fill_between(
            [], [], [], color="0.5", alpha=0.3, label=f"{posterior_bands.prob:.0%} credible band"
        )
    axes.set_xlabel("penalty strength alpha" + (" (log scale)" if log_scale else ""))
    axes.set_ylabel("coefficient w_j")
    axes.set_title(_path_title(path.l1_ratio))
    if labels == "legend":
        axes.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=9,
            ncols=max(1, math.ceil(n_features / 16)),
        )
        return axes
    _label_line_ends(axes, path.coefs[order[0]], names, [color for color, _ in styles])
    # what is not a coefficient (alpha_max, the band) keeps a small legend
    others: list[Artist] = [
        line
        for line in axes.get_lines()
        if line.get_label() not in names and not str(line.get_label()).startswith("_")
    ]
    others += [c for c in axes.collections if not str(c.get_label()).startswith("_")]
    if others:
        axes.legend(handles=others, loc="upper right", fontsize=8, framealpha=0.9)
    return axes


def check_bands(posterior_bands: Any, path: PathFit) -> None:
    """Refuse ``posterior_bands`` unless it is None or a PosteriorBands shaped like the path."""
    if posterior_bands is None:
        return
    if not isinstance(posterior_bands, PosteriorBands):
        raise InputTypeError(
            "posterior_bands must be a PosteriorBands or None; got "
            f"{type(posterior_bands).__name__}."
        )
    if posterior_bands.lower.shape != path.coefs.shape:
        raise DataError(
            f"posterior_bands has shape {posterior_bands.lower.shape} but the path's "
            f"coefficients have shape {path.coefs.shape}; give one band per alpha and "
            "coefficient."
        )


def _label_line_ends(
    axes: Axes, ends: FloatArray, names: tuple[str, ...], colors: list[str]
) -> None:
    """Each name left of the axes at its line's left end, spread so that none overlap.

    Label heights are in axes fractions: sorted, then pushed apart to one line of text
    (upwards, then back down from the top); a thin line joins a moved label to its
    line's end. The y axis moves to the right, out of the labels' way.
    """
    low, high = axes.get_ylim()
    axes.set_ylim(low, high)
    targets = (ends - low) / (high - low)
    # the Axes' height in points (before layout: a slight overestimate of the final one)
    height = axes.get_window_extent().height * 72.0 / axes.figure.dpi
    gap = min(1.3 * LABEL_FONTSIZE / max(height, 1.0), 1.0 / max(len(names), 1))
    order = np.argsort(targets, kind="stable")
    placed = np.clip(targets[order], gap / 2, 1.0 - gap / 2)
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed[-1] = min(placed[-1], 1.0 - gap / 2)
    for i in range(placed.size - 2, -1, -1):
        placed[i] = min(placed[i], placed[i + 1] - gap)
    for rank, j in enumerate(order):
        axes.annotate(
            names[j],
            xy=(0.0, float(targets[j])),
            xycoords="axes fraction",
            xytext=(-0.035, float(placed[rank])),
            textcoords="axes fraction",
            ha="right",
            va="center",
            fontsize=LABEL_FONTSIZE,
            color=colors[j],
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": colors[j], "lw": 0.6, "shrinkA": 1},
        )
    axes.yaxis.tick_right()
    axes.yaxis.set_label_position("right")


def plot_train_test_error(errors: TrainTestError, *, ax: Axes | None = None) -> Axes:
    """Training, cross-validation and test error against alpha, with alpha chosen by CV.

    The training error of the penalized fit grows with alpha (a stronger prior pulls the
    fit away from the data). The K-fold cross-validation error on the training rows
    (shaded ± one standard error) is typically U-shaped; its minimizer ``alpha_cv`` is
    marked, and left of it the model overfits (small penalty), right of it it
    underfits (large penalty). The test error is drawn for judging that choice only, in
    its own colour and dashed: the circle is the test error at ``alpha_cv``, not the
    lowest test error, and nothing in the figure is chosen on the test rows.

    Parameters
    ----------
    errors : TrainTestError
        From :func:`bayesreg.core.model_selection.train_test_error`; its alphas must be
        > 0 (log axis).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (or the new Axes) with three curves, the CV choice and the region names.

    Examples
    --------
    A lasso path on 60 rows of a synthetic problem, judged on the other 140:

    >>> import numpy as np
    >>> from bayesreg.datasets import make_synthetic
    >>> data = make_synthetic(200, 20, n_informative=3, correlation=0.5, random_seed=1)
    >>> fit, held = slice(0, 60), slice(60, None)
    >>> from bayesreg.core.enet_path import lasso_path
    >>> path = lasso_path(data.X[fit], data.y[fit], np.geomspace(1e-3, 1.0, 30))
    >>> from bayesreg.core.model_selection import train_test_error
    >>> errors = train_test_error(
    ...     path, data.X[fit], data.y[fit], data.X[held], data.y[held], n_folds=5, random_seed=0
    ... )
    >>> from bayesreg.plots import plot_train_test_error
    >>> ax = plot_train_test_error(errors)
    """
    errors = checked_on_log_axis(
        errors, TrainTestError, "errors", "bayesreg.core.model_selection.train_test_error"
    )
    axes = axes_or_new(ax, figsize=(7.0, 4.5))
    order = np.argsort(errors.alphas)
    grid = errors.alphas[order]
    chosen = errors.alpha_cv
    cv, cv_se = errors.cv_error[order], errors.cv_std_error[order]
    axes.plot(grid, errors.train_error[order], **TRAIN_ERROR.line(lw=2), label="training error")
    axes.fill_between(
        grid, cv - cv_se, cv + cv_se, color=CV_ERROR.color, alpha=BAND_OPACITY * 0.6, lw=0
    )
    axes.plot(
        grid,
        cv,
        **CV_ERROR.line(lw=2, marker=CV_ERROR.marker),
        label="cross-validation error ± SE\n(chooses alpha)",
    )
    axes.plot(
        grid,
        errors.test_error[order],
        **TEST_ERROR.line(lw=2),
        label="test error (only evaluated)",
    )
    axes.axvline(chosen, color=CV_ERROR.color, ls="--", lw=1)
    axes.plot(
        chosen,
        errors.test_error_at_cv,
        marker="o",
        ms=9,
        mfc="none",
        mec=TEST_ERROR.color,
        mew=1.5,
        ls="none",
        label=f"test error at the CV choice alpha = {chosen:.3g}",
    )
    axes.set_xscale("log")
    axes.set_xlim(grid[0], grid[-1])
    _name_regions(axes, float(grid[0]), chosen, float(grid[-1]))
    axes.set_xlabel("penalty strength alpha (log scale)")
    axes.set_ylabel(errors.metric)
    axes.set_title("Training, cross-validation and test error along the path")
    axes.legend(loc="best", fontsize=8, framealpha=0.9)
    return axes


def _name_regions(axes: Axes, smallest: float, chosen: float, largest: float) -> None:
    """ "overfitting" and "underfitting" at the top of each side of ``chosen`` (log-midpoints)."""
    for left, right, text in (
        (smallest, chosen, "overfitting\n(small penalty)"),
        (chosen, largest, "underfitting\n(large penalty)"),
    ):
        if right > left:
            axes.text(
                math.sqrt(left * right),
                0.97,
                text,
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=9,
                color="0.3",
            )
