"""The prior specifications the Gibbs sampler works with: coefficients and noise.

Coefficients: ``p(w_j | σ) ∝ exp(−l1 |w_j| / s − l2 w_j² / (2 s²))``, ``s = σ`` or 1.
Noise: ``p(σ²) ∝ (σ²)^(−a0−1) · exp(−b0/σ² − c σ²)``, which covers the reference prior
``1/σ²`` (a0 = b0 = c = 0), ``InvGamma(a0, b0)`` (c = 0) and ``HalfNormal(s)`` on σ
(a0 = −1/2, b0 = 0, c = 1/(2s²): ``p(σ²) = p(σ)/(2σ) ∝ (σ²)^(−1/2) e^(−σ²/(2s²))``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bayesreg.errors import InputValueError
from bayesreg.validation import (
    check_finite,
    check_finite_nonneg,
    check_gamma_hyperprior,
    check_positive,
)

__all__ = ["GibbsPrior", "NoisePrior"]


@dataclass(frozen=True)
class GibbsPrior:
    """A coefficient prior in the normal scale-mixture form the Gibbs sampler uses.

    ``p(w_j | σ) ∝ exp(−l1 |w_j| / s − l2 w_j² / (2 s²))`` with ``s = σ`` when
    ``scaled_by_noise`` and ``s = 1`` otherwise; with ``l1_hyperprior = (r, δ)``,
    ``l1² ~ Gamma(shape r, rate δ)`` and ``l1`` is only the starting value.
    """

    l1: float
    l2: float = 0.0
    scaled_by_noise: bool = False
    l1_hyperprior: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", check_finite_nonneg(self.l1, "l1"))
        object.__setattr__(self, "l2", check_finite_nonneg(self.l2, "l2"))
        if self.l1_hyperprior is not None:
            hyper = check_gamma_hyperprior(self.l1_hyperprior, "l1_hyperprior")
            object.__setattr__(self, "l1_hyperprior", hyper)
            if self.l2 != 0.0:
                raise InputValueError(
                    f"a hyperprior on l1 needs l2 = 0 (the Bayesian lasso); got l2={self.l2!r}. "
                    "With l2 > 0 the l1 conditional is not a Gamma distribution."
                )
            if self.l1 == 0.0:
                object.__setattr__(self, "l1", float(np.sqrt(hyper[0] / hyper[1])))
        elif self.l1 == 0.0 and self.l2 == 0.0:
            raise InputValueError(
                "l1 and l2 are both 0: that is a flat prior, whose posterior is improper when "
                "p > n; give l1 > 0 (Laplace) or l2 > 0 (Gaussian)."
            )

    @classmethod
    def gaussian(cls, scale: float) -> GibbsPrior:
        """``w_j ~ N(0, scale²)``: l1 = 0, l2 = 1/scale²."""
        return cls(l1=0.0, l2=1.0 / check_positive(scale, "scale") ** 2)

    @classmethod
    def laplace(cls, scale: float) -> GibbsPrior:
        """``w_j ~ Laplace(0, scale)``: l1 = 1/scale, l2 = 0."""
        return cls(l1=1.0 / check_positive(scale, "scale"))

    @classmethod
    def bayesian_lasso(
        cls, lam: float | None = None, *, hyperprior: tuple[float, float] | None = None
    ) -> GibbsPrior:
        """Park & Casella: ``w_j | σ ~ Laplace(0, σ/λ)``, λ fixed or ``λ² ~ Gamma(r, δ)``."""
        if (lam is None) == (hyperprior is None):
            raise InputValueError(
                "give exactly one of lam (a fixed λ) and hyperprior=(r, δ) (λ² ~ Gamma(r, δ)); "
                f"got lam={lam!r}, hyperprior={hyperprior!r}."
            )
        start = 0.0 if lam is None else check_positive(lam, "lam")
        return cls(l1=start, scaled_by_noise=True, l1_hyperprior=hyperprior)

    @property
    def has_mixture(self) -> bool:
        """Whether the prior has a Laplace factor (latent τ² are sampled)."""
        return self.l1 > 0.0 or self.l1_hyperprior is not None


@dataclass(frozen=True)
class NoisePrior:
    """``p(σ²) ∝ (σ²)^(−shape−1) · exp(−scale/σ² − curvature·σ²)`` for a free noise.

    Use :meth:`reference`, :meth:`inverse_gamma` or :meth:`half_normal`. With
    ``curvature = 0`` the σ² conditional is an inverse gamma; otherwise the sampler
    proposes from the inverse gamma part and corrects by Metropolis-Hastings with
    acceptance ``exp(−curvature · (σ²_new − σ²_old))``.
    """

    shape: float = 0.0
    scale: float = 0.0
    curvature: float = 0.0

    @classmethod
    def reference(cls) -> NoisePrior:
        """``p(σ²) ∝ 1/σ²`` (Park & Casella's choice; improper)."""
        return cls()

    @classmethod
    def inverse_gamma(cls, shape: float, scale: float) -> NoisePrior:
        """``σ² ~ InvGamma(shape a0, scale b0)``, density ∝ (σ²)^(−a0−1) e^(−b0/σ²)."""
        a0 = check_positive(shape, "shape")
        b0 = check_positive(scale, "scale")
        return cls(shape=a0, scale=b0)

    @classmethod
    def half_normal(cls, scale: float) -> NoisePrior:
        """``σ ~ HalfNormal(scale)``: shape −1/2, curvature 1/(2 scale²)."""
        s = check_positive(scale, "scale")
        return cls(shape=-0.5, curvature=0.5 / s**2)

    def __post_init__(self) -> None:
        check_finite(self.shape, "shape")
        if not (math.isfinite(self.shape) and self.shape >= -0.5):
            raise InputValueError(f"the noise prior shape must be ≥ −1/2; got {self.shape!r}.")
        check_finite_nonneg(self.scale, "scale")
        check_finite_nonneg(self.curvature, "curvature")

    @property
    def description(self) -> str:
        """The prior in words, e.g. ``"σ ~ HalfNormal(54.3)"``."""
        if self.curvature == 0.0 and self.shape == 0.0 and self.scale == 0.0:
            return "p(σ²) ∝ 1/σ²"
        if self.curvature == 0.0:
            return f"σ² ~ InvGamma({self.shape:g}, {self.scale:g})"
        if self.shape == -0.5 and self.scale == 0.0:
            return f"σ ~ HalfNormal({math.sqrt(0.5 / self.curvature):.6g})"
        return (
            f"p(σ²) ∝ (σ²)^({-self.shape - 1.0:g}) · exp(−{self.scale:g}/σ² − "
            f"{self.curvature:g}·σ²)"
        )
