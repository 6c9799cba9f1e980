r"""Univariate slice sampling (Neal 2003), one independent scalar per chain.

For a log density ``log f`` known up to a constant, one update of ``x₀`` is exact (it
leaves ``f`` invariant) whatever the width ``w``:

1. the height ``log y = log f(x₀) + log u₀``, ``u₀ ~ U(0, 1)``;
2. an interval of width ``w`` placed at random around ``x₀`` (``L = x₀ − w·u₁``,
   ``R = L + w``), stepped out by ``w`` while its end is above the slice, at most ``m``
   steps in all, split at random between the two sides (``J = ⌊m·u₂⌋`` to the left,
   ``m − 1 − J`` to the right: Neal's Fig. 3, which keeps the update reversible);
3. points drawn uniformly in ``[L, R]`` until one is in the slice ``{x : log f(x) > log y}``,
   the interval shrunk to the side of each rejected point towards ``x₀``.

Every chain reads only its own generator (a fixed block of uniforms per update, more
from that chain's generator in the rare update that uses the block up), so a chain's
draws do not depend on the other chains. Written here rather than taken from a library
because it runs inside the package's NumPy sweeps, vectorized over chains.

R. M. Neal (2003). Slice sampling. Annals of Statistics 31(3), 705-767.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.posterior._conditionals import ChainStreams

__all__ = ["slice_step"]

# uniforms drawn per chain and update: height, placement, split, then shrinkage proposals
_SHRINK_BLOCK = 13
_FIXED = 3
# the interval is shrunk below 2^-200 of its width long before: a non-finite log density
_MAX_SHRINKS = 200


def slice_step(
    log_density: Callable[[FloatArray], FloatArray],
    x0: FloatArray,
    streams: ChainStreams,
    *,
    width: float = 2.0,
    max_steps: int = 16,
) -> tuple[FloatArray, FloatArray]:
    """One slice-sampling update of one scalar per chain.

    Parameters
    ----------
    log_density : callable
        ``log f`` up to a constant, evaluated for all chains at once: an array of shape
        (chains,) to one of shape (chains,) (``-inf`` outside the support).
    x0 : ndarray of shape (chains,)
        The current states (``log_density(x0)`` finite).
    streams : ChainStreams
        The chains' generators.
    width : float
        The initial interval width ``w``.
    max_steps : int
        The stepping-out budget ``m`` (both sides together).

    Returns
    -------
    x : ndarray of shape (chains,)
        The new states.
    evaluations : ndarray of shape (chains,)
        The number of ``log f`` evaluations each chain used (a cost diagnostic).
    """
    chains = x0.shape[0]
    uniforms = streams.uniform(_FIXED + _SHRINK_BLOCK)
    evaluations = np.ones(chains)
    with np.errstate(divide="ignore"):
        log_height = log_density(x0) + np.log(uniforms[:, 0])
    left = x0 - width * uniforms[:, 1]
    right = left + width
    left_steps = np.floor(max_steps * uniforms[:, 2])
    right_steps = max_steps - 1 - left_steps
    # step out: each side while its end is inside the slice and its budget lasts
    for _ in range(max_steps):
        grow_left = left_steps > 0
        if grow_left.any():
            grow_left &= log_density(left) > log_height
            evaluations += left_steps > 0
        grow_right = right_steps > 0
        if grow_right.any():
            grow_right &= log_density(right) > log_height
            evaluations += right_steps > 0
        if not (grow_left.any() or grow_right.any()):
            break
        left = np.where(grow_left, left - width, left)
        right = np.where(grow_right, right + width, right)
        left_steps = np.where(grow_left, left_steps - 1, 0)
        right_steps = np.where(grow_right, right_steps - 1, 0)
    # shrink: uniform proposals in [L, R] until one lands in the slice
    x = x0.copy()
    pending = np.ones(chains, dtype=bool)
    column = _FIXED
    while pending.any():
        if column > _MAX_SHRINKS:
            raise FloatingPointError(
                f"slice sampling did not find a point of the slice in {_MAX_SHRINKS} shrinks "
                f"(log density at the current state: {log_density(x0)[pending]})"
            )
        if column < uniforms.shape[1]:
            u = uniforms[:, column]
        else:
            # the block is used up (interval shrunk ~2^-13): more from each chain's own stream
            generators = zip(streams.generators, pending, strict=True)
            u = np.array([g.random() if waiting else 0.5 for g, waiting in generators])
        column += 1
        proposal = left + u * (right - left)
        inside = log_density(proposal) > log_height
        evaluations += pending
        accept = pending & inside
        x = np.where(accept, proposal, x)
        reject = pending & ~inside
        left = np.where(reject & (proposal < x0), proposal, left)
        right = np.where(reject & (proposal >= x0), proposal, right)
        pending = reject
    return x, evaluations
