"""Datafits: the loss of a generalized linear model as a function of its linear predictor.

A datafit is ``L(η) = 1/n Σ_i ℓ(η_i, y_i)`` with ``η = w0 + X w``. The proximal Newton
engine (:mod:`bayesreg.core.newton`, through :class:`bayesreg.core.newton_glm.PenalizedGLM`)
reads three things of it, all per sample and all with the 1/n included:

* ``value(η)`` = L(η);
* ``derivatives(η)`` = ``(∂L/∂η, ∂²L/∂η²)``: the gradient, so that ∇_w L = Xᵀ gradient and
  ∂L/∂w0 = Σ gradient, and the Hessian weights, so that ∇²L = Zᵀ diag(weights) Z with
  Z = [1, X] (one call, as the two share their costly part, e.g. μ = expit(η)).

Another family is one small class. The Poisson log-likelihood, for example::

    @dataclass(frozen=True)
    class Poisson:
        y: FloatArray  # counts

        def value(self, eta):              # 1/n Σ [exp(η) − y η]
            return float(np.mean(np.exp(eta) - self.y * eta))

        def derivatives(self, eta):        # gradient (μ − y)/n, weights μ/n
            mean = np.exp(eta)
            return (mean - self.y) / self.y.size, mean / self.y.size
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.special import expit

from bayesreg.core.objective import log1pexp
from bayesreg.core.types import FloatArray

__all__ = ["Bernoulli", "Datafit", "Quadratic"]


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
    """The Gaussian log-likelihood with σ fixed: ``L(η) = 1/(2n) ||y − η||²``."""

    y: FloatArray

    def value(self, eta: FloatArray) -> float:
        residual = self.y - eta
        return float(residual @ residual) / (2.0 * self.y.size)

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``((η − y)/n, 1/n)``."""
        gradient: FloatArray = (eta - self.y) / self.y.size
        return gradient, np.full(self.y.size, 1.0 / self.y.size)


@dataclass(frozen=True)
class Bernoulli:
    """The logistic log-likelihood: ``L(η) = 1/n Σ [log(1 + exp(η_i)) − y_i η_i]``, y ∈ {0, 1}.

    Each term is evaluated as ``log(1 + exp(s_i η_i))`` with ``s_i = 1 − 2 y_i``: for
    y_i = 1, log(1 + e^η) − η = log(1 + e^{−η}), so no two large numbers are subtracted
    and the loss keeps full relative precision for |η| up to ~1e308.
    """

    y: FloatArray

    def value(self, eta: FloatArray) -> float:
        return float(np.mean(log1pexp((1.0 - 2.0 * self.y) * eta)))

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``((μ − y)/n, μ(1 − μ)/n)`` with ``μ = expit(η)``."""
        prob = expit(eta)
        gradient: FloatArray = (prob - self.y) / self.y.size
        weights: FloatArray = prob * (1.0 - prob) / self.y.size
        return gradient, weights
