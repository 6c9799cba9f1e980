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

from bayesreg.core._penalty_factor import weighted_penalty_value
from bayesreg.core.penalties import enet_prox, penalty_value
from bayesreg.core.types import FloatArray
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.priors import _elastic_net
from bayesreg.priors._base import Prior, penalty_from_weights, weights_from_penalty
from bayesreg.priors._positive import ExponentialPrior, HalfNormalPrior
from bayesreg.validation import (
    check_bool,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive,
    check_positive_int,
)

__all__ = ["ElasticNetPrior", "GaussianPrior", "LaplacePrior", "prior_from_penalty"]


@dataclass(frozen=True)
class _Kind:
    """What sets the Gaussian and the Laplace family apart."""

    #: The power k of the scale in the penalty weight 1/s^k (2 Gaussian, 1 Laplace).
    power: int
    #: The SciPy distribution (``stats.norm``, ``stats.laplace``) and the name of the
    #: ``numpy.random.Generator`` method that draw the family at ``loc=0, scale``.
    density: Any
    generator: str
    #: The PyMC distribution and the name of its scale parameter.
    pymc: tuple[str, str]
    #: The family restricted to ``w ≥ 0`` and renormalized (``positive=True``).
    truncated: type[Prior]


@dataclass(frozen=True, init=False)
class _ScaleFamily(Prior):
    """A family centered at 0 with one scale, or one scale per coefficient.

    ``scale`` is a number > 0 (the same prior on every coefficient) or a 1-D sequence of
    scales ``s_j`` in (0, ∞], stored as a tuple of floats (so the prior stays hashable and
    comparable); ``s_j = inf`` is a flat prior on coefficient j. With per-coefficient
    scales the penalty face is ``penalty(n, σ)`` at the *reference scale*
    ``s_ref = min_j s_j`` (the smallest finite one) together with
    :meth:`penalty_factor`, ``v_j = (s_ref/s_j)^k`` (``k = 1`` Laplace, ``k = 2`` Gaussian;
    ``v_j = 0`` for a flat entry), which the core solvers take as ``penalty_factor``:
    ``alpha·v_j`` is then exactly the weight ``σ²/(n s_j^k)`` of coefficient j.
    """

    scale: float | tuple[float, ...]
    _kind: ClassVar[_Kind]

    def __new__(cls, *args: Any, positive: bool = False, **kwargs: Any) -> Any:
        """``positive=True`` returns the family truncated to ``w ≥ 0`` (see :meth:`__init__`)."""
        if check_bool(positive, "positive"):
            return cls._kind.truncated(*args, **kwargs)
        return super().__new__(cls)

    def __init__(self, scale: float | ArrayLike, *, positive: bool = False) -> None:
        """Set the scale; ``positive=True`` is handled by ``__new__``.

        ``GaussianPrior(τ, positive=True)`` is :class:`~bayesreg.priors.HalfNormalPrior`
        and ``LaplacePrior(b, positive=True)`` :class:`~bayesreg.priors.ExponentialPrior`:
        the density restricted to ``w ≥ 0`` and renormalized, whose MAP is the core fit
        with ``positive=True`` (non-negative ridge, non-negative lasso).
        """
        object.__setattr__(self, "scale", scale)
        self.__post_init__()

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", _check_scale(self.scale))

    @property
    def per_coefficient(self) -> bool:
        """Whether ``scale`` holds one scale per coefficient."""
        return isinstance(self.scale, tuple)

    def _scales(self) -> FloatArray:
        return np.asarray(self.scale, dtype=np.float64)

    def reference_scale(self) -> float:
        """The scale the penalty's alpha is taken at: ``scale``, or ``min_j s_j``."""
        if isinstance(self.scale, tuple):
            return float(np.min(self._scales()))
        return self.scale

    def penalty_factor(self) -> FloatArray | None:
        """``v_j = (s_ref/s_j)^k`` (0 for ``s_j = inf``); None for a single scale.

        With ``(alpha, l1_ratio) = penalty(n, σ)``, the penalty of coefficient j is
        ``alpha·v_j·|w_j|`` (Laplace) or ``alpha·v_j·w_j²/2`` (Gaussian):
        ``alpha·v_j = σ²/(n s_j^k)``, the negative log prior scaled by σ²/n. The factors
        are not rescaled (the largest is 1, at the reference scale).
        """
        if not isinstance(self.scale, tuple):
            return None
        factor: FloatArray = (self.reference_scale() / self._scales()) ** self._kind.power
        return factor

    def _single_scale(self, refusal: str) -> float:
        """The scale, where only a single one has a meaning: with per-coefficient scales
        the ``InputValueError`` "<family> with per-coefficient scales <refusal>"."""
        if isinstance(self.scale, tuple):
            raise InputValueError(f"{type(self).__name__} with per-coefficient scales {refusal}")
        return self.scale

    def _weight(self) -> float:
        """``1/s^k`` for a single scale; refused with per-coefficient scales."""
        scale = self._single_scale(
            f"(scale={self.scale!r}) has one weight per coefficient, 1/s_j^k, not one: use "
            "penalty(n, σ) with penalty_factor() (the weight of coefficient j is "
            "n·alpha·v_j/σ²), or a prior with a single scale here."
        )
        return 1.0 / scale**self._kind.power

    def penalty(self, n_samples: int, noise: float = 1.0) -> tuple[float, float]:
        """``(alpha, l1_ratio)`` with ``alpha = σ²/(n s_ref^k)``; the factors are
        :meth:`penalty_factor` (all 1 for a single scale: the same alpha as before)."""
        n = check_positive_int(n_samples, "n_samples")
        sigma = check_positive(noise, "noise")
        weight = 1.0 / self.reference_scale() ** self._kind.power
        l1, l2 = (weight, 0.0) if self._kind.power == 1 else (0.0, weight)
        return penalty_from_weights(l1, l2, n, sigma)

    def penalty_value(self, w: ArrayLike, n_samples: int, noise: float = 1.0) -> float:
        """``alpha · Σ_j v_j P(w_j)`` for the penalty of :meth:`penalty`."""
        alpha, l1_ratio = self.penalty(n_samples, noise)
        factor = self.penalty_factor()
        if factor is None:
            return penalty_value(w, alpha, l1_ratio)
        values = np.broadcast_to(np.asarray(w, dtype=np.float64), factor.shape)
        return weighted_penalty_value(values, alpha, l1_ratio, factor)

    def prox(self, z: ArrayLike, step: float, n_samples: int, noise: float = 1.0) -> FloatArray:
        """Proximal operator of ``step · alpha · Σ_j v_j P(z_j)`` at ``z`` (coordinatewise)."""
        alpha, l1_ratio = self.penalty(n_samples, noise)
        factor = self.penalty_factor()
        strength: float | FloatArray = alpha if factor is None else alpha * factor
        return enet_prox(z, check_positive(step, "step"), strength, l1_ratio)

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """The log-density at ``w`` (written out in the class docstring).

        With per-coefficient scales ``w`` broadcasts against them (last axis: the
        coefficients); a flat entry (``s_j = inf``) has the improper density 1, log 0.
        """
        values = np.asarray(w, dtype=np.float64)
        if not isinstance(self.scale, tuple):
            result: FloatArray = self._kind.density.logpdf(values, scale=self.scale)
            return result
        scales = self._scales()
        flat = np.isinf(scales)
        finite = np.where(flat, 1.0, scales)
        density = self._kind.density.logpdf(values, scale=finite)
        flat_b = np.broadcast_to(flat, np.shape(density))
        result = np.where(flat_b, 0.0, density)
        return result

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Independent draws of shape ``size``, seeded by ``random_seed``.

        With per-coefficient scales ``size`` defaults to ``(p,)`` and must end in p
        (e.g. ``(draws, p)``); a flat entry has no draws (refused).
        """
        draw = getattr(np.random.default_rng(random_seed), self._kind.generator)
        if not isinstance(self.scale, tuple):
            draws: FloatArray = draw(0.0, self.scale, size)
            return draws
        scales = self._scales()
        if np.any(np.isinf(scales)):
            raise InputValueError(
                f"{type(self).__name__}(scale={self.scale!r}) has flat (improper) entries "
                "(scale = inf), which have no draws; give every coefficient a finite scale."
            )
        return np.asarray(draw(0.0, scales, scales.shape if size is None else size))

    def variances(self) -> FloatArray:
        """Prior variance of each coefficient (``inf`` for a flat entry)."""
        factor = 1.0 if self._kind.power == 2 else 2.0
        variances: FloatArray = factor * np.atleast_1d(self._scales()) ** 2
        return variances

    def variance(self) -> float:
        """Prior variance of one coefficient (a single scale; see :meth:`variances`)."""
        self._single_scale("has one variance per coefficient: use variances().")
        return float(self.variances()[0])

    # Parameters go to PyMC as np.float64: PyTensor would store a Python float that is
    # exact in float32 (such as 3.0) as a float32 constant.
    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``pm.Normal(name, 0, τ)`` (Gaussian) or ``pm.Laplace(name, 0, b)`` (Laplace);
        ``noise`` is not used (the prior does not depend on σ).

        Per-coefficient scales: the same distribution with the vector scale, or, with flat
        entries, the elastic-net ``CustomDist`` of :meth:`_to_pymc_flat`.
        """
        import pymc as pm

        distribution, scale_name = self._kind.pymc
        if not isinstance(self.scale, tuple):
            scale: Any = np.float64(self.scale)
        elif np.any(np.isinf(self._scales())):
            return self._to_pymc_flat(name, dims, shape)
        else:
            scale = self._scales()
        return getattr(pm, distribution)(
            name, mu=0.0, dims=dims, shape=shape, **{scale_name: scale}
        )

    def _to_pymc_flat(self, name: str, dims: Any, shape: Any) -> Any:
        """Per-coefficient scales with flat entries in PyMC: the elastic-net ``CustomDist``
        with per-entry weights (a = 1/b, c = 0 for Laplace; a = 0, c = 1/τ² for Gaussian;
        a = c = 0 flat, log-density 0), which find_map reads like the elastic-net prior
        (kinks of weight a, convex)."""
        scales = self._scales()
        weight = np.where(np.isinf(scales), 0.0, 1.0 / np.where(np.isinf(scales), 1.0, scales))
        weight = weight**self._kind.power
        zero = np.zeros_like(weight)
        l1, l2 = (weight, zero) if self._kind.power == 1 else (zero, weight)
        return _elastic_net.pymc_variable(name, l1, l2, degenerate=True, dims=dims, shape=shape)


