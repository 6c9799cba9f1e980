"""A Gibbs sampler for logistic regression by Pólya-Gamma data augmentation.

The model is the Bernoulli likelihood with a scale-mixture prior on the coefficients and
a flat prior on the intercept::

    y_i | η_i ~ Bernoulli(expit(η_i)),   η = w0 + X w,
    p(w_j) ∝ exp(−v_j [l1 |w_j| + l2 w_j² / 2]),   p(w0) ∝ 1,

the posterior whose mode is penalized logistic regression (:func:`bayesreg.logistic`
with ``alpha·r = l1/n``, ``alpha·(1 − r) = l2/n``). Polson, Scott & Windle (2013) write
each likelihood term as a Gaussian mixture over a Pólya-Gamma variable::

    e^{y_i η_i} / (1 + e^{η_i}) = ½ e^{κ_i η_i} ∫ e^{−ω_i η_i² / 2} PG(ω_i | 1, 0) dω_i,

``κ_i = y_i − ½``, and the Laplace factor as a Gaussian mixture over its variance,
``e^{−l1|w|} ∝ ∫ N(w | 0, τ²) Exp(τ² | l1²/2) dτ²`` (Park & Casella 2008), so that every
full conditional is a standard distribution:

1. ``ω_i | w0, w ~ PG(b_i, η_i)`` (the ``polyagamma`` package's sampler; ``b_i = 1``, or
   the observation weight ``s_i`` with ``κ_i = s_i (y_i − ½)``);
2. ``θ = (w0, w) | ω, τ ~ N(Q⁻¹ Zᵀκ, Q⁻¹)``, ``Q = Zᵀ diag(ω) Z + diag(0, d)``,
   ``Z = [1, X]``, ``d_j = 1/τ_j² + l2`` — by a Cholesky factor of Q when the p + 1
   columns are at most n; otherwise ``w | w0, ω, τ`` by Bhattacharya, Chakraborty &
   Mallick (2016) (O(n² p)) and then ``w0 | w, ω ~ N(Σ(κ_i − ω_i x_iᵀw)/Σω, 1/Σω)``;
3. ``1/τ_j² | w_j ~ InverseGaussian(mean l1/|w_j|, shape l1²)`` (when l1 > 0);
4. ``l1² | τ ~ Gamma(r + p, δ + Σ_j τ_j²/2)`` when l1 has the hyperprior
   ``l1² ~ Gamma(r, δ)`` (the Bayesian lasso with a random λ).

Steps 1 and 2 are :class:`~bayesreg.posterior._polya_gamma.PolyaGammaChains`, shared with
the horseshoe family's Bernoulli sampler
(:func:`~bayesreg.posterior.horseshoe_gibbs.sample_horseshoe_gibbs` with
``likelihood="bernoulli"``, which updates the horseshoe scales instead of steps 3 and 4).
All chains advance together: each sweep is a handful of batched NumPy operations over
(chains, n) or (chains, p, p) arrays, and one generator per chain keeps each chain's
stream its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.posterior._conditionals import ChainStreams, inverse_gaussian
from bayesreg.posterior._front import RunOptions
from bayesreg.posterior._gibbs_priors import GibbsPrior
from bayesreg.posterior._polya_gamma import PolyaGammaChains, bernoulli_rows
from bayesreg.posterior.gibbs import GibbsDraws

__all__ = ["bernoulli_gibbs"]


def bernoulli_gibbs(
    X: Any,
    y: Any,
    prior: GibbsPrior,
    *,
    fit_intercept: bool = True,
    draws: int = 1000,
    tune: int = 500,
    chains: int = 4,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    sample_weight: Any = None,
) -> GibbsDraws:
    """Draw from the posterior of a logistic regression by Pólya-Gamma Gibbs sampling.

    The posterior is ``p(w0, w | y) ∝ Π_i Bernoulli(y_i | expit(w0 + x_iᵀw)) ·
    Π_j exp(−l1|w_j| − l2 w_j²/2)`` (module docstring), whose mode minimizes

        F(w, w0) = 1/n Σ_i [log(1 + exp(η_i)) − y_i η_i] + (l1/n)||w||₁ + (l2/2n)||w||².

    Parameters
    ----------
    X : array-like of shape (n, p)
        The design (dense).
    y : array-like of shape (n,)
        Binary outcomes, coded 0 and 1.
    prior : GibbsPrior
        The coefficients' scale-mixture prior: Gaussian (``l1 = 0``, ``l2 > 0``),
        Laplace (``l1 > 0``), elastic net (both) or the Bayesian lasso with a hyperprior
        on l1; with ``factor`` = v, coefficient j has the weights ``v_j·l1``, ``v_j·l2``
        (``v_j = 0``: a flat prior, when p + 1 ≤ n). A prior scaled by the noise
        (``scaled_by_noise``) has no meaning without a noise and is refused.
    fit_intercept : bool, default True
        Sample the intercept under a flat prior (else w0 = 0).
    draws, tune, chains : int
        Recorded iterations per chain, discarded warm-up iterations, chains.
    random_seed : int, Generator or None
        Seed of ``numpy.random.default_rng``; one stream is spawned per chain.
    progressbar : bool, default True
    sample_weight : array-like of shape (n,), optional
        Observation weights ``s_i ≥ 0``: the log-likelihood ``Σ_i s_i log p(y_i | η_i)``
        (row i counted s_i times). The augmentation holds for any ``s_i > 0``:
        ``p(y_i | η_i)^{s_i} ∝ e^{κ_i η_i} ∫ e^{−ω_i η_i²/2} PG(ω_i | s_i, 0) dω_i`` with
        ``κ_i = s_i (y_i − ½)``, so ``ω_i | η_i ~ PG(s_i, η_i)``; rows of weight 0 are
        dropped. None: every ``s_i = 1``.

    Returns
    -------
    GibbsDraws
        ``coef`` (chains, draws, p), ``intercept`` (or None), ``noise = None``, ``lam``
        (l1's draws when it has a hyperprior, else None).

    Raises
    ------
    DataError
        If y is not binary, does not match X, or holds one class while an intercept is
        sampled (its flat prior would leave the posterior improper).
    InputTypeError, InputValueError
        For a prior that is not a GibbsPrior or is scaled by σ, or a zero factor with
        p + 1 > n.

    References
    ----------
    N. G. Polson, J. G. Scott, J. Windle (2013). Bayesian inference for logistic models
    using Pólya-Gamma latent variables. JASA 108(504), 1339-1349.

    A. Bhattacharya, A. Chakraborty, B. K. Mallick (2016). Fast sampling with Gaussian
    scale mixture priors in high-dimensional regression. Biometrika 103(4), 985-991.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.posterior._gibbs_priors import GibbsPrior
    >>> from bayesreg.posterior.bernoulli_gibbs import bernoulli_gibbs
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> y = (X[:, 0] + rng.standard_normal(100) > 0).astype(float)
    >>> result = bernoulli_gibbs(X, y, GibbsPrior(l1=1.0), draws=200, tune=100,
    ...                          chains=2, random_seed=1, progressbar=False)
    >>> result.coef.shape
    (2, 200, 3)
    """
    run = RunOptions.checked(
        draws=draws,
        tune=tune,
        chains=chains,
        random_seed=random_seed,
        progressbar=progressbar,
        fit_intercept=fit_intercept,
    )
    rows = bernoulli_rows(X, y, fit_intercept=run.fit_intercept, sample_weight=sample_weight)
    _check_prior(prior)
    streams = run.streams()
    likelihood = PolyaGammaChains(rows, fit_intercept=run.fit_intercept, streams=streams)
    scales = _MixtureScales(prior, rows.X.shape[1], streams, wide=not likelihood.joint)

    def sweep() -> dict[str, FloatArray]:
        likelihood.step(scales.precision())
        scales.update(likelihood.coef)
        return {**likelihood.snapshot(), "l1": scales.l1}

    trace = run.sweeps(sweep, "Pólya-Gamma Gibbs")
    return GibbsDraws(
        coef=trace["coef"],
        intercept=trace["intercept"] if run.fit_intercept else None,
        noise=None,
        lam=trace["l1"] if prior.l1_hyperprior is not None else None,
        prior=prior,
        feature_names=rows.feature_names,
    )


def _check_prior(prior: Any) -> None:
    """Refuse what has no Pólya-Gamma Gibbs sampler here."""
    if not isinstance(prior, GibbsPrior):
        raise InputTypeError(f"prior must be a GibbsPrior; got {type(prior).__name__}.")
    if prior.scaled_by_noise:
        raise InputValueError(
            "prior is scaled by the noise σ (scaled_by_noise=True), which the Bernoulli "
            "likelihood does not have; state its weights at σ = 1."
        )


class _MixtureScales:
    """The scale-mixture states (1/τ², l1) of every chain; the prior precision they give."""

    def __init__(
        self, prior: GibbsPrior, n_features: int, streams: ChainStreams, *, wide: bool
    ) -> None:
        self.prior, self.streams = prior, streams
        chains = len(streams.generators)
        # per-coefficient factors v (all 1 without): weights v_j·l1 and v_j·l2
        self.factor = prior.factors(n_features)
        self.kinked = prior.has_mixture & (self.factor > 0.0)  # coordinates with τ_j
        if wide and not np.all(self.factor > 0.0):
            raise InputValueError(
                "prior has a zero factor (a flat prior on a coefficient) while p + 1 > n: the "
                "wide-design coefficient draw needs a proper prior on every coefficient. Give "
                "every factor > 0."
            )
        # l1 = its fixed value, or the start of its chain under the hyperprior
        self.l1 = np.full(chains, prior.l1)
        # 1/τ_j² starts at (v_j l1)², the mixing density's scale; 0 where there is no τ_j
        self.inv_tau2 = np.where(self.kinked, (self.factor * prior.l1) ** 2, 0.0)[
            None, :
        ] * np.ones((chains, 1))

    def precision(self) -> FloatArray:
        """``d_j = 1/τ_j² + v_j l2`` (the Laplace factor's variance mixed in where there is one)."""
        precision: FloatArray = self.inv_tau2 + self.prior.l2 * self.factor
        return precision

    def update(self, coef: FloatArray) -> None:
        """``1/τ² | w`` and ``l1 | τ`` (steps 3 and 4 of the module docstring)."""
        if self.prior.has_mixture:
            self._draw_mixing(coef)

    def _draw_mixing(self, coef: FloatArray) -> None:
        """``1/τ_j² | w_j ~ IG(v_j l1/|w_j|, (v_j l1)²)``; then ``l1² | τ`` under its
        hyperprior (factors are all 1 there)."""
        p = coef.shape[1]
        kink = self.l1[:, None] * self.factor[None, :]  # v_j l1, per chain
        normal, uniform = self.streams.normal(p), self.streams.uniform(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = inverse_gaussian(np.abs(coef) / kink, kink**2, normal, uniform)
        self.inv_tau2 = np.where(self.kinked[None, :], draws, 0.0)
        if self.prior.l1_hyperprior is not None:
            shape, rate = self.prior.l1_hyperprior
            # l1² | τ ~ Gamma(r + p, δ + Σ τ_j²/2): τ_j² = 1/(1/τ_j²)
            scale = rate + 0.5 * np.sum(1.0 / self.inv_tau2, axis=1)
            self.l1 = np.sqrt(self.streams.gamma(shape + p, 1)[:, 0] / scale)
