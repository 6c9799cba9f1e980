r"""Gibbs sampling for the horseshoe, the horseshoe+ and the regularized horseshoe, with a
Gaussian or a Bernoulli likelihood.

The model (flat intercept)::

    y | w0, w, σ    ~ N(w0 + X w, σ² I)                   (likelihood="gaussian")
    y_i | w0, w     ~ Bernoulli(expit(w0 + x_iᵀw))        (likelihood="bernoulli")
    w_j | λ_j, τ    ~ N(0, λ_j² τ²)                       (horseshoe, horseshoe+)
    w_j | λ_j, τ, c ~ N(0, λ̃_j² τ²),  1/(λ̃_j²τ²) = 1/(λ_j²τ²) + 1/c²   (regularized)
    λ_j             ~ C⁺(0, 1)                            (horseshoe, regularized)
    λ_j | η_j       ~ C⁺(0, η_j),  η_j ~ C⁺(0, 1)          (horseshoe+)
    τ               fixed, or τ ~ C⁺(0, s)
    c²              fixed (slab_df None), or c² ~ IG(ν/2, νs²/2)   (regularized)
    p(σ²)           ∝ (σ²)^(−a0−1) exp(−b0/σ² − c σ²)  (NoisePrior; default σ ~ HalfNormal(s_y))

One sweep draws the coefficient block given the prior precisions
``d_j = 1/(λ_j²τ²) + 1/c²`` (``1/c² = 0`` without a slab), then the scales given w:

* **Gaussian likelihood** (flat intercept integrated out, :mod:`bayesreg.posterior._data`):
  ``w | d, σ² ~ N(A⁻¹Xcᵀyc/σ², A⁻¹)``, ``A = XcᵀXc/σ² + diag(d)``
  (:func:`~bayesreg.posterior._conditionals.coef_given_noise`: a Cholesky factor when
  n ≥ p, Bhattacharya, Chakraborty & Mallick 2016 when p > n); then σ² from the
  inverse-gamma kernel of its conditional, corrected for a noise prior with ``c > 0``
  (HalfNormal on σ) by an exact Metropolis-Hastings step with acceptance
  ``min(1, e^(−c (σ²_new − σ²_old)))`` (``sample_stats.noise_accepted``); the intercept
  ``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/Σs)`` is drawn after the run.
* **Bernoulli likelihood**: Pólya-Gamma augmentation (Polson, Scott & Windle 2013,
  :mod:`bayesreg.posterior._polya_gamma`): ``ω_i | w0, w ~ PG(s_i, η_i)`` (s_i the
  observation weight, 1 without), then ``(w0, w) | ω, d`` Gaussian.
* **Scales** (:mod:`bayesreg.posterior._global_local`): the inverse-gamma auxiliary scheme
  of Makalic & Schmidt (2016) for λ_j, η_j and τ; under the regularized horseshoe the
  conditional of λ_j² is that inverse gamma times ``(λ_j²τ² + c²)^{1/2}``, drawn by an
  exact Metropolis-Hastings step with the inverse gamma as independence proposal
  (``sample_stats.lambda_accept_rate``), and τ² and c² are drawn by slice sampling on
  the log scale from their exact conditionals (``tau_slice_evals``,
  ``slab_slice_evals``: density evaluations per step).

The hierarchy is that of the priors' :meth:`to_pymc` (the names of the recorded scales
are those of the PyMC variables), so NUTS on :func:`bayesreg.pymc.model.build_model`
targets the same posterior.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.core.data import check_sample_weight
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior._conditionals import ChainStreams, coef_given_noise, noise_variance_step
from bayesreg.posterior._data import LinearData
from bayesreg.posterior._front import (
    RunOptions,
    check_noise_prior,
    draws_tree,
    noise_prior_of,
    observed_target,
    tree_attrs,
)
from bayesreg.posterior._global_local import GlobalLocalScales, check_horseshoe_family
from bayesreg.posterior._polya_gamma import PolyaGammaChains, bernoulli_rows
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.priors import NoisePrior
from bayesreg.priors._horseshoe import (
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)
from bayesreg.validation import check_choice, check_positive

if TYPE_CHECKING:
    import xarray

__all__ = ["HorseshoeDraws", "sample_horseshoe_gibbs"]

HorseshoeFamily = HorseshoePrior | HorseshoePlusPrior | RegularizedHorseshoePrior

_LIKELIHOODS = ("gaussian", "bernoulli")
_METHOD = "horseshoe_gibbs"  # the trees' sampling_method
# the recorded states that are diagnostics (sample_stats), not posterior draws
_STATS = ("noise_accepted", "lambda_accept_rate", "tau_slice_evals", "slab_slice_evals")


@dataclass(frozen=True)
class HorseshoeDraws:
    """Draws of a horseshoe-family Gibbs run, arrays of shape (chains, draws, ...).

    Attributes
    ----------
    posterior : dict of str to ndarray
        ``coef`` (chains, draws, p); ``intercept`` (when fitted); ``noise`` σ (Gaussian
        likelihood, σ free); ``coef_lambda`` λ_j; ``coef_eta`` η_j (horseshoe+);
        ``coef_tau`` τ (when random); ``coef_lambda_tilde`` λ̃_j (regularized);
        ``coef_slab_sq`` c² (regularized, random slab).
    sample_stats : dict of str to ndarray
        Diagnostics of the non-Gibbs steps, (chains, draws): ``noise_accepted`` (Gaussian
        likelihood), ``lambda_accept_rate`` (fraction of the p local Metropolis-Hastings
        steps accepted), ``tau_slice_evals`` and ``slab_slice_evals`` (log-density
        evaluations of the slice steps; regularized horseshoe).
    """

    posterior: dict[str, FloatArray]
    sample_stats: dict[str, FloatArray]

    @classmethod
    def from_trace(cls, trace: dict[str, FloatArray]) -> HorseshoeDraws:
        """Split a run's trace into posterior draws and diagnostics."""
        return cls(
            posterior={k: v for k, v in trace.items() if k not in _STATS},
            sample_stats={k: v for k, v in trace.items() if k in _STATS},
        )

    def tree(
        self, y: FloatArray | None, feature_names: tuple[str, ...], attrs: dict[str, Any]
    ) -> xarray.DataTree:
        """The ArviZ 1 DataTree of the draws (the layout of ``sample_posterior``)."""
        return draws_tree(
            self.posterior,
            y=y,
            feature_names=feature_names,
            attrs=attrs,
            sample_stats=self.sample_stats,
        )


