"""The elastic-net penalty, written once: value, proximal operator, subdifferential.

    P(w) = l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²

Every solver, prior and MAP routine in bayesreg calls these kernels; none
re-derives them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from bayesreg.core.types import FloatArray
from bayesreg.errors import InputValueError

__all__ = [
    "enet_prox",
    "penalty_value",
    "soft_threshold",
    "subdiff_distance",
]


def soft_threshold(z: ArrayLike, threshold: float | FloatArray) -> FloatArray:
    """Soft-thresholding, the proximal operator of ``threshold · |·|``.

    S(z, t) = sign(z) · max(|z| − t, 0),  t ≥ 0

    Examples
    --------
    >>> from bayesreg.core import soft_threshold
    >>> soft_threshold([-3.0, 0.5, 2.0], 1.0)
    array([-2.,  0.,  1.])
    """
    if not np.all(np.asarray(threshold) >= 0.0):
        raise InputValueError(f"threshold must be ≥ 0 (the weight t of t·|z|); got {threshold!r}.")
    values = np.asarray(z, dtype=np.float64)
    return np.sign(values) * np.maximum(np.abs(values) - threshold, 0.0)


def enet_prox(z: ArrayLike, step: float, alpha: float | FloatArray, l1_ratio: float) -> FloatArray:
    """Proximal operator of ``step · alpha · P``.

    ``alpha`` may be an array of per-coordinate strengths (``alpha·v_j`` for penalty
    factors ``v``): the prox is separable, so it applies coordinatewise.

    argmin_w 1/2 (w − z)² + step·alpha·[r |w| + (1−r)/2 w²]
        = S(z, step·alpha·r) / (1 + step·alpha·(1−r))

    Examples
    --------
    With ``l1_ratio = 1`` it is soft-thresholding at ``step·alpha``; the L2 part shrinks
    the result further:

    >>> from bayesreg.core import enet_prox, soft_threshold
    >>> enet_prox([-3.0, 0.5, 2.0], 1.0, 1.0, 1.0)
    array([-2.,  0.,  1.])
    >>> enet_prox([-3.0, 0.5, 2.0], 1.0, 1.0, 0.5)
    array([-1.66666667,  0.        ,  1.        ])
    """
    l1 = step * alpha * l1_ratio
    l2 = step * alpha * (1.0 - l1_ratio)
    return soft_threshold(z, l1) / (1.0 + l2)


def penalty_value(w: ArrayLike, alpha: float, l1_ratio: float) -> float:
    """``alpha · P(w)``.

    Examples
    --------
    ``alpha·[r·||w||₁ + (1 − r)/2·||w||²]`` with ``||w||₁ = 3``, ``||w||² = 5``:

    >>> from bayesreg.core import penalty_value
    >>> penalty_value([1.0, -2.0], 0.5, 1.0), penalty_value([1.0, -2.0], 0.5, 0.5)
    (1.5, 1.375)
    """
    values = np.asarray(w, dtype=np.float64)
    l1 = float(np.abs(values).sum())
    l2 = float(values @ values)
    return alpha * (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * l2)


def subdiff_distance(
    w: ArrayLike, grad: ArrayLike, alpha: float | FloatArray, l1_ratio: float
) -> FloatArray:
    """Per-coordinate distance of ``−grad`` to the subdifferential ``alpha · ∂P(w)``.

    ``alpha`` may be an array of per-coordinate strengths (0 for an unpenalized coordinate).

    The optimality (KKT) condition of min L(w) + alpha·P(w) is 0 ∈ ∇L(w) + alpha·∂P(w):
        w_j ≠ 0:  |∇_j L + alpha (r sign(w_j) + (1−r) w_j)|      must be 0
        w_j = 0:  max(|∇_j L| − alpha r, 0)                        must be 0

    Examples
    --------
    At a lasso solution every coordinate satisfies the optimality condition:

    >>> import numpy as np
    >>> from bayesreg.core import lasso, subdiff_distance
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = lasso(X, y, 0.5)
    >>> grad = -X.T @ (y - fit.intercept - X @ fit.coef) / len(y)
    >>> distance = subdiff_distance(fit.coef, grad, fit.alpha, fit.l1_ratio)
    >>> distance.shape, bool(np.max(distance) < 1e-8)
    ((10,), True)
    """
    values = np.asarray(w, dtype=np.float64)
    gradient = np.asarray(grad, dtype=np.float64)
    l1 = alpha * l1_ratio
    l2 = alpha * (1.0 - l1_ratio)
    smooth = gradient + l2 * values
    active = values != 0.0
    return np.where(
        active,
        np.abs(smooth + l1 * np.sign(values)),
        np.maximum(np.abs(smooth) - l1, 0.0),
    )
