"""Compiled kernels of the Gibbs samplers: small SPD solves and inverse-Gaussian draws.

For each chain ``c`` of a batch, with ``A_c = L_c L_cᵀ`` (Cholesky, ``L_c`` lower
triangular, m × m) and right-hand sides ``B_c`` (m × k)::

    X_c = A_c⁻¹ B_c = L_c⁻ᵀ (L_c⁻¹ B_c)          (forward, then back substitution)
    e_c = L_c⁻ᵀ z_c,   z_c ~ N(0, I_m)  ⇒  e_c ~ N(0, A_c⁻¹)   (Rue 2001)

:func:`spd_solve_small` takes the matrices ``A_c``; :func:`gram_draw_small` builds
``A_c = f_c G + diag(q_c)`` itself from one Gram matrix G (the coefficient block of the
scale-mixture samplers), so the batch of matrices is never formed in NumPy.
:func:`inverse_gaussian` is the inverse-Gaussian draw of the mixing step as a ufunc.

Why compiled: at the orders the Gibbs samplers meet most (m ≈ 10, the diabetes data),
one chain's arithmetic is m³/6 + 2m²k ≈ 400 flops, a fraction of a microsecond, while
NumPy's batched ``cholesky`` and ``solve`` cost tens of microseconds of call overhead per
sweep and factorize A twice (``solve`` runs an LU decomposition of its own); likewise
the inverse-Gaussian draw is eight NumPy passes over p numbers per chain. numba is the
compiler PyTensor already brings; it is imported on the first call only, with the
compiled bodies of :mod:`bayesreg.posterior._spd_compiled`, so ``import bayesreg`` stays
fast, and ``cache=True`` keeps the machine code between processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from bayesreg.core.types import FloatArray

__all__ = ["gram_draw_small", "inverse_gaussian", "inverse_gaussian_scalar", "spd_solve_small"]

_compiled: dict[str, Callable[..., Any]] = {}


def inverse_gaussian_scalar(
    inv_mean: float, shape: float, normal: float, uniform: float
) -> float:  # pragma: no cover
    """One inverse-Gaussian draw as :func:`inverse_gaussian` states it (compiled by numba
    into that ufunc, and into the coordinate sweeps of ``_coordinate_kernel``)."""
    half_chi2 = normal * normal * (0.5 / shape)
    root: float = 1.0 / (inv_mean + half_chi2 + np.sqrt(half_chi2 * (half_chi2 + 2.0 * inv_mean)))
    if uniform * (1.0 + inv_mean * root) <= 1.0:
        return root
    scaled_root = inv_mean * root
    return root / (scaled_root * scaled_root)


def _kernels() -> dict[str, Callable[..., Any]]:  # pragma: no cover
    """The compiled functions, imported or built on first use (covered through the
    Python wrappers below)."""
    if _compiled:
        return _compiled
    import numba

    from bayesreg.posterior import _spd_compiled

    vectorize = cast(Callable[..., Any], numba.vectorize)
    inverse_gaussian_ufunc = vectorize(["float64(float64, float64, float64, float64)"], cache=True)
    _compiled.update(
        solve=_spd_compiled.solve,
        gram_draw=_spd_compiled.gram_draw,
        inverse_gaussian=inverse_gaussian_ufunc(inverse_gaussian_scalar),
    )
    return _compiled


def _not_positive_definite(info: int) -> np.linalg.LinAlgError:
    return np.linalg.LinAlgError(f"Matrix is not positive definite (chain {info - 1} of the batch)")


def spd_solve_small(
    matrices: FloatArray, rhs: FloatArray, z: FloatArray | None = None
) -> FloatArray:
    """``A_c⁻¹ B_c`` for a batch of small SPD matrices, with ``L_c⁻ᵀ z_c`` appended.

    Parameters
    ----------
    matrices : ndarray of shape (chains, m, m)
        Symmetric positive definite matrices ``A_c`` (only the lower triangle is read).
    rhs : ndarray of shape (chains, m, k)
        Right-hand sides ``B_c``.
    z : ndarray of shape (chains, m), optional
        Standard normal variates; with them column k of the result is ``L_c⁻ᵀ z_c``, a
        draw from ``N(0, A_c⁻¹)``.

    Returns
    -------
    ndarray of shape (chains, m, k) or (chains, m, k + 1)
        The solutions, then the draws when ``z`` is given.

    Raises
    ------
    numpy.linalg.LinAlgError
        When some ``A_c`` is not positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.posterior._spd_kernel import spd_solve_small
    >>> A = np.array([[[4.0, 2.0], [2.0, 3.0]]])
    >>> x = spd_solve_small(A, np.array([[[2.0], [1.0]]]))
    >>> np.allclose(A[0] @ x[0], [[2.0], [1.0]])
    True
    """
    chains, m, k = rhs.shape
    width = k if z is None else k + 1
    out = np.empty((chains, m, width))
    variates = np.empty((0, m)) if z is None else np.ascontiguousarray(z, dtype=np.float64)
    info = _kernels()["solve"](
        np.ascontiguousarray(matrices, dtype=np.float64),
        np.ascontiguousarray(rhs, dtype=np.float64),
        variates,
        out,
    )
    if info != 0:
        raise _not_positive_definite(info)
    return out


def gram_draw_small(
    gram: FloatArray, scale: FloatArray, precision: FloatArray, rhs: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(A_c⁻¹ b_c, L_c⁻ᵀ z_c)`` with ``A_c = f_c G + diag(q_c) = L_c L_cᵀ``.

    ``gram`` is the (m, m) matrix G shared by the chains (its lower triangle is read),
    ``scale`` the factors ``f_c ≥ 0`` (chains,), ``precision`` the diagonals ``q_c``
    (chains, m), ``rhs`` the right-hand sides ``b_c`` (chains, m), or one (m,) shared by
    the chains, and ``z`` standard normal variates (chains, m), so that the second result
    is a draw from ``N(0, A_c⁻¹)``. As :func:`spd_solve_small`, it raises
    :class:`numpy.linalg.LinAlgError` when some ``A_c`` is not positive definite.

    >>> import numpy as np
    >>> from bayesreg.posterior._spd_kernel import gram_draw_small
    >>> G = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> mean, spread = gram_draw_small(G, np.ones(1), np.ones((1, 2)), np.ones(2), np.zeros((1, 2)))
    >>> np.allclose((G + np.eye(2)) @ mean[0], [1.0, 1.0]), spread.tolist()
    (True, [[0.0, 0.0]])
    """
    chains, m = precision.shape
    out = np.empty((2, chains, m))
    info = _kernels()["gram_draw"](
        np.ascontiguousarray(gram, dtype=np.float64),
        np.ascontiguousarray(scale, dtype=np.float64),
        np.ascontiguousarray(precision, dtype=np.float64),
        np.ascontiguousarray(rhs.reshape(-1, m), dtype=np.float64),
        np.ascontiguousarray(z, dtype=np.float64),
        out,
    )
    if info != 0:
        raise _not_positive_definite(info)
    return out[0], out[1]


