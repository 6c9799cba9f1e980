"""The computations behind ``bayesreg demo``: one function per section of the report.

Every number comes from the package's public functions; this module only chooses the
data, the priors and the run lengths, and collects the results.

Data: the diabetes data (Efron et al. 2004) with columns standardized to sd 1 (divisor
n), so a prior scale means the same for every coefficient, and the noise σ = 54 fixed
(the least-squares residual sd is 54.15); the Wisconsin breast-cancer data standardized,
for the logistic case. Park & Casella (2008) work with the bundled unit-norm columns,
so λ is chosen on those (section 4); a coefficient on sd-1 columns is the unit-norm one
divided by √n, hence ``λ(sd 1) = √n · λ(unit norm)``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

if TYPE_CHECKING:
    import xarray

    from bayesreg.core.results import PathFit, PenalizedFit
    from bayesreg.equivalence import EquivalenceReport
    from bayesreg.map import MapEstimate
    from bayesreg.plots import PosteriorBands
    from bayesreg.posterior import Diagnostics, LambdaChoice
    from bayesreg.priors import Prior

__all__ = [
    "DIABETES_NOISE",
    "LAPLACE_SCALE",
    "LOGISTIC_SCALE",
    "PUBLISHED_LAM",
    "DemoData",
    "DemoSettings",
    "EquivalenceCase",
    "MapComparison",
    "PathWithBands",
    "PointEstimate",
    "PosteriorRun",
    "PosteriorShrinkage",
    "compare_find_map",
    "equivalence_cases",
    "lambda_three_ways",
    "lasso_path_with_bands",
    "load_demo_data",
    "posterior_shrinkage",
    "prior_label",
]

FloatArray = NDArray[np.float64]

DIABETES_NOISE = 54.0  # σ, fixed: about the least-squares residual sd (54.15)
LAPLACE_SCALE = 2.0  # Laplace(0, b = 2): variance 2b² = 8
PRIOR_VARIANCE = 2.0 * LAPLACE_SCALE**2  # the Gaussian and elastic-net priors match it
ELASTIC_NET_L1_FRACTION = 0.5  # a/(a + c) of the elastic-net prior
LOGISTIC_SCALE = 0.5  # Laplace(0, 0.5) on the logistic coefficients
PUBLISHED_LAM = 0.237  # Park & Casella (2008), marginal maximum likelihood λ
PATH_LINE_POINTS = 120  # alphas of the lasso path drawn as lines (the bands use fewer)
SEED = 2008


@dataclass(frozen=True)
class DemoSettings:
    """Run lengths of the Monte Carlo steps (``quick`` shortens all of them).

    The Gibbs samplers get more draws than NUTS: a draw costs far less, and the scale
    mixture's draws are more autocorrelated. The lengths are set so that the
    diagnostics of :func:`bayesreg.posterior.check_diagnostics` (R-hat ≤ 1.01, bulk and
    tail ESS ≥ 100 per chain) pass on these data.
    """

    chains: int
    nuts_draws: int
    tune: int
    gibbs_draws: int
    lambda_draws: int
    lambda_chains: int
    n_folds: int
    path_points: int
    path_draws: int

    @classmethod
    def for_run(cls, *, quick: bool) -> DemoSettings:
        """Settings of the default run, or of ``--quick``."""
        if quick:
            return cls(2, 1000, 1000, 3000, 1000, 2, 5, 8, 3000)
        return cls(4, 2000, 1000, 5000, 2000, 4, 10, 16, 5000)


@dataclass(frozen=True)
class DemoData:
    """The data sets of the demo (DataFrames, so feature names travel along)."""

    diabetes_design: pd.DataFrame  # columns with mean 0 and sd 1
    diabetes_unit_design: pd.DataFrame  # the bundled unit-norm columns
    diabetes_target: pd.Series
    cancer_design: pd.DataFrame  # z-scores
    cancer_target: pd.Series


def load_demo_data() -> DemoData:
    """Load the bundled diabetes and breast-cancer data."""
    from bayesreg.datasets import load_breast_cancer, load_diabetes

    unit_X, y = load_diabetes(as_frame=True)
    # unit-norm centred columns times √n have sd 1 (divisor n)
    standardized = unit_X * math.sqrt(unit_X.shape[0])
    cancer_design, cancer_target = load_breast_cancer(standardize=True, as_frame=True)
    return DemoData(standardized, unit_X, y, cancer_design, cancer_target)


def prior_label(prior: Prior) -> str:
    """A short name of a prior with its parameters to 3 significant digits."""
    from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior

    if isinstance(prior, GaussianPrior):
        return f"Normal(0, τ = {prior.scale:.3g})"
    if isinstance(prior, LaplacePrior):
        return f"Laplace(0, b = {prior.scale:.3g})"
    if isinstance(prior, ElasticNetPrior):
        return f"elastic net (a = {prior.l1:.3g}, c = {prior.l2:.3g})"
    return repr(prior)


@dataclass(frozen=True)
class EquivalenceCase:
    """One row of the equivalence table."""

    penalty: str
    data_name: str
    prior: str
    report: EquivalenceReport


def equivalence_cases(data: DemoData) -> tuple[EquivalenceCase, ...]:
    """MAP vs penalized estimate for ridge, lasso, elastic net and L1 logistic regression.

    The three diabetes priors have one variance (8), so their difference is the shape
    of the density alone: Normal(0, 2√2), Laplace(0, 2) and the elastic net with
    ``a = c`` matched to variance 8.
    """
    from bayesreg.equivalence import check_equivalence
    from bayesreg.plots import matched_variance_priors
    from bayesreg.priors import LaplacePrior

    gaussian, laplace, elastic_net = matched_variance_priors(
        variance=PRIOR_VARIANCE, l1_fraction=ELASTIC_NET_L1_FRACTION
    )
    cases = []
    for penalty, prior in (("ridge", gaussian), ("lasso", laplace), ("elastic net", elastic_net)):
        report = check_equivalence(
            data.diabetes_design, data.diabetes_target, prior, noise=DIABETES_NOISE
        )
        cases.append(EquivalenceCase(penalty, "diabetes", prior_label(prior), report))
    logistic_prior = LaplacePrior(LOGISTIC_SCALE)
    report = check_equivalence(
        data.cancer_design, data.cancer_target, logistic_prior, likelihood="bernoulli"
    )
    cases.append(
        EquivalenceCase("L1 logistic", "breast cancer", prior_label(logistic_prior), report)
    )
    return tuple(cases)


@dataclass(frozen=True)
class PointEstimate:
    """A candidate MAP judged against the certified lasso solution."""

    method: str
    coef: FloatArray
    intercept: float
    max_abs_error: float  # max_j |w_j − w_lasso_j|
    n_exact_zeros: int
    kkt_residual: float  # of min F, in the units of F
    objective_excess: float  # F(w, w0) − F(w_lasso, w0_lasso)


@dataclass(frozen=True)
class MapComparison:
    """``pm.find_MAP`` and ``bayesreg.find_map`` on one model, next to the lasso."""

    prior: str
    noise: float
    alpha: float
    feature_names: tuple[str, ...]
    lasso: PenalizedFit
    exact: PointEstimate
    pymc: PointEstimate
    optimizer_success: bool
    optimizer_message: str


def _judge(
    method: str, X: FloatArray, y: FloatArray, coef: Any, intercept: float, lasso: PenalizedFit
) -> PointEstimate:
    from bayesreg.core.objective import kkt_residual, objective

    values = np.asarray(coef, dtype=np.float64).reshape(-1)
    return PointEstimate(
        method=method,
        coef=values,
        intercept=float(intercept),
        max_abs_error=float(np.max(np.abs(values - lasso.coef))),
        n_exact_zeros=int(np.count_nonzero(values == 0.0)),
        kkt_residual=kkt_residual(X, y, values, intercept, lasso.alpha, 1.0),
        objective_excess=objective(X, y, values, intercept, lasso.alpha, 1.0)
        - objective(X, y, lasso.coef, lasso.intercept, lasso.alpha, 1.0),
    )


def compare_find_map(data: DemoData) -> MapComparison:
    """The MAP of the diabetes model under Laplace(0, 2), σ = 54, found two ways.

    ``pm.find_MAP`` runs L-BFGS-B on −log p, which is not differentiable where a
    coefficient is 0; ``bayesreg.find_map`` treats the |w_j| terms exactly. Both are
    compared with the lasso at ``alpha = σ²/(n b)`` by the KKT residual of F (0 exactly
    at the minimizer) and by the excess objective.
    """
    import pymc as pm

    from bayesreg.core.coordinate_descent import lasso
    from bayesreg.map import find_map
    from bayesreg.models import build_model
    from bayesreg.priors import LaplacePrior

    prior = LaplacePrior(LAPLACE_SCALE)
    X = data.diabetes_design.to_numpy(dtype=np.float64)
    y = data.diabetes_target.to_numpy(dtype=np.float64)
    alpha, _ = prior.penalty(X.shape[0], DIABETES_NOISE)
    reference = lasso(X, y, alpha)
    model = build_model(data.diabetes_design, data.diabetes_target, prior, noise=DIABETES_NOISE)
    exact = find_map(model)
    tree = pm.find_MAP(model=model, progressbar=False, jitter=False, return_inferencedata=True)
    point = tree["posterior"].to_dataset()
    optimizer = tree["optimizer_result"].to_dataset()
    return MapComparison(
        prior=prior_label(prior),
        noise=DIABETES_NOISE,
        alpha=alpha,
        feature_names=tuple(str(name) for name in data.diabetes_design.columns),
        lasso=reference,
        exact=_judge("bayesreg.find_map", X, y, exact.coef, exact.intercept, reference),
        pymc=_judge(
            "pm.find_MAP (L-BFGS-B)",
            X,
            y,
            point["coef"].to_numpy(),
            float(point["intercept"].to_numpy().squeeze()),
            reference,
        ),
        optimizer_success=bool(optimizer["success"].to_numpy()),
        optimizer_message=str(optimizer["message"].to_numpy()),
    )


@dataclass(frozen=True)
class PosteriorRun:
    """One posterior sample with its shrinkage summary and diagnostics."""

    method: str
    draws: int
    tree: xarray.DataTree
    summary: pd.DataFrame
    diagnostics: Diagnostics
    seconds: float


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
    from bayesreg.map import find_map
    from bayesreg.models import build_model
    from bayesreg.posterior import check_diagnostics, sample_posterior, shrinkage_summary
    from bayesreg.priors import BayesianLassoPrior

    lam = DIABETES_NOISE / LAPLACE_SCALE
    prior = BayesianLassoPrior(lam=lam)
    X, y = data.diabetes_design, data.diabetes_target
    joint_map = find_map(build_model(X, y, prior))
    assert joint_map.noise is not None  # σ is a free variable of this model
    runs = []
    samplers = (
        ("nuts", "NUTS (PyMC)", settings.nuts_draws, SEED),
        ("gibbs", "Gibbs (NumPy)", settings.gibbs_draws, SEED + 1),
    )
    for method, label, draws, seed in samplers:
        start = time.perf_counter()
        tree = sample_posterior(
            X,
            y,
            prior,
            method=method,
            draws=draws,
            tune=settings.tune,
            chains=settings.chains,
            random_seed=seed,
            progressbar=False,
        )
        seconds = time.perf_counter() - start
        # The joint MAP's ŵ is the MAP with σ fixed at σ̂ (the lasso at alpha = σ̂λ/n),
        # so the summary's certified MAP column needs no second PyMC compilation.
        summary = shrinkage_summary(tree, X, y, prior, noise=joint_map.noise)
        diagnostics = check_diagnostics(tree, warn=False)
        runs.append(PosteriorRun(label, draws, tree, summary, diagnostics, seconds))
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
        random_seed=SEED,
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
    """Lasso path from 1.5·alpha_max down to alpha_max/100, with 94% HDI bands.

    At each alpha the prior is Laplace(0, b) with ``b = σ²/(n·alpha)`` and σ = 54 fixed:
    its MAP is the path's point, and its posterior (Gibbs) gives the band. Beyond
    alpha_max the MAP is exactly 0 while the posterior still spreads around it.
    """
    from bayesreg.core.paths import alpha_max, lasso_path
    from bayesreg.plots import PosteriorBands
    from bayesreg.posterior import bayesian_path
    from bayesreg.priors import LaplacePrior

    X, y = data.diabetes_design, data.diabetes_target
    n_samples = X.shape[0]
    largest = alpha_max(X, y)
    path = lasso_path(X, y, np.geomspace(1.5 * largest, largest / 100.0, PATH_LINE_POINTS))
    band_alphas = np.geomspace(1.5 * largest, largest / 100.0, settings.path_points)
    priors = [LaplacePrior(DIABETES_NOISE**2 / (n_samples * alpha)) for alpha in band_alphas]
    long = bayesian_path(
        X,
        y,
        priors,
        noise=DIABETES_NOISE,
        draws=settings.path_draws,
        chains=2,
        random_seed=SEED,
    )
    n_features = X.shape[1]
    # long format, one row per (prior, feature), priors in the order of band_alphas
    # (decreasing); np.interp needs increasing abscissae, hence the reversals
    sampled = {
        bound: long[bound].to_numpy().reshape(len(priors), n_features)[::-1]
        for bound in ("hdi_lower", "hdi_upper")
    }
    log_band = np.log(band_alphas[::-1])
    log_path = np.log(path.alphas)
    lower, upper = (
        np.column_stack([np.interp(log_path, log_band, values[:, j]) for j in range(n_features)])
        for values in sampled.values()
    )
    marked, _ = LaplacePrior(LAPLACE_SCALE).penalty(n_samples, DIABETES_NOISE)
    return PathWithBands(path, PosteriorBands(lower, upper, prob=0.94), band_alphas, marked)
