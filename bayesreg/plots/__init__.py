"""Plots that show penalties as priors (matplotlib).

``import bayesreg`` does not import matplotlib; importing ``bayesreg.plots`` does.
Every function draws on a given ``ax`` (or ``fig`` for multi-panel figures) or on a new
figure, and returns it. One visual language runs through them (:func:`role`): the
MAP is a blue diamond, least squares a black cross, the posterior vermillion (mean: filled
circle, median: hollow circle, credible intervals and bands), the true coefficient a
purple star; the Gaussian prior (ridge) is orange, the Laplace prior (lasso) blue, the
elastic net green. What the figures show is computed in the layers below:
:mod:`bayesreg.core.geometry` (the constraint regions),
:mod:`bayesreg.core.model_selection` (training, cross-validation and test error),
:func:`~bayesreg.core.cv.cross_validate` (the cross-validation curve) and
:mod:`bayesreg.posterior.bands` (credible bands along a path).
"""

from __future__ import annotations

from bayesreg.plots._bayesian_path import plot_bayesian_path
from bayesreg.plots._cv import plot_cv_curve
from bayesreg.plots._geometry import plot_constraint_geometry
from bayesreg.plots._path_panels import plot_path_panels
from bayesreg.plots._paths import plot_path, plot_train_test_error
from bayesreg.plots._posterior import plot_map_vs_posterior, plot_shrinkage_forest
from bayesreg.plots._priors import matched_variance_priors, plot_prior_densities
from bayesreg.plots._style import Role, role

__all__ = [
    "Role",
    "matched_variance_priors",
    "plot_bayesian_path",
    "plot_constraint_geometry",
    "plot_cv_curve",
    "plot_map_vs_posterior",
    "plot_path",
    "plot_path_panels",
    "plot_prior_densities",
    "plot_shrinkage_forest",
    "plot_train_test_error",
    "role",
]
