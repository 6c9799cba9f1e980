"""The penalized side of :func:`~bayesreg.pymc.equivalence.check_equivalence` for the
Bernoulli and Poisson likelihoods, and the scales its verdict is relative to.

With observation weights ``s`` (None: all 1) and penalty factors ``v`` (None: all 1) the
penalized objective is

    F(w, w0) = 1/Σs Σ_i s_i ℓ(η_i, y_i) + alpha Σ_j v_j [r |w_j| + (1 − r)/2 w_j²],

``ℓ(η, y) = log(1 + e^η) − yη`` (Bernoulli) or ``e^{o+η} − y(o + η)`` (Poisson, offset
o), ``η = w0 + Xw``: the negative log posterior over Σs of the weighted model with the
prior's per-coefficient scales, at ``alpha = σ²(l1 + l2)/Σs`` with σ = 1 and
``v = prior.penalty_factor()``. Its minimizer is the core's ``logistic`` or ``poisson``
with ``sample_weight=s, penalty_factor=v``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from bayesreg.core._duality import positive_subdiff_distance
from bayesreg.core._penalty_factor import weighted_penalty_value
from bayesreg.core.datafits import datafit_of
from bayesreg.core.logistic import logistic
from bayesreg.core.penalties import penalty_value, subdiff_distance
from bayesreg.core.poisson import poisson
from bayesreg.core.results import PenalizedFit
from bayesreg.core.types import FloatArray

__all__ = [
    "PENALIZED_GLM_TOL",
    "Comparison",
    "GLMProblem",
    "Scales",
    "compare_glm",
    "poisson_scales",
    "weighted_scales",
]

#: Relative KKT tolerance of the logistic and Poisson fits that the MAP is compared with.
PENALIZED_GLM_TOL = 1e-13


@dataclass(frozen=True)
class Scales:
    """The verdict's scales (see :attr:`~bayesreg.pymc.equivalence.EquivalenceReport.ok`)."""

    gradient: float
    coef: float
    intercept: float


@dataclass(frozen=True)
class Comparison:
    """The penalized side of the comparison and the MAP's F and KKT residual for it."""

    fit: PenalizedFit
    scales: Scales
    kkt_map: float
    objective_map: float
    objective_penalized: float


def _folded(n_samples: int, weights: FloatArray | None) -> FloatArray:
    """``s̃ = n·s/Σs`` (all 1 without weights): the weights that fold into the rows."""
    return np.ones(n_samples) if weights is None else weights * (n_samples / float(weights.sum()))


def weighted_scales(
    X: FloatArray,
    y: FloatArray,
    weights: FloatArray | None,
    fit: PenalizedFit,
    fit_intercept: bool,
) -> Scales:
    """The verdict's scales of the folded rows ``√s̃ (X − 1x̄_sᵀ)``, ``√s̃ (y − ȳ_s)``:
    the weighted problem is the ordinary one on them, so the scales are those of the
    report with weighted means and weighted norms (the Gaussian and Bernoulli rule)."""
    n_samples = X.shape[0]
    scaled = _folded(n_samples, weights)
    x_mean = scaled @ X / n_samples if fit_intercept else np.zeros(X.shape[1])
    y_mean = float(scaled @ y) / n_samples if fit_intercept else 0.0
    root = np.sqrt(scaled)
    rounding = n_samples * float(np.finfo(np.float64).eps)
    # ||yc||₂ and m = max_j ||Xc_j||₂ (weighted), floored at the rounding level of centering
    spread = max(
        float(np.linalg.norm(root * (y - y_mean))), rounding * float(np.linalg.norm(root * y))
    )
    column = _column_scale(X, root, x_mean, rounding)
    data_coef = spread / column if column > 0.0 else 0.0
    coef = max(float(np.max(np.abs(fit.coef), initial=0.0)), data_coef)
    intercept = max(
        abs(fit.intercept),
        spread / np.sqrt(n_samples) + float(np.sum(np.abs(x_mean))) * coef,
    )
    return Scales(gradient=column * spread / n_samples, coef=coef, intercept=float(intercept))


def _column_scale(X: FloatArray, root: FloatArray, x_mean: FloatArray, rounding: float) -> float:
    """``m = max_j ||√s̃ (X_j − x̄_j)||₂``, floored at the rounding level of centering."""
    return max(
        float(np.max(np.linalg.norm(root[:, None] * (X - x_mean), axis=0), initial=0.0)),
        rounding * float(np.max(np.linalg.norm(root[:, None] * X, axis=0), initial=0.0)),
    )


