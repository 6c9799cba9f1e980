"""Priors supported on ``w ≥ 0``: the MAP is the sign-constrained penalized fit.

A prior with density ``∝ exp(−l1 w − (l2/2) w²)`` on ``w ≥ 0`` (and 0 below) gives, with n
samples and the noise σ fixed, ``−log p(w, w0 | y) = (n/σ²) F(w, w0) + const`` on
``w ≥ 0`` and ``+∞`` elsewhere, with F the package's objective at
``alpha = σ²(l1 + l2)/n``, ``r = l1/(l1 + l2)``. So the MAP is the minimizer of F over
``w ≥ 0``: the core solvers with ``positive=True``.

* :class:`ExponentialPrior` (scale b): ``p(w) = (1/b) e^{−w/b}`` on ``w ≥ 0``. It is the
  Laplace(0, b) prior truncated to ``[0, ∞)`` and renormalized (the Laplace density
  ``e^{−|w|/b}/(2b)`` has mass ½ there): the same L1 weight ``1/b``, so its MAP is the
  non-negative lasso, ``alpha = σ²/(n b)``.
* :class:`HalfNormalPrior` (scale τ): ``p(w) = √(2/π)/τ · e^{−w²/(2τ²)}`` on ``w ≥ 0``, the
  Normal(0, τ) prior truncated and renormalized; L2 weight ``1/τ²``, MAP the non-negative
  ridge, ``alpha = σ²/(n τ²)``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from bayesreg.core.penalties import enet_prox, penalty_value
from bayesreg.core.types import FloatArray
from bayesreg.priors._base import Prior
from bayesreg.validation import check_positive

__all__ = ["ExponentialPrior", "HalfNormalPrior", "positive_log_transform"]


@functools.cache
def positive_log_transform() -> Any:
    """The log transform of the priors below: PyMC's ``LogTransform`` marked
    ``bayesreg_positive_prior = True``.

    The mark lives on the transform, which PyMC keeps when it rebuilds a model
    (``pymc.model.transform.freeze_model``, ``freeze_dims_and_data``), where a tag on the
    random variable is lost; :func:`bayesreg.pymc.find_map` reads it to remove the
    transform and reach the exact zeros at the bound w = 0.
    """
    from pymc.logprob.transforms import LogTransform

    class PositivePriorLogTransform(LogTransform):  # type: ignore[misc]
        """θ = log w for a bayesreg prior on w ≥ 0 (the same map as ``LogTransform``)."""

        name = "log"
        bayesreg_positive_prior = True

    return PositivePriorLogTransform()


@dataclass(frozen=True)
class _PositivePrior(Prior):
    """A prior on ``w ≥ 0`` with one scale: its penalty face (``+∞`` below 0) and its
    PyMC variable."""

    positive: ClassVar[bool] = True
    #: The PyMC distribution and the name of its scale parameter.
    _pymc_family: ClassVar[tuple[str, str]]

    scale: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))

    def penalty_value(self, w: ArrayLike, n_samples: int, noise: float = 1.0) -> float:
        """``alpha · P(w)`` for ``w ≥ 0`` (``P(w) = r Σw + (1 − r)/2 Σw²``), ``inf`` otherwise."""
        values = np.asarray(w, dtype=np.float64)
        if np.any(values < 0.0):
            return math.inf
        alpha, l1_ratio = self.penalty(n_samples, noise)
        return penalty_value(values, alpha, l1_ratio)

    def prox(self, z: ArrayLike, step: float, n_samples: int, noise: float = 1.0) -> FloatArray:
        """Proximal operator of ``step·alpha·P + ι(w ≥ 0)``: ``max(z − t·l1, 0)/(1 + t·l2)``
        with ``t·l1 = step·alpha·r`` and ``t·l2 = step·alpha(1 − r)``."""
        alpha, l1_ratio = self.penalty(n_samples, noise)
        values = enet_prox(z, check_positive(step, "step"), alpha, l1_ratio)
        return np.maximum(values, 0.0)

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``pm.Exponential(name, scale=b)`` or ``pm.HalfNormal(name, sigma=τ)``; ``noise``
        is not used.

        PyMC samples the variable on the log scale (what NUTS needs), where the MAP's exact
        zeros are out of reach. It is tagged (``rv.tag.bayesreg_positive_prior``, and its
        transform is ``positive_log_transform``, which survives ``freeze_model``), so
        that :func:`bayesreg.pymc.find_map` removes that transform and minimizes over
        ``w ≥ 0`` itself: the non-negative lasso or ridge, zeros included.
        """
        import pymc as pm

        distribution, scale_name = self._pymc_family
        rv = getattr(pm, distribution)(
            name,
            dims=dims,
            shape=shape,
            default_transform=positive_log_transform(),
            **{scale_name: np.float64(self.scale)},
        )
        rv.tag.bayesreg_positive_prior = type(self).__name__
        return rv


