"""A penalty path as small multiples: one panel per coefficient, with its credible band."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bayesreg.core.results import PathFit
from bayesreg.plots._common import (
    checked_features,
    checked_path,
    draw_panels,
    feature_labels,
    with_panel_docs,
)
from bayesreg.plots._paths import check_bands
from bayesreg.plots._style import BAND_OPACITY, CREDIBLE_INTERVAL, MAP
from bayesreg.posterior.bands import PosteriorBands

__all__ = ["plot_path_panels"]


@with_panel_docs
def plot_path_panels(
    path: PathFit,
    *,
    posterior_bands: PosteriorBands | None = None,
    feature_names: Any = None,
    features: Sequence[str] | None = None,
    ncols: int = 5,
    fig: Figure | None = None,
) -> Figure:
    """One small panel per coefficient: its penalized path, inside its credible band.

    The panels of :func:`plot_path` taken apart, for paths with many coefficients,
    whose lines and bands overlap in one Axes. Each panel draws ``w_j(alpha)``, the
    minimizer of ``1/(2n) ||y − w0 − X w||² + alpha · [r ||w||₁ + (1 − r)/2 ||w||²]``
    (the MAP under the matching prior), against alpha on a log axis shared by all
    panels, with ``alpha_max`` (dotted) where every coefficient is 0 and, given
    ``posterior_bands``, the posterior's credible band around it: a MAP exactly at 0
    inside a wide band is a mode at 0, not an absent effect.

    Parameters
    ----------
    path : PathFit
        From ``ridge_path``, ``lasso_path`` or ``logistic_path`` (alphas > 0).
    posterior_bands : PosteriorBands, optional
        Credible intervals with the shape of ``path.coefs``.
    feature_names : sequence of str, optional
        One name per coefficient (default ``x0, x1, ...``).
    features : sequence of str, optional
        Which of ``feature_names`` to draw, in this order (default: all).
    {panel docs}

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.datasets import load_prostate
    >>> X, y = load_prostate(split="train", standardize=True, as_frame=True)
    >>> from bayesreg.core.enet_path import lasso_path
    >>> path = lasso_path(X, y, np.geomspace(1e-3, 1.0, 40))
    >>> from bayesreg.plots import plot_path_panels
    >>> fig = plot_path_panels(path, feature_names=list(X.columns), ncols=4)
    >>> len(fig.axes)
    8
    """
    checked_path(path)
    check_bands(posterior_bands, path)
    names = feature_labels(feature_names, path.coefs.shape[1])
    chosen = checked_features(features, names)
    figure = draw_panels(
        chosen,
        lambda axes, name: _draw_panel(axes, path, names.index(name), posterior_bands),
        ncols=ncols,
        fig=fig,
        panel_size=(2.6, 2.0),
    )
    handles: list[Line2D | Patch] = [
        Line2D([], [], **MAP.line(lw=2.0), label="penalized path (MAP)"),
    ]
    if _shows_alpha_max(path):
        handles.append(Line2D([], [], color="0.4", ls=":", lw=1.2, label="alpha_max (all w = 0)"))
    if posterior_bands is not None:
        handles.insert(
            1,
            Patch(
                color=CREDIBLE_INTERVAL.color,
                alpha=BAND_OPACITY,
                lw=0,
                label=f"{posterior_bands.prob:.0%} credible band",
            ),
        )
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=9)
    return figure


def _draw_panel(axes: Axes, path: PathFit, column: int, bands: PosteriorBands | None) -> None:
    """One coefficient: its credible band, its penalized path and alpha_max."""
    order = np.argsort(path.alphas)
    alphas = path.alphas[order]
    if bands is not None:
        axes.fill_between(
            alphas,
            bands.lower[order, column],
            bands.upper[order, column],
            color=CREDIBLE_INTERVAL.color,
            alpha=BAND_OPACITY,
            lw=0,
            gid="credible band",
        )
    axes.plot(alphas, path.coefs[order, column], **MAP.line(lw=2.0), gid="penalized path")
    axes.axhline(0.0, color="black", lw=0.6)
    if _shows_alpha_max(path):
        axes.axvline(path.alpha_max, color="0.4", ls=":", lw=1.2)
    axes.set_xscale("log")
    axes.set_xlim(alphas[0], alphas[-1])


def _shows_alpha_max(path: PathFit) -> bool:
    """Whether alpha_max lies in the path's range of alphas (up to rounding at its ends)."""
    low, high = float(path.alphas.min()), float(path.alphas.max())
    return math.isfinite(path.alpha_max) and low <= path.alpha_max <= high * (1 + 1e-9)
