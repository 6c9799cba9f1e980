"""Priors as one object with two faces: a penalty and a probability distribution.

Up to a constant every prior here has the log-density ``−l1|w| − (l2/2) w²`` per
coefficient, so with n samples and the noise σ fixed its MAP minimizes

    F(w) = L(w) + alpha · [l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²],
    alpha = σ² (l1 + l2) / n,   l1_ratio = l1 / (l1 + l2).

``ExponentialPrior`` and ``HalfNormalPrior`` are supported on ``w ≥ 0``: their MAP is the
fit constrained to ``w ≥ 0`` (the core solvers' ``positive=True``).

``HorseshoePrior``, ``HorseshoePlusPrior`` and ``RegularizedHorseshoePrior`` are
global-local scale mixtures whose densities are unbounded at 0: they have a distribution
face only (no finite MAP, so their penalty face raises), and are summarized by posterior
means.

Nothing here imports PyMC until a prior's ``to_pymc`` is called.
"""

from __future__ import annotations

from bayesreg.priors._base import Prior, check_prior, penalty_from_weights, weights_from_penalty
from bayesreg.priors._bayesian_lasso import BayesianLassoPrior
from bayesreg.priors._families import (
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    prior_from_penalty,
)
from bayesreg.priors._horseshoe import (
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)
from bayesreg.priors._noise import NoisePrior
from bayesreg.priors._positive import ExponentialPrior, HalfNormalPrior

__all__ = [
    "BayesianLassoPrior",
    "ElasticNetPrior",
    "ExponentialPrior",
    "GaussianPrior",
    "HalfNormalPrior",
    "HorseshoePlusPrior",
    "HorseshoePrior",
    "LaplacePrior",
    "NoisePrior",
    "Prior",
    "RegularizedHorseshoePrior",
    "check_prior",
    "penalty_from_weights",
    "prior_from_penalty",
    "weights_from_penalty",
]
