"""The Bayesian regularization path: one panel per coefficient, MAP path inside posterior bands."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bayesreg.core.results import PathFit
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import check_positive_int

__all__ = ["plot_bayesian_path"]

PATH_COLOR = "tab:blue"
POSTERIOR_COLOR = "tab:red"
BAND_COLUMNS = ("alpha", "feature", "mean", "hdi_lower", "hdi_upper")
#: two l1_ratios closer than this are the same penalty family (prior.penalty rounds)
L1_RATIO_ATOL = 1e-9


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
    ncols : int, default 5
        Panels per row.
    fig : matplotlib Figure, optional
        Where to draw (an empty figure: the panels fill it); a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.ridge import ridge_path
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.plots import plot_bayesian_path
    >>> from bayesreg.posterior import bayesian_path
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes(as_frame=True)
    >>> scales = np.geomspace(20.0, 2000.0, 8)
    >>> bands = bayesian_path(X, y, [GaussianPrior(s) for s in scales], noise=54.0)
    >>> path = ridge_path(X, y, np.geomspace(bands["alpha"].min(), bands["alpha"].max(), 50))
    >>> fig = plot_bayesian_path(path, bands, features=["bmi", "bp", "s5"], ncols=3)
    >>> len(fig.axes)
    3
    """
    if not isinstance(path, PathFit):
        raise InputTypeError(
            f"path must be a PathFit (from lasso_path, ridge_path or logistic_path); got "
            f"{type(path).__name__}."
        )
    table = _check_bands(bands, path)
    all_features = [str(name) for name in pd.unique(table["feature"])]
    if len(all_features) != path.coefs.shape[1]:
        raise DataError(
            f"bands holds {len(all_features)} features but the path has "
            f"{path.coefs.shape[1]} coefficients; pass the path and bands of the same X."
        )
    chosen = _check_features(features, all_features)
    columns = check_positive_int(ncols, "ncols")
    if np.any(path.alphas <= 0.0):
        raise InputValueError("the path contains alpha ≤ 0, which a log axis cannot show.")
    if fig is None:
        nrows = math.ceil(len(chosen) / columns)
        fig = plt.figure(
            figsize=(2.9 * min(columns, len(chosen)), 2.3 * nrows + 0.7), layout="constrained"
        )
    elif not isinstance(fig, Figure):
        raise InputTypeError(
            f"fig must be a matplotlib Figure or None; got {type(fig).__name__}. Pass e.g. "
            "matplotlib.pyplot.figure()."
        )
    n_rows = math.ceil(len(chosen) / columns)
    grid = fig.add_gridspec(n_rows, min(columns, len(chosen)))
    order = np.argsort(path.alphas)
    probability = table.attrs.get("hdi_prob")
    band_label = "posterior HDI" if probability is None else f"{probability:.0%} posterior HDI"
    first_axes = None
    for panel, name in enumerate(chosen):
        axes = fig.add_subplot(grid[divmod(panel, columns)], sharex=first_axes)
        first_axes = first_axes or axes
        rows = table[table["feature"] == name].sort_values("alpha")
        axes.fill_between(
            rows["alpha"],
            rows["hdi_lower"],
            rows["hdi_upper"],
            color=POSTERIOR_COLOR,
            alpha=0.2,
            lw=0,
            gid="posterior band",
        )
        axes.plot(
            rows["alpha"],
            rows["mean"],
            color=POSTERIOR_COLOR,
            marker=".",
            lw=1.0,
            gid="posterior mean",
        )
        column = all_features.index(name)
        axes.plot(
            path.alphas[order],
            path.coefs[order, column],
            color=PATH_COLOR,
            lw=2.0,
            gid="penalized path",
        )
        axes.axhline(0.0, color="black", lw=0.6)
        axes.set_xscale("log")
        axes.set_title(name, fontsize=10)
        # the x label goes on the lowest panel of each column
        if panel + columns >= len(chosen):
            axes.set_xlabel("alpha (log scale)")
    fig.legend(
        handles=[
            Line2D([], [], color=PATH_COLOR, lw=2.0, label="penalized path (MAP)"),
            Patch(color=POSTERIOR_COLOR, alpha=0.2, lw=0, label=band_label),
            Line2D([], [], color=POSTERIOR_COLOR, marker=".", lw=1.0, label="posterior mean"),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )
    return fig


def _check_bands(bands: Any, path: PathFit) -> pd.DataFrame:
    """``bands`` as the long table of bayesian_path, with the path's penalty family."""
    if not isinstance(bands, pd.DataFrame):
        raise InputTypeError(
            f"bands must be the pandas DataFrame returned by bayesian_path; got "
            f"{type(bands).__name__}."
        )
    missing = [name for name in BAND_COLUMNS if name not in bands.columns]
    if missing:
        raise DataError(
            f"bands lacks the column(s) {missing}; pass the DataFrame returned by "
            "bayesreg.posterior.bayesian_path."
        )
    if len(bands) == 0:
        raise DataError("bands is empty; pass the DataFrame returned by bayesian_path.")
    if np.any(bands["alpha"].to_numpy(dtype=np.float64) <= 0.0):
        raise InputValueError("bands contains alpha ≤ 0, which a log axis cannot show.")
    if "l1_ratio" in bands.columns:
        ratios = bands["l1_ratio"].to_numpy(dtype=np.float64)
        if not np.allclose(ratios, path.l1_ratio, rtol=0.0, atol=L1_RATIO_ATOL):
            raise DataError(
                f"bands was computed with l1_ratio {sorted(set(ratios.tolist()))} but the "
                f"path with l1_ratio {path.l1_ratio:g}; draw the posterior under priors of "
                "the path's family (LaplacePrior for a lasso path, GaussianPrior for ridge)."
            )
    return bands


def _check_features(features: Sequence[str] | None, available: list[str]) -> list[str]:
    """The requested feature names, each one of ``available``."""
    if features is None:
        return available
    if isinstance(features, str) or len(features) == 0:
        raise InputValueError(
            f"features must be a non-empty sequence of feature names; got {features!r}."
        )
    unknown = [name for name in features if name not in available]
    if unknown:
        raise InputValueError(
            f"features contains {unknown}, not in bands (features: {', '.join(available)})."
        )
    return [str(name) for name in features]
