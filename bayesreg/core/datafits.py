"""Datafits: the loss of a generalized linear model as a function of its linear predictor.

A datafit is ``L(η) = 1/n Σ_i ℓ(η_i, y_i)`` with ``η = w0 + X w``. The proximal Newton
engine (:mod:`bayesreg.core.newton`, through :class:`bayesreg.core.newton_glm.PenalizedGLM`)
reads three things of it, all per sample and all with the 1/n included:

* ``value(η)`` = L(η);
* ``derivatives(η)`` = ``(∂L/∂η, ∂²L/∂η²)``: the gradient, so that ∇_w L = Xᵀ gradient and
  ∂L/∂w0 = Σ gradient, and the Hessian weights, so that ∇²L = Zᵀ diag(weights) Z with
  Z = [1, X] (one call, as the two share their costly part, e.g. μ = expit(η)).

**Observation weights.** Each datafit takes optional per-sample weights ``c_i = s_i/Σs``
(summing to 1) in place of the ``1/n``: ``L(η) = Σ_i c_i ℓ(η_i, y_i)``, scikit-learn's
``sample_weight`` in the averaged convention (for integer s, row i repeated s_i times).
None: ``1/n``, computed as before.

Another family is one small class: :class:`Poisson` (log link) is about twenty lines.
A known offset (an exposure, log t_i) belongs to the datafit too — it is data of the
likelihood, like y: ``Poisson(y, offset)`` evaluates ``L`` at ``offset + η``, so the
engine's η stays ``w0 + X w`` and nothing else changes.

A value that overflows is ``+inf`` (never NaN): the engine's line search compares
``value(η) ≤ f(θ) + …``, which is False for ``+inf``, so such a trial step is rejected
and halved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.special import expit

from bayesreg.core.types import FloatArray

__all__ = ["Bernoulli", "Datafit", "Poisson", "Quadratic", "datafit_of", "log1pexp"]


def log1pexp(eta: FloatArray) -> FloatArray:
    """``log(1 + exp(η))`` without overflow: max(η, 0) + log1p(exp(−|η|))."""
    result: FloatArray = np.maximum(eta, 0.0) + np.log1p(np.exp(-np.abs(eta)))
    return result


class Datafit(Protocol):
    """``L(η) = 1/n Σ_i ℓ(η_i, y_i)`` and its first two derivatives in η (per sample)."""

    def value(self, eta: FloatArray) -> float:
        """``L(η)``."""
        ...

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(∂L/∂η_i, ∂²L/∂η_i²)`` (the second ≥ 0 for a convex datafit)."""
        ...


@dataclass(frozen=True)
class Quadratic:
    """The Gaussian log-likelihood with σ fixed: ``L(η) = 1/(2n) ||y − η||²``.

    With weights ``c`` (summing to 1): ``L(η) = ½ Σ_i c_i (y_i − η_i)²``.
    """

    y: FloatArray
    weights: FloatArray | None = None

    def value(self, eta: FloatArray) -> float:
        residual = self.y - eta
        if self.weights is not None:
            return 0.5 * float(self.weights @ residual**2)
        return float(residual @ residual) / (2.0 * self.y.size)

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``((η − y)/n, 1/n)`` (``(c (η − y), c)`` with weights)."""
        if self.weights is not None:
            weighted: FloatArray = self.weights * (eta - self.y)
            return weighted, self.weights.copy()
        gradient: FloatArray = (eta - self.y) / self.y.size
        return gradient, np.full(self.y.size, 1.0 / self.y.size)


@dataclass(frozen=True)
class Bernoulli:
    """The logistic log-likelihood: ``L(η) = 1/n Σ [log(1 + exp(η_i)) − y_i η_i]``, y ∈ {0, 1}.

    Each term is evaluated as ``log(1 + exp(s_i η_i))`` with ``s_i = 1 − 2 y_i``: for
    y_i = 1, log(1 + e^η) − η = log(1 + e^{−η}), so no two large numbers are subtracted
    and the loss keeps full relative precision for |η| up to ~1e308. With weights ``c``
    (summing to 1) ``1/n`` becomes ``c_i``.
    """

    y: FloatArray
    weights: FloatArray | None = None

    def value(self, eta: FloatArray) -> float:
        terms = log1pexp((1.0 - 2.0 * self.y) * eta)
        if self.weights is not None:
            return float(self.weights @ terms)
        return float(np.mean(terms))

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``((μ − y)/n, μ(1 − μ)/n)`` with ``μ = expit(η)`` (``c_i`` for ``1/n``)."""
        prob = expit(eta)
        if self.weights is not None:
            residual: FloatArray = self.weights * (prob - self.y)
            curvature: FloatArray = self.weights * prob * (1.0 - prob)
            return residual, curvature
        gradient: FloatArray = (prob - self.y) / self.y.size
        weights: FloatArray = prob * (1.0 - prob) / self.y.size
        return gradient, weights


