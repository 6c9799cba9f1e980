"""The computations behind ``bayesreg demo``: one function per section of the report.

The numbers come from the package's own functions; this module and
:mod:`bayesreg.cli._posterior` choose the data, the priors and the run lengths, and
collect the results.

Data: the diabetes data (Efron et al. 2004) with columns standardized to sd 1 (divisor
n), so a prior scale means the same for every coefficient, and the noise σ = 54 fixed
(the least-squares residual sd is 54.15); the Wisconsin breast-cancer data standardized,
for the logistic case. Park & Casella (2008) work with the bundled unit-norm columns,
so λ is chosen on those (section 4); a coefficient on sd-1 columns is the unit-norm one
divided by √n, hence ``λ(sd 1) = √n · λ(unit norm)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bayesreg.core.types import FloatArray

if TYPE_CHECKING:
    from bayesreg.core.results import PenalizedFit
    from bayesreg.pymc.equivalence import EquivalenceReport

__all__ = [
    "DIABETES_NOISE",
    "LAPLACE_SCALE",
    "LOGISTIC_SCALE",
    "MAX_DOUBLINGS",
    "PATH_LINE_POINTS",
    "PUBLISHED_LAM",
    "SEED",
    "DemoData",
    "DemoSettings",
    "EquivalenceCase",
    "MapComparison",
    "PointEstimate",
    "compare_find_map",
    "equivalence_cases",
    "load_demo_data",
]


DIABETES_NOISE = 54.0  # σ, fixed: about the least-squares residual sd (54.15)
LAPLACE_SCALE = 2.0  # Laplace(0, b = 2): variance 2b² = 8
PRIOR_VARIANCE = 2.0 * LAPLACE_SCALE**2  # the Gaussian and elastic-net priors match it
ELASTIC_NET_L1_FRACTION = 0.5  # a/(a + c) of the elastic-net prior
LOGISTIC_SCALE = 0.5  # Laplace(0, 0.5) on the logistic coefficients
POISSON_SCALE = 0.05  # Laplace(0, 0.05) on the Poisson coefficients (counts of visits)
PUBLISHED_LAM = 0.237  # Park & Casella (2008), marginal maximum likelihood λ
PATH_LINE_POINTS = 120  # alphas of the lasso path drawn as lines (the bands use fewer)
SEED = 2008  # the default of ``bayesreg demo --seed``
MAX_DOUBLINGS = 2  # a posterior run with poor diagnostics is redrawn at most twice as long


@dataclass(frozen=True)
class DemoSettings:
    """Run lengths and the seed of the Monte Carlo steps (``quick`` shortens all of them).

    The Gibbs samplers get more draws than NUTS: a draw costs far less, and the scale
    mixture's draws are more autocorrelated. The lengths are chosen so that the
    diagnostics of :func:`bayesreg.posterior.check_diagnostics` (R-hat ≤ 1.01, bulk and
    tail ESS ≥ 100 per chain) pass on these data for almost every seed: the rank-normalized
    R-hat of well-mixed chains exceeds 1 by about (number of split chains)/(2·ESS)
    times a χ² fluctuation, so a total bulk ESS in the thousands keeps it below 1.01.
    The run length is then chosen from the diagnostics: a posterior run whose diagnostics
    are poor is drawn again with twice the draws, at most ``MAX_DOUBLINGS`` times, so a
    report never rests on one unlucky random stream.
    """

    seed: int
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
    def for_run(cls, *, quick: bool, seed: int = SEED) -> DemoSettings:
        """Settings of the default run, or of ``--quick``, with the run's random seed."""
        if quick:
            return cls(seed, 2, 2000, 1000, 4000, 1000, 2, 5, 8, 3000)
        return cls(seed, 4, 2000, 1000, 5000, 2000, 4, 10, 16, 5000)

    def seed_for(self, stream: int, attempt: int = 0) -> int:
        """An integer seed for one random stream of the run, derived from ``seed``.

        Streams (the samplers and steps) and attempts (redraws) get independent seeds
        through NumPy's ``SeedSequence`` of ``(seed, stream, attempt)``.
        """
        sequence = np.random.SeedSequence((self.seed, stream, attempt))
        return int(sequence.generate_state(1, dtype=np.uint32)[0])


