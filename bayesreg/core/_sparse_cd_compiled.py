"""The compiled body of :mod:`bayesreg.core._sparse_cd` (numba, imported on first use).

Cyclic coordinate descent epochs of the elastic net on the columns of a CSC matrix that
is centered implicitly (the mathematics is stated in ``_sparse_cd``). A coordinate update
touches only the non-zeros of its column, so an epoch costs O(nnz) whatever n is; in
NumPy each update would cost a Python call of about a microsecond, more than the update.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = ["epochs"]

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def epochs(
    indptr: Any,
    indices: Any,
    values: Any,
    x_mean: Any,
    curvature: Any,
    l1: Any,
    l2: float,
    positive: bool,
    coef: Any,
    residual: Any,
    state: Any,
    count: int,
) -> float:
    # Minimize 1/(2n)||yc − Xc w||² + Σ_j [l1_j |w_j| + l2/2 w_j²] coordinate by coordinate,
    # Xc = X − c x̄ᵀ with cᵀc = n and cᵀx_j = n x̄_j. residual holds ρ_X = yc − X w and
    # state[0] = t = cᵀρ_X, state[1] = n; then (Xc)_jᵀ(yc − Xc w) = x_jᵀρ_X − x̄_j t, and
    # w_j ← S(a_j w_j + g_j, l1_j) / (a_j + l2), a_j = ||xc_j||²/n (curvature),
    # g_j = (x_jᵀρ_X − x̄_j t)/n, S the soft threshold (the positive part under w ≥ 0);
    # ρ_X −= δ x_j and t −= δ n x̄_j. Returns the largest |δ|·√a_j of the last epoch.
    n = state[1]
    largest = 0.0
    for _ in range(count):
        largest = 0.0
        for j in range(coef.shape[0]):
            a = curvature[j]
            if a == 0.0:
                continue
            dot = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                dot += values[k] * residual[indices[k]]
            z = a * coef[j] + (dot - x_mean[j] * state[0]) / n
            if positive:
                new = max(z - l1[j], 0.0) / (a + l2)
            elif z > l1[j]:
                new = (z - l1[j]) / (a + l2)
            elif z < -l1[j]:
                new = (z + l1[j]) / (a + l2)
            else:
                new = 0.0
            delta = new - coef[j]
            if delta != 0.0:
                for k in range(indptr[j], indptr[j + 1]):
                    residual[indices[k]] -= delta * values[k]
                state[0] -= delta * n * x_mean[j]
                coef[j] = new
                largest = max(largest, abs(delta) * np.sqrt(a))
    return largest
