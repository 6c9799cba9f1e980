"""Full conditional draws shared by the Gibbs samplers, vectorized across chains.

Every function takes the standard random variates it needs as arguments (drawn in
blocks, one generator per chain, by :class:`ChainStreams`), so the arithmetic is
batched over chains while each chain's stream stays its own.

The coefficient block draws from a Gaussian ``N(A⁻¹ b, A⁻¹)`` with
``A = c² XcᵀXc + diag(q)``: by a Cholesky factor of the p × p matrix ``A`` when
n ≥ p, and by the algorithm of Bhattacharya, Chakraborty & Mallick (2016), whose
cost is O(n² p), when p > n.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack

from bayesreg.core.types import FloatArray
from bayesreg.posterior._data import LinearData
from bayesreg.posterior._spd_kernel import gram_draw_small, inverse_gaussian, spd_solve_small
from bayesreg.priors import NoisePrior

__all__ = [
    "ChainStreams",
    "coef_given_noise",
    "inverse_gaussian",
    "noise_variance_step",
    "scaled_block",
]


class ChainStreams:
    """One independent NumPy generator per chain, spawned from one seed.

    ``numpy.random.default_rng(random_seed).spawn(chains)``: chain ``c`` draws from
    the same stream whatever the number of chains, so results are reproducible and a
    chain does not change when chains are added.
    """

    def __init__(self, random_seed: int | np.random.Generator | None, chains: int) -> None:
        self.generators = np.random.default_rng(random_seed).spawn(chains)

    def normal(self, *shape: int) -> FloatArray:
        """Standard normal variates of shape ``(chains, *shape)``."""
        return np.stack([g.standard_normal(shape) for g in self.generators])

    def uniform(self, *shape: int) -> FloatArray:
        """Uniform(0, 1) variates of shape ``(chains, *shape)``."""
        return np.stack([g.random(shape) for g in self.generators])

    def gamma(self, shape_parameter: float, *shape: int) -> FloatArray:
        """Gamma(shape_parameter, rate 1) variates of shape ``(chains, *shape)``."""
        return np.stack([g.standard_gamma(shape_parameter, shape) for g in self.generators])


def noise_variance_step(
    noise_prior: NoisePrior,
    current: FloatArray,
    half_quadratic: FloatArray,
    gamma: FloatArray,
    uniform: FloatArray,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """σ² ~ InvGamma(a0 + dof/2, b0 + quadratic/2), then the MH correction for c > 0.

    ``gamma`` holds Gamma(a0 + dof/2, 1) variates, so ``(b0 + q/2)/gamma`` is the
    inverse-gamma draw. A noise prior with curvature ``c > 0`` (HalfNormal on σ)
    multiplies the target by ``e^{−c σ²}``: the draw is an independence proposal accepted
    with probability ``min(1, exp(−c·(proposal − current)))``, compared on the log scale
    (``log u < −c·(proposal − current)`` cannot overflow). Returns the new σ² and which
    chains accepted.
    """
    proposal: FloatArray = (noise_prior.scale + half_quadratic) / gamma
    curvature = noise_prior.curvature
    if curvature == 0.0:
        return proposal, np.ones(proposal.shape, dtype=bool)
    with np.errstate(divide="ignore"):
        log_uniform = np.log(uniform)
    accept = log_uniform < -curvature * (proposal - current)
    return np.where(accept, proposal, current), accept


# below this order, one compiled loop over chains (unblocked Cholesky and substitutions,
# :mod:`bayesreg.posterior._spd_kernel`); from it on, LAPACK's blocked Cholesky (potrf)
# and two-sided triangular solve (potrs) per chain, whose flops dominate the Python loop
_PER_CHAIN_FROM = 32


def _spd_solve(matrices: FloatArray, rhs: FloatArray, z: FloatArray | None = None) -> FloatArray:
    """Solve ``A_c x = b_c`` for a batch of symmetric positive definite ``A_c = L_c L_cᵀ``.

    ``rhs`` has shape (chains, m, k); the solutions have the same shape. With ``z``
    (chains, m) the solution of ``A_c x = L_c z_c`` is appended as column k
    (``A⁻¹ L z = L⁻ᵀ z`` has covariance ``A⁻¹``).
    Small systems: one compiled loop over chains (``L_c⁻ᵀ z_c`` directly, by back
    substitution); large ones: LAPACK ``potrf`` and ``potrs`` per chain. Either way A is
    factorized once.
    """
    chains, m, k = rhs.shape
    if m < _PER_CHAIN_FROM:
        return spd_solve_small(matrices, rhs, z)
    width = k if z is None else k + 1
    columns = np.empty((chains, m, width))
    columns[:, :, :k] = rhs
    solved: FloatArray = np.empty_like(columns)
    for c in range(chains):
        factor, info = lapack.dpotrf(matrices[c], lower=1, clean=1)
        if info != 0:
            raise np.linalg.LinAlgError("Matrix is not positive definite")
        if z is not None:
            columns[c, :, k] = factor @ z[c]
        solved[c], info = lapack.dpotrs(factor, columns[c], lower=1)
    return solved


def _cholesky_draw(
    data: LinearData, gram_factor: FloatArray, precision: FloatArray, rhs: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Solve with ``A = c² G + diag(q)`` for the mean and a noise term of one draw.

    ``A = L Lᵀ`` (Cholesky). Returns ``(A⁻¹ rhs, A⁻¹ L z)``: with ``z ~ N(0, I)`` the
    second has covariance ``A⁻¹ L Lᵀ A⁻¹ = A⁻¹`` (Rue 2001).
    """
    chains, p = precision.shape
    if p < _PER_CHAIN_FROM:
        return gram_draw_small(data.gram, gram_factor, precision, rhs, z)
    precision_matrix = gram_factor[:, None, None] * data.gram
    precision_matrix.reshape(chains, p * p)[:, :: p + 1] += precision
    solved = _spd_solve(precision_matrix, np.broadcast_to(rhs, (chains, p))[:, :, None], z)
    return solved[:, :, 0], solved[:, :, 1]


