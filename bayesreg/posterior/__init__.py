"""Posterior tools: exact conjugate posterior, Gibbs samplers, NUTS dispatch, empirical Bayes.

The penalized estimate is one point of a posterior, its MAP; these tools give the rest
of it, and its sparse summaries (DSS, SAVS, a variable ranking) lead back to a sparse
model. Nothing here imports PyMC until NUTS (or a joint MAP) is asked for.
"""

from __future__ import annotations

from bayesreg.posterior.bands import PosteriorBands, bands_along_path
from bayesreg.posterior.choose import LambdaChoice, LambdaRow, choose_lambda
from bayesreg.posterior.conjugate import GaussianPosterior, gaussian_posterior
from bayesreg.posterior.empirical_bayes import (
    LassoMCEM,
    RidgeEvidence,
    empirical_bayes,
    lasso_mcem,
    ridge_evidence,
)
from bayesreg.posterior.gibbs import GibbsDraws, GibbsPrior, NoisePrior, gibbs_sample
from bayesreg.posterior.sampling import gibbs_prior_of, noise_prior_of, sample_posterior
from bayesreg.posterior.sparsify import (
    DecoupledSelection,
    SparseDraws,
    dss,
    rank_variables,
    savs,
)
from bayesreg.posterior.summary import (
    Diagnostics,
    bayesian_path,
    check_diagnostics,
    ridge_effective_dof,
    shrinkage_summary,
)

__all__ = [
    "DecoupledSelection",
    "Diagnostics",
    "GaussianPosterior",
    "GibbsDraws",
    "GibbsPrior",
    "LambdaChoice",
    "LambdaRow",
    "LassoMCEM",
    "NoisePrior",
    "PosteriorBands",
    "RidgeEvidence",
    "SparseDraws",
    "bands_along_path",
    "bayesian_path",
    "check_diagnostics",
    "choose_lambda",
    "dss",
    "empirical_bayes",
    "gaussian_posterior",
    "gibbs_prior_of",
    "gibbs_sample",
    "lasso_mcem",
    "noise_prior_of",
    "rank_variables",
    "ridge_effective_dof",
    "ridge_evidence",
    "sample_posterior",
    "savs",
    "shrinkage_summary",
]