@dataclass(frozen=True, init=False)
class GaussianPrior(_ScaleFamily):
    r"""Normal(0, τ) on each coefficient: the prior behind ridge regression.

    .. math::

        \log p(w) = -\frac{w^2}{2\tau^2} - \tfrac12 \log(2\pi\tau^2),
        \qquad \text{alpha} = \frac{\sigma^2}{n\tau^2},\ \text{l1\_ratio} = 0.

    Parameters
    ----------
    scale : float
        Standard deviation τ > 0.
    positive : bool, default False
        True returns :class:`~bayesreg.priors.HalfNormalPrior` ``(scale)``, the prior
        truncated to ``w ≥ 0``, whose MAP is ``ridge(..., positive=True)``.

    Examples
    --------
    The MAP under ``N(0, τ²)`` priors with the noise σ fixed is the ridge estimate at
    ``alpha = σ²/(n τ²)``:

    >>> import numpy as np
    >>> from bayesreg import ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import GaussianPrior
    >>> X, y = load_diabetes()
    >>> prior = GaussianPrior(100.0)
    >>> prior.penalty(len(y), noise=54.0)
    (0.00065972850678733..., 0.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, np.allclose(fit.coef, ridge(X, y, fit.alpha).coef)
    (True, True)

    The distribution face:

    >>> prior.variance(), prior.rvs((200, 10), random_seed=0).shape
    (10000.0, (200, 10))
    """

    scale: float | tuple[float, ...]
    _kind: ClassVar[_Kind] = _Kind(2, stats.norm, "normal", ("Normal", "sigma"), HalfNormalPrior)

    def l1_weight(self, noise: float = 1.0) -> float:
        """0: the Gaussian log-density has no ``|w|`` term."""
        return 0.0

    def l2_weight(self, noise: float = 1.0) -> float:
        """``1/τ²`` (refused with per-coefficient scales: see :meth:`.Prior.penalty_factor`)."""
        return self._weight()