@dataclass(frozen=True)
class Poisson:
    """The Poisson log-likelihood with log link and an offset.

    ::

        L(η) = 1/n Σ_i [exp(o_i + η_i) − y_i (o_i + η_i)],   y_i ∈ {0, 1, 2, …},

    o the offset (None: o = 0). This is −(1/n) log p(y | μ) with μ_i = exp(o_i + η_i),
    without the term Σ log(y_i!), which does not depend on η.

    **Overflow.** exp(o_i + η_i) overflows for o_i + η_i ≳ 709.78: ``value`` is then
    ``+inf`` (the NumPy overflow warning is silenced, and a NaN from ``inf − inf`` is
    returned as ``+inf``), which the engine's line search rejects as it rejects any
    increase. ``derivatives`` is only asked at accepted points, where F is finite.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        The counts (validated by the caller).
    offset : ndarray of shape (n_samples,) or None, default None
        The known term o of the linear predictor (None: zeros, and no addition).
    weights : ndarray of shape (n_samples,) or None, default None
        Per-sample weights ``c_i = s_i/Σs`` in place of ``1/n`` (None: ``1/n``).
    """

    y: FloatArray
    offset: FloatArray | None = None
    weights: FloatArray | None = None

    def _predictor(self, eta: FloatArray) -> FloatArray:
        """``o + η``."""
        return eta if self.offset is None else eta + self.offset

    def value(self, eta: FloatArray) -> float:
        predictor = self._predictor(eta)
        with np.errstate(over="ignore", invalid="ignore"):
            terms = np.exp(predictor) - self.y * predictor
            value = float(np.mean(terms)) if self.weights is None else float(self.weights @ terms)
        return math.inf if math.isnan(value) else value

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``((μ − y)/n, μ/n)`` with ``μ = exp(o + η)``."""
        with np.errstate(over="ignore"):
            mean = np.exp(self._predictor(eta))
        if self.weights is not None:
            residual: FloatArray = self.weights * (mean - self.y)
            curvature: FloatArray = self.weights * mean
            return residual, curvature
        gradient: FloatArray = (mean - self.y) / self.y.size
        weights: FloatArray = mean / self.y.size
        return gradient, weights


def datafit_of(
    likelihood: str,
    y: FloatArray,
    offset: FloatArray | None = None,
    weights: FloatArray | None = None,
) -> Datafit:
    """The datafit of ``likelihood`` ("gaussian", "bernoulli" or "poisson") for target y.

    ``offset`` is the Poisson likelihood's known term of the linear predictor (None for
    the others: their callers refuse an offset before this point); ``weights`` the
    per-sample weights ``c_i = s_i/Σs`` (None: ``1/n``).
    """
    target = np.asarray(y, dtype=np.float64)
    if likelihood == "gaussian":
        return Quadratic(target, weights)
    if likelihood == "bernoulli":
        return Bernoulli(target, weights)
    return Poisson(target, offset, weights)
