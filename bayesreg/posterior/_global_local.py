r"""The scale updates of the horseshoe family, shared by its Gibbs samplers (any likelihood).

Given the coefficients w (chains, p), the local scales λ_j, the horseshoe+ layer η_j, the
global scale τ and the regularized horseshoe's slab c² are independent of the data, so
one set of updates serves the Gaussian and the Bernoulli (Pólya-Gamma) samplers.

**Horseshoe and horseshoe+** (Makalic & Schmidt 2016). ``x ~ C⁺(0, A)`` if and only if
``x² | a ~ IG(1/2, 1/a)``, ``a ~ IG(1/2, 1/A²)``; with the auxiliaries ν_j (for λ_j),
φ_j (for η_j) and ξ (for τ ~ C⁺(0, s)) every conditional is inverse-gamma (IG(α, β) has
density ``∝ x^(−α−1) e^(−β/x)``)::

    λ_j² | w_j, τ, ν_j  IG(1, 1/ν_j + w_j²/(2τ²))
    ν_j | λ_j², η_j²    IG(1, 1/η_j² + 1/λ_j²)            (η_j = 1 for the horseshoe)
    η_j² | ν_j, φ_j     IG(1, 1/ν_j + 1/φ_j)              (horseshoe+)
    φ_j | η_j²          IG(1, 1 + 1/η_j²)                 (horseshoe+)
    τ² | w, λ, ξ        IG((p + 1)/2, 1/ξ + Σ_j w_j²/(2λ_j²))   (τ random)
    ξ | τ²              IG(1, 1/s² + 1/τ²)                      (τ random)

**Regularized horseshoe** (Piironen & Vehtari 2017). Given λ_j, τ, c the prior is
``w_j ~ N(0, v_j)`` with ``1/v_j = 1/(λ_j²τ²) + 1/c²``, and with ``a_j = λ_j²τ²``

    N(w_j; 0, v_j) = N(w_j; 0, a_j) · e^{−w_j²/(2c²)} · ((a_j + c²)/c²)^{1/2}.

So the conditional of λ_j² is the horseshoe one above times ``g(λ_j²) = (λ_j²τ² + c²)^{1/2}``,
that of τ² the horseshoe one times ``Π_j (λ_j²τ² + c²)^{1/2}``, and that of a random slab
``c² ~ IG(ν/2, νs²/2)`` is ``IG(ν/2 + p/2, νs²/2 + Σ_j w_j²/2)`` (the inverse-gamma part)
times ``Π_j (λ_j²τ² + c²)^{1/2}``. Each is drawn by an exact Metropolis-Hastings step
whose independence proposal is the inverse-gamma part q: the target is ``π ∝ q·g``, so
the move ``x → x'`` is accepted with probability

    min(1, π(x') q(x) / (π(x) q(x'))) = min(1, g(x') / g(x)),

the ratio of the extra factors (compared on the log scale). The λ_j² steps are
independent across j given (w, τ, c²). The auxiliaries ν_j and ξ keep their
inverse-gamma conditionals (the slab factor does not involve them). The acceptances are
recorded: ``lambda_accept_rate`` (the fraction of the p local steps accepted in a sweep),
``tau_accepted`` and ``slab_accepted``. With ``c² = ∞`` (no slab) every factor is
constant and every proposal is accepted: the Gibbs steps of the horseshoe.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputTypeError
from bayesreg.posterior._conditionals import ChainStreams
from bayesreg.priors._horseshoe import (
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)

__all__ = ["HORSESHOE_FAMILY", "GlobalLocalScales", "check_horseshoe_family"]

HORSESHOE_FAMILY = (HorseshoePrior, HorseshoePlusPrior, RegularizedHorseshoePrior)

# smallest prior variance λ²τ² handed to the coefficient block: 1/(λ²τ²) stays finite
_MIN_VARIANCE = 1e-300


def check_horseshoe_family(prior: Any, caller: str) -> None:
    """Refuse a prior outside the horseshoe family, saying what ``caller`` takes."""
    if not isinstance(prior, HORSESHOE_FAMILY):
        raise InputTypeError(
            f"{caller} takes prior = HorseshoePrior, HorseshoePlusPrior or "
            f"RegularizedHorseshoePrior; got prior of type {type(prior).__name__}. "
            "Other priors: bayesreg.sample_posterior."
        )


def _inverse_gamma(rate: FloatArray, gamma: FloatArray) -> FloatArray:
    """IG(α, β) as ``β/G``, ``G ~ Gamma(α, 1)`` (``gamma`` holds the G)."""
    draws: FloatArray = rate / gamma
    return draws


class GlobalLocalScales:
    """The scales (λ², ν, η², φ, τ², ξ, c²) of every chain, advanced in lockstep.

    ``precision()`` is the prior precision ``1/v_j = 1/(λ_j²τ²) + 1/c²`` the coefficient
    block needs; ``update(coef)`` draws the scales given the coefficients (module
    docstring); ``snapshot()`` is what a recorded sweep keeps.
    """

    def __init__(self, prior: Any, n_features: int, streams: ChainStreams) -> None:
        check_horseshoe_family(prior, "the horseshoe Gibbs sampler")
        self.streams = streams
        self.plus = isinstance(prior, HorseshoePlusPrior)
        self.tau_prior_scale: float | None = prior.scale if prior.random_scale else None
        # the slab: None (no slab), a fixed c² (slab_df None), or c² ~ IG(ν/2, νs²/2)
        self.slab_shape: float | None = None
        self.slab_rate = 0.0
        slab_sq: FloatArray | None = None
        chains, p = len(streams.generators), n_features
        if isinstance(prior, RegularizedHorseshoePrior):
            slab_sq = np.full(chains, prior.slab_scale**2)
            if prior.slab_df is not None:
                self.slab_shape = 0.5 * prior.slab_df
                self.slab_rate = 0.5 * prior.slab_df * prior.slab_scale**2
                # over-dispersed start: c² from its prior
                slab_sq = _inverse_gamma(
                    np.full(chains, self.slab_rate), streams.gamma(self.slab_shape, 1)[:, 0]
                )
        self.slab_sq = slab_sq
        # over-dispersed start: λ_j (and η_j, τ) drawn from their C⁺ priors
        self.lam_sq = self._half_cauchy_sq(p)
        self.nu = np.ones((chains, p))
        self.eta_sq = self._half_cauchy_sq(p) if self.plus else np.ones((chains, p))
        self.phi = np.ones((chains, p))
        self.tau_sq = np.full(chains, prior.scale**2)
        if self.tau_prior_scale is not None:
            self.tau_sq *= self._half_cauchy_sq(1)[:, 0]
        self.xi = np.ones(chains)
        self.lambda_accept_rate = np.ones(chains)
        self.tau_accepted = np.ones(chains, dtype=bool)
        self.slab_accepted = np.ones(chains, dtype=bool)

    def _half_cauchy_sq(self, width: int) -> FloatArray:
        """Squares of C⁺(0, 1) draws: (z₁/z₂)², shape (chains, width)."""
        ratio: FloatArray = self.streams.normal(width) / self.streams.normal(width)
        return ratio * ratio

    def precision(self) -> FloatArray:
        """``1/(λ_j²τ²) + 1/c²`` (chains, p); ``1/c² = 0`` without a slab."""
        scale_sq = self.lam_sq * self.tau_sq[:, None]
        precision: FloatArray = 1.0 / np.maximum(scale_sq, _MIN_VARIANCE)
        if self.slab_sq is not None:
            precision = precision + 1.0 / self.slab_sq[:, None]
        return precision

    def _log_slab_factor(self, lam_sq: FloatArray, tau_sq: FloatArray, slab_sq: FloatArray) -> Any:
        """``log (λ_j²τ² + c²)^{1/2}`` per (chain, j) (τ², c² per chain)."""
        return 0.5 * np.log(lam_sq * tau_sq[:, None] + slab_sq[:, None])

    def _accept(self, log_ratio: FloatArray) -> Any:
        """Metropolis-Hastings: accept where ``log u < log g(x') − log g(x)``."""
        with np.errstate(divide="ignore"):
            return np.log(self.streams.uniform(*log_ratio.shape[1:])) < log_ratio

    def update(self, coef: FloatArray) -> None:
        """One sweep of the scale conditionals given the coefficients ``coef`` (chains, p)."""
        p = coef.shape[1]
        half_sq = 0.5 * coef * coef
        local_gamma = self.streams.gamma(1.0, 4 * p if self.plus else 2 * p)
        # λ_j² ~ IG(1, 1/ν_j + w_j²/(2τ²)) (the proposal, under a slab)
        rate = 1.0 / self.nu + half_sq / self.tau_sq[:, None]
        proposal = _inverse_gamma(rate, local_gamma[:, :p])
        if self.slab_sq is None:
            self.lam_sq = proposal
        else:
            accept = self._accept(
                self._log_slab_factor(proposal, self.tau_sq, self.slab_sq)
                - self._log_slab_factor(self.lam_sq, self.tau_sq, self.slab_sq)
            )
            self.lam_sq = np.where(accept, proposal, self.lam_sq)
            self.lambda_accept_rate = accept.mean(axis=1)
        # ν_j ~ IG(1, 1/η_j² + 1/λ_j²)
        self.nu = _inverse_gamma(1.0 / self.eta_sq + 1.0 / self.lam_sq, local_gamma[:, p : 2 * p])
        if self.plus:
            # η_j² ~ IG(1, 1/ν_j + 1/φ_j); φ_j ~ IG(1, 1 + 1/η_j²)
            self.eta_sq = _inverse_gamma(
                1.0 / self.nu + 1.0 / self.phi, local_gamma[:, 2 * p : 3 * p]
            )
            self.phi = _inverse_gamma(1.0 + 1.0 / self.eta_sq, local_gamma[:, 3 * p :])
        if self.tau_prior_scale is not None:
            self._update_global(half_sq, self.tau_prior_scale)
        if self.slab_shape is not None and self.slab_sq is not None:
            self._update_slab(half_sq, self.slab_shape, self.slab_sq)

    def _update_global(self, half_sq: FloatArray, tau_prior_scale: float) -> None:
        """τ² ~ IG((p + 1)/2, 1/ξ + Σ w_j²/(2λ_j²)) (MH under a slab); ξ ~ IG(1, 1/s² + 1/τ²)."""
        p = half_sq.shape[1]
        rate = 1.0 / self.xi + np.sum(half_sq / self.lam_sq, axis=1)
        proposal = _inverse_gamma(rate, self.streams.gamma(0.5 * (p + 1), 1)[:, 0])
        if self.slab_sq is None:
            self.tau_sq = proposal
        else:
            log_ratio = np.sum(
                self._log_slab_factor(self.lam_sq, proposal, self.slab_sq)
                - self._log_slab_factor(self.lam_sq, self.tau_sq, self.slab_sq),
                axis=1,
            )
            self.tau_accepted = self._accept(log_ratio[:, None])[:, 0]
            self.tau_sq = np.where(self.tau_accepted, proposal, self.tau_sq)
        self.xi = _inverse_gamma(
            1.0 / tau_prior_scale**2 + 1.0 / self.tau_sq, self.streams.gamma(1.0, 1)[:, 0]
        )

    def _update_slab(self, half_sq: FloatArray, shape: float, slab_sq: FloatArray) -> None:
        """c² ~ IG(ν/2 + p/2, νs²/2 + Σ w_j²/2) proposed, accepted by the slab-factor ratio."""
        p = half_sq.shape[1]
        rate = self.slab_rate + np.sum(half_sq, axis=1)
        proposal = _inverse_gamma(rate, self.streams.gamma(shape + 0.5 * p, 1)[:, 0])
        log_ratio = np.sum(
            self._log_slab_factor(self.lam_sq, self.tau_sq, proposal)
            - self._log_slab_factor(self.lam_sq, self.tau_sq, slab_sq),
            axis=1,
        )
        self.slab_accepted = self._accept(log_ratio[:, None])[:, 0]
        self.slab_sq = np.where(self.slab_accepted, proposal, slab_sq)

    def snapshot(self) -> dict[str, FloatArray]:
        """The states a recorded sweep keeps, named for :func:`draws_tree`."""
        state: dict[str, FloatArray] = {"coef_lambda": np.sqrt(self.lam_sq)}
        if self.plus:
            state["coef_eta"] = np.sqrt(self.eta_sq)
        if self.tau_prior_scale is not None:
            state["coef_tau"] = np.sqrt(self.tau_sq)
        if self.slab_sq is not None:
            # λ̃_j = (c²λ_j²/(c² + τ²λ_j²))^{1/2}, the deterministic of the PyMC model
            slab = self.slab_sq[:, None]
            state["coef_lambda_tilde"] = np.sqrt(
                slab * self.lam_sq / (slab + self.tau_sq[:, None] * self.lam_sq)
            )
            state["lambda_accept_rate"] = self.lambda_accept_rate
            if self.tau_prior_scale is not None:
                state["tau_accepted"] = self.tau_accepted
        if self.slab_shape is not None and self.slab_sq is not None:
            state["coef_slab_sq"] = self.slab_sq
            state["slab_accepted"] = self.slab_accepted
        return state
