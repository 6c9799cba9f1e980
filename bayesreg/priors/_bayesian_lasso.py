"""The Bayesian lasso of Park & Casella (2008): a Laplace prior scaled by the noise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError
from bayesreg.priors._base import Prior
from bayesreg.priors._families import LaplacePrior
from bayesreg.validation import check_gamma_hyperprior, check_positive

__all__ = ["BayesianLassoPrior"]


@dataclass(frozen=True)
class BayesianLassoPrior(Prior):
    r"""Park & Casella's Bayesian lasso: ``w_j | σ ~ Laplace(0, σ/λ)``, ``p(σ²) ∝ 1/σ²``.

    Park & Casella (2008, JASA 103, 681-686) write the prior as a scale mixture of normals,
    ``w_j | σ², τ_j² ~ N(0, σ² τ_j²)`` with ``τ_j² ~ Exp(λ²/2)``; integrating τ_j² out
    leaves

    .. math::

        p(w_j \mid \sigma) = \frac{\lambda}{2\sigma} e^{-\lambda |w_j| / \sigma},

    a Laplace prior whose scale is proportional to the noise σ, which keeps the posterior
    unimodal. The noise gets the reference prior ``p(σ²) ∝ 1/σ²``
    (:attr:`conditions_on_noise`), and λ is either fixed (``lam``, e.g. Park & Casella's
    marginal-likelihood estimate) or random with ``λ² ~ Gamma(shape, rate)``
    (``hyperprior``).

    Penalty face: with σ fixed, ``−log p(w | σ) = (λ/σ)||w||₁ + const``, so the MAP of w
    minimizes the lasso objective at ``alpha = σλ/n`` (``l1_ratio = 1``). With σ free, the
    joint MAP (ŵ, σ̂) has ŵ equal to the lasso solution at ``alpha = σ̂λ/n``.

    Distribution face: given σ (and a fixed λ), ``Laplace(0, σ/λ)``. In PyMC,
    :meth:`to_pymc` takes the model's noise variable and creates ``pm.Laplace(name, 0,
    σ/λ)``; with a hyperprior it first creates ``{name}_lam_sq ~ Gamma(shape, rate)`` and
    the deterministic ``{name}_lam = √({name}_lam_sq)``.

    Parameters
    ----------
    lam : float, optional
        Fixed λ > 0. Give exactly one of ``lam`` and ``hyperprior``.
    hyperprior : (float, float), optional
        ``(shape, rate)`` of the Gamma prior on λ², both > 0.

    Examples
    --------
    With σ fixed the MAP is the lasso at ``alpha = σλ/n``:

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import BayesianLassoPrior
    >>> X, y = load_diabetes()
    >>> prior = BayesianLassoPrior(lam=2.0)
    >>> alpha, l1_ratio = prior.penalty(len(y), noise=54.0)
    >>> round(alpha, 4), l1_ratio
    (0.2443, 1.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> np.allclose(fit.coef, lasso(X, y, alpha).coef)
    True

    Given σ the prior is ``Laplace(0, σ/λ)``, of variance ``2σ²/λ²``:

    >>> prior.conditions_on_noise, prior.variance(noise=3.0)
    (True, 4.5)

    With ``λ² ~ Gamma(shape, rate)`` it has no penalty face (λ is random); it is for
    PyMC models and the Gibbs sampler:

    >>> BayesianLassoPrior(hyperprior=(1.0, 0.1))
    BayesianLassoPrior(lam=None, hyperprior=(1.0, 0.1))
    """

    lam: float | None = None
    hyperprior: tuple[float, float] | None = field(default=None, kw_only=True)

    conditions_on_noise: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if (self.lam is None) == (self.hyperprior is None):
            raise InputValueError(
                "BayesianLassoPrior needs exactly one of lam (a fixed λ) and hyperprior "
                f"((shape, rate) of λ² ~ Gamma); got lam={self.lam!r} and "
                f"hyperprior={self.hyperprior!r}."
            )
        if self.lam is not None:
            object.__setattr__(self, "lam", check_positive(self.lam, "lam"))
            return
        checked = check_gamma_hyperprior(self.hyperprior)
        object.__setattr__(self, "hyperprior", checked)

    def _fixed_lam(self) -> float:
        if self.lam is None:
            raise InputValueError(
                "this BayesianLassoPrior has λ² ~ Gamma"
                f"{self.hyperprior!r}, so its penalty and density need λ: they are defined "
                "for a fixed λ only. Build a model with to_pymc, or pass lam."
            )
        return self.lam

    def _given_noise(self, noise: float) -> LaplacePrior:
        # w | σ ~ Laplace(0, σ/λ)
        return LaplacePrior(check_positive(noise, "noise") / self._fixed_lam())

    def l1_weight(self, noise: float = 1.0) -> float:
        """``λ/σ``."""
        return self._fixed_lam() / check_positive(noise, "noise")

    def l2_weight(self, noise: float = 1.0) -> float:
        """0: the Laplace log-density has no ``w²`` term."""
        return 0.0

    def logpdf(self, w: ArrayLike, noise: float = 1.0) -> FloatArray:
        """``log(λ/(2σ)) − λ|w|/σ``."""
        return self._given_noise(noise).logpdf(w)

    def rvs(self, size: Any = None, random_seed: Any = None, noise: float = 1.0) -> FloatArray:
        """Draws from Laplace(0, σ/λ)."""
        return self._given_noise(noise).rvs(size, random_seed)

    def variance(self, noise: float = 1.0) -> float:
        """``2σ²/λ²``."""
        return self._given_noise(noise).variance()

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``pm.Laplace(name, 0, noise/λ)`` (with ``λ² ~ Gamma`` first if a hyperprior is set)."""
        import pymc as pm

        if self.hyperprior is None:
            lam: Any = np.float64(self._fixed_lam())
        else:
            gamma_shape, gamma_rate = self.hyperprior
            lam_sq = pm.Gamma(
                f"{name}_lam_sq", alpha=np.float64(gamma_shape), beta=np.float64(gamma_rate)
            )
            lam = pm.Deterministic(f"{name}_lam", pm.math.sqrt(lam_sq))
        return pm.Laplace(name, mu=0.0, b=noise / lam, dims=dims, shape=shape)
