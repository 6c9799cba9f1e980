"""bayesreg: a regularization penalty is a prior, and the penalized estimate is the MAP.

The public names are loaded on first use, so ``import bayesreg`` is fast and does
not import PyMC; the PyMC layer is imported only by the functions that need it.

Objective convention (used everywhere in the package)::

    F(w, w0) = L(w, w0) + alpha · [l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²]

with L the averaged Gaussian (1/(2n)·||y − w0 − Xw||²) or Bernoulli loss.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # core solvers and results (NumPy/SciPy)
    "ridge": "bayesreg.core.ridge",
    "ridge_path": "bayesreg.core.ridge",
    "ridge_alphas": "bayesreg.core.ridge",
    "lasso": "bayesreg.core.enet_solver",
    "elastic_net": "bayesreg.core.enet_solver",
    "lasso_path": "bayesreg.core.enet_path",
    "alpha_max": "bayesreg.core.enet_path",
    "logistic": "bayesreg.core.logistic",
    "logistic_alpha_max": "bayesreg.core.logistic",
    "logistic_path": "bayesreg.core.logistic_path",
    "adaptive_lasso": "bayesreg.core.adaptive",
    "poisson": "bayesreg.core.poisson",
    "poisson_alpha_max": "bayesreg.core.poisson",
    "poisson_path": "bayesreg.core.poisson",
    "bootstrap_selection": "bayesreg.core.stability",
    "penalized_solve": "bayesreg.core.solve",
    "SufficientStats": "bayesreg.core.stats",
    "cross_validate": "bayesreg.core.cv",
    "gradient_descent_ridge": "bayesreg.core.weight_decay",
    "adam": "bayesreg.core.weight_decay",
    "PenalizedFit": "bayesreg.core.results",
    "PathFit": "bayesreg.core.results",
    "RidgePathFit": "bayesreg.core.results",
    "CVResult": "bayesreg.core.results",
    "objective": "bayesreg.core.objective",
    "soft_threshold": "bayesreg.core.penalties",
    # priors (both faces)
    "Prior": "bayesreg.priors",
    "GaussianPrior": "bayesreg.priors",
    "LaplacePrior": "bayesreg.priors",
    "ExponentialPrior": "bayesreg.priors",
    "HalfNormalPrior": "bayesreg.priors",
    "ElasticNetPrior": "bayesreg.priors",
    "BayesianLassoPrior": "bayesreg.priors",
    "HorseshoePrior": "bayesreg.priors",
    "HorseshoePlusPrior": "bayesreg.priors",
    "RegularizedHorseshoePrior": "bayesreg.priors",
    "prior_from_penalty": "bayesreg.priors",
    # the PyMC layer (imports PyMC on first use)
    "build_model": "bayesreg.pymc.model",
    "find_map": "bayesreg.pymc.map",
    "MapEstimate": "bayesreg.pymc.map",
    "check_equivalence": "bayesreg.pymc.equivalence",
    "EquivalenceReport": "bayesreg.pymc.equivalence",
    # posterior tools
    "sample_posterior": "bayesreg.posterior",
    "empirical_bayes": "bayesreg.posterior",
    "choose_lambda": "bayesreg.posterior",
    "shrinkage_summary": "bayesreg.posterior",
    # scikit-learn estimators (need scikit-learn)
    "PriorRegressor": "bayesreg.estimators",
    "PriorClassifier": "bayesreg.estimators",
}

_SUBMODULES = (
    "core",
    "datasets",
    "errors",
    "validation",
    "testing",
    "priors",
    "pymc",
    "posterior",
    "plots",
)

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"bayesreg.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
