"""The posterior steps of ``bayesreg demo``: NUTS and Gibbs, λ three ways, path bands."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bayesreg.cli._sections import (
    DIABETES_NOISE,
    LAPLACE_SCALE,
    MAX_DOUBLINGS,
    PATH_LINE_POINTS,
    DemoData,
    DemoSettings,
)
from bayesreg.core.types import FloatArray

if TYPE_CHECKING:
    import xarray

    from bayesreg.core.results import PathFit
    from bayesreg.posterior import Diagnostics, LambdaChoice
    from bayesreg.posterior.bands import PosteriorBands
    from bayesreg.priors import Prior
    from bayesreg.pymc.map import MapEstimate

__all__ = [
    "PathWithBands",
    "PosteriorRun",
    "PosteriorShrinkage",
    "lambda_three_ways",
    "lasso_path_with_bands",
    "posterior_shrinkage",
]


# random streams of a run (DemoSettings.seed_for)
NUTS_STREAM, GIBBS_STREAM, LAMBDA_STREAM, PATH_STREAM = range(4)


@dataclass(frozen=True)
class PosteriorRun:
    """One posterior sample with its shrinkage summary and diagnostics.

    ``draws`` is the run length used (per chain), ``attempts`` how many runs it took:
    a run whose diagnostics were poor was drawn again with twice the draws.
    """

    method: str
    draws: int
    attempts: int
    tree: xarray.DataTree
    summary: pd.DataFrame
    diagnostics: Diagnostics
    seconds: float


def _sample_until_sound(
    data: DemoData,
    prior: Prior,
    method: str,
    draws: int,
    settings: DemoSettings,
    stream: int,
) -> tuple[xarray.DataTree, Diagnostics, int, int]:
    """Draw the posterior; while its diagnostics are poor, draw it afresh twice as long.

    At most ``MAX_DOUBLINGS`` redraws, each with its own seed; the last run is returned
    with its diagnostics (poor ones are then reported, not hidden). Returns the tree, its
    diagnostics, the draws per chain and the number of runs.
    """
    from bayesreg.posterior import check_diagnostics, sample_posterior

    for attempt in range(MAX_DOUBLINGS + 1):
        length = draws * 2**attempt
        tree = sample_posterior(
            data.diabetes_design,
            data.diabetes_target,
            prior,
            method=method,
            draws=length,
            tune=settings.tune,
            chains=settings.chains,
            random_seed=settings.seed_for(stream, attempt),
            progressbar=False,
        )
        # only the last allowed run warns (and so is listed in the report) when poor
        diagnostics = check_diagnostics(tree, warn=attempt == MAX_DOUBLINGS)
        if diagnostics.ok:
            break
    return tree, diagnostics, length, attempt + 1


@dataclass(frozen=True)
class PosteriorShrinkage:
    """The Bayesian lasso posterior on the diabetes data, by NUTS and by Gibbs.

    ``lam = σ/b`` with the σ and b of sections 1–2, so that ``w_j | σ ~ Laplace(0, σ/λ)``
    is the Laplace(0, 2) prior at σ = 54; here σ is free with ``p(σ²) ∝ 1/σ²``.
    """

    lam: float
    joint_map: MapEstimate
    joint_map_alpha: float  # σ̂ λ / n: ŵ is the lasso solution at this alpha
    map_vs_lasso: float  # max_j |ŵ_j − w_lasso_j(σ̂ λ / n)|
    runs: tuple[PosteriorRun, ...]
    max_mean_z: float  # max_j |mean_NUTS − mean_Gibbs| / √(se_NUTS² + se_Gibbs²)
    negligible: float  # ε of P(|w_j| < ε): 0.1·sd(y) / sd(x_j), with sd(x_j) = 1


def posterior_shrinkage(data: DemoData, settings: DemoSettings) -> PosteriorShrinkage:
    """Sample the Bayesian lasso posterior by NUTS and by Gibbs and summarize both."""
    from bayesreg.posterior import shrinkage_summary
    from bayesreg.priors import BayesianLassoPrior
    from bayesreg.pymc.map import find_map
    from bayesreg.pymc.model import build_model

    lam = DIABETES_NOISE / LAPLACE_SCALE
    prior = BayesianLassoPrior(lam=lam)
    X, y = data.diabetes_design, data.diabetes_target
    joint_map = find_map(build_model(X, y, prior))
    assert joint_map.noise is not None  # σ is a free variable of this model
    runs = []
    samplers = (
        ("nuts", "NUTS (PyMC)", settings.nuts_draws, NUTS_STREAM),
        ("gibbs", "Gibbs (NumPy)", settings.gibbs_draws, GIBBS_STREAM),
    )
    for method, label, draws, stream in samplers:
        start = time.perf_counter()
        tree, diagnostics, length, attempts = _sample_until_sound(
            data, prior, method, draws, settings, stream
        )
        seconds = time.perf_counter() - start
        # The joint MAP's ŵ is the MAP with σ fixed at σ̂ (the lasso at alpha = σ̂λ/n),
        # so the summary's certified MAP column needs no second PyMC compilation.
        summary = shrinkage_summary(tree, X, y, prior, noise=joint_map.noise)
        runs.append(PosteriorRun(label, length, attempts, tree, summary, diagnostics, seconds))
    first, second = (run.summary for run in runs)
    # Monte Carlo standard error of a posterior mean: sd / √ESS
    standard_error = np.hypot(
        first["sd"] / np.sqrt(first["ess_bulk"]), second["sd"] / np.sqrt(second["ess_bulk"])
    )
    max_z = float(np.max(np.abs(first["mean"] - second["mean"]) / standard_error))
    return PosteriorShrinkage(
        lam=lam,
        joint_map=joint_map,
        joint_map_alpha=joint_map.noise * lam / X.shape[0],
        map_vs_lasso=float(np.max(np.abs(joint_map.coef - first["map"].to_numpy()))),
        runs=tuple(runs),
        max_mean_z=max_z,
        negligible=0.1 * float(y.std(ddof=0)),
    )


def lambda_three_ways(data: DemoData, settings: DemoSettings) -> LambdaChoice:
    """λ by cross-validation, empirical Bayes and a hyperprior, on Park & Casella's scaling."""
    from bayesreg.posterior import choose_lambda

    return choose_lambda(
        data.diabetes_unit_design,
        data.diabetes_target,
        n_folds=settings.n_folds,
        draws=settings.lambda_draws,
        chains=settings.lambda_chains,
        random_seed=settings.seed_for(LAMBDA_STREAM),
    )


