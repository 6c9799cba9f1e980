"""Draw the figures of the documentation pages (getting_started.md and theory.md).

Run from the repository's root::

    python docs/figures/make_figures.py

Every figure is drawn by :mod:`bayesreg.plots` from the bundled data, with fixed random
seeds, and written next to this file. The data:

* prostate (the training split of Hastie, Tibshirani & Friedman, columns standardized):
  the lasso and ridge paths and the choice of alpha by cross-validation;
* diabetes (Efron et al. 2004), columns scaled to sd 1 and the noise σ = 54 fixed (the
  least-squares residual sd is 54.2), as in ``bayesreg demo``: the geometry and the
  posterior of the Laplace(0, 2) prior.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from bayesreg.core.enet_path import lasso_path
from bayesreg.core.model_selection import train_test_error
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.datasets import load_diabetes, load_prostate
from bayesreg.plots import (
    plot_constraint_geometry,
    plot_map_vs_posterior,
    plot_path,
    plot_path_panels,
    plot_prior_densities,
    plot_shrinkage_forest,
    plot_train_test_error,
)
from bayesreg.posterior import bayesian_path, sample_posterior
from bayesreg.posterior.bands import bands_along_path
from bayesreg.priors import GaussianPrior, LaplacePrior

FOLDER = Path(__file__).resolve().parent
DPI = 100
SEED = 2008
DIABETES_NOISE = 54.0
LAPLACE_SCALE = 2.0


def _save(figure: Figure, name: str) -> None:
    figure.savefig(FOLDER / f"{name}.png", dpi=DPI)
    plt.close(figure)
    print(f"wrote docs/figures/{name}.png")


def prostate_figures() -> None:
    """The lasso path, the ridge path in its exact posterior bands, alpha chosen by CV."""
    X, y = load_prostate(split="train", standardize=True, as_frame=True)
    names = list(X.columns)
    path = lasso_path(X, y, np.geomspace(1e-3, 1.0, 80))
    _save(plot_path(path, feature_names=names).figure, "lasso_path")

    # σ from the least-squares residuals (n − p − 1 degrees of freedom)
    fit = ridge(X, y, 1e-12)
    residuals = y.to_numpy() - fit.intercept - X.to_numpy() @ fit.coef
    noise = math.sqrt(float(residuals @ residuals) / (len(y) - X.shape[1] - 1))
    scales = np.geomspace(0.01, 3.0, 12)
    table = bayesian_path(X, y, [GaussianPrior(s) for s in scales], noise=noise, hdi_prob=0.95)
    fine = ridge_path(X, y, np.geomspace(table["alpha"].min(), table["alpha"].max(), 80))
    figure = plot_path_panels(
        fine, posterior_bands=bands_along_path(fine, table), feature_names=names, ncols=4
    )
    figure.suptitle(
        f"Ridge path (MAP under Normal(0, τ), σ = {noise:.2f}) in the exact posterior's bands"
    )
    _save(figure, "ridge_path_bands")

    X_test, y_test = load_prostate(split="test", standardize=True, as_frame=True)
    errors = train_test_error(path, X, y, X_test, y_test, n_folds=10, random_seed=0)
    _save(plot_train_test_error(errors).figure, "train_test_error_lasso")


def diabetes_figures() -> None:
    """Prior densities, constraint geometry, and the Laplace posterior next to its MAP."""
    _save(plot_prior_densities(variance=2.0 * LAPLACE_SCALE**2, l1_fraction=0.5), "prior_densities")
    unit_X, y = load_diabetes(as_frame=True)
    X = unit_X * math.sqrt(len(unit_X))  # unit-norm columns → sd 1
    _save(plot_constraint_geometry(X[["bmi", "s3"]], y).figure, "constraint_geometry")

    prior = LaplacePrior(LAPLACE_SCALE)
    tree = sample_posterior(
        X,
        y,
        prior,
        noise=DIABETES_NOISE,
        method="gibbs",
        draws=4000,
        chains=4,
        random_seed=SEED,
        progressbar=False,
    )
    draws = tree["posterior"]["coef"]
    map_coef = prior.penalized_fit(X, y, noise=DIABETES_NOISE).coef
    ax = plot_map_vs_posterior(
        map_coef,
        draws.mean(("chain", "draw")).to_numpy(),
        draws.median(("chain", "draw")).to_numpy(),
        feature_names=list(X.columns),
    )
    _save(ax.figure, "map_vs_posterior")
    least_squares = ridge(X, y, 1e-12).coef
    ax = plot_shrinkage_forest(
        tree, hdi_prob=0.95, reference={"least squares": least_squares, "MAP (lasso)": map_coef}
    )
    _save(ax.figure, "shrinkage_forest")


if __name__ == "__main__":
    prostate_figures()
    diabetes_figures()
