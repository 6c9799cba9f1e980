"""The figures of ``bayesreg demo``, drawn by :mod:`bayesreg.plots` and saved as PNG files.

Figures are made with :class:`matplotlib.figure.Figure` directly (no pyplot), so the
demo neither needs a display nor leaves figures open in a session.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from bayesreg.cli._posterior import PathWithBands, PosteriorShrinkage
from bayesreg.cli._sections import DIABETES_NOISE, LAPLACE_SCALE, DemoData

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from bayesreg.posterior import LambdaChoice

__all__ = ["SavedFigure", "save_figures"]

DPI = 110
GEOMETRY_FEATURES = ("bmi", "s3")  # correlated (r = −0.37): the diamond's corner zeroes s3
ZOOM_FACTOR = 4.0  # the zoomed panel of the λ figure spans the choices' alphas × and ÷ this


@dataclass(frozen=True)
class SavedFigure:
    """A PNG file of the report, its bytes (embedded in the page) and what it shows."""

    key: str
    filename: str
    title: str
    caption: str
    png: bytes = field(default=b"", repr=False, compare=False)


def _new_axes(size: tuple[float, float]) -> tuple[Figure, Axes]:
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.add_subplot()


def _save(figure: Figure, folder: Path, key: str, title: str, caption: str) -> SavedFigure:
    """Write ``figure`` to ``folder/<key>.png`` and describe it (with the file's bytes)."""
    filename = f"{key}.png"
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    png = buffer.getvalue()
    (folder / filename).write_bytes(png)
    return SavedFigure(key, filename, title, caption, png)


def save_figures(
    folder: Path,
    data: DemoData,
    posterior: PosteriorShrinkage,
    path_bands: PathWithBands,
    lambdas: LambdaChoice,
) -> tuple[SavedFigure, ...]:
    """Draw the six figures into ``folder`` and describe them."""
    features = [str(name) for name in data.diabetes_design.columns]
    return (
        _prior_densities(folder),
        _constraint_geometry(folder, data),
        _lasso_path_bands(folder, path_bands, features),
        _map_vs_posterior(folder, posterior, features),
        _shrinkage_forest(folder, posterior),
        _lambda_cv(folder, lambdas),
    )


def _prior_densities(folder: Path) -> SavedFigure:
    """Gaussian, Laplace and elastic-net priors of one variance, density and penalty."""
    from bayesreg.plots import plot_prior_densities

    figure = Figure(figsize=(10.0, 4.2), layout="constrained")
    plot_prior_densities(variance=2.0 * LAPLACE_SCALE**2, l1_fraction=0.5, fig=figure)
    return _save(
        figure,
        folder,
        "prior_densities",
        "The three priors of the table, all with variance 8",
        "Left: the densities. Right: −log p(w) + log p(0), the penalty up to the factor "
        "σ²/n. Only the Laplace and elastic-net penalties have a kink at 0, and only "
        "their MAP estimates have exact zeros.",
    )


def _constraint_geometry(folder: Path, data: DemoData) -> SavedFigure:
    """The L1 diamond and the L2 disc on two correlated diabetes features."""
    from bayesreg.plots import plot_constraint_geometry

    figure, axes = _new_axes((9.0, 5.6))
    plot_constraint_geometry(
        data.diabetes_design[list(GEOMETRY_FEATURES)], data.diabetes_target, ax=axes
    )
    return _save(
        figure,
        folder,
        "constraint_geometry",
        "Why L1 gives zeros: the diamond and the disc",
        f"Least squares on {GEOMETRY_FEATURES[0]} and {GEOMETRY_FEATURES[1]} alone, "
        "constrained to an L1 ball and an L2 ball of the same radius. The smallest loss "
        "contour touches the diamond at a corner, where one coefficient is exactly 0.",
    )


def _lasso_path_bands(folder: Path, path_bands: PathWithBands, features: list[str]) -> SavedFigure:
    """The lasso path inside the posterior's bands, one panel per coefficient."""
    from bayesreg.plots import plot_path_panels

    figure = Figure(figsize=(13.0, 5.4), layout="constrained")
    plot_path_panels(
        path_bands.path,
        posterior_bands=path_bands.bands,
        feature_names=features,
        ncols=5,
        fig=figure,
    )
    for axes in figure.axes:
        axes.axvline(path_bands.marked_alpha, color="black", ls="--", lw=1.0)
    figure.axes[0].annotate(
        f"Laplace(0, {LAPLACE_SCALE:g})",
        xy=(path_bands.marked_alpha, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3.0, -10.0),
        textcoords="offset points",
        fontsize=8,
    )
    return _save(
        figure,
        folder,
        "lasso_path_bands",
        "The lasso path is a path of MAP estimates; the posterior has bands",
        "One panel per coefficient. Blue line: the lasso solution at each alpha, the MAP "
        f"under Laplace(0, b) with b = σ²/(n·alpha) and σ = {DIABETES_NOISE:g}. Shaded: "
        "95% highest-density intervals of the same posterior (Gibbs sampler at "
        f"{path_bands.band_alphas.size} alphas, joined linearly in log alpha). Dashed: the "
        f"Laplace(0, {LAPLACE_SCALE:g}) prior of sections 1–2. Right of alpha_max (dotted) "
        "every MAP coefficient is exactly 0; the posterior is not a point there.",
    )


def _map_vs_posterior(
    folder: Path, posterior: PosteriorShrinkage, features: list[str]
) -> SavedFigure:
    """The joint MAP's exact zeros next to the NUTS posterior mean and median."""
    from bayesreg.plots import plot_map_vs_posterior

    summary = posterior.runs[0].summary
    figure, axes = _new_axes((7.5, 5.4))
    plot_map_vs_posterior(
        summary["map"], summary["mean"], summary["median"], feature_names=features, ax=axes
    )
    return _save(
        figure,
        folder,
        "map_vs_posterior",
        "The MAP is sparse; the posterior mean and median are not",
        f"Bayesian lasso, λ = {posterior.lam:g}, σ free: the joint MAP (diamonds; hollow "
        "where exactly 0) next to the posterior mean and median from NUTS.",
    )


def _shrinkage_forest(folder: Path, posterior: PosteriorShrinkage) -> SavedFigure:
    """NUTS intervals per coefficient with least squares and the MAP."""
    from bayesreg.plots import plot_shrinkage_forest

    nuts = posterior.runs[0]
    figure, axes = _new_axes((8.0, 5.6))
    plot_shrinkage_forest(
        nuts.tree,
        ax=axes,
        reference={
            "least squares": nuts.summary["least_squares"],
            "MAP (lasso)": nuts.summary["map"],
        },
    )
    return _save(
        figure,
        folder,
        "shrinkage_forest",
        "Posterior intervals, least squares and the MAP",
        "95% and 50% highest-density intervals of each coefficient under the Bayesian "
        "lasso (NUTS), with the least-squares estimate and the joint MAP: the prior pulls "
        "the posterior from least squares towards 0, and the MAP's exact zeros sit inside "
        "intervals that are not degenerate.",
    )


def _lambda_cv(folder: Path, lambdas: LambdaChoice) -> SavedFigure:
    """The cross-validation curve with the alphas of section 4's table marked.

    The alphas are the table's own (``lambdas.rows``): the two CV rows are the curve's
    ``alpha_min`` and ``alpha_1se``, the others are passed as they are. Left: the whole
    curve; right: the same drawing zoomed on the choices, where the curve is flat.
    """
    from bayesreg.plots import plot_cv_curve
    from bayesreg.plots._cv import CV_MIN_LABEL, CV_ONE_SE_LABEL

    cv = lambdas.cv
    others = {
        row.method: row.alpha
        for row in lambdas.rows
        if row.method not in (CV_MIN_LABEL, CV_ONE_SE_LABEL)
    }
    figure = Figure(figsize=(13.0, 5.6), layout="constrained")
    whole, zoom = figure.subplots(1, 2, width_ratios=(3, 2))
    plot_cv_curve(cv, choices=others, ax=whole)
    plot_cv_curve(cv, choices=others, ax=zoom)
    # one legend for both panels, below them, clear of the curves
    handles, labels = whole.get_legend_handles_labels()
    for axes in (whole, zoom):
        legend = axes.get_legend()
        if legend is not None:
            legend.remove()
    figure.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=9)
    marked = [cv.alpha_min, cv.alpha_1se, *others.values()]
    low, high = min(marked) / ZOOM_FACTOR, max(marked) * ZOOM_FACTOR
    shown = (cv.alphas >= low) & (cv.alphas <= high)
    if np.any(shown):
        bottom = float(np.min(cv.mean_error[shown] - cv.std_error[shown]))
        top = float(np.max(cv.mean_error[shown] + cv.std_error[shown]))
        pad = 0.08 * (top - bottom)
        zoom.set_xlim(low, high)
        zoom.set_ylim(bottom - pad, top + pad)
    whole.set_title(f"{cv.fold_errors.shape[0]}-fold cross-validation of the lasso penalty")
    zoom.set_title("Zoom: a flat bottom within its noise band")
    return _save(
        figure,
        folder,
        "lambda_cv",
        "The cross-validation curve and the choices of the table",
        "The mean held-out error (black, ± 1 standard error shaded) is flat near its "
        "minimum compared with its noise band, so alpha_min (filled circle) moves with the "
        "random folds, while the 1-SE choice (hollow circle: the largest alpha whose error "
        "stays under the dotted bar, the minimum plus one standard error) gives a sparser "
        "model that fits no worse within the noise and changes less from one split to "
        "the next; empirical Bayes and the hyperprior's median are marked in vermillion.",
    )
