"""Plots that show penalties as priors (matplotlib).

``import bayesreg`` does not import matplotlib; importing ``bayesreg.plots`` does.
Every function draws on a given ``ax`` (or ``fig`` for multi-panel figures) or on a new
figure, and returns it.
"""

from __future__ import annotations

from bayesreg.plots._bayesian_path import plot_bayesian_path
from bayesreg.plots._geometry import (
    ConstraintGeometry,
    constraint_geometry,
    plot_constraint_geometry,
)
from bayesreg.plots._paths import (
    PosteriorBands,
    TrainTestError,
    plot_path,
    plot_train_test_error,
    train_test_error,
)
from bayesreg.plots._posterior import plot_map_vs_posterior, plot_shrinkage_forest
from bayesreg.plots._priors import matched_variance_priors, plot_prior_densities

__all__ = [
    "ConstraintGeometry",
    "PosteriorBands",
    "TrainTestError",
    "constraint_geometry",
    "matched_variance_priors",
    "plot_bayesian_path",
    "plot_constraint_geometry",
    "plot_map_vs_posterior",
    "plot_path",
    "plot_prior_densities",
    "plot_shrinkage_forest",
    "plot_train_test_error",
    "train_test_error",
]