@dataclass(frozen=True)
class DemoData:
    """The data sets of the demo (DataFrames, so feature names travel along)."""

    diabetes_design: pd.DataFrame  # columns with mean 0 and sd 1
    diabetes_unit_design: pd.DataFrame  # the bundled unit-norm columns
    diabetes_target: pd.Series
    cancer_design: pd.DataFrame  # z-scores
    cancer_target: pd.Series
    visits_design: pd.DataFrame  # z-scores
    visits_target: pd.Series  # outpatient visits in the year
    visits_offset: pd.Series  # log of the time eligible during the year


def load_demo_data() -> DemoData:
    """Load the bundled diabetes, breast-cancer and RAND visits data."""
    from bayesreg.datasets import load_breast_cancer, load_diabetes, load_randhie

    unit_X, y = load_diabetes(as_frame=True)
    # unit-norm centered columns times √n have sd 1 (divisor n)
    standardized = unit_X * math.sqrt(unit_X.shape[0])
    cancer_design, cancer_target = load_breast_cancer(standardize=True, as_frame=True)
    visits_design, visits, time = load_randhie(standardize=True, as_frame=True, exposure=True)
    return DemoData(
        standardized,
        unit_X,
        y,
        cancer_design,
        cancer_target,
        visits_design,
        visits,
        time.apply(math.log),
    )


@dataclass(frozen=True)
class EquivalenceCase:
    """One row of the equivalence table."""

    penalty: str
    data_name: str
    prior: str
    report: EquivalenceReport


def equivalence_cases(data: DemoData) -> tuple[EquivalenceCase, ...]:
    """MAP vs penalized estimate: ridge, lasso, elastic net, L1 logistic and L1 Poisson.

    The three diabetes priors have one variance (8), so their difference is the shape
    of the density alone: Normal(0, 2√2), Laplace(0, 2) and the elastic net with
    ``a = c`` matched to variance 8.
    """
    from bayesreg.plots import matched_variance_priors
    from bayesreg.priors import LaplacePrior
    from bayesreg.pymc.equivalence import check_equivalence

    gaussian, laplace, elastic_net = matched_variance_priors(
        variance=PRIOR_VARIANCE, l1_fraction=ELASTIC_NET_L1_FRACTION
    )
    diabetes_cases = (
        ("ridge", f"Normal(0, τ = {gaussian.scale:.3g})", gaussian),
        ("lasso", f"Laplace(0, b = {laplace.scale:.3g})", laplace),
        (
            "elastic net",
            # −log p(w) = a|w| + c w²/2 + const
            f"elastic net (a = {elastic_net.l1_weight():.3g}, c = {elastic_net.l2_weight():.3g})",
            elastic_net,
        ),
    )
    cases = []
    for penalty, label, prior in diabetes_cases:
        report = check_equivalence(
            data.diabetes_design, data.diabetes_target, prior, noise=DIABETES_NOISE
        )
        cases.append(EquivalenceCase(penalty, "diabetes", label, report))
    report = check_equivalence(
        data.cancer_design, data.cancer_target, LaplacePrior(LOGISTIC_SCALE), likelihood="bernoulli"
    )
    label = f"Laplace(0, b = {LOGISTIC_SCALE:g})"
    cases.append(EquivalenceCase("L1 logistic", "breast cancer", label, report))
    report = check_equivalence(
        data.visits_design,
        data.visits_target,
        LaplacePrior(POISSON_SCALE),
        likelihood="poisson",
        offset=data.visits_offset,
    )
    label = f"Laplace(0, b = {POISSON_SCALE:g})"
    cases.append(EquivalenceCase("L1 Poisson", "RAND visits", label, report))
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
    method: str,
    X: FloatArray,
    y: FloatArray,
    coef: Any,
    intercept: float | None,
    lasso: PenalizedFit,
) -> PointEstimate:
    from bayesreg.core.objective import kkt_residual, objective

    values = np.asarray(coef, dtype=np.float64).reshape(-1)
    # A model without an intercept term has w0 = 0.
    intercept = 0.0 if intercept is None else float(intercept)
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

    from bayesreg.core.enet_solver import lasso
    from bayesreg.priors import LaplacePrior
    from bayesreg.pymc.map import find_map
    from bayesreg.pymc.model import build_model

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
        prior=f"Laplace(0, b = {LAPLACE_SCALE:g})",
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
