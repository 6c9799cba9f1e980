"""The three prior families behind ridge, lasso and the elastic net.

Each is a frozen dataclass with both faces (see :class:`~bayesreg.priors.Prior`). With n
samples and the noise standard deviation σ fixed, the MAP under the prior is the minimizer
of the penalized objective with

=================================  ==========================  =============  ============
prior on each w_j                  log-density (+ const)       alpha          l1_ratio
=================================  ==========================  =============  ============
``GaussianPrior(scale=τ)``         −w²/(2τ²)                   σ²/(n τ²)      0
``LaplacePrior(scale=b)``          −|w|/b                      σ²/(n b)       1
``ElasticNetPrior(l1=a, l2=c)``    −a|w| − (c/2) w²            σ²(a + c)/n    a/(a + c)
=================================  ==========================  =============  ============
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError
from bayesreg.priors import _elastic_net
from bayesreg.priors._base import Prior, weights_from_penalty
from bayesreg.validation import (
    check_finite_nonneg,
    check_l1_ratio,
    check_positive,
    check_positive_int,
)

__all__ = ["ElasticNetPrior", "GaussianPrior", "LaplacePrior", "prior_from_penalty"]


@dataclass(frozen=True)
class _ScaleFamily(Prior):
    """A family centered at 0 with one scale: its SciPy density and NumPy generator."""

    scale: float
    #: The SciPy distribution (``stats.norm``, ``stats.laplace``) and the name of the
    #: ``numpy.random.Generator`` method that draw the family at ``loc=0, scale``.
    _density: ClassVar[Any]
    _generator: ClassVar[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """The log-density at ``w`` (written out in the class docstring)."""
        result: FloatArray = self._density.logpdf(np.asarray(w, dtype=np.float64), scale=self.scale)
        return result

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Independent draws of shape ``size``, seeded by ``random_seed``."""
        draw = getattr(np.random.default_rng(random_seed), self._generator)
        draws: FloatArray = draw(0.0, self.scale, size)
        return draws


@dataclass(frozen=True)
class GaussianPrior(_ScaleFamily):
    r"""Normal(0, τ) on each coefficient: the prior behind ridge regression.

    .. math::

        \log p(w) = -\frac{w^2}{2\tau^2} - \tfrac12 \log(2\pi\tau^2),
        \qquad \text{alpha} = \frac{\sigma^2}{n\tau^2},\ \text{l1\_ratio} = 0.

    Parameters
    ----------
    scale : float
        Standard deviation τ > 0.
    """

    scale: float
    _density: ClassVar[Any] = stats.norm
    _generator: ClassVar[str] = "normal"

    def l1_weight(self, noise: float = 1.0) -> float:
        """0: the Gaussian log-density has no ``|w|`` term."""
        return 0.0

    def l2_weight(self, noise: float = 1.0) -> float:
        """``1/τ²``."""
        return 1.0 / self.scale**2

    def variance(self) -> float:
        """``τ²``."""
        return self.scale**2

    # Parameters go to PyMC as np.float64: PyTensor would store a Python float that is
    # exact in float32 (such as 3.0) as a float32 constant.
    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``pm.Normal(name, 0, τ)``; ``noise`` is not used (the prior does not depend on σ)."""
        import pymc as pm

        return pm.Normal(name, mu=0.0, sigma=np.float64(self.scale), dims=dims, shape=shape)


@dataclass(frozen=True)
class LaplacePrior(_ScaleFamily):
    r"""Laplace(0, b) on each coefficient: the prior behind the lasso.

    .. math::

        \log p(w) = -\frac{|w|}{b} - \log(2b),
        \qquad \text{alpha} = \frac{\sigma^2}{n b},\ \text{l1\_ratio} = 1.

    Parameters
    ----------
    scale : float
        Scale b > 0 (the variance is 2b²).
    """

    scale: float
    _density: ClassVar[Any] = stats.laplace
    _generator: ClassVar[str] = "laplace"

    def l1_weight(self, noise: float = 1.0) -> float:
        """``1/b``."""
        return 1.0 / self.scale

    def l2_weight(self, noise: float = 1.0) -> float:
        """0: the Laplace log-density has no ``w²`` term."""
        return 0.0

    def variance(self) -> float:
        """``2b²``."""
        return 2.0 * self.scale**2

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``pm.Laplace(name, 0, b)``; ``noise`` is not used (the prior does not depend on σ)."""
        import pymc as pm

        return pm.Laplace(name, mu=0.0, b=np.float64(self.scale), dims=dims, shape=shape)

    @staticmethod
    def pymc_l1_term(rv: Any) -> tuple[Any, Any] | None:
        """``(μ, 1/b)`` if ``rv`` is a PyMC Laplace(μ, b) variable, else None.

        Its log-density ``−log(2b) − |x − μ|/b`` has a kink at μ of weight 1/b, symbolic in
        the model graph (b may depend on other variables, e.g. ``b = σ/λ``).
        """
        import pytensor.tensor as pt
        from pytensor.tensor.random.basic import LaplaceRV

        node = rv.owner
        if node is None or not isinstance(node.op, LaplaceRV):
            return None
        location, scale = node.op.dist_params(node)
        # In float64: PyTensor stores a constant such as b = 3.0 as float32.
        return pt.cast(location, "float64"), pt.reciprocal(pt.cast(scale, "float64"))