@dataclass(frozen=True, init=False)
class LaplacePrior(_ScaleFamily):
    r"""Laplace(0, b) on each coefficient: the prior behind the lasso.

    .. math::

        \log p(w) = -\frac{|w|}{b} - \log(2b),
        \qquad \text{alpha} = \frac{\sigma^2}{n b},\ \text{l1\_ratio} = 1.

    Parameters
    ----------
    scale : float
        Scale b > 0 (the variance is 2b²).
    positive : bool, default False
        True returns :class:`~bayesreg.priors.ExponentialPrior` ``(scale)``, the prior
        truncated to ``w ≥ 0``, whose MAP is ``lasso(..., positive=True)``.

    Examples
    --------
    The MAP under ``Laplace(0, b)`` priors with the noise σ fixed is the lasso estimate
    at ``alpha = σ²/(n b)``, exact zeros included:

    >>> import numpy as np
    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import LaplacePrior
    >>> X, y = load_diabetes()
    >>> prior = LaplacePrior(100.0)
    >>> alpha, l1_ratio = prior.penalty(len(y), noise=54.0)
    >>> round(alpha, 4), l1_ratio
    (0.066, 1.0)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, fit.n_nonzero, np.allclose(fit.coef, lasso(X, y, alpha).coef)
    (True, 7, True)

    Per-coefficient scales (``inf``: a flat prior) become penalty factors:

    >>> LaplacePrior((1.0, 2.0, np.inf)).penalty_factor()
    array([1. , 0.5, 0. ])
    """

    scale: float | tuple[float, ...]
    _kind: ClassVar[_Kind] = _Kind(1, stats.laplace, "laplace", ("Laplace", "b"), ExponentialPrior)

    def l1_weight(self, noise: float = 1.0) -> float:
        """``1/b`` (refused with per-coefficient scales: see :meth:`.Prior.penalty_factor`)."""
        return self._weight()

    def l2_weight(self, noise: float = 1.0) -> float:
        """0: the Laplace log-density has no ``w²`` term."""
        return 0.0

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

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import elastic_net
    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import ElasticNetPrior
    >>> X, y = load_diabetes()
    >>> prior = ElasticNetPrior(0.02, 0.01)
    >>> alpha, l1_ratio = prior.penalty(len(y), noise=54.0)
    >>> round(alpha, 4), round(l1_ratio, 4)
    (0.1979, 0.6667)
    >>> fit = prior.penalized_fit(X, y, noise=54.0)
    >>> fit.converged, np.allclose(fit.coef, elastic_net(X, y, alpha, l1_ratio).coef)
    (True, True)

    With one of the weights 0 it is the Laplace or the Gaussian prior:

    >>> ElasticNetPrior(2.0, 0.0).variance() == 2 * 0.5**2
    True

    The log-density is normalized:

    >>> from scipy.integrate import quad
    >>> density = lambda w: np.exp(ElasticNetPrior(1.0, 2.0).logpdf(w))
    >>> round(quad(density, -np.inf, np.inf)[0], 6)
    1.0
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
        return _elastic_net.pymc_variable(
            name, np.float64(self.l1), np.float64(self.l2), degenerate=False, dims=dims, shape=shape
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

    Returns
    -------
    GaussianPrior, LaplacePrior or ElasticNetPrior
        The prior with ``prior.penalty(n_samples, noise) == (alpha, l1_ratio)`` up to
        rounding.

    Examples
    --------
    >>> from bayesreg.priors import prior_from_penalty
    >>> prior_from_penalty(0.1, 1.0, 100)
    LaplacePrior(scale=0.1)
    >>> prior_from_penalty(0.1, 0.5, 100)
    ElasticNetPrior(l1=5.0, l2=5.0)
    >>> prior = prior_from_penalty(0.1, 0.0, 100, noise=2.0)
    >>> type(prior).__name__, round(prior.scale, 4)
    ('GaussianPrior', 0.6325)
    >>> [round(value, 12) for value in prior.penalty(100, noise=2.0)]
    [0.1, 0.0]
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


def _check_scale(value: Any) -> float | tuple[float, ...]:
    """A scale > 0, or a 1-D sequence of scales in (0, inf] with at least one finite."""
    if np.ndim(value) == 0:
        return check_positive(value, "scale")
    try:
        scales = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputTypeError(
            "scale must be a number > 0 or a 1-D sequence of scales in (0, inf] (inf: a "
            f"flat prior on that coefficient); got a value of type {type(value).__name__} "
            "that is not numeric."
        ) from error
    if scales.ndim != 1 or scales.size == 0:
        raise InputValueError(
            "scale must be a number > 0 or a 1-D sequence of scales in (0, inf], one per "
            f"coefficient; got an array of shape {scales.shape}."
        )
    bad = np.flatnonzero(np.isnan(scales) | (scales <= 0.0))
    if bad.size:
        j = int(bad[0])
        raise InputValueError(
            "scale must hold numbers in (0, inf] (inf: a flat prior on that coefficient); "
            f"got scale[{j}] = {float(scales[j])!r}."
        )
    if np.all(np.isinf(scales)):
        raise InputValueError(
            "scale is inf for every coefficient: a flat prior everywhere has no penalty "
            "(least squares); give at least one coefficient a finite scale."
        )
    return tuple(float(s) for s in scales)
