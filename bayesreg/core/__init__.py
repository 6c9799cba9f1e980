"""The NumPy/SciPy core: certified penalized solvers, paths and cross-validation.

Nothing here imports PyMC.
"""

from __future__ import annotations

from bayesreg.core.conventions import (
    from_glmnet,
    from_sklearn_elastic_net,
    from_sklearn_lasso,
    from_sklearn_logistic,
    from_sklearn_ridge,
    to_glmnet,
    to_sklearn_elastic_net,
    to_sklearn_lasso,
    to_sklearn_logistic,
    to_sklearn_ridge,
)
from bayesreg.core.objective import objective
from bayesreg.core.penalties import enet_prox, penalty_value, soft_threshold, subdiff_distance
from bayesreg.core.results import CVResult, PathFit, PenalizedFit, RidgePathFit

__all__ = [
    "CVResult",
    "PathFit",
    "PenalizedFit",
    "RidgePathFit",
    "enet_prox",
    "from_glmnet",
    "from_sklearn_elastic_net",
    "from_sklearn_lasso",
    "from_sklearn_logistic",
    "from_sklearn_ridge",
    "objective",
    "penalty_value",
    "soft_threshold",
    "subdiff_distance",
    "to_glmnet",
    "to_sklearn_elastic_net",
    "to_sklearn_lasso",
    "to_sklearn_logistic",
    "to_sklearn_ridge",
]