def poisson_scales(
    X: FloatArray,
    y: FloatArray,
    offset: FloatArray | None,
    weights: FloatArray | None,
    fit: PenalizedFit,
    fit_intercept: bool,
) -> Scales:
    """The Poisson verdict's scales, on the folded rows (weights ``s̃ = n·s/Σs``).

    ``gradient = m ||√s̃ (μ₀ − y)||₂ / n`` bounds ``||∇_w L||∞`` at w = 0 by
    Cauchy-Schwarz, μ₀ the means of the model with w = 0 and its best intercept
    (``Σ s̃y · exp(o) / Σ s̃ exp(o)``; ``exp(o)`` without an intercept); ``coef =
    max(||coef||∞, √n / m)`` and ``intercept = max(|w0|, 1 + ||x̄_s||₁ · coef)``.
    """
    n_samples = X.shape[0]
    scaled = _folded(n_samples, weights)
    root = np.sqrt(scaled)
    x_mean = scaled @ X / n_samples if fit_intercept else np.zeros(X.shape[1])
    rounding = n_samples * float(np.finfo(np.float64).eps)
    shift = np.zeros(n_samples) if offset is None else offset
    if fit_intercept:  # Σ s̃ exp(o + w0) = Σ s̃ y: the best intercept at w = 0
        null_mean = float(scaled @ y) * np.exp(shift - float(logsumexp(shift, b=scaled)))
    else:
        null_mean = np.exp(shift)
    spread = max(
        float(np.linalg.norm(root * (null_mean - y))), rounding * float(np.linalg.norm(root * y))
    )
    column = _column_scale(X, root, x_mean, rounding)
    data_coef = np.sqrt(n_samples) / column if column > 0.0 else 0.0
    coef = max(float(np.max(np.abs(fit.coef), initial=0.0)), data_coef)
    intercept = max(abs(fit.intercept), 1.0 + float(np.sum(np.abs(x_mean))) * coef)
    return Scales(gradient=column * spread / n_samples, coef=coef, intercept=float(intercept))


@dataclass(frozen=True)
class GLMProblem:
    """The data of a Bernoulli or Poisson comparison: ``likelihood``, the rows, the
    Poisson offset, the observation weights and the penalty factors (None: all 1)."""

    likelihood: str
    design: FloatArray
    target: FloatArray
    fit_intercept: bool
    offset: FloatArray | None = None
    weights: FloatArray | None = None
    factor: FloatArray | None = None
    #: a prior supported on w ≥ 0: the fit is constrained and the KKT check one-sided
    positive: bool = False


def compare_glm(
    problem: GLMProblem,
    penalty: tuple[float, float],
    coef_map: FloatArray,
    intercept_map: float,
) -> Comparison:
    """Solve the module docstring's problem at ``penalty = (alpha, r)`` and measure the
    MAP against it: F at both points, and the MAP's KKT residual over the coefficients
    at its intercept, ``dist(−∇_w L, alpha·∂(Σ_j v_j P(w_j)))`` with
    ``∇_w L = Xᵀ(c ⊙ (μ − y))``, ``c = s/Σs`` (``1/n`` without weights)."""
    alpha, l1_ratio = penalty
    design, target, factor = problem.design, problem.target, problem.factor
    weights = problem.weights
    if problem.likelihood == "poisson":
        fit = poisson(
            design,
            target,
            alpha,
            l1_ratio,
            offset=problem.offset,
            fit_intercept=problem.fit_intercept,
            tol=PENALIZED_GLM_TOL,
            sample_weight=weights,
            penalty_factor=factor,
            positive=problem.positive,
        )
    else:
        fit = logistic(
            design,
            target,
            alpha,
            l1_ratio,
            fit_intercept=problem.fit_intercept,
            tol=PENALIZED_GLM_TOL,
            sample_weight=weights,
            penalty_factor=factor,
            positive=problem.positive,
        )
    shares = None if weights is None else weights / float(weights.sum())
    datafit = datafit_of(problem.likelihood, target, problem.offset, shares)

    def value(coef: FloatArray, w0: float) -> float:
        if problem.positive and np.any(coef < 0.0):
            return math.inf  # outside the prior's support
        if factor is None:
            return datafit.value(w0 + design @ coef) + penalty_value(coef, alpha, l1_ratio)
        penalty_term = weighted_penalty_value(coef, alpha, l1_ratio, factor)
        return datafit.value(w0 + design @ coef) + penalty_term

    gradient, _ = datafit.derivatives(intercept_map + design @ coef_map)
    strengths = alpha if factor is None else alpha * factor
    if problem.positive:  # one-sided at 0; a negative coefficient is outside the domain
        # u = −∇_w L; per coordinate l1 = alpha·v_j·r, l2 = alpha·v_j·(1 − r)
        one_sided = positive_subdiff_distance(
            coef_map,
            -(design.T @ gradient),
            strengths * l1_ratio,
            strengths * (1.0 - l1_ratio),
        )
        distance = np.where(coef_map < 0.0, np.inf, one_sided)
    else:
        distance = subdiff_distance(coef_map, design.T @ gradient, strengths, l1_ratio)
    if problem.likelihood == "poisson":
        scales = poisson_scales(design, target, problem.offset, weights, fit, problem.fit_intercept)
    else:
        scales = weighted_scales(design, target, weights, fit, problem.fit_intercept)
    return Comparison(
        fit=fit,
        scales=scales,
        kkt_map=float(np.max(distance, initial=0.0)),
        objective_map=value(coef_map, intercept_map),
        objective_penalized=value(fit.coef, fit.intercept),
    )
