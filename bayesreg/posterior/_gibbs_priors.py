"""The coefficient prior the Gibbs sampler works with, in scale-mixture form.

Coefficients: ``p(w_j | σ) ∝ exp(−l1 |w_j| / s − l2 w_j² / (2 s²))``, ``s = σ`` or 1.
The noise prior is :class:`bayesreg.priors.NoisePrior`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.core.types import FloatArray
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

    ``p(w_j | σ) ∝ exp(−v_j [l1 |w_j| / s + l2 w_j² / (2 s²)])`` with ``s = σ`` when
    ``scaled_by_noise`` and ``s = 1`` otherwise; with ``l1_hyperprior = (r, δ)``,
    ``l1² ~ Gamma(shape r, rate δ)`` and ``l1`` is only the starting value.

    ``factor`` holds the per-coefficient factors ``v_j ≥ 0`` of a prior with one scale per
    coefficient (``Prior.penalty_factor()``; ``v_j = 0`` is a flat prior on ``w_j``), None
    for all 1: coefficient j then has the L1 weight ``v_j l1`` (Laplace(0, s/(v_j l1)))
    and the L2 weight ``v_j l2`` (Normal(0, s/√(v_j l2))).

    Examples
    --------
    >>> from bayesreg.posterior import GibbsPrior, gibbs_prior_of
    >>> from bayesreg.priors import LaplacePrior
    >>> GibbsPrior.laplace(2.0)
    GibbsPrior(l1=0.5, l2=0.0, scaled_by_noise=False, l1_hyperprior=None, factor=None)
    >>> GibbsPrior.gaussian(0.5).l2, GibbsPrior.bayesian_lasso(2.0).scaled_by_noise
    (4.0, True)
    >>> GibbsPrior(l1=1.0, l2=2.0).has_mixture, GibbsPrior.gaussian(1.0).has_mixture
    (True, False)

    :func:`~bayesreg.posterior.gibbs_prior_of` gives the form of a prior object:

    >>> gibbs_prior_of(LaplacePrior(2.0), noise=1.0) == GibbsPrior.laplace(2.0)
    True
    """

    l1: float
    l2: float = 0.0
    scaled_by_noise: bool = False
    l1_hyperprior: tuple[float, float] | None = None
    factor: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", check_finite_nonneg(self.l1, "l1"))
        object.__setattr__(self, "l2", check_finite_nonneg(self.l2, "l2"))
        if self.factor is not None:
            object.__setattr__(self, "factor", _check_factor(self.factor))
            if self.l1_hyperprior is not None:
                raise InputValueError(
                    "a hyperprior on l1 was given with per-coefficient factors; the l1 "
                    "conditional is written for one l1 shared by every coefficient. Omit "
                    "factor or l1_hyperprior."
                )
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

    def factors(self, n_features: int) -> FloatArray:
        """The factors ``v`` as an array of length ``n_features`` (all 1 when None).

        Raises
        ------
        InputValueError
            If ``factor`` does not hold ``n_features`` entries.
        """
        if self.factor is None:
            return np.ones(n_features)
        if len(self.factor) != n_features:
            raise InputValueError(
                f"factor holds {len(self.factor)} per-coefficient factors, but the data "
                f"have {n_features} features; give one scale per column of X."
            )
        return np.asarray(self.factor, dtype=np.float64)

    @property
    def has_mixture(self) -> bool:
        """Whether the prior has a Laplace factor (latent τ² are sampled)."""
        return self.l1 > 0.0 or self.l1_hyperprior is not None


def _check_factor(factor: Any) -> tuple[float, ...]:
    """``factor`` as a tuple of finite numbers ≥ 0, not all 0, one per coefficient."""
    values = np.asarray(factor, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise InputValueError(
            f"factor must be a 1-D sequence of per-coefficient factors; got shape {values.shape}."
        )
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0.0)))
    if bad.size:
        raise InputValueError(
            f"factor[{int(bad[0])}] = {float(values[bad[0]])!r}; the per-coefficient factors "
            "must be finite numbers ≥ 0 (0: a flat prior on that coefficient)."
        )
    if not np.any(values > 0.0):
        raise InputValueError(
            "factor is 0 for every coefficient: that is a flat prior on all of them; give "
            "at least one factor > 0."
        )
    return tuple(float(value) for value in values)
