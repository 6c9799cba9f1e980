"""The coefficient prior the Gibbs sampler works with, in scale-mixture form.

Coefficients: ``p(w_j | σ) ∝ exp(−l1 |w_j| / s − l2 w_j² / (2 s²))``, ``s = σ`` or 1.
The noise prior is :class:`bayesreg.priors.NoisePrior`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg.errors import InputValueError
from bayesreg.validation import (
    check_finite_nonneg,
    check_gamma_hyperprior,
    check_positive,
)

__all__ = ["GibbsPrior"]


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