@dataclass(frozen=True)
class PathWithBands:
    """The lasso path with the posterior's credible bands (σ fixed).

    ``path`` is solved on a fine grid; the bands are sampled at ``band_alphas`` and
    interpolated linearly in log alpha onto that grid, which is how a band drawn
    through the sampled alphas on a log axis looks anyway.
    """

    path: PathFit
    bands: PosteriorBands
    band_alphas: FloatArray
    marked_alpha: float  # the alpha of Laplace(0, 2), σ = 54


def lasso_path_with_bands(data: DemoData, settings: DemoSettings) -> PathWithBands:
    """Lasso path from 1.5·alpha_max down to alpha_max/100, with 95% HDI bands.

    At each alpha the prior is Laplace(0, b) with ``b = σ²/(n·alpha)`` and σ = 54 fixed:
    its MAP is the path's point, and its posterior (Gibbs) gives the band. Beyond
    alpha_max the MAP is exactly 0 while the posterior still spreads around it.
    """
    from bayesreg.core.enet_path import alpha_max, lasso_path
    from bayesreg.posterior import bayesian_path
    from bayesreg.posterior.bands import bands_along_path
    from bayesreg.priors import LaplacePrior

    X, y = data.diabetes_design, data.diabetes_target
    n_samples = X.shape[0]
    largest = alpha_max(X, y)
    path = lasso_path(X, y, np.geomspace(1.5 * largest, largest / 100.0, PATH_LINE_POINTS))
    band_alphas = np.geomspace(1.5 * largest, largest / 100.0, settings.path_points)
    priors = [LaplacePrior(DIABETES_NOISE**2 / (n_samples * alpha)) for alpha in band_alphas]
    table = bayesian_path(
        X,
        y,
        priors,
        noise=DIABETES_NOISE,
        draws=settings.path_draws,
        chains=2,
        random_seed=settings.seed_for(PATH_STREAM),
    )
    marked, _ = LaplacePrior(LAPLACE_SCALE).penalty(n_samples, DIABETES_NOISE)
    return PathWithBands(path, bands_along_path(path, table), band_alphas, marked)
