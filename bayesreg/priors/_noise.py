"""The prior of a free noise standard deviation σ, stated once for every sampler.

Every noise prior here has the density on σ² (a0 ≥ −1/2, b0, c ≥ 0)::

    p(σ²) ∝ (σ²)^(−a0−1) · exp(−b0/σ² − c σ²),

which covers the reference prior ``1/σ²`` (a0 = b0 = c = 0), ``InvGamma(a0, b0)``
(c = 0) and ``HalfNormal(s)`` on σ (a0 = −1/2, b0 = 0, c = 1/(2s²):
``p(σ²) = p(σ)/(2σ) ∝ (σ²)^(−1/2) e^(−σ²/(2s²))``). On σ (``p(σ) = 2σ p(σ²)``) the
log-density is ``−(2 a0 + 1) log σ − b0/σ² − c σ² + const``.

The default of the package (:meth:`NoisePrior.default_for`) is the one that
:func:`bayesreg.pymc.model.build_model` writes as a PyMC variable and the Gibbs samplers
of :mod:`bayesreg.posterior.gibbs` sample from, so NUTS and Gibbs target one posterior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.errors import InputValueError
from bayesreg.priors._base import Prior
from bayesreg.validation import check_finite, check_finite_nonneg, check_positive

__all__ = ["NoisePrior"]


@dataclass(frozen=True)
class NoisePrior:
    """``p(σ²) ∝ (σ²)^(−shape−1) · exp(−scale/σ² − curvature·σ²)`` for a free noise.

    Use :meth:`default_for`, :meth:`reference`, :meth:`inverse_gamma` or
    :meth:`half_normal`. With ``curvature = 0`` the σ² conditional of the Gibbs sampler is
    an inverse gamma; otherwise it proposes from the inverse gamma part and corrects by
    Metropolis-Hastings with acceptance ``exp(−curvature · (σ²_new − σ²_old))``.

    Examples
    --------
    >>> from bayesreg.priors import BayesianLassoPrior, LaplacePrior, NoisePrior
    >>> NoisePrior.inverse_gamma(2.0, 1.0).description
    'σ² ~ InvGamma(2, 1)'
    >>> NoisePrior.half_normal(10.0).description
    'σ ~ HalfNormal(10)'

    The package's default: the reference prior for the Bayesian lasso (whose coefficient
    scale is σ/λ), else a HalfNormal at the given residual scale:

    >>> NoisePrior.default_for(BayesianLassoPrior(lam=1.0), 54.0).is_reference
    True
    >>> NoisePrior.default_for(LaplacePrior(1.0), 54.0).description
    'σ ~ HalfNormal(54)'
    """

    shape: float = 0.0
    scale: float = 0.0
    curvature: float = 0.0

    @classmethod
    def default_for(cls, prior: Prior, scale: float) -> NoisePrior:
        """The package's prior of a free σ under the coefficient prior ``prior``.

        - ``p(σ²) ∝ 1/σ²`` for a prior with ``conditions_on_noise`` (the Bayesian lasso of
          Park & Casella, whose coefficient scale is σ/λ);
        - otherwise ``σ ~ HalfNormal(s)``, weakly informative, with ``s`` the residual
          scale of the model with w = 0 (``bayesreg.core.data.target_scale``; 1 when
          that is 0): its median sits at 0.67 s and 5% of its mass beyond 1.96 s.
        """
        if prior.conditions_on_noise:
            return cls.reference()
        return cls.half_normal(scale if scale > 0.0 else 1.0)

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
    def is_reference(self) -> bool:
        """Whether this is ``p(σ²) ∝ 1/σ²``."""
        return self.curvature == 0.0 and self.shape == 0.0 and self.scale == 0.0

    @property
    def is_half_normal(self) -> bool:
        """Whether this is ``σ ~ HalfNormal(s)``, s = ``sqrt(1/(2 curvature))``."""
        return self.shape == -0.5 and self.scale == 0.0 and self.curvature > 0.0

    @property
    def description(self) -> str:
        """The prior in words, e.g. ``"σ ~ HalfNormal(54.3)"``."""
        if self.is_reference:
            return "p(σ²) ∝ 1/σ²"
        if self.curvature == 0.0:
            return f"σ² ~ InvGamma({self.shape:g}, {self.scale:g})"
        if self.is_half_normal:
            return f"σ ~ HalfNormal({math.sqrt(0.5 / self.curvature):.6g})"
        return (
            f"p(σ²) ∝ (σ²)^({-self.shape - 1.0:g}) · exp(−{self.scale:g}/σ² − "
            f"{self.curvature:g}·σ²)"
        )

    def to_pymc(self, name: str, *, initval: float) -> Any:
        """The free variable σ of this prior in the current PyMC model, started at ``initval``.

        ``σ ~ HalfNormal(s)`` is ``pm.HalfNormal``. Any other form is a ``pm.HalfFlat``
        plus the potential ``"{name}_reference_prior"`` (the reference prior, −log σ) or
        ``"{name}_prior"`` holding ``−(2 a0 + 1) log σ − b0/σ² − c σ²``: the density
        written for σ itself, so that ``name`` stays a free variable on the σ scale and a
        MAP (which omits the Jacobian of transforms) is the mode in σ.
        """
        import pymc as pm

        start = np.float64(initval)
        if self.is_half_normal:
            return pm.HalfNormal(name, sigma=math.sqrt(0.5 / self.curvature), initval=start)
        noise = pm.HalfFlat(name, initval=start)
        log_noise = pm.math.log(noise)
        if self.is_reference:
            # p(σ²) ∝ 1/σ²  ⇔  p(σ) ∝ 1/σ: log-density −log σ.
            pm.Potential(f"{name}_reference_prior", -log_noise)
        else:
            pm.Potential(
                f"{name}_prior",
                -(2.0 * self.shape + 1.0) * log_noise
                - self.scale / noise**2
                - self.curvature * noise**2,
            )
        return noise
