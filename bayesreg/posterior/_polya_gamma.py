"""The Pólya-Gamma half of the logistic-regression Gibbs samplers: the data, ω and (w0, w).

Polson, Scott & Windle (2013) write each Bernoulli term as a Gaussian mixture over a
Pólya-Gamma variable, ``e^{y_i η_i}/(1 + e^{η_i}) = ½ e^{κ_i η_i} ∫ e^{−ω_i η_i²/2}
PG(ω_i | 1, 0) dω_i``, ``κ_i = y_i − ½``; with an observation weight ``s_i > 0``,
``p(y_i | η_i)^{s_i} ∝ e^{κ_i η_i} ∫ e^{−ω_i η_i²/2} PG(ω_i | s_i, 0) dω_i`` and
``κ_i = s_i (y_i − ½)``. Given a Gaussian prior ``w_j ~ N(0, 1/d_j)`` (any scale
mixture, conditioned on its scales) and a flat intercept:

1. ``ω_i | w0, w ~ PG(s_i, η_i)`` (the ``polyagamma`` package's sampler);
2. ``θ = (w0, w) | ω, d ~ N(Q⁻¹ Zᵀκ, Q⁻¹)``, ``Q = Zᵀ diag(ω) Z + diag(0, d)``,
   ``Z = [1, X]`` — by a Cholesky factor of Q when the p + 1 columns are at most n;
   otherwise ``w | w0, ω, d`` by Bhattacharya, Chakraborty & Mallick (2016) (O(n² p))
   and then ``w0 | w, ω ~ N(Σ(κ_i − ω_i x_iᵀw)/Σω, 1/Σω)``.

The prior's scales are updated by the sampler that owns them
(:mod:`bayesreg.posterior.bernoulli_gibbs` for the scale-mixture priors,
:mod:`bayesreg.posterior.horseshoe_gibbs` for the horseshoe family): :meth:`step` takes
the prior precisions d (chains, p) of the current sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bayesreg.core.data import check_sample_weight
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.posterior._conditionals import ChainStreams
from bayesreg.validation import as_design, as_target, check_binary_target, feature_names_of

__all__ = ["BernoulliRows", "PolyaGammaChains", "bernoulli_rows"]


@dataclass(frozen=True)
class BernoulliRows:
    """The validated rows of a logistic regression (rows of weight 0 dropped).

    Attributes
    ----------
    X : ndarray (n, p)
    y : ndarray (n,) of 0 and 1
    counts : ndarray (n,)
        The Pólya-Gamma shapes b_i: the observation weights s_i, 1 without.
    feature_names : tuple of str
    """

    X: FloatArray
    y: FloatArray
    counts: FloatArray
    feature_names: tuple[str, ...]


def bernoulli_rows(X: Any, y: Any, *, fit_intercept: bool, sample_weight: Any) -> BernoulliRows:
    """Validate a design, binary outcomes and weights for the Pólya-Gamma samplers.

    Raises a :class:`~bayesreg.errors.DataError` when y is not binary or does not match
    X, and when it holds one class while an intercept is sampled (its flat prior would
    leave the posterior improper).
    """
    design = as_design(X)
    target = check_binary_target(as_target(y, design.shape[0]))
    weights = check_sample_weight(sample_weight, design.shape[0])
    names = feature_names_of(X, design.shape[1])
    if weights is not None:
        keep = weights > 0.0
        design, target, weights = design[keep], target[keep], weights[keep]
    if fit_intercept and target.min() == target.max():
        raise DataError(
            f"y holds only the class {target[0]:g}; with a flat prior on the intercept the "
            "posterior is improper (w0 runs off to ±∞). Pass data with both classes, or "
            "fit_intercept=False."
        )
    counts = np.ones(target.size) if weights is None else weights
    return BernoulliRows(design, target, counts, names)


class PolyaGammaChains:
    """The states (w0, w) of every chain and their Pólya-Gamma step, advanced together."""

    def __init__(self, rows: BernoulliRows, *, fit_intercept: bool, streams: ChainStreams) -> None:
        self.X, self.fit_intercept, self.streams = rows.X, fit_intercept, streams
        # b_i (the Pólya-Gamma shapes) and κ_i = b_i (y_i − ½)
        self.counts = rows.counts
        self.kappa = rows.counts * (rows.y - 0.5)
        n, p = rows.X.shape
        self.chains = len(streams.generators)
        # the joint (w0, w) block by a (p + 1)-square Cholesky when that is the cheaper side
        self.joint = p + int(fit_intercept) <= n
        self.coef = np.zeros((self.chains, p))
        # start at the intercept-only fit, logit(ȳ) (weighted; 0 without an intercept)
        mean = float(rows.counts @ rows.y / rows.counts.sum())
        start = float(np.log(mean / (1.0 - mean))) if fit_intercept else 0.0
        self.intercept = np.full(self.chains, start)

    def step(self, precision: FloatArray) -> None:
        """ω, then (w0, w) under the prior precisions ``precision`` = d (chains, p)."""
        omega = self._polya_gamma(self.intercept[:, None] + self.coef @ self.X.T)
        if self.joint:
            self._draw_joint(omega, precision)
        else:
            self._draw_wide(omega, precision)

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
        """``θ | ω, d ~ N(Q⁻¹ Zᵀκ, Q⁻¹)``, Q = Zᵀ diag(ω) Z + diag(0, d), by Cholesky.

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
        """``w | w0, ω, d`` by Bhattacharya et al. (2016), then ``w0 | w, ω``.

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

    def snapshot(self) -> dict[str, FloatArray]:
        """The states a recorded sweep keeps: ``coef`` and ``intercept``."""
        return {"coef": self.coef, "intercept": self.intercept}
