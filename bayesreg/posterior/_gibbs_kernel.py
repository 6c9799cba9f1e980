"""The Gibbs kernel: all chains advanced in lockstep, vectorized, resumable.

One sweep (the full conditionals are stated in :mod:`bayesreg.posterior.gibbs`):

1. coefficients and noise: with a σ-scaled prior ``(w, σ²) | τ`` jointly (σ² with w
   integrated out, then ``w | σ², τ``); otherwise ``w | σ², τ`` then ``σ² | w``;
2. ``1/τ_j² | w_j, σ`` (inverse Gaussian), when the prior has a Laplace factor;
3. ``l1² | τ`` (gamma), when l1 has a hyperprior.

With ``update="coordinate"`` step 1 is instead a sweep of single-site draws
``w_j | w_−j, τ, σ²`` followed by ``σ² | w, τ`` (compiled, whole blocks of iterations at
once; :mod:`bayesreg.posterior._coordinate_kernel` states the conditionals).

σ² is drawn from the inverse-gamma kernel ``(σ²)^(−a−1) e^(−b/σ²)`` of its conditional;
a noise prior with curvature ``c > 0`` (HalfNormal on σ) multiplies the target by
``e^(−c σ²)``, which a Metropolis-Hastings step with acceptance
``min(1, e^(−c (σ²_new − σ²_old)))`` corrects exactly (independence proposal).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.posterior._conditionals import (
    ChainStreams,
    coef_given_noise,
    inverse_gaussian,
    noise_variance_step,
    scaled_block,
)
from bayesreg.posterior._data import LinearData
from bayesreg.posterior._gibbs_priors import GibbsPrior
from bayesreg.posterior._progress import SamplingProgress
from bayesreg.priors import NoisePrior

if TYPE_CHECKING:
    from bayesreg.posterior._coordinate_kernel import CoordinateModel, CoordinateVariates

__all__ = ["ScaleMixtureChains"]


_BLOCK = 256  # iterations whose random variates are drawn at once, per chain


class ScaleMixtureChains:
    """Chain states of the scale-mixture Gibbs sampler (also the E-step of MCEM)."""

    def __init__(
        self,
        data: LinearData,
        prior: GibbsPrior,
        *,
        noise: float | None,
        chains: int,
        random_seed: int | np.random.Generator | None,
        noise_prior: NoisePrior | None = None,
        update: str = "block",
    ) -> None:
        self.update = update  # "block" or "coordinate", validated by the caller
        self.noise_prior = NoisePrior.reference() if noise_prior is None else noise_prior
        # per-coefficient factors v_j of the prior's weights (all 1 for a single scale)
        self.factor = prior.factors(data.n_features)
        # shape of the inverse-gamma kernel of σ²'s conditional: a0 + dof/2 given w and a
        # prior free of σ; with a σ-scaled prior and w integrated out, a0 + (dof − p₀)/2:
        # each of the p₀ flat coefficients (v_j = 0) has no factor (σ²)^(−1/2) of its own,
        # and integrating it out of the likelihood leaves (σ²)^(+1/2)
        flat = int(np.sum(self.factor == 0.0)) if prior.scaled_by_noise else 0
        self.noise_shape = self.noise_prior.shape + 0.5 * (data.dof - flat)
        if noise is None and self.noise_shape <= 0.0:
            raise DataError(
                f"the noise cannot be learned from {data.n_samples} sample(s) under "
                f"{self.noise_prior.description}"
                f"{' with an intercept' if data.fit_intercept else ''}; pass a fixed noise "
                "or more data."
            )
        self.data = data
        self.prior = prior
        self.factor_squared = self.factor**2
        self.active = self.factor > 0.0  # coefficients with a prior scale (v_j > 0)
        self.all_active = bool(np.all(self.active))
        if np.any(self.factor == 0.0) and data.n_samples < data.n_features:
            raise DataError(
                f"a flat prior on {int(np.sum(self.factor == 0.0))} coefficient(s) with "
                f"p = {data.n_features} > n = {data.n_samples}: the p > n algorithm needs a "
                "proper prior on every coefficient. Give every coefficient a finite scale, "
                "or use method='nuts'."
            )
        self.fixed_noise = noise is not None
        self.streams = ChainStreams(random_seed, chains)
        p = data.n_features
        start_var = data.yty / max(data.dof, 1) if noise is None else noise**2
        self.noise_var = np.full(chains, start_var if start_var > 0.0 else 1.0)
        self.coef = np.zeros((chains, p))
        self.l1_squared = np.full(chains, prior.l1**2)
        self.inv_mixing = np.zeros((chains, p))
        if prior.has_mixture:
            # over-dispersed start: τ_j² drawn from its prior Exp(rate l1²/2)
            # (a flat coefficient, v_j = 0, keeps 1/τ_j² = 0: infinite prior variance)
            self.inv_mixing = 0.5 * prior.l1**2 * self.factor**2 / self.streams.gamma(1.0, p)
        self.accepted = np.zeros(chains)  # Metropolis-Hastings acceptances of σ²

    def set_l1(self, l1: float | FloatArray) -> None:
        """Fix l1 (λ), one value or one per chain, for the following iterations (MCEM)."""
        self.l1_squared = np.broadcast_to(np.square(l1), self.l1_squared.shape).copy()

    def run(
        self, n_iter: int, *, record: bool, progress: SamplingProgress | None = None
    ) -> dict[str, FloatArray]:
        """Advance all chains ``n_iter`` iterations; return the draws when ``record``."""
        if self.update == "coordinate":
            return self._run_coordinate(n_iter, record=record, progress=progress)
        p = self.coef.shape[1]
        data, prior = self.data, self.prior
        trace = self._empty_trace(n_iter, record)
        z_width = p if data.n_samples >= p else p + data.n_samples
        for start, block in _blocks(n_iter, progress):
            # the variates of `block` iterations, drawn per chain in a fixed order
            z = self.streams.normal(block, z_width)
            noise_gamma = self.streams.gamma(max(self.noise_shape, 0.5), block)
            noise_uniform = self.streams.uniform(block)
            if prior.has_mixture:
                ig_normal = self.streams.normal(block, p)
                ig_uniform = self.streams.uniform(block, p)
            if prior.l1_hyperprior is not None:
                l1_gamma = self.streams.gamma(p + prior.l1_hyperprior[0], block)
            for t in range(block):
                self._coef_and_noise(z[:, t], noise_gamma[:, t], noise_uniform[:, t])
                if prior.has_mixture:
                    self._mixing(ig_normal[:, t], ig_uniform[:, t])
                if prior.l1_hyperprior is not None:
                    # l1² | τ ~ Gamma(p + r, rate δ + Σ τ_j²/2)
                    rate = prior.l1_hyperprior[1] + 0.5 * np.sum(1.0 / self.inv_mixing, axis=1)
                    self.l1_squared = l1_gamma[:, t] / rate
                if record:
                    i = start + t
                    trace["coef"][:, i] = self.coef
                    trace["noise_var"][:, i] = self.noise_var
                    trace["l1"][:, i] = np.sqrt(self.l1_squared)
        return trace

    def _empty_trace(self, n_iter: int, record: bool) -> dict[str, FloatArray]:
        """The arrays the draws of ``n_iter`` iterations go into (none unless ``record``)."""
        chains, p = self.coef.shape
        if not record:
            return {}
        return {
            "coef": np.empty((chains, n_iter, p)),
            "noise_var": np.empty((chains, n_iter)),
            "l1": np.empty((chains, n_iter)),
        }

    def _coordinate_model(self) -> CoordinateModel:
        """The constants of the coordinate iterations (``_coordinate_kernel``)."""
        from bayesreg.posterior._coordinate_kernel import CoordinateModel

        prior, noise_prior = self.prior, self.noise_prior
        hyper_rate = 0.0 if prior.l1_hyperprior is None else prior.l1_hyperprior[1]
        flags = (
            prior.scaled_by_noise,
            self.fixed_noise,
            prior.has_mixture,
            prior.l1_hyperprior is not None,
        )
        return CoordinateModel(
            gram=np.ascontiguousarray(self.data.gram, dtype=np.float64),
            xty=np.ascontiguousarray(self.data.xty, dtype=np.float64),
            yty=float(self.data.yty),
            factor=np.ascontiguousarray(self.factor, dtype=np.float64),
            flags=np.array(flags, dtype=bool),
            prior=np.array([prior.l2, hyper_rate]),
            noise=np.array([noise_prior.scale, noise_prior.curvature]),
        )

    def _coordinate_variates(self, block: int) -> CoordinateVariates:
        """One block's variates, drawn per chain; σ²'s conditional given w has shape
        ``a0 + dof/2``, plus ``p₊/2`` (coefficients with a prior scale) when the prior
        scales with σ: ``noise_shape + p/2`` then (``noise_shape`` has ``−p₀/2``)."""
        from bayesreg.posterior._coordinate_kernel import CoordinateVariates

        chains, p = self.coef.shape
        prior = self.prior
        shape = self.noise_shape + (0.5 * p if prior.scaled_by_noise else 0.0)
        normal = self.streams.normal(block, p)
        noise_gamma = self.streams.gamma(max(shape, 0.5), block)
        noise_uniform = self.streams.uniform(block)
        mixing_normal = mixing_uniform = np.empty((chains, 0, p))
        if prior.has_mixture:
            mixing_normal = self.streams.normal(block, p)
            mixing_uniform = self.streams.uniform(block, p)
        l1_gamma = np.empty((chains, 0))
        if prior.l1_hyperprior is not None:
            l1_gamma = self.streams.gamma(p + prior.l1_hyperprior[0], block)
        return CoordinateVariates(
            normal, noise_gamma, noise_uniform, mixing_normal, mixing_uniform, l1_gamma
        )

    def _run_coordinate(
        self, n_iter: int, *, record: bool, progress: SamplingProgress | None
    ) -> dict[str, FloatArray]:
        """:meth:`run` with coordinate sweeps, one compiled call per block of iterations
        (the compiled module, and numba with it, is imported here on first use)."""
        from bayesreg.posterior._coordinate_kernel import CoordinateState, coordinate_block

        model = self._coordinate_model()
        state = CoordinateState(
            coef=np.ascontiguousarray(self.coef, dtype=np.float64),
            inv_mixing=np.ascontiguousarray(self.inv_mixing, dtype=np.float64),
            scalars=np.stack([self.noise_var, self.l1_squared, self.accepted], axis=1),
        )
        trace = self._empty_trace(n_iter, record)
        for start, block in _blocks(n_iter, progress):
            coef, scalars = coordinate_block(model, state, self._coordinate_variates(block))
            if record:
                trace["coef"][:, start : start + block] = coef
                trace["noise_var"][:, start : start + block] = scalars[:, :, 0]
                trace["l1"][:, start : start + block] = np.sqrt(scalars[:, :, 1])
        self.coef, self.inv_mixing = state.coef, state.inv_mixing
        self.noise_var = state.scalars[:, 0].copy()
        self.l1_squared = state.scalars[:, 1].copy()
        self.accepted = state.scalars[:, 2].copy()
        return trace

    def _noise_step(
        self, half_quadratic: FloatArray, gamma: FloatArray, uniform: FloatArray
    ) -> None:
        """σ² by :func:`~bayesreg.posterior._conditionals.noise_variance_step`."""
        self.noise_var, accept = noise_variance_step(
            self.noise_prior, self.noise_var, half_quadratic, gamma, uniform
        )
        if self.noise_prior.curvature != 0.0:
            self.accepted += accept

    def _coef_and_noise(self, z: FloatArray, gamma: FloatArray, uniform: FloatArray) -> None:
        data, prior = self.data, self.prior
        if prior.has_mixture:
            precision = self.inv_mixing + prior.l2 * self.factor
        else:
            precision = np.full_like(self.coef, 1.0) * (prior.l2 * self.factor)
        if prior.scaled_by_noise:
            # the prior precision (1/τ² + l2) is in units of 1/σ²: σ² | τ, then w | σ², τ
            mean, spread, quadratic = scaled_block(data, precision, z)
            if not self.fixed_noise:
                self._noise_step(0.5 * quadratic, gamma, uniform)
            self.coef = mean + np.sqrt(self.noise_var)[:, None] * spread
            return
        self.coef = coef_given_noise(data, self.noise_var, precision, z)
        if not self.fixed_noise:
            # σ² | w: the inverse-gamma kernel with b0 + ||yc − Xc w||²/2
            self._noise_step(0.5 * data.residual_sum_of_squares(self.coef), gamma, uniform)

    def _mixing(self, normal: FloatArray, uniform: FloatArray) -> None:
        """1/τ_j² ~ IG(mean l1_j s/|w_j|, shape l1_j²) with ``l1_j = v_j l1``: inverse mean
        ρ = |w_j|/(l1_j s); 1/τ_j² = 0 for a flat coefficient (v_j = 0)."""
        l1 = np.sqrt(self.l1_squared)
        if self.prior.scaled_by_noise:
            l1 = l1 * np.sqrt(self.noise_var)
        rate = l1[:, None] * self.factor
        shape = self.l1_squared[:, None] * self.factor_squared
        if self.all_active:
            self.inv_mixing = inverse_gaussian(np.abs(self.coef) / rate, shape, normal, uniform)
            return
        active = self.active[None, :]
        inv_mean = np.divide(np.abs(self.coef), rate, out=np.zeros_like(self.coef), where=active)
        draws = inverse_gaussian(inv_mean, np.where(active, shape, 1.0), normal, uniform)
        self.inv_mixing = np.where(active, draws, 0.0)

    def intercept_draws(self, coef: FloatArray, noise_var: FloatArray) -> FloatArray:
        """``w0 | w, σ ~ N(ȳ − x̄ᵀw, σ²/n)`` for recorded draws (chains, draws); ``σ²/Σs``
        with observation weights (``data.total_weight``)."""
        return self.data.intercept_draws(coef, noise_var, self.streams.normal(noise_var.shape[1]))


def _blocks(n_iter: int, progress: SamplingProgress | None) -> Iterator[tuple[int, int]]:
    """``(start, size)`` of the blocks of at most ``_BLOCK`` iterations that make up
    ``n_iter``; the progress bar advances by each block once its body has run."""
    for start in range(0, n_iter, _BLOCK):
        block = min(_BLOCK, n_iter - start)
        yield start, block
        if progress is not None:
            progress.advance(block)
