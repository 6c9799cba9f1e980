"""The compiled bodies of :mod:`bayesreg.posterior._spd_kernel` (numba, imported on first use).

Batched small SPD solves and Gaussian draws by an unblocked Cholesky factor (the
mathematics is stated in ``_spd_kernel``). The functions are module globals, so that
``cache=True`` finds their machine code again in a new process: a closure over a compiled
function is compiled anew in each process, since numba's cache key hashes the closure's
cells, and a compiled function pickles with a new identity in each process.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = ["gram_draw", "solve"]

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def factorize(a: Any, factor: Any) -> bool:
    # Cholesky–Banachiewicz: L_jj = √(a_jj − Σ_q<j L_jq²),
    # L_ij = (a_ij − Σ_q<j L_iq L_jq) / L_jj for i > j; False if A is not SPD
    m = a.shape[0]
    for j in range(m):
        s = a[j, j]
        for q in range(j):
            s -= factor[j, q] * factor[j, q]
        if not s > 0.0:
            return False
        d = np.sqrt(s)
        factor[j, j] = d
        for i in range(j + 1, m):
            t = a[i, j]
            for q in range(j):
                t -= factor[i, q] * factor[j, q]
            factor[i, j] = t / d
    return True


@_jit
def forward(factor: Any, b: Any, x: Any) -> None:
    # L x = b
    for i in range(factor.shape[0]):
        t = b[i]
        for q in range(i):
            t -= factor[i, q] * x[q]
        x[i] = t / factor[i, i]


@_jit
def back(factor: Any, b: Any, x: Any) -> None:
    # Lᵀ x = b (b may be x itself: row i reads only x[q], q > i, already solved)
    for i in range(factor.shape[0] - 1, -1, -1):
        t = b[i]
        for q in range(i + 1, factor.shape[0]):
            t -= factor[q, i] * x[q]
        x[i] = t / factor[i, i]


@_jit
def solve(matrices: Any, rhs: Any, z: Any, out: Any) -> int:
    chains, m, k = rhs.shape
    factor = np.zeros((m, m))
    for c in range(chains):
        if not factorize(matrices[c], factor):
            return c + 1
        for col in range(k):
            forward(factor, rhs[c, :, col], out[c, :, col])
            back(factor, out[c, :, col], out[c, :, col])
        if z.shape[0] == chains:
            back(factor, z[c], out[c, :, k])
    return 0


@_jit
def gram_draw(gram: Any, scale: Any, precision: Any, rhs: Any, z: Any, out: Any) -> int:
    chains, m = precision.shape
    a = np.empty((m, m))
    factor = np.zeros((m, m))
    for c in range(chains):
        # A_c = f_c G + diag(q_c), lower triangle only
        for i in range(m):
            for j in range(i + 1):
                a[i, j] = scale[c] * gram[i, j]
            a[i, i] += precision[c, i]
        if not factorize(a, factor):
            return c + 1
        forward(factor, rhs[c % rhs.shape[0]], out[0, c])
        back(factor, out[0, c], out[0, c])
        back(factor, z[c], out[1, c])
    return 0