@dataclass(frozen=True)
class ExponentialPrior(_PositivePrior):
    r"""Exponential(rate 1/b) on each coefficient: the Laplace prior truncated to ``w ≥ 0``.

    .. math::

        \log p(w) = -\frac{w}{b} - \log b \quad (w \ge 0),\qquad -\infty \quad (w < 0),

    so ``l1 = 1/b`` on ``w ≥ 0`` and the MAP is the non-negative lasso
    (``lasso(X, y, alpha, positive=True)``) with ``alpha = σ²/(n b)``, ``l1_ratio = 1``.

    Parameters
    ----------
    scale : float
        Scale b > 0 (mean b, variance b²).

    Examples
    --------
    The MAP with the noise σ fixed is the non-negative lasso at ``alpha = σ²/(n b)``:

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import ExponentialPrior
    >>> X, y = load_diabetes()
    >>> prior = ExponentialPrior(100.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, bool(np.all(fit.coef >= 0.0))
    (True, True)
    >>> np.allclose(fit.coef, lasso(X, y, fit.alpha, positive=True).coef)
    True
    >>> prior.logpdf([-1.0, 0.0])
    array([       -inf, -4.60517019])
    """

    _pymc_family: ClassVar[tuple[str, str]] = ("Exponential", "scale")

    def l1_weight(self, noise: float = 1.0) -> float:
        """``1/b``."""
        return 1.0 / self.scale

    def l2_weight(self, noise: float = 1.0) -> float:
        """0: the Exponential log-density has no ``w²`` term."""
        return 0.0

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """``−w/b − log b`` for ``w ≥ 0``, ``−inf`` for ``w < 0``."""
        values = np.asarray(w, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            density = -values / self.scale - math.log(self.scale)
        result: FloatArray = np.where(values >= 0.0, density, -np.inf)
        return result

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Independent Exponential draws (all ≥ 0) of shape ``size``."""
        draws: FloatArray = np.asarray(
            np.random.default_rng(random_seed).exponential(self.scale, size), dtype=np.float64
        )
        return draws

    def variance(self) -> float:
        """``b²`` (the mean is b, not 0)."""
        return self.scale**2


@dataclass(frozen=True)
class HalfNormalPrior(_PositivePrior):
    r"""HalfNormal(τ) on each coefficient: the Gaussian prior truncated to ``w ≥ 0``.

    .. math::

        \log p(w) = -\frac{w^2}{2\tau^2} + \log\frac{\sqrt{2/\pi}}{\tau} \quad (w \ge 0),
        \qquad -\infty \quad (w < 0),

    so ``l2 = 1/τ²`` on ``w ≥ 0`` and the MAP is the non-negative ridge
    (``ridge(X, y, alpha, positive=True)``) with ``alpha = σ²/(n τ²)``, ``l1_ratio = 0``.

    Parameters
    ----------
    scale : float
        Scale τ > 0 (mean ``τ√(2/π)``, variance ``τ²(1 − 2/π)``).

    Examples
    --------
    The MAP with the noise σ fixed is the non-negative ridge at ``alpha = σ²/(n τ²)``:

    >>> import numpy as np
    >>> from bayesreg import ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import HalfNormalPrior
    >>> X, y = load_diabetes()
    >>> prior = HalfNormalPrior(100.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, bool(np.all(fit.coef >= 0.0))
    (True, True)
    >>> np.allclose(fit.coef, ridge(X, y, fit.alpha, positive=True).coef)
    True
    >>> bool(np.all(prior.rvs(100, random_seed=0) >= 0.0))
    True
    """

    _pymc_family: ClassVar[tuple[str, str]] = ("HalfNormal", "sigma")

    def l1_weight(self, noise: float = 1.0) -> float:
        """0: the HalfNormal log-density has no ``|w|`` term."""
        return 0.0

    def l2_weight(self, noise: float = 1.0) -> float:
        """``1/τ²``."""
        return 1.0 / self.scale**2

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """``−w²/(2τ²) + log(√(2/π)/τ)`` for ``w ≥ 0``, ``−inf`` for ``w < 0``."""
        values = np.asarray(w, dtype=np.float64)
        constant = 0.5 * math.log(2.0 / math.pi) - math.log(self.scale)
        density = -0.5 * (values / self.scale) ** 2 + constant
        result: FloatArray = np.where(values >= 0.0, density, -np.inf)
        return result

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Independent HalfNormal draws (``|N(0, τ²)|``, all ≥ 0) of shape ``size``."""
        normal = np.random.default_rng(random_seed).normal(0.0, self.scale, size)
        draws: FloatArray = np.abs(np.asarray(normal, dtype=np.float64))
        return draws

    def variance(self) -> float:
        """``τ²(1 − 2/π)`` (the mean is ``τ√(2/π)``, not 0)."""
        return self.scale**2 * (1.0 - 2.0 / math.pi)