class _GaussianChains:
    """The Gaussian-likelihood states (w, σ²) of every chain and their step given d."""

    def __init__(
        self,
        data: LinearData,
        *,
        noise: float | None,
        noise_prior: NoisePrior,
        streams: ChainStreams,
    ) -> None:
        self.data, self.noise_prior, self.streams = data, noise_prior, streams
        self.fixed_noise = noise is not None
        # shape of the inverse-gamma kernel of σ²'s conditional: a0 + dof/2
        self.noise_shape = noise_prior.shape + 0.5 * data.dof
        if noise is None and self.noise_shape <= 0.0:
            raise DataError(
                f"the noise cannot be learned from {data.n_samples} sample(s) under "
                f"{noise_prior.description}; pass a fixed noise or more data."
            )
        chains, p = len(streams.generators), data.n_features
        start_var = data.yty / max(data.dof, 1) if noise is None else noise**2
        self.noise_var = np.full(chains, start_var if start_var > 0.0 else 1.0)
        self.coef = np.zeros((chains, p))
        self.accepted = np.ones(chains, dtype=bool)
        self.z_width = p if data.n_samples >= p else p + data.n_samples

    def step(self, precision: FloatArray) -> None:
        """``w | d, σ²`` (Gaussian), then ``σ² | w`` (inverse-gamma, MH-corrected)."""
        z = self.streams.normal(self.z_width)
        self.coef = coef_given_noise(self.data, self.noise_var, precision, z)
        if not self.fixed_noise:
            gamma = self.streams.gamma(max(self.noise_shape, 0.5), 1)[:, 0]
            uniform = self.streams.uniform(1)[:, 0]
            self.noise_var, self.accepted = noise_variance_step(
                self.noise_prior,
                self.noise_var,
                0.5 * self._residual_sum_of_squares(),
                gamma,
                uniform,
            )

    def _residual_sum_of_squares(self) -> FloatArray:
        """``||yc − Xc w||²`` per chain: from the rows when p > n (no p × p Gram matrix)."""
        data = self.data
        if data.has_rows and data.n_features > data.n_samples:
            residual = data.y - self.coef @ data.X.T
            rss: FloatArray = np.einsum("cn,cn->c", residual, residual)
            return rss
        return data.residual_sum_of_squares(self.coef)

    def snapshot(self) -> dict[str, FloatArray]:
        """``coef``, σ² and the σ² step's acceptance."""
        return {"coef": self.coef, "noise_var": self.noise_var, "noise_accepted": self.accepted}

    def intercept_draws(self, coef: FloatArray, noise_var: FloatArray) -> FloatArray:
        """``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/Σs)`` for recorded draws (chains, draws)."""
        return self.data.intercept_draws(coef, noise_var, self.streams.normal(noise_var.shape[1]))