def _bcm_draw(
    data: LinearData, design_factor: FloatArray, precision: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Bhattacharya, Chakraborty & Mallick (2016) for ``Φ = c X``, ``D = diag(1/q)``.

    The target ``N(A⁻¹ Φᵀα, A⁻¹)``, ``A = ΦᵀΦ + D⁻¹``, is drawn as
    ``u ~ N(0, D)``, ``δ ~ N(0, I_n)``, ``v = Φu + δ``, ``M = ΦDΦᵀ + I_n``,
    ``θ = u + DΦᵀ M⁻¹(α − v)``. Returned in two parts that the callers combine:
    ``(DΦᵀ M⁻¹ y, u − DΦᵀ M⁻¹ v)``, so ``θ = c·first + second`` when ``α = c y``.
    M is symmetric positive definite: one Cholesky factor per chain solves with it.
    """
    n, p = data.X.shape
    variance = 1.0 / precision
    u = np.sqrt(variance) * z[:, :p]
    phi = design_factor[:, None, None] * data.X
    v = np.einsum("cnp,cp->cn", phi, u) + z[:, p:]
    phi_d = phi * variance[:, None, :]
    # ΦDΦᵀ by batched matrix products (BLAS), not einsum's loops: O(n² p) per chain
    system = np.matmul(phi_d, phi.transpose(0, 2, 1))
    system.reshape(-1, n * n)[:, :: n + 1] += 1.0
    rhs = np.stack([np.broadcast_to(data.y, v.shape), v], axis=-1)
    solved = _spd_solve(system, rhs)
    back = np.matmul(phi_d.transpose(0, 2, 1), solved)
    return back[:, :, 0], u - back[:, :, 1]


def coef_given_noise(
    data: LinearData, noise_var: FloatArray, precision: FloatArray, z: FloatArray
) -> FloatArray:
    """Draw ``w | σ², q ~ N(A⁻¹ Xcᵀyc / σ², A⁻¹)``, ``A = XcᵀXc / σ² + diag(q)``.

    The conditional of the coefficients when their prior ``N(0, diag(1/q))`` does not
    involve σ. ``z`` holds p standard normals per chain (n + p when p > n).
    """
    inv_noise = 1.0 / noise_var
    if data.n_samples >= data.n_features:
        mean, spread = _cholesky_draw(data, inv_noise, precision, inv_noise[:, None] * data.xty, z)
        draws: FloatArray = mean + spread
        return draws
    # α = y/σ: θ = (1/σ)·DΦᵀM⁻¹y + (u − DΦᵀM⁻¹v)
    toward_data, spread = _bcm_draw(data, np.sqrt(inv_noise), precision, z)
    draws = np.sqrt(inv_noise)[:, None] * toward_data + spread
    return draws


def scaled_block(
    data: LinearData, precision: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The parts of ``(w, σ²) | τ`` when the prior scales with σ: ``w | σ ~ N(0, σ² diag(1/q))``.

    With ``A = XcᵀXc + diag(q)`` (free of σ), ``w | σ² ~ N(A⁻¹Xcᵀyc, σ² A⁻¹)`` and,
    with ``w`` integrated out, ``p(σ² | τ) ∝ p(σ²) (σ²)^(−dof/2) exp(−Q/(2σ²))`` where
    ``Q = ycᵀyc − ycᵀXc A⁻¹ Xcᵀyc = ycᵀ(I + Xc D Xcᵀ)⁻¹yc``. Returns ``(A⁻¹Xcᵀyc, e, Q)``
    with ``e ~ N(0, A⁻¹)``, so that ``w = A⁻¹Xcᵀyc + σ e`` once σ² is drawn. Drawing σ²
    with ``w`` integrated out (Rajaratnam et al. 2019) mixes faster than given ``w``. A
    coefficient with a flat prior (``q_j = 0``) adds ``(σ²)^(+1/2)`` to this marginal:
    the caller's inverse-gamma shape has ``−p₀/2`` for p₀ of them.
    """
    ones = np.ones(precision.shape[0])
    if data.n_samples >= data.n_features:
        mean, spread = _cholesky_draw(data, ones, precision, data.xty, z)
    else:
        # Φ = X, α = y/σ: w = σθ = DXᵀM⁻¹y + σ(u − DXᵀM⁻¹v); yᵀM⁻¹y = yᵀy − yᵀX·DXᵀM⁻¹y
        mean, spread = _bcm_draw(data, ones, precision, z)
    quadratic: FloatArray = np.maximum(data.yty - mean @ data.xty, 0.0)
    return mean, spread, quadratic
