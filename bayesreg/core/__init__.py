"""The NumPy/SciPy core: certified penalized solvers, paths and cross-validation.

Every solver minimizes the package's one objective::

    F(w, w0) = L(w, w0) + alpha · [l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²]

with L the averaged Gaussian, Bernoulli or Poisson loss, and returns its certificate
(duality gap or KKT residual). Nothing here imports PyMC.
"""

from __future__ import annotations

from bayesreg.core import conventions
from bayesreg.core.adaptive import AdaptiveLassoFit, adaptive_lasso
from bayesreg.core.conventions import *  # noqa: F403  (re-exported by its __all__)
from bayesreg.core.cv import cross_validate
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.geometry import ConstraintGeometry, constraint_geometry
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.model_selection import TrainTestError, train_test_error
from bayesreg.core.objective import objective
from bayesreg.core.penalties import enet_prox, penalty_value, soft_threshold, subdiff_distance
from bayesreg.core.poisson import poisson, poisson_alpha_max, poisson_path
from bayesreg.core.results import CVResult, PathFit, PenalizedFit, RidgePathFit
from bayesreg.core.ridge import ridge, ridge_alphas, ridge_path
from bayesreg.core.solve import penalized_solve
from bayesreg.core.stability import SelectionFrequencies, bootstrap_selection
from bayesreg.core.stats import SufficientStats
from bayesreg.core.weight_decay import WeightDecayTrace, adam, gradient_descent_ridge

__all__ = [
    "AdaptiveLassoFit",
    "CVResult",
    "ConstraintGeometry",
    "PathFit",
    "PenalizedFit",
    "RidgePathFit",
    "SelectionFrequencies",
    "SufficientStats",
    "TrainTestError",
    "WeightDecayTrace",
    "adam",
    "adaptive_lasso",
    "alpha_max",
    "bootstrap_selection",
    "constraint_geometry",
    "cross_validate",
    "elastic_net",
    "enet_prox",
    "gradient_descent_ridge",
    "lasso",
    "lasso_path",
    "logistic",
    "logistic_alpha_max",
    "logistic_path",
    "objective",
    "penalized_solve",
    "penalty_value",
    "poisson",
    "poisson_alpha_max",
    "poisson_path",
    "ridge",
    "ridge_alphas",
    "ridge_path",
    "soft_threshold",
    "subdiff_distance",
    "train_test_error",
]
# the convention converters, as their module exports them
__all__ += conventions.__all__
