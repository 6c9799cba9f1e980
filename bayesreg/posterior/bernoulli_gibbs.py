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

All chains advance together: each sweep is a handful of batched NumPy operations over
(chains, n) or (chains, p, p) arrays, and one generator per chain keeps each chain's
stream its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.core.data import check_sample_weight
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.posterior._conditionals import ChainStreams, inverse_gaussian
from bayesreg.posterior._gibbs_priors import GibbsPrior
from bayesreg.posterior._progress import SamplingProgress
from bayesreg.posterior.gibbs import GibbsDraws
from bayesreg.validation import (
    as_design,
    as_target,
    check_binary_target,
    check_bool,
    check_nonneg_int,
    check_positive_int,
    check_seed,
    feature_names_of,
)

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
    design = as_design(X)
    target = check_binary_target(as_target(y, design.shape[0]))
    weights = check_sample_weight(sample_weight, design.shape[0])
    names = feature_names_of(X, design.shape[1])
    if weights is not None:
        keep = weights > 0.0
        design, target, weights = design[keep], target[keep], weights[keep]
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    _check_prior(prior)
    if fit_intercept and target.min() == target.max():
        raise DataError(
            f"y holds only the class {target[0]:g}; with a flat prior on the intercept the "
            "posterior is improper (w0 runs off to ±∞). Pass data with both classes, or "
            "fit_intercept=False."
        )
    sampler = _PolyaGammaChains(
        design,
        target,
        np.ones(target.size) if weights is None else weights,
        prior,
        fit_intercept=fit_intercept,
        chains=check_positive_int(chains, "chains"),
        random_seed=check_seed(random_seed),
    )
    draws = check_positive_int(draws, "draws")
    tune = check_nonneg_int(tune, "tune")
    description = f"Pólya-Gamma Gibbs, {chains} chains"
    with SamplingProgress(tune + draws, description, enabled=bool(progressbar)) as bar:
        sampler.run(tune, progress=bar)
        trace = sampler.run(draws, progress=bar)
    return GibbsDraws(
        coef=trace["coef"],
        intercept=trace["intercept"] if fit_intercept else None,
        noise=None,
        lam=trace["l1"] if prior.l1_hyperprior is not None else None,
        prior=prior,
        feature_names=names,
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


class _PolyaGammaChains:
    """The chain states (w0, w, 1/τ², l1) of every chain, advanced together."""

    def __init__(
        self,
        X: FloatArray,
        y: FloatArray,
        counts: FloatArray,
        prior: GibbsPrior,
        *,
        fit_intercept: bool,
        chains: int,
        random_seed: int | np.random.Generator | None,
    ) -> None:
        self.X, self.prior, self.fit_intercept = X, prior, fit_intercept
        # b_i (the Pólya-Gamma shapes: the weights, 1 without) and κ_i = b_i (y_i − ½)
        self.counts = counts
        self.kappa = counts * (y - 0.5)
        self.streams = ChainStreams(random_seed, chains)
        n, p = X.shape
        self.chains = chains
        # the joint (w0, w) block by a (p + 1)-square Cholesky when that is the cheaper side
        self.joint = p + int(fit_intercept) <= n
        self.coef = np.zeros((chains, p))
        # start at the intercept-only fit, logit(ȳ) (weighted; 0 without an intercept)
        mean = float(counts @ y / counts.sum())
        start = float(np.log(mean / (1.0 - mean))) if fit_intercept else 0.0
        self.intercept = np.full(chains, start)
        # per-coefficient factors v (all 1 without): weights v_j·l1 and v_j·l2
        self.factor = prior.factors(p)
        self.kinked = prior.has_mixture & (self.factor > 0.0)  # coordinates with τ_j
        if not self.joint and not np.all(self.factor > 0.0):
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

    def run(self, iterations: int, *, progress: SamplingProgress) -> dict[str, FloatArray]:
        """Advance ``iterations`` sweeps; the states after each are returned."""
        p = self.X.shape[1]
        trace = {
            "coef": np.empty((self.chains, iterations, p)),
            "intercept": np.empty((self.chains, iterations)),
            "l1": np.empty((self.chains, iterations)),
        }
        for step in range(iterations):
            self._sweep()
            trace["coef"][:, step] = self.coef
            trace["intercept"][:, step] = self.intercept
            trace["l1"][:, step] = self.l1
            progress.advance(1)
        return trace

    def _sweep(self) -> None:
        """One Gibbs sweep: ω, then (w0, w), then 1/τ², then l1 (module docstring)."""
        omega = self._polya_gamma(self.intercept[:, None] + self.coef @ self.X.T)
        # d_j = 1/τ_j² + v_j l2 (the Laplace factor's variance mixed in where there is one)
        precision = self.inv_tau2 + self.prior.l2 * self.factor
        if self.joint:
            self._draw_joint(omega, precision)
        else:
            self._draw_wide(omega, precision)
        if self.prior.has_mixture:
            self._draw_mixing()

    def _polya_gamma(self, eta: FloatArray) -> FloatArray:
        """``ω_i ~ PG(b_i, η_i)``, one generator per chain."""
        from polyagamma import random_polyagamma

        return np.stack(
            [
                np.asarray(random_polyagamma(self.counts, row, random_state=generator), dtype=float)
                for row, generator in zip(eta, self.streams.generators, strict=True)
            ]
        )

    def _draw_joint(self, omega: FloatArray, precision: FloatArray) -> None:
        """``θ | ω, τ ~ N(Q⁻¹ Zᵀκ, Q⁻¹)``, Q = Zᵀ diag(ω) Z + diag(0, d), by Cholesky.

        With ``Q = L Lᵀ`` and ``z ~ N(0, I)``, ``Q⁻¹(Zᵀκ + L z)`` has mean Q⁻¹Zᵀκ and
        covariance ``Q⁻¹ L Lᵀ Q⁻¹ = Q⁻¹``: one batched solve gives the draw.
        """
        Z = (
            self.X
            if not self.fit_intercept
            else np.column_stack((np.ones(self.X.shape[0]), self.X))
        )
        size = Z.shape[1]
        matrix = np.einsum("ni,cn,nj->cij", Z, omega, Z)
        free = int(self.fit_intercept)
        matrix.reshape(self.chains, size * size)[:, free * (size + 1) :: size + 1] += precision
        factor = np.linalg.cholesky(matrix)
        z = self.streams.normal(size)
        rhs = (Z.T @ self.kappa)[None, :] + np.einsum("cij,cj->ci", factor, z)
        theta = np.linalg.solve(matrix, rhs[:, :, None])[:, :, 0]
        self.coef = theta[:, free:]
        if self.fit_intercept:
            self.intercept = theta[:, 0]

    def _draw_wide(self, omega: FloatArray, precision: FloatArray) -> None:
        """``w | w0, ω, τ`` by Bhattacharya et al. (2016), then ``w0 | w, ω``.

        With ``Φ = Ω^{1/2} X``, ``α = Ω^{−1/2}(κ − ω w0)`` and ``D = diag(1/d)``:
        ``u ~ N(0, D)``, ``δ ~ N(0, I_n)``, ``v = Φu + δ``,
        ``w = u + DΦᵀ(ΦDΦᵀ + I)⁻¹(α − v)`` is a draw of ``N(A⁻¹Φᵀα, A⁻¹)``,
        ``A = ΦᵀΦ + D⁻¹ = XᵀΩX + diag(d)``, ``Φᵀα = Xᵀ(κ − ω w0)``.
        """
        n, p = self.X.shape
        root = np.sqrt(omega)
        variance = 1.0 / precision
        z = self.streams.normal(p + n)
        u = np.sqrt(variance) * z[:, :p]
        phi = root[:, :, None] * self.X[None, :, :]
        alpha = (self.kappa[None, :] - omega * self.intercept[:, None]) / root
        v = np.einsum("cnp,cp->cn", phi, u) + z[:, p:]
        phi_d = phi * variance[:, None, :]
        system = np.einsum("cnp,cmp->cnm", phi_d, phi)
        system[:, np.arange(n), np.arange(n)] += 1.0
        solved = np.linalg.solve(system, (alpha - v)[:, :, None])[:, :, 0]
        self.coef = u + np.einsum("cnp,cn->cp", phi_d, solved)
        if self.fit_intercept:
            # w0 | w, ω: precision Σω, mean Σ(κ_i − ω_i x_iᵀw)/Σω
            total = omega.sum(axis=1)
            linear = (self.kappa[None, :] - omega * (self.coef @ self.X.T)).sum(axis=1)
            self.intercept = linear / total + self.streams.normal(1)[:, 0] / np.sqrt(total)

    def _draw_mixing(self) -> None:
        """``1/τ_j² | w_j ~ IG(v_j l1/|w_j|, (v_j l1)²)``; then ``l1² | τ`` under its
        hyperprior (factors are all 1 there)."""
        p = self.coef.shape[1]
        kink = self.l1[:, None] * self.factor[None, :]  # v_j l1, per chain
        normal, uniform = self.streams.normal(p), self.streams.uniform(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = inverse_gaussian(np.abs(self.coef) / kink, kink**2, normal, uniform)
        self.inv_tau2 = np.where(self.kinked[None, :], draws, 0.0)
        if self.prior.l1_hyperprior is not None:
            shape, rate = self.prior.l1_hyperprior
            # l1² | τ ~ Gamma(r + p, δ + Σ τ_j²/2): τ_j² = 1/(1/τ_j²)
            scale = rate + 0.5 * np.sum(1.0 / self.inv_tau2, axis=1)
            self.l1 = np.sqrt(self.streams.gamma(shape + p, 1)[:, 0] / scale)