def _run(
    likelihood: _GaussianChains | PolyaGammaChains,
    scales: GlobalLocalScales,
    prior: HorseshoeFamily,
    run: RunOptions,
) -> dict[str, FloatArray]:
    """Alternate the likelihood's coefficient step and the scale updates."""

    def sweep() -> dict[str, FloatArray]:
        likelihood.step(scales.precision())
        scales.update(likelihood.coef)
        return {**likelihood.snapshot(), **scales.snapshot()}

    return run.sweeps(sweep, f"{type(prior).__name__} Gibbs")


def _gaussian_draws(
    data: LinearData,
    prior: HorseshoeFamily,
    *,
    noise: float | None,
    noise_prior: NoisePrior,
    run: RunOptions,
) -> HorseshoeDraws:
    """The Gibbs run of the Gaussian likelihood on validated data and options."""
    streams = run.streams()
    likelihood = _GaussianChains(data, noise=noise, noise_prior=noise_prior, streams=streams)
    scales = GlobalLocalScales(prior, data.n_features, streams)
    trace = _run(likelihood, scales, prior, run)
    noise_var = trace.pop("noise_var")
    if data.fit_intercept:
        trace["intercept"] = likelihood.intercept_draws(trace["coef"], noise_var)
    if noise is None:
        trace["noise"] = np.sqrt(noise_var)
    return HorseshoeDraws.from_trace(trace)


def _bernoulli_draws(
    X: Any, y: Any, prior: HorseshoeFamily, *, sample_weight: Any, run: RunOptions
) -> tuple[HorseshoeDraws, FloatArray, tuple[str, ...]]:
    """The Pólya-Gamma Gibbs run; also the kept outcomes and the feature names."""
    rows = bernoulli_rows(X, y, fit_intercept=run.fit_intercept, sample_weight=sample_weight)
    streams = run.streams()
    likelihood = PolyaGammaChains(rows, fit_intercept=run.fit_intercept, streams=streams)
    scales = GlobalLocalScales(prior, rows.X.shape[1], streams)
    trace = _run(likelihood, scales, prior, run)
    if not run.fit_intercept:
        del trace["intercept"]
    return HorseshoeDraws.from_trace(trace), rows.y, rows.feature_names


