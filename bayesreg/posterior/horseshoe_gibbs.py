r"""Gibbs sampling for the horseshoe and the horseshoe+ with a Gaussian likelihood.

The model (flat intercept integrated out, as in :mod:`bayesreg.posterior._data`)::

    y | w0, w, σ    ~ N(w0 + X w, σ² I)
    w_j | λ_j, τ    ~ N(0, λ_j² τ²)
    λ_j             ~ C⁺(0, 1)                       (horseshoe)
    λ_j | η_j       ~ C⁺(0, η_j),  η_j ~ C⁺(0, 1)     (horseshoe+)
    τ               fixed, or τ ~ C⁺(0, s)
    p(σ²)           ∝ (σ²)^(−a0−1) exp(−b0/σ² − c σ²)  (NoisePrior; default σ ~ HalfNormal(s_y))

Makalic & Schmidt (2016, IEEE Signal Processing Letters 23, 179-182) write each half-Cauchy
as an inverse-gamma mixture: ``x ~ C⁺(0, A)`` if and only if ``x² | a ~ IG(1/2, 1/a)``,
``a ~ IG(1/2, 1/A²)`` (Wand et al. 2011). With the auxiliaries ν_j (for λ_j), φ_j (for η_j)
and ξ (for τ) every full conditional is standard (IG(α, β) has density
``∝ x^(−α−1) e^(−β/x)``)::

    w | λ, τ, σ²      N(A⁻¹Xcᵀyc/σ², A⁻¹),  A = XcᵀXc/σ² + diag(1/(λ_j²τ²))
    σ² | w            ∝ p(σ²) (σ²)^(−dof/2) exp(−||yc − Xc w||²/(2σ²))
    λ_j² | w_j, τ, ν_j  IG(1, 1/ν_j + w_j²/(2τ²))
    ν_j | λ_j², η_j²    IG(1, 1/η_j² + 1/λ_j²)          (η_j = 1 for the horseshoe)
    η_j² | ν_j, φ_j     IG(1, 1/ν_j + 1/φ_j)            (horseshoe+)
    φ_j | η_j²          IG(1, 1 + 1/η_j²)               (horseshoe+)
    τ² | w, λ, ξ        IG((p + 1)/2, 1/ξ + Σ_j w_j²/(2λ_j²))   (τ random)
    ξ | τ²              IG(1, 1/s² + 1/τ²)                      (τ random)

The coefficient block is the package's fast Gaussian draw
(:func:`~bayesreg.posterior._conditionals.coef_given_noise`: a Cholesky factor when
n ≥ p, Bhattacharya, Chakraborty & Mallick 2016 when p > n). σ² is drawn from the
inverse-gamma kernel of its conditional and, for a noise prior with ``c > 0``
(HalfNormal on σ), corrected by an exact Metropolis-Hastings step with acceptance
``min(1, e^(−c (σ²_new − σ²_old)))`` (recorded as ``sample_stats.noise_accepted``).

The regularized horseshoe is not sampled here: its slab makes the conditional of λ_j
non-standard (``p(w_j | λ_j) ∝ (1/(λ_j²τ²) + 1/c²)^{1/2} e^{−w_j²/(2λ̃_j²τ²)}``); use
NUTS on :func:`bayesreg.pymc.model.build_model`, whose :meth:`to_pymc` is non-centred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bayesreg.core.data import check_sample_weight
from bayesreg.core.stats import is_sufficient_stats
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, ModelStructureError
from bayesreg.posterior._conditionals import ChainStreams, coef_given_noise, noise_variance_step
from bayesreg.posterior._data import LinearData
from bayesreg.posterior._progress import SamplingProgress
from bayesreg.posterior._stats_data import linear_data_of
from bayesreg.posterior.sampling import noise_prior_of, prior_attrs
from bayesreg.priors import NoisePrior
from bayesreg.priors._horseshoe import (
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)
from bayesreg.validation import (
    as_target,
    check_bool,
    check_nonneg_int,
    check_positive,
    check_positive_int,
    check_seed,
)

if TYPE_CHECKING:
    import xarray

__all__ = ["HorseshoeChains", "HorseshoeDraws", "run_horseshoe_gibbs", "sample_horseshoe_gibbs"]

_BLOCK = 256  # iterations whose random variates are drawn at once, per chain
# smallest prior variance λ²τ² handed to the coefficient block: 1/(λ²τ²) stays finite
_MIN_VARIANCE = 1e-300


@dataclass(frozen=True)
class HorseshoeDraws:
    """Draws of a horseshoe Gibbs run, arrays of shape (chains, draws, ...).

    Attributes
    ----------
    coef : ndarray (chains, draws, p)
    intercept : ndarray (chains, draws) or None (no intercept fitted)
    noise : ndarray (chains, draws) or None (noise fixed): σ
    local_scale : ndarray (chains, draws, p): λ_j
    global_scale : ndarray (chains, draws) or None (τ fixed): τ
    mixing_scale : ndarray (chains, draws, p) or None (horseshoe): η_j of the horseshoe+
    noise_accepted : ndarray of bool (chains, draws): the σ² Metropolis-Hastings step
        accepted (always True for an inverse-gamma noise prior, or σ fixed)
    """

    coef: FloatArray
    intercept: FloatArray | None
    noise: FloatArray | None
    local_scale: FloatArray
    global_scale: FloatArray | None
    mixing_scale: FloatArray | None
    noise_accepted: FloatArray


def _inverse_gamma(rate: FloatArray, gamma: FloatArray) -> FloatArray:
    """IG(α, β) as ``β/G``, ``G ~ Gamma(α, 1)`` (``gamma`` holds the G)."""
    draws: FloatArray = rate / gamma
    return draws


class HorseshoeChains:
    """Chain states of the horseshoe / horseshoe+ Gibbs sampler, advanced in lockstep.

    ``plus`` adds the η_j layer; ``tau`` is τ, or the s of ``τ ~ C⁺(0, s)`` when
    ``random_tau``.
    """

    def __init__(
        self,
        data: LinearData,
        *,
        plus: bool,
        tau: float,
        random_tau: bool,
        noise: float | None,
        noise_prior: NoisePrior,
        chains: int,
        random_seed: int | np.random.Generator | None,
    ) -> None:
        self.data, self.plus, self.noise_prior = data, plus, noise_prior
        self.fixed_noise = noise is not None
        self.tau_prior_scale = tau if random_tau else None
        # shape of the inverse-gamma kernel of σ²'s conditional: a0 + dof/2
        self.noise_shape = noise_prior.shape + 0.5 * data.dof
        if noise is None and self.noise_shape <= 0.0:
            raise DataError(
                f"the noise cannot be learned from {data.n_samples} sample(s) under "
                f"{noise_prior.description}; pass a fixed noise or more data."
            )
        self.streams = ChainStreams(random_seed, chains)
        p = data.n_features
        start_var = data.yty / max(data.dof, 1) if noise is None else noise**2
        self.noise_var = np.full(chains, start_var if start_var > 0.0 else 1.0)
        self.coef = np.zeros((chains, p))
        # over-dispersed start: λ_j (and η_j, τ) drawn from their C⁺(0, 1) priors
        self.lam_sq = self._half_cauchy_sq(p)
        self.nu = np.ones((chains, p))
        self.eta_sq = self._half_cauchy_sq(p) if plus else np.ones((chains, p))
        self.phi = np.ones((chains, p))
        self.tau_sq = np.full(chains, tau**2)
        if random_tau:
            self.tau_sq *= self._half_cauchy_sq(1)[:, 0]
        self.xi = np.ones(chains)
        self.accepted = np.ones(chains, dtype=bool)

    def _half_cauchy_sq(self, width: int) -> FloatArray:
        """Squares of C⁺(0, 1) draws: (z₁/z₂)², shape (chains, width)."""
        ratio: FloatArray = self.streams.normal(width) / self.streams.normal(width)
        return ratio * ratio

    def run(
        self, n_iter: int, *, record: bool, progress: SamplingProgress | None = None
    ) -> dict[str, FloatArray]:
        """Advance all chains ``n_iter`` sweeps; return the draws when ``record``."""
        chains, p = self.coef.shape
        trace: dict[str, FloatArray] = {}
        if record:
            for key, width in (("coef", p), ("lam", p), ("eta", p)):
                trace[key] = np.empty((chains, n_iter, width))
            for key in ("noise_var", "tau"):
                trace[key] = np.empty((chains, n_iter))
            trace["accepted"] = np.empty((chains, n_iter), dtype=bool)
        z_width = p if self.data.n_samples >= p else p + self.data.n_samples
        local_width = 4 * p if self.plus else 2 * p
        start = 0
        while start < n_iter:
            block = min(_BLOCK, n_iter - start)
            # the variates of `block` sweeps, drawn per chain in a fixed order
            z = self.streams.normal(block, z_width)
            noise_gamma = self.streams.gamma(max(self.noise_shape, 0.5), block)
            noise_uniform = self.streams.uniform(block)
            local_gamma = self.streams.gamma(1.0, block, local_width)
            global_gamma = self.streams.gamma(0.5 * (p + 1), block)
            xi_gamma = self.streams.gamma(1.0, block)
            for t in range(block):
                self._sweep(
                    z[:, t],
                    noise_gamma[:, t],
                    noise_uniform[:, t],
                    local_gamma[:, t],
                    (global_gamma[:, t], xi_gamma[:, t]),
                )
                if record:
                    i = start + t
                    trace["coef"][:, i] = self.coef
                    trace["lam"][:, i] = np.sqrt(self.lam_sq)
                    trace["eta"][:, i] = np.sqrt(self.eta_sq)
                    trace["noise_var"][:, i] = self.noise_var
                    trace["tau"][:, i] = np.sqrt(self.tau_sq)
                    trace["accepted"][:, i] = self.accepted
            start += block
            if progress is not None:
                progress.advance(block)
        return trace

    def _sweep(
        self,
        z: FloatArray,
        noise_gamma: FloatArray,
        noise_uniform: FloatArray,
        local_gamma: FloatArray,
        global_gammas: tuple[FloatArray, FloatArray],
    ) -> None:
        """One Gibbs sweep (the conditionals of the module docstring, in that order)."""
        p = self.coef.shape[1]
        variance = np.maximum(self.lam_sq * self.tau_sq[:, None], _MIN_VARIANCE)
        self.coef = coef_given_noise(self.data, self.noise_var, 1.0 / variance, z)
        if not self.fixed_noise:
            self._noise_step(0.5 * self._residual_sum_of_squares(), noise_gamma, noise_uniform)
        half_sq = 0.5 * self.coef * self.coef
        # λ_j² ~ IG(1, 1/ν_j + w_j²/(2τ²)); ν_j ~ IG(1, 1/η_j² + 1/λ_j²)
        self.lam_sq = _inverse_gamma(
            1.0 / self.nu + half_sq / self.tau_sq[:, None], local_gamma[:, :p]
        )
        self.nu = _inverse_gamma(1.0 / self.eta_sq + 1.0 / self.lam_sq, local_gamma[:, p : 2 * p])
        if self.plus:
            # η_j² ~ IG(1, 1/ν_j + 1/φ_j); φ_j ~ IG(1, 1 + 1/η_j²)
            self.eta_sq = _inverse_gamma(
                1.0 / self.nu + 1.0 / self.phi, local_gamma[:, 2 * p : 3 * p]
            )
            self.phi = _inverse_gamma(1.0 + 1.0 / self.eta_sq, local_gamma[:, 3 * p :])
        if self.tau_prior_scale is not None:
            # τ² ~ IG((p + 1)/2, 1/ξ + Σ w_j²/(2λ_j²)); ξ ~ IG(1, 1/s² + 1/τ²)
            tau_gamma, xi_gamma = global_gammas
            rate = 1.0 / self.xi + np.sum(half_sq / self.lam_sq, axis=1)
            self.tau_sq = _inverse_gamma(rate, tau_gamma)
            self.xi = _inverse_gamma(1.0 / self.tau_prior_scale**2 + 1.0 / self.tau_sq, xi_gamma)

    def _residual_sum_of_squares(self) -> FloatArray:
        """``||yc − Xc w||²`` per chain: from the rows when p > n (no p × p Gram matrix)."""
        data = self.data
        if data.has_rows and data.n_features > data.n_samples:
            residual = data.y - self.coef @ data.X.T
            rss: FloatArray = np.einsum("cn,cn->c", residual, residual)
            return rss
        return data.residual_sum_of_squares(self.coef)

    def _noise_step(
        self, half_quadratic: FloatArray, gamma: FloatArray, uniform: FloatArray
    ) -> None:
        """σ² by :func:`~bayesreg.posterior._conditionals.noise_variance_step`."""
        self.noise_var, self.accepted = noise_variance_step(
            self.noise_prior, self.noise_var, half_quadratic, gamma, uniform
        )

    def intercept_draws(self, coef: FloatArray, noise_var: FloatArray) -> FloatArray:
        """``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/Σs)`` for recorded draws (chains, draws)."""
        z = self.streams.normal(noise_var.shape[1])
        center = self.data.y_mean - coef @ self.data.x_mean
        intercept: FloatArray = center + np.sqrt(noise_var / self.data.total_weight) * z
        return intercept


def _hierarchy(prior: Any) -> tuple[bool, float, bool]:
    """``(plus, τ or s, random τ)`` of a horseshoe or horseshoe+ prior."""
    if isinstance(prior, RegularizedHorseshoePrior):
        raise ModelStructureError(
            "sample_horseshoe_gibbs does not sample RegularizedHorseshoePrior: its slab makes "
            "the conditional of λ_j non-standard (no inverse-gamma form). Use NUTS on "
            "bayesreg.pymc.build_model(X, y, prior) (its to_pymc is non-centred)."
        )
    if not isinstance(prior, HorseshoePrior | HorseshoePlusPrior):
        raise InputTypeError(
            "prior must be a HorseshoePrior or HorseshoePlusPrior; got "
            f"{type(prior).__name__}. Other priors: bayesreg.sample_posterior."
        )
    return isinstance(prior, HorseshoePlusPrior), prior.scale, prior.random_scale


def run_horseshoe_gibbs(
    data: LinearData,
    prior: HorseshoePrior | HorseshoePlusPrior,
    *,
    noise: float | None,
    noise_prior: NoisePrior,
    draws: int,
    tune: int,
    chains: int,
    random_seed: int | np.random.Generator | None,
    progressbar: bool,
) -> HorseshoeDraws:
    """The Gibbs run on validated data and options."""
    plus, tau, random_tau = _hierarchy(prior)
    sampler = HorseshoeChains(
        data,
        plus=plus,
        tau=tau,
        random_tau=random_tau,
        noise=noise,
        noise_prior=noise_prior,
        chains=chains,
        random_seed=random_seed,
    )
    label = f"{type(prior).__name__} Gibbs, {chains} chains"
    with SamplingProgress(tune + draws, label, enabled=progressbar) as bar:
        if tune:
            sampler.run(tune, record=False, progress=bar)
        trace = sampler.run(draws, record=True, progress=bar)
    intercept = (
        sampler.intercept_draws(trace["coef"], trace["noise_var"]) if data.fit_intercept else None
    )
    return HorseshoeDraws(
        coef=trace["coef"],
        intercept=intercept,
        noise=np.sqrt(trace["noise_var"]) if noise is None else None,
        local_scale=trace["lam"],
        global_scale=trace["tau"] if random_tau else None,
        mixing_scale=trace["eta"] if plus else None,
        noise_accepted=trace["accepted"],
    )


def sample_horseshoe_gibbs(
    X: Any,
    y: Any,
    prior: HorseshoePrior | HorseshoePlusPrior,
    *,
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
    """Draw from the posterior of a linear regression under a horseshoe(+) prior by Gibbs.

    The model and its full conditionals (the inverse-gamma auxiliary scheme of Makalic &
    Schmidt 2016) are in the module docstring. The posterior has no mode at a finite
    density (see :class:`~bayesreg.priors.HorseshoePrior`): summarize it by its means.

    Parameters
    ----------
    X : array-like of shape (n, p), scipy.sparse CSR/CSC matrix, or SufficientStats
        As in :func:`bayesreg.posterior.gibbs.gibbs_sample`: with n ≥ p the sweeps read
        only ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``; with p > n the rows (Bhattacharya et al.).
    y : array-like of shape (n,), or None with SufficientStats
    prior : HorseshoePrior or HorseshoePlusPrior
        τ fixed (``global_prior="fixed"``) or ``τ ~ C⁺(0, scale)``. The regularized
        horseshoe is refused (use NUTS).
    noise : float or None, default None
        Fixed σ; None samples it.
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
        Flat prior on the intercept, integrated out, drawn afterwards.
    sample_weight : array-like of shape (n,), optional
        Row i has noise ``σ/√s_i`` (rows only), as in ``gibbs_sample``.

    Returns
    -------
    xarray.DataTree
        ``posterior``: ``coef`` (chain, draw, feature), ``intercept`` (when fitted),
        ``noise`` (when free), ``coef_lambda`` (λ_j, chain, draw, feature),
        ``coef_tau`` (τ, when random), ``coef_eta`` (η_j, horseshoe+) — the names of
        the prior's ``to_pymc`` variables; ``sample_stats``: ``noise_accepted``;
        ``observed_data``: ``y_obs`` (rows only). Attributes as
        :func:`~bayesreg.posterior.sampling.sample_posterior` writes them, with
        ``sampling_method = "horseshoe_gibbs"``.
    """
    _hierarchy(prior)
    from_stats = is_sufficient_stats(X, y)
    data = linear_data_of(
        X,
        y,
        fit_intercept=check_bool(fit_intercept, "fit_intercept"),
        rows_when_wide="sample_horseshoe_gibbs",
        sample_weight=sample_weight,
    )
    y_observed = None if from_stats else as_target(y, data.n_samples)
    if noise_prior is None:
        weights = None if from_stats else check_sample_weight(sample_weight, data.n_samples)
        noise_prior = noise_prior_of(
            prior,
            X if y_observed is None else y_observed,
            fit_intercept=data.fit_intercept,
            weights=weights,
        )
    elif not isinstance(noise_prior, NoisePrior):
        raise InputTypeError(
            f"noise_prior must be a NoisePrior or None; got {type(noise_prior).__name__}."
        )
    sigma = None if noise is None else check_positive(noise, "noise")
    result = run_horseshoe_gibbs(
        data,
        prior,
        noise=sigma,
        noise_prior=noise_prior,
        draws=check_positive_int(draws, "draws"),
        tune=check_nonneg_int(tune, "tune"),
        chains=check_positive_int(chains, "chains"),
        random_seed=check_seed(random_seed),
        progressbar=check_bool(progressbar, "progressbar"),
    )
    attrs: dict[str, Any] = {
        "sampling_method": "horseshoe_gibbs",
        **prior_attrs(prior),
        "likelihood": "gaussian",
        "noise_prior": noise_prior.description if sigma is None else f"fixed σ = {sigma!r}",
    }
    if sigma is not None:
        attrs["fixed_noise"] = sigma
    return _draws_tree(result, y_observed, data.feature_names, attrs)


def _draws_tree(
    result: HorseshoeDraws,
    y: FloatArray | None,
    feature_names: tuple[str, ...],
    attrs: dict[str, Any],
) -> xarray.DataTree:
    """The ArviZ 1 DataTree of the draws (the layout of ``sample_posterior``)."""
    from arviz_base import from_dict

    posterior: dict[str, FloatArray] = {"coef": result.coef, "coef_lambda": result.local_scale}
    optional = {
        "intercept": result.intercept,
        "noise": result.noise,
        "coef_tau": result.global_scale,
        "coef_eta": result.mixing_scale,
    }
    posterior.update({name: value for name, value in optional.items() if value is not None})
    groups: dict[str, dict[str, FloatArray]] = {
        "posterior": posterior,
        "sample_stats": {"noise_accepted": result.noise_accepted},
    }
    coords: dict[str, Any] = {"feature": list(feature_names)}
    if y is not None:
        groups["observed_data"] = {"y_obs": y}
        coords["obs"] = np.arange(y.shape[0])
    by_feature = ["feature"]
    tree: xarray.DataTree = from_dict(
        groups,
        dims={
            "coef": by_feature,
            "coef_lambda": by_feature,
            "coef_eta": by_feature,
            "y_obs": ["obs"],
        },
        coords=coords,
        attrs={"posterior": attrs, "/": attrs},
    )
    return tree