@dataclass(frozen=True)
class ElasticNetPrior(Prior):
    r"""The elastic-net prior: density proportional to ``exp(−a|w| − c w²/2)``.

    .. math::

        \log p(w) = -a|w| - \frac{c}{2} w^2 - \log Z(a, c),\qquad
        Z(a, c) = 2\sqrt{\frac{\pi}{2c}}\,\operatorname{erfcx}\Big(\frac{a}{\sqrt{2c}}\Big),

    and ``alpha = σ²(a + c)/n``, ``l1_ratio = a/(a + c)``. With ``c = 0`` it is
    Laplace(0, 1/a) and with ``a = 0`` Normal(0, 1/√c); the distribution face then
    delegates to :class:`LaplacePrior` or :class:`GaussianPrior`.

    In PyMC the prior is a ``pm.CustomDist`` named ``"ElasticNetPrior"`` whose random draws
    take ``|w|`` from N(−a/c, 1/c) truncated to [0, ∞) and a random sign.

    Parameters
    ----------
    l1 : float
        L1 weight a ≥ 0.
    l2 : float
        L2 weight c ≥ 0 (not both 0).
    """

    l1: float
    l2: float

    def __post_init__(self) -> None:
        l1 = check_finite_nonneg(self.l1, "l1")
        l2 = check_finite_nonneg(self.l2, "l2")
        if l1 == 0.0 and l2 == 0.0:
            raise InputValueError(
                "ElasticNetPrior needs l1 > 0 or l2 > 0; got l1=0.0 and l2=0.0, which is a "
                "flat (improper) prior. Give a positive weight to at least one term."
            )
        object.__setattr__(self, "l1", l1)
        object.__setattr__(self, "l2", l2)

    def l1_weight(self, noise: float = 1.0) -> float:
        """``a``."""
        return self.l1

    def l2_weight(self, noise: float = 1.0) -> float:
        """``c``."""
        return self.l2

    def _pure_family(self) -> Prior | None:
        # c = 0: density ∝ exp(−a|w|) = Laplace(0, 1/a); a = 0: ∝ exp(−c w²/2) = Normal(0, 1/√c).
        if self.l2 == 0.0:
            return LaplacePrior(1.0 / self.l1)
        if self.l1 == 0.0:
            return GaussianPrior(1.0 / math.sqrt(self.l2))
        return None

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """``−a|w| − c w²/2 − log Z(a, c)``."""
        pure = self._pure_family()
        if pure is not None:
            return pure.logpdf(w)
        return _elastic_net.logpdf(w, self.l1, self.l2)

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Draws: ``|w|`` ~ N(−a/c, 1/c) truncated to [0, ∞), with a random sign."""
        pure = self._pure_family()
        if pure is not None:
            return pure.rvs(size, random_seed)
        return _elastic_net.sample(self.l1, self.l2, size, np.random.default_rng(random_seed))

    def variance(self) -> float:
        """``E[w²] = (1/c)(1 + α² − α λ(α))`` with α = a/√c and λ the inverse Mills ratio."""
        pure = self._pure_family()
        if pure is not None:
            return pure.variance()
        return _elastic_net.second_moment(self.l1, self.l2)

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """A ``pm.CustomDist`` with the normalized log-density; ``noise`` is not used."""
        pure = self._pure_family()
        if pure is not None:
            return pure.to_pymc(name, dims=dims, shape=shape)
        import pymc as pm

        return pm.CustomDist(
            name,
            np.float64(self.l1),
            np.float64(self.l2),
            logp=_elastic_net.pytensor_logp,
            random=_elastic_net.random,
            signature="(),()->()",
            class_name=_elastic_net.ELASTIC_NET_OP_NAME,
            dims=dims,
            shape=shape,
        )

    @staticmethod
    def pymc_l1_term(rv: Any) -> tuple[Any, Any] | None:
        """``(0, a)`` if ``rv`` was made by :meth:`to_pymc` with a, c > 0, else None.

        Its log-density ``−a|x| − c x²/2 − log Z(a, c)`` has a kink at 0 of weight a.
        """
        return _elastic_net.pymc_l1_term(rv)


def prior_from_penalty(
    alpha: float, l1_ratio: float, n_samples: int, noise: float = 1.0
) -> GaussianPrior | LaplacePrior | ElasticNetPrior:
    """The prior whose MAP minimizes the penalized objective at ``(alpha, l1_ratio)``.

    With ``l1 = n·alpha·r/σ²`` and ``l2 = n·alpha·(1 − r)/σ²``: ``r = 0`` gives
    ``GaussianPrior(1/√l2)``, ``r = 1`` gives ``LaplacePrior(1/l1)``, otherwise
    ``ElasticNetPrior(l1, l2)``. It inverts :meth:`Prior.penalty` up to rounding.

    Parameters
    ----------
    alpha : float
        Penalty strength > 0 (``alpha = 0`` is a flat, improper prior).
    l1_ratio : float
        Mixing parameter in [0, 1].
    n_samples : int
        Number of observations n.
    noise : float, default 1.0
        Noise standard deviation σ (1 for the Bernoulli likelihood).
    """
    a = check_positive(alpha, "alpha")
    r = check_l1_ratio(l1_ratio)
    n = check_positive_int(n_samples, "n_samples")
    sigma = check_positive(noise, "noise")
    l1, l2 = weights_from_penalty(a, r, n, sigma)
    if r == 0.0:
        return GaussianPrior(1.0 / math.sqrt(l2))
    if r == 1.0:
        return LaplacePrior(1.0 / l1)
    return ElasticNetPrior(l1, l2)