def inverse_gaussian(
    inv_mean: FloatArray, shape: FloatArray | float, normal: FloatArray, uniform: FloatArray
) -> FloatArray:
    """Inverse Gaussian draws IG(mean μ, shape λ) by Michael, Schucany & Haas (1976).

    Parametrized by ``ρ = 1/μ ≥ 0`` so that ``μ = ∞`` (the Lévy limit ``λ / ν²``,
    reached when a coefficient is exactly 0) needs no special case. With ``ν ~ N(0, 1)``
    (``normal``), ``h = ν² / (2λ)``, the smaller root of the MSH quadratic, written
    without cancellation, is ``x = 1 / (ρ + h + sqrt(h² + 2ρh))``; it is kept when
    ``u (1 + ρx) ≤ 1`` for ``u ~ U(0, 1)`` (``uniform``; probability
    ``μ / (μ + x) = 1 / (1 + ρx)``), otherwise ``μ² / x = x / (ρx)²`` is returned.
    The arguments broadcast as in a NumPy ufunc.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.posterior._spd_kernel import inverse_gaussian
    >>> float(inverse_gaussian(np.array(0.0), 2.0, np.array(1.0), np.array(0.5)))  # λ/ν²
    2.0
    """
    draws: FloatArray = _kernels()["inverse_gaussian"](inv_mean, shape, normal, uniform)
    return draws