def sample_horseshoe_gibbs(
    X: Any,
    y: Any,
    prior: HorseshoeFamily,
    *,
    likelihood: str = "gaussian",
    noise: float | None = None,
    noise_prior: NoisePrior | None = None,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    fit_intercept: bool = True,
    sample_weight: Any = None,
) -> xarray.DataTree:
    """Draw from the posterior of a regression under a horseshoe-family prior by Gibbs.

    The model and its conditionals are in the module docstring: the inverse-gamma
    auxiliaries of Makalic & Schmidt (2016) for the scales, exact Metropolis-Hastings
    steps for the regularized horseshoe's slab factor, Pólya-Gamma augmentation for the
    Bernoulli likelihood. The posterior has no mode at a finite density (see
    :class:`~bayesreg.priors.HorseshoePrior`): summarize it by its means.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        Gaussian likelihood: as in :func:`bayesreg.posterior.gibbs.gibbs_sample` (with
        n ≥ p the sweeps read only ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``; with p > n the rows).
        Bernoulli likelihood: the dense rows.
    y : array-like of shape (n,), or None with SufficientStats
        Outcomes; 0 and 1 for the Bernoulli likelihood.
    prior : HorseshoePrior, HorseshoePlusPrior or RegularizedHorseshoePrior
        τ fixed (``global_prior="fixed"``) or ``τ ~ C⁺(0, scale)``; the regularized
        horseshoe's slab fixed (``slab_df=None``, c = slab_scale) or
        ``c² ~ IG(slab_df/2, slab_df·slab_scale²/2)``.
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    noise : float or None, default None
        Fixed σ; None samples it (Gaussian likelihood; the Bernoulli one has no noise).
    noise_prior : NoisePrior or None
        Prior of a free σ; None is the one of :func:`bayesreg.pymc.model.build_model`
        (``σ ~ HalfNormal(s_y)``, :func:`~bayesreg.posterior.sampling.noise_prior_of`),
        so that NUTS on that model targets the same posterior.
    draws, tune, chains : int
        Recorded sweeps per chain, discarded warm-up sweeps, chains.
    random_seed : int, Generator or None
        One stream is spawned per chain.
    progressbar : bool, default True
    fit_intercept : bool, default True
        Flat prior on the intercept (Gaussian: integrated out, drawn afterwards).
    sample_weight : array-like of shape (n,), optional
        Gaussian: row i has noise ``σ/√s_i`` (rows only), as in ``gibbs_sample``.
        Bernoulli: the log-likelihood ``Σ_i s_i log p(y_i | η_i)``, ``ω_i ~ PG(s_i, η_i)``;
        rows of weight 0 are dropped.

    Returns
    -------
    xarray.DataTree
        ``posterior``: ``coef`` (chain, draw, feature), ``intercept`` (when fitted),
        ``noise`` (Gaussian, σ free), ``coef_lambda`` (λ_j), ``coef_tau`` (τ, when
        random), ``coef_eta`` (η_j, horseshoe+), ``coef_lambda_tilde`` (λ̃_j) and
        ``coef_slab_sq`` (c², when random) for the regularized horseshoe — the names of
        the prior's ``to_pymc`` variables; ``sample_stats``: the acceptances of
        ``HorseshoeDraws`` (when there are any); ``observed_data``: ``y_obs`` (rows
        only). Attributes as :func:`~bayesreg.posterior.sampling.sample_posterior` writes
        them, with ``sampling_method = "horseshoe_gibbs"``.

    Raises
    ------
    InputTypeError
        For a prior outside the horseshoe family, or a noise prior that is not a NoisePrior.
    InputValueError
        For an unknown likelihood, or a noise (prior) given with the Bernoulli likelihood.
    DataError
        For data the likelihood cannot take (y not binary for the Bernoulli likelihood).

    References
    ----------
    E. Makalic, D. F. Schmidt (2016). A simple sampler for the horseshoe estimator. IEEE
    Signal Processing Letters 23(1), 179-182.

    J. Piironen, A. Vehtari (2017). Sparsity information and regularization in the
    horseshoe and other shrinkage priors. Electronic Journal of Statistics 11, 5018-5051.

    N. G. Polson, J. G. Scott, J. Windle (2013). Bayesian inference for logistic models
    using Pólya-Gamma latent variables. JASA 108(504), 1339-1349.
    """
    check_horseshoe_family(prior, "sample_horseshoe_gibbs")
    kind = check_choice(likelihood, "likelihood", _LIKELIHOODS)
    run = RunOptions.checked(
        draws=draws,
        tune=tune,
        chains=chains,
        random_seed=random_seed,
        progressbar=progressbar,
        fit_intercept=fit_intercept,
    )
    if kind == "bernoulli":
        if noise is not None or noise_prior is not None:
            raise InputValueError(
                f"noise={noise!r}, noise_prior={noise_prior!r} were given with "
                "likelihood='bernoulli', which has no noise; omit both."
            )
        result, outcomes, names = _bernoulli_draws(
            X, y, prior, sample_weight=sample_weight, run=run
        )
        attrs = tree_attrs(
            _METHOD, prior, likelihood=kind, noise=None, weighted=sample_weight is not None
        )
        return result.tree(outcomes, names, attrs)
    data = linear_data_of(
        X,
        y,
        fit_intercept=run.fit_intercept,
        rows_when_wide="sample_horseshoe_gibbs",
        sample_weight=sample_weight,
    )
    y_observed = observed_target(X, y)
    checked = check_noise_prior(noise_prior)
    if checked is None:
        weights = None if y_observed is None else check_sample_weight(sample_weight, data.n_samples)
        checked = noise_prior_of(
            prior,
            X if y_observed is None else y_observed,
            fit_intercept=data.fit_intercept,
            weights=weights,
        )
    sigma = None if noise is None else check_positive(noise, "noise")
    result = _gaussian_draws(data, prior, noise=sigma, noise_prior=checked, run=run)
    attrs = tree_attrs(
        _METHOD,
        prior,
        likelihood=kind,
        noise=sigma,
        noise_prior=checked,
        weighted=sample_weight is not None,
    )
    return result.tree(y_observed, data.feature_names, attrs)
