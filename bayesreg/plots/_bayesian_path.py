"""The Bayesian regularization path: one panel per coefficient, MAP path inside posterior bands."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bayesreg.core.results import PathFit
from bayesreg.plots._common import checked_features, checked_path, draw_panels, with_panel_docs
from bayesreg.plots._style import BAND_OPACITY, CREDIBLE_INTERVAL, MAP, POSTERIOR_MEAN
from bayesreg.posterior.bands import band_features, check_band_table

__all__ = ["plot_bayesian_path"]

PATH_COLOR = MAP.color
POSTERIOR_COLOR = POSTERIOR_MEAN.color


@with_panel_docs
def plot_bayesian_path(
    path: PathFit,
    bands: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    ncols: int = 5,
    fig: Figure | None = None,
) -> Figure:
    """One small panel per coefficient: the penalized path inside the posterior's band.

    Along a grid of priors with the noise σ fixed, each prior is a penalty
    ``alpha = σ²/(n·scale²)`` (Gaussian) or ``σ²/(n·scale)`` (Laplace), and the penalized
    estimate ``w_j(alpha)`` — the minimizer of
    ``1/(2n) ||y − w0 − X w||² + alpha · [r ||w||₁ + (1 − r)/2 ||w||²]`` — is the MAP of
    that prior's posterior. Each panel draws, against alpha (log scale):

    * the penalized path ``w_j(alpha)`` (line, from ``path``),
    * the posterior's highest-density interval of ``w_j`` under each prior (shaded band),
    * the posterior mean of ``w_j`` (dots joined by a line).

    The MAP can sit exactly at 0 while the band around it is wide: a zero of the mode is
    not a statement that the effect is absent.

    Parameters
    ----------
    path : PathFit
        The penalized path, e.g. ``lasso_path(X, y, alphas)`` (any grid: it may be finer
        than the grid of priors). Column j of ``path.coefs`` is the j-th feature of
        ``bands`` in order of first appearance.
    bands : pandas.DataFrame
        From :func:`bayesreg.posterior.bayesian_path` on the same X, y: columns
        ``alpha, feature, mean, hdi_lower, hdi_upper`` (and ``l1_ratio``, which must
        match ``path.l1_ratio``); ``bands.attrs["hdi_prob"]``, when present, labels the
        band.
    features : sequence of str, optional
        Which features to draw, in this order (default: all, in the order of ``bands``).
    {panel docs}

    Examples
    --------
    Gaussian priors on the diabetes data (exact posterior, no sampling), σ = 54:

    >>> import numpy as np
    >>> scales = np.geomspace(20.0, 2000.0, 8)
    >>> from bayesreg.priors import GaussianPrior
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes(as_frame=True)
    >>> from bayesreg.posterior import bayesian_path
    >>> bands = bayesian_path(X, y, [GaussianPrior(s) for s in scales], noise=54.0)
    >>> from bayesreg.core.ridge import ridge_path
    >>> path = ridge_path(X, y, np.geomspace(bands["alpha"].min(), bands["alpha"].max(), 50))
    >>> from bayesreg.plots import plot_bayesian_path
    >>> fig = plot_bayesian_path(path, bands, features=["bmi", "bp", "s5"], ncols=3)
    >>> len(fig.axes)
    3
    """
    checked_path(path)
    table = check_band_table(bands, path)
    all_features = band_features(table, path)
    chosen = checked_features(features, all_features)
    figure = draw_panels(
        chosen,
        lambda axes, name: _draw_panel(
            axes, path, all_features.index(name), table[table["feature"] == name]
        ),
        ncols=ncols,
        fig=fig,
        panel_size=(2.9, 2.3),
    )
    probability = table.attrs.get("hdi_prob")
    band_label = "posterior HDI" if probability is None else f"{probability:.0%} posterior HDI"
    figure.legend(
        handles=[
            Line2D([], [], color=PATH_COLOR, lw=2.0, label="penalized path (MAP)"),
            Patch(color=CREDIBLE_INTERVAL.color, alpha=BAND_OPACITY, lw=0, label=band_label),
            Line2D([], [], color=POSTERIOR_COLOR, marker=".", lw=1.0, label="posterior mean"),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )
    return figure


def _draw_panel(axes: Axes, path: PathFit, column: int, rows: pd.DataFrame) -> None:
    """One coefficient: its HDI band and posterior mean over alpha, and its penalized path."""
    rows = rows.sort_values("alpha")
    axes.fill_between(
        rows["alpha"],
        rows["hdi_lower"],
        rows["hdi_upper"],
        color=CREDIBLE_INTERVAL.color,
        alpha=BAND_OPACITY,
        lw=0,
        gid="posterior band",
    )
    axes.plot(
        rows["alpha"], rows["mean"], color=POSTERIOR_COLOR, marker=".", lw=1.0, gid="posterior mean"
    )
    order = np.argsort(path.alphas)
    axes.plot(
        path.alphas[order],
        path.coefs[order, column],
        color=PATH_COLOR,
        lw=2.0,
        gid="penalized path",
    )
    axes.axhline(0.0, color="black", lw=0.6)
    axes.set_xscale("log")
