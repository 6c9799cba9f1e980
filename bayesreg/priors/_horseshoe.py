r"""Global-local shrinkage priors: the horseshoe, the horseshoe+ and the regularized horseshoe.

Each coefficient is a normal scale mixture with a local scale λ_j and a global scale τ::

    w_j | λ_j, τ ~ N(0, λ_j² τ²)                                    (horseshoe, horseshoe+)
    w_j | λ_j, τ, c ~ N(0, λ̃_j² τ²),  λ̃_j² = c² λ_j² / (c² + τ² λ_j²)   (regularized)

* :class:`HorseshoePrior` (Carvalho, Polson & Scott 2010): ``λ_j ~ C⁺(0, 1)``.
* :class:`HorseshoePlusPrior` (Bhadra, Datta, Polson & Willard 2017):
  ``λ_j | η_j ~ C⁺(0, η_j)``, ``η_j ~ C⁺(0, 1)``; λ_j is a product of two independent
  ``C⁺(0, 1)`` variables, with density ``4 log λ / (π² (λ² − 1))``.
* :class:`RegularizedHorseshoePrior` (Piironen & Vehtari 2017): the horseshoe whose
  large coefficients meet a Gaussian slab of width c, ``c² ~ Inv-Gamma(ν/2, ν s²/2)``
  (``w_j`` is then close to ``N(0, c²)`` where ``τλ_j ≫ c``).

The global scale τ is either fixed (``global_prior="fixed"``, τ = ``scale``) or random,
``τ ~ C⁺(0, scale)`` (``global_prior="half_cauchy"``); in that case the coefficients
share τ and are dependent a priori.

**No penalty face.** Each density is unbounded at ``w_j = 0``: the horseshoe's marginal
``p(w) = e^{x} E₁(x) / (τ √(2π³))``, ``x = w²/(2τ²)``, grows like ``log(1/|w|)``. With
a Gaussian likelihood the posterior density is then +∞ on every coordinate hyperplane
``w_j = 0``, so there is no finite maximum a posteriori point and no penalized
estimate: these priors are summarized by posterior means (or medians), which shrink
small coefficients strongly and leave large ones nearly alone. :meth:`penalty`,
:meth:`penalized_fit`, :meth:`penalty_value`, :meth:`prox` and the L1/L2 weights raise
a :class:`~bayesreg.errors.ModelStructureError` that says so.

**Shrinkage factor.** For a standardized design (``XᵀX = n I``) and σ known, the
posterior mean of ``w_j`` given its scales is ``(1 − κ_j) ŵ_j`` (ŵ_j least squares) with

    κ_j = 1 / (1 + n λ_j² τ² / σ²);

under the horseshoe with ``n τ²/σ² = 1``, ``κ_j ~ Beta(1/2, 1/2)``: the horseshoe shape
that gives the prior its name (mass near 0: no shrinkage; near 1: full shrinkage).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, NoReturn

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, special

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError, ModelStructureError
from bayesreg.priors._base import Prior
from bayesreg.validation import check_choice, check_positive, check_positive_int

__all__ = ["HorseshoePlusPrior", "HorseshoePrior", "RegularizedHorseshoePrior"]

GLOBAL_PRIORS = ("fixed", "half_cauchy")

# e^x E₁(x) by its asymptotic series Σ_k (−1)^k k!/x^(k+1) beyond this x (8 terms:
# relative error below 8!/x⁸ < 1e-17 there), directly below it (E₁ underflows near 700)
_EXP1_ASYMPTOTIC = 500.0


def _scaled_exp1(x: FloatArray) -> FloatArray:
    """``e^x E₁(x)`` for ``x ≥ 0`` (``+inf`` at 0), without overflow for large x."""
    small = np.minimum(x, _EXP1_ASYMPTOTIC)
    with np.errstate(over="ignore", divide="ignore"):
        direct = np.exp(small) * special.exp1(small)
    large = np.maximum(x, _EXP1_ASYMPTOTIC)
    series = np.zeros_like(large)
    term = 1.0 / large
    for k in range(8):
        series += term
        term = -term * (k + 1) / large
    result: FloatArray = np.where(x > _EXP1_ASYMPTOTIC, series, direct)
    return result


# Densities of u = log λ for the local scales (λ p_λ(λ) at λ = e^u):
#   λ ~ C⁺(0, 1):               p_λ = 2/(π(1 + λ²))            → 1/(π cosh u)
#   λ = λ₁λ₂, λ_i ~ C⁺(0, 1):   p_λ = 4 log λ/(π²(λ² − 1))     → 2u/(π² sinh u) (2/π² at 0)
def _log_cauchy_density(u: float) -> float:
    return 1.0 / (math.pi * math.cosh(u)) if abs(u) < 700.0 else 0.0


def _log_cauchy_product_density(u: float) -> float:
    if u == 0.0:
        return 2.0 / math.pi**2
    return 2.0 * u / (math.pi**2 * math.sinh(u)) if abs(u) < 700.0 else 0.0


def _normal_density(w: float, variance: float) -> float:
    return math.exp(-0.5 * w * w / variance) / math.sqrt(2.0 * math.pi * variance)


def _mixture_density(
    w: float, reference: float, log_scale_density: Callable[[float], float], slab_sq: float
) -> float:
    """``∫ N(w | 0, v(u)) g(u) du``, ``v(u) = c² s²/(c² + s²)`` with ``s = reference·e^u``
    (``v = s²`` when ``c² = inf``), by adaptive quadrature in ``u = log λ``.

    The integrand vanishes below ``u₀ = log(|w|/reference)`` (the normal density of w at a
    scale ≪ |w|) and decays like ``e^{−2u}`` above ``max(u₀, 0)``, so a finite interval
    around both breakpoints holds all of its mass to double precision.
    """

    def integrand(u: float) -> float:
        scale_sq = (reference * math.exp(u)) ** 2
        variance = scale_sq if math.isinf(slab_sq) else slab_sq * scale_sq / (slab_sq + scale_sq)
        return _normal_density(w, variance) * log_scale_density(u)

    center = math.log(abs(w) / reference)
    lower, upper = center - 12.0, max(center, 0.0) + 40.0
    breaks = sorted({u for u in (center, 0.0) if lower < u < upper})
    value, _ = integrate.quad(integrand, lower, upper, points=breaks, limit=400)
    return float(value)


def _slab_sq_log_density(slab_sq: float, df: float, slab_scale: float) -> float:
    """log of the Inv-Gamma(ν/2, ν s²/2) density of c² (the regularized horseshoe's slab)."""
    shape, rate = 0.5 * df, 0.5 * df * slab_scale**2
    return (
        shape * math.log(rate)
        - math.lgamma(shape)
        - (shape + 1.0) * math.log(slab_sq)
        - rate / slab_sq
    )


class _GlobalLocalPrior(Prior):
    """What the three global-local priors share: the refused penalty face, draws from the
    hierarchy, the shrinkage factor and the marginal density by quadrature."""

    #: Name of the hierarchy in messages.
    _family: ClassVar[str]
    scale: float
    global_prior: str

    def _check_global(self) -> None:
        object.__setattr__(self, "scale", check_positive(self.scale, "scale"))
        choice = check_choice(self.global_prior, "global_prior", GLOBAL_PRIORS)
        object.__setattr__(self, "global_prior", choice)

    @property
    def random_scale(self) -> bool:
        """Whether τ is random, ``τ ~ C⁺(0, scale)``."""
        return self.global_prior == "half_cauchy"

    # -- the penalty face: refused --------------------------------------------------

    def no_map_reason(self) -> str:
        """Why this prior has no MAP and no penalty, in words (for error messages)."""
        return (
            f"the density of {type(self).__name__} is unbounded at w_j = 0 "
            f"({self._family}: p(w_j) grows like log(1/|w_j|) as w_j → 0), so the posterior "
            "density is +inf wherever a coefficient is 0 and there is no finite MAP, hence "
            "no penalized estimate. Summarize this prior's posterior by its mean or median "
            "instead: bayesreg.sample_posterior(X, y, prior, method='gibbs') (Gaussian or "
            "Bernoulli likelihood), or NUTS on bayesreg.pymc.build_model(X, y, prior)."
        )

    def _check_penalty_face(self, what: str) -> NoReturn:
        """Refuse ``what``: the prior has no finite MAP (penalized_fit asks this first)."""
        raise ModelStructureError(f"{type(self).__name__} has no {what}: {self.no_map_reason()}")

    def l1_weight(self, noise: float = 1.0) -> float:
        """Refused: the log-density is not ``−l1|w| − (l2/2) w²`` (no penalty face)."""
        self._check_penalty_face("L1 weight")

    def l2_weight(self, noise: float = 1.0) -> float:
        """Refused (no penalty face)."""
        self._check_penalty_face("L2 weight")

    def penalty(self, n_samples: int, noise: float = 1.0) -> tuple[float, float]:
        """Refused: there is no finite MAP, so no ``(alpha, l1_ratio)``."""
        self._check_penalty_face("penalty (alpha, l1_ratio)")

    def penalty_value(self, w: ArrayLike, n_samples: int, noise: float = 1.0) -> float:
        """Refused (no penalty face)."""
        self._check_penalty_face("penalty value")

    def prox(self, z: ArrayLike, step: float, n_samples: int, noise: float = 1.0) -> FloatArray:
        """Refused (no penalty face)."""
        self._check_penalty_face("proximal operator")

    # -- the distribution face ---------------------------------------------------------

    @abstractmethod
    def _local_scales(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        """Draws of λ_j of shape ``shape``."""

    def _slab_sq(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray | None:
        """Draws of c² (None: no slab)."""
        return None

    def _scale_draws(
        self, size: Any, random_seed: Any
    ) -> tuple[tuple[int, ...], np.random.Generator, FloatArray]:
        """``(shape, rng, v)``: prior variances ``v = λ̃²τ²`` of draws of shape ``size``;
        a random τ (and c²) is shared along the last axis (the coefficients)."""
        shape: tuple[int, ...] = () if size is None else tuple(np.atleast_1d(size).astype(int))
        rng = np.random.default_rng(random_seed)
        shared = (*shape[:-1], 1) if shape else ()
        local = self._local_scales(rng, shape)
        tau = self.scale * np.abs(rng.standard_cauchy(shared)) if self.random_scale else self.scale
        scale_sq = (local * tau) ** 2
        slab_sq = self._slab_sq(rng, shared)
        if slab_sq is not None:
            # λ̃²τ² = c² λ²τ² / (c² + λ²τ²)
            scale_sq = slab_sq * scale_sq / (slab_sq + scale_sq)
        return shape, rng, np.asarray(scale_sq, dtype=np.float64)

    def rvs(self, size: Any = None, random_seed: Any = None) -> FloatArray:
        """Draws from the hierarchy: ``w = z·λ̃·τ``, ``z ~ N(0, 1)``.

        With a random τ (or a random slab c) the last axis of ``size`` holds coefficients
        of one vector, which share τ (and c); other axes are independent.
        """
        shape, rng, variance = self._scale_draws(size, random_seed)
        draws: FloatArray = np.sqrt(variance) * rng.standard_normal(shape)
        return draws

    def shrinkage(
        self, size: Any = None, random_seed: Any = None, *, n_samples: int = 1, noise: float = 1.0
    ) -> FloatArray:
        """Prior draws of the shrinkage factor ``κ_j = 1/(1 + n λ̃_j² τ²/σ²)``.

        For a standardized design (``XᵀX = n I``) and σ known, ``E[w_j | y, λ, τ] =
        (1 − κ_j) ŵ_j`` with ŵ_j the least-squares estimate: κ_j = 1 is full shrinkage.
        Under the horseshoe with ``n τ²/σ² = 1``, κ_j ~ Beta(1/2, 1/2).
        """
        n = check_positive_int(n_samples, "n_samples")
        sigma = check_positive(noise, "noise")
        _, _, variance = self._scale_draws(size, random_seed)
        kappa: FloatArray = 1.0 / (1.0 + n * variance / sigma**2)
        return kappa

    def _reference_density(self) -> tuple[float, Callable[[float], float]]:
        """``(t, g)``: one coefficient's scale λτ is ``t·e^u`` with u of density g."""
        return self.scale, _log_cauchy_density

    def _slab_terms(self) -> tuple[float, float] | None:
        """``(s, ν)`` of a random slab c² ~ Inv-Gamma(ν/2, νs²/2); None otherwise."""
        return None

    def _fixed_slab_sq(self) -> float:
        return math.inf

    def _density_at(self, w: float) -> float:
        """The marginal density of one coefficient at ``w ≠ 0`` (by quadrature)."""
        reference, log_density = self._reference_density()
        slab = self._slab_terms()
        if slab is None:
            return _mixture_density(w, reference, log_density, self._fixed_slab_sq())
        slab_scale, df = slab

        def outer(log_slab_sq: float) -> float:
            slab_sq = math.exp(log_slab_sq)
            weight = math.exp(_slab_sq_log_density(slab_sq, df, slab_scale) + log_slab_sq)
            return weight * _mixture_density(w, reference, log_density, slab_sq)

        # log c² = log s² + log(ν/(2G)), G ~ Gamma(ν/2): its mass lies within ±40 of log s²
        center = 2.0 * math.log(slab_scale)
        value, _ = integrate.quad(outer, center - 40.0, center + 40.0, points=[center], limit=200)
        return float(value)

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """Log of the marginal density of one coefficient (``+inf`` at 0), by quadrature.

        ``p(w) = ∫ N(w | 0, λ̃²τ²) p(λ) dλ`` integrated numerically in ``u = log λ``
        (``scipy.integrate.quad``; relative accuracy about 1e-8), with an outer
        integral over c² for a random slab. The horseshoe overrides this with its closed
        form.
        """
        values = np.asarray(w, dtype=np.float64)
        flat = values.ravel()
        result = np.empty_like(flat)
        for i, value in enumerate(flat):
            density = math.inf if value == 0.0 else self._density_at(float(value))
            result[i] = math.log(density) if density > 0.0 else -math.inf
        out: FloatArray = result.reshape(values.shape)
        return out

    def _variance_from_quadrature(self) -> float:
        """``E[λ̃²τ²]`` for a slab: ``∫ c² t²e^{2u}/(c² + t²e^{2u}) g(u) du`` (and over c²)."""
        reference, log_density = self._reference_density()

        def given_slab(slab_sq: float) -> float:
            def integrand(u: float) -> float:
                scale_sq = (reference * math.exp(u)) ** 2
                return slab_sq * scale_sq / (slab_sq + scale_sq) * log_density(u)

            upper = math.log(math.sqrt(slab_sq) / reference)
            value, _ = integrate.quad(integrand, upper - 40.0, upper + 40.0, points=[upper, 0.0])
            return float(value)

        slab = self._slab_terms()
        if slab is None:
            return given_slab(self._fixed_slab_sq())
        slab_scale, df = slab
        center = 2.0 * math.log(slab_scale)

        def outer(log_slab_sq: float) -> float:
            slab_sq = math.exp(log_slab_sq)
            weight = math.exp(_slab_sq_log_density(slab_sq, df, slab_scale) + log_slab_sq)
            return weight * given_slab(slab_sq)

        value, _ = integrate.quad(outer, center - 40.0, center + 40.0, points=[center], limit=200)
        return float(value)


def _half_cauchy_pymc(name: str, scale: Any, *, dims: Any = None, shape: Any = None) -> Any:
    """``name ~ C⁺(0, scale)`` (``pm.HalfCauchy``, sampled on the log scale)."""
    import pymc as pm

    return pm.HalfCauchy(name, beta=scale, dims=dims, shape=shape)


def _global_scale_pymc(prior: _GlobalLocalPrior, name: str) -> Any:
    """τ: the fixed ``scale``, or ``{name}_tau ~ C⁺(0, scale)``."""
    if prior.random_scale:
        return _half_cauchy_pymc(f"{name}_tau", np.float64(prior.scale))
    return np.float64(prior.scale)


def _non_centered(
    prior: _GlobalLocalPrior, name: str, variance_scale: Any, dims: Any, shape: Any
) -> Any:
    """``name = z · scale`` with ``{name}_z ~ N(0, 1)``: the non-centred parametrization.

    The variable is tagged ``tag.bayesreg_no_map`` with the reason it has no MAP, for
    model-level tools (a MAP of the non-centred variables is not a MAP of ``name``).
    """
    import pymc as pm

    z = pm.Normal(f"{name}_z", mu=0.0, sigma=1.0, dims=dims, shape=shape)
    rv = pm.Deterministic(name, z * variance_scale, dims=dims)
    rv.tag.bayesreg_no_map = prior.no_map_reason()
    return rv


@dataclass(frozen=True)
class _UnboundedVariancePrior(_GlobalLocalPrior):
    """The horseshoe and horseshoe+: a scale, the global prior and no slab, so the local
    scale's Cauchy tail makes the variance infinite."""

    scale: float = 1.0
    global_prior: str = field(default="fixed", kw_only=True)

    def __post_init__(self) -> None:
        self._check_global()

    def variance(self) -> float:
        """``inf``: ``E[λ²] = ∞`` for ``λ ~ C⁺(0, 1)`` (and for a product of two)."""
        return math.inf


@dataclass(frozen=True)
class HorseshoePrior(_UnboundedVariancePrior):
    r"""The horseshoe (Carvalho, Polson & Scott 2010): ``w_j ~ N(0, λ_j²τ²)``, ``λ_j ~ C⁺(0, 1)``.

    The marginal density of one coefficient, with τ fixed, has the closed form

    .. math::

        p(w) = \frac{e^{x} E_1(x)}{\tau\sqrt{2\pi^3}},\qquad x = \frac{w^2}{2\tau^2},

    (E₁ the exponential integral), bounded by ``K/2·log(1 + 4τ²/w²) < τ p(w) <
    K·log(1 + 2τ²/w²)``, ``K = 1/√(2π³)`` (Carvalho et al. 2010, Theorem 1): unbounded
    at 0 and with Cauchy-like tails ``∝ 1/w²``. So the variance is infinite and there is
    no MAP (see the module docstring). With ``τ ~ C⁺(0, s)`` the product λτ is s times a
    product of two ``C⁺(0, 1)``: one coefficient's marginal is then the horseshoe+ one at
    scale s.

    In PyMC (:meth:`to_pymc`) the prior is non-centred, ``w = z·λ·τ``,
    ``z ~ N(0, 1)``, so that NUTS sees a geometry without the funnel of ``w`` and λ.

    Parameters
    ----------
    scale : float, default 1.0
        The global scale τ > 0 (``global_prior="fixed"``), or the scale s of its
        prior ``τ ~ C⁺(0, s)`` (``global_prior="half_cauchy"``).
    global_prior : {"fixed", "half_cauchy"}, default "fixed"

    Examples
    --------
    The density is infinite at 0 and so is the variance:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from bayesreg.priors import HorseshoePrior
    >>> prior = HorseshoePrior(1.0)
    >>> prior.logpdf([0.0, 1.0]).round(4).tolist(), prior.variance()
    ([inf, -2.1439], inf)

    With ``n τ²/σ² = 1`` the shrinkage factor κ is Beta(1/2, 1/2), the horseshoe's shape:

    >>> kappa = np.array([0.1, 0.5, 0.9])
    >>> np.allclose(np.exp(prior.shrinkage_logpdf(kappa)), stats.beta(0.5, 0.5).pdf(kappa))
    True
    >>> prior.rvs((1000, 5), random_seed=0).shape
    (1000, 5)

    There is no MAP, hence no penalty face (sample the posterior instead):

    >>> prior.penalty(100)
    Traceback (most recent call last):
        ...
    bayesreg.errors.ModelStructureError: HorseshoePrior has no penalty (alpha, l1_ratio): ...
    """

    _family: ClassVar[str] = "the horseshoe"

    def _local_scales(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        return np.abs(rng.standard_cauchy(shape))

    def _reference_density(self) -> tuple[float, Callable[[float], float]]:
        if self.random_scale:
            return self.scale, _log_cauchy_product_density
        return self.scale, _log_cauchy_density

    def logpdf(self, w: ArrayLike) -> FloatArray:
        """``log(e^x E₁(x)) − log(τ√(2π³))``, ``x = w²/(2τ²)`` (``+inf`` at 0); with
        ``τ ~ C⁺(0, s)`` the horseshoe+ marginal at scale s, by quadrature."""
        if self.random_scale:
            return super().logpdf(w)
        values = np.asarray(w, dtype=np.float64)
        x = 0.5 * (values / self.scale) ** 2
        with np.errstate(divide="ignore"):
            log_density: FloatArray = np.log(_scaled_exp1(x)) - math.log(
                self.scale * math.sqrt(2.0 * math.pi**3)
            )
        return log_density

    def shrinkage_logpdf(self, kappa: ArrayLike, *, n_samples: int = 1, noise: float = 1.0) -> Any:
        r"""Log-density of ``κ = 1/(1 + a λ²)``, ``a = nτ²/σ²``, for a fixed τ:

        .. math::

            p(\kappa) = \frac{\sqrt a}{\pi}\,
            \frac{\kappa^{-1/2}(1 - \kappa)^{-1/2}}{1 + (a - 1)\kappa},\qquad 0 < κ < 1,

        Beta(1/2, 1/2) at ``a = 1`` (from ``λ² = (1 − κ)/(aκ)`` and the density
        ``1/(π√v(1 + v))`` of ``v = λ²``).
        """
        if self.random_scale:
            raise InputValueError(
                "shrinkage_logpdf is written for a fixed τ; this HorseshoePrior has "
                "global_prior='half_cauchy'. Use shrinkage(...) for draws of κ instead."
            )
        a = (
            check_positive_int(n_samples, "n_samples")
            * (self.scale / check_positive(noise, "noise")) ** 2
        )
        k = np.asarray(kappa, dtype=np.float64)
        inside = (k > 0.0) & (k < 1.0)
        safe = np.where(inside, k, 0.5)
        log_density = (
            0.5 * math.log(a)
            - math.log(math.pi)
            - 0.5 * np.log(safe)
            - 0.5 * np.log1p(-safe)
            - np.log1p((a - 1.0) * safe)
        )
        return np.where(inside, log_density, -np.inf)

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``name = {name}_z · {name}_lambda · τ`` (non-centred); ``noise`` is not used.

        ``{name}_lambda ~ C⁺(0, 1)`` and, with ``global_prior="half_cauchy"``,
        ``{name}_tau ~ C⁺(0, s)``. The posterior's funnel in τ needs a high
        ``target_accept`` (0.99) for NUTS to run without divergences.
        """
        local = _half_cauchy_pymc(f"{name}_lambda", 1.0, dims=dims, shape=shape)
        return _non_centered(self, name, local * _global_scale_pymc(self, name), dims, shape)


@dataclass(frozen=True)
class HorseshoePlusPrior(_UnboundedVariancePrior):
    r"""The horseshoe+ (Bhadra et al. 2017): ``λ_j | η_j ~ C⁺(0, η_j)``, ``η_j ~ C⁺(0, 1)``.

    ``w_j | λ_j, τ ~ N(0, λ_j²τ²)`` as in the horseshoe, with the local scale a product
    of two independent ``C⁺(0, 1)`` variables, density
    ``p(λ) = 4 log λ / (π²(λ² − 1))``: more mass near 0 and in the tails (the
    marginal is ``∝ log²(1/|w|)``-like at 0). The marginal density has no closed form;
    :meth:`.Prior.logpdf` integrates ``∫ N(w | 0, λ²τ²) p(λ) dλ`` numerically (fixed τ).

    Parameters
    ----------
    scale : float, default 1.0
        τ > 0, or the scale s of ``τ ~ C⁺(0, s)``.
    global_prior : {"fixed", "half_cauchy"}, default "fixed"

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.priors import HorseshoePlusPrior, HorseshoePrior
    >>> prior = HorseshoePlusPrior(1.0)
    >>> prior.variance(), prior.rvs((1000, 5), random_seed=0).shape
    (inf, (1000, 5))

    The marginal density, by quadrature, is higher near 0 than the horseshoe's:

    >>> bool(prior.logpdf(0.01) > HorseshoePrior(1.0).logpdf(0.01))
    True
    >>> prior.penalized_fit(np.eye(3), [1.0, 2.0, 3.0], noise=1.0)
    Traceback (most recent call last):
        ...
    bayesreg.errors.ModelStructureError: HorseshoePlusPrior has no penalized fit: ...
    """

    _family: ClassVar[str] = "the horseshoe+"

    def _local_scales(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        eta = np.abs(rng.standard_cauchy(shape))
        return eta * np.abs(rng.standard_cauchy(shape))

    def _reference_density(self) -> tuple[float, Callable[[float], float]]:
        if self.random_scale:
            raise InputValueError(
                "the marginal density of HorseshoePlusPrior with global_prior='half_cauchy' "
                "is a product of three half-Cauchy scales, not implemented; use "
                "global_prior='fixed' for logpdf, or rvs for draws."
            )
        return self.scale, _log_cauchy_product_density

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``name = {name}_z · {name}_lambda · τ`` with ``{name}_lambda = {name}_eta · ℓ``,
        ``{name}_eta`` and ``ℓ = {name}_lambda0`` independent ``C⁺(0, 1)`` (non-centred)."""
        import pymc as pm

        eta = _half_cauchy_pymc(f"{name}_eta", 1.0, dims=dims, shape=shape)
        unit = _half_cauchy_pymc(f"{name}_lambda0", 1.0, dims=dims, shape=shape)
        local = pm.Deterministic(f"{name}_lambda", eta * unit, dims=dims)
        return _non_centered(self, name, local * _global_scale_pymc(self, name), dims, shape)


@dataclass(frozen=True)
class RegularizedHorseshoePrior(_GlobalLocalPrior):
    r"""The regularized horseshoe (Piironen & Vehtari 2017).

    .. math::

        w_j \mid \lambda_j, \tau, c \sim N(0, \tilde\lambda_j^2 \tau^2),\quad
        \tilde\lambda_j^2 = \frac{c^2 \lambda_j^2}{c^2 + \tau^2\lambda_j^2},\quad
        \lambda_j \sim C^+(0, 1),\quad c^2 \sim \text{Inv-Gamma}(\nu/2, \nu s^2/2).

    Small coefficients (τλ_j ≪ c) are shrunk as by the horseshoe; large ones meet a
    Gaussian slab ``N(0, c²)``, so the prior variance is finite, at most ``E[c²]``. With
    ``slab_df=None`` the slab width is fixed, c = s. The global scale may come from a
    guess p0 of the number of non-zero coefficients (:meth:`from_guess`):
    ``τ0 = p0/(p − p0) · σ/√n``.

    The density is still unbounded at 0 (no MAP); :meth:`.Prior.logpdf` and :meth:`variance`
    integrate numerically (fixed τ; with an outer integral over c² for a random slab).

    Parameters
    ----------
    scale : float, default 1.0
        τ > 0, or the scale s of ``τ ~ C⁺(0, s)``.
    slab_scale : float, default 2.0
        s > 0.
    slab_df : float or None, default 4.0
        ν > 0; None fixes c = s.
    global_prior : {"fixed", "half_cauchy"}, default "fixed"

    Examples
    --------
    From a guess of three non-zero coefficients among p = 100 with n = 100 and σ = 1,
    ``τ0 = 3/97 · 1/√100``:

    >>> from bayesreg.priors import RegularizedHorseshoePrior
    >>> prior = RegularizedHorseshoePrior.from_guess(3, 100, 100)
    >>> round(prior.scale, 6), prior.global_prior
    (0.003093, 'half_cauchy')

    The slab makes the variance finite: with ``c = s = 2`` fixed and τ = 1 it is
    ``E[4λ²/(4 + λ²)] = 4/3``, and with ``c² ~ Inv-Gamma(2, 8)`` it is below
    ``E[c²] = 8``:

    >>> round(RegularizedHorseshoePrior(1.0, slab_scale=2.0, slab_df=None).variance(), 6)
    1.333333
    >>> RegularizedHorseshoePrior(1.0, slab_scale=2.0, slab_df=4.0).variance() < 8.0
    True
    """

    scale: float = 1.0
    slab_scale: float = field(default=2.0, kw_only=True)
    slab_df: float | None = field(default=4.0, kw_only=True)
    global_prior: str = field(default="fixed", kw_only=True)

    _family: ClassVar[str] = "the regularized horseshoe, horseshoe-like near 0"

    def __post_init__(self) -> None:
        self._check_global()
        object.__setattr__(self, "slab_scale", check_positive(self.slab_scale, "slab_scale"))
        if self.slab_df is not None:
            object.__setattr__(self, "slab_df", check_positive(self.slab_df, "slab_df"))

    @classmethod
    def from_guess(
        cls,
        n_nonzero: float,
        n_features: int,
        n_samples: int,
        noise: float = 1.0,
        *,
        slab_scale: float = 2.0,
        slab_df: float | None = 4.0,
        global_prior: str = "half_cauchy",
    ) -> RegularizedHorseshoePrior:
        """The prior with ``scale = τ0 = p0/(p − p0) · σ/√n`` (Piironen & Vehtari 2017, eq. 3.12).

        Parameters
        ----------
        n_nonzero : float
            The guess p0 of the number of non-zero coefficients, ``0 < p0 < p``.
        n_features, n_samples : int
            p and n.
        noise : float, default 1.0
            σ, or a guess of it (e.g. the residual scale of a first fit).
        global_prior : {"fixed", "half_cauchy"}, default "half_cauchy"
            ``τ ~ C⁺(0, τ0)`` as Piironen & Vehtari recommend, or τ = τ0.
        """
        p = check_positive_int(n_features, "n_features")
        n = check_positive_int(n_samples, "n_samples")
        guess = check_positive(n_nonzero, "n_nonzero")
        if guess >= p:
            raise InputValueError(
                f"n_nonzero must be below n_features = {p} (a guess of how many of the p "
                f"coefficients are not 0); got n_nonzero={n_nonzero!r}."
            )
        tau0 = guess / (p - guess) * check_positive(noise, "noise") / math.sqrt(n)
        return cls(tau0, slab_scale=slab_scale, slab_df=slab_df, global_prior=global_prior)

    def _local_scales(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
        return np.abs(rng.standard_cauchy(shape))

    def _slab_sq(self, rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray | None:
        if self.slab_df is None:
            return np.full(shape, self.slab_scale**2)
        # c² = (ν s²/2)/G, G ~ Gamma(ν/2): Inv-Gamma(ν/2, ν s²/2)
        return (
            0.5 * self.slab_df * self.slab_scale**2 / rng.standard_gamma(0.5 * self.slab_df, shape)
        )

    def _reference_density(self) -> tuple[float, Callable[[float], float]]:
        if self.random_scale:
            # λτ with τ ~ C⁺(0, s): s times a product of two C⁺(0, 1)
            return self.scale, _log_cauchy_product_density
        return self.scale, _log_cauchy_density

    def _slab_terms(self) -> tuple[float, float] | None:
        return None if self.slab_df is None else (self.slab_scale, self.slab_df)

    def _fixed_slab_sq(self) -> float:
        return self.slab_scale**2

    def variance(self) -> float:
        """``E[λ̃²τ²]``, by quadrature (finite: at most ``E[c²]``)."""
        return self._variance_from_quadrature()

    def to_pymc(self, name: str, *, dims: Any = None, shape: Any = None, noise: Any = 1.0) -> Any:
        """``name = {name}_z · τ · {name}_lambda_tilde`` (non-centred), with
        ``{name}_lambda ~ C⁺(0, 1)``, ``{name}_slab_sq ~ Inv-Gamma(ν/2, νs²/2)`` (c², fixed
        ``s²`` when ``slab_df`` is None) and ``λ̃ = √(c²λ²/(c² + τ²λ²))``; ``noise`` is
        not used."""
        import pymc as pm

        local = _half_cauchy_pymc(f"{name}_lambda", 1.0, dims=dims, shape=shape)
        tau = _global_scale_pymc(self, name)
        if self.slab_df is None:
            slab_sq: Any = np.float64(self.slab_scale**2)
        else:
            slab_sq = pm.InverseGamma(
                f"{name}_slab_sq",
                alpha=np.float64(0.5 * self.slab_df),
                beta=np.float64(0.5 * self.slab_df * self.slab_scale**2),
            )
        scaled_sq = (tau * local) ** 2
        regularized = pm.Deterministic(
            f"{name}_lambda_tilde",
            pm.math.sqrt(slab_sq * local**2 / (slab_sq + scaled_sq)),
            dims=dims,
        )
        return _non_centered(self, name, regularized * tau, dims, shape)
