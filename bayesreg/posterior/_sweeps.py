"""The warm-up and recording loop shared by the NumPy Gibbs samplers of the horseshoe family
and of logistic regression."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bayesreg.core.types import FloatArray
from bayesreg.posterior._progress import SamplingProgress

__all__ = ["run_sweeps"]


def run_sweeps(
    sweep: Callable[[], dict[str, FloatArray]],
    *,
    tune: int,
    draws: int,
    label: str,
    progressbar: bool,
) -> dict[str, FloatArray]:
    """Run ``tune`` discarded sweeps, then ``draws`` recorded ones.

    ``sweep()`` advances every chain by one sweep and returns the states to record, each
    of shape ``(chains, ...)`` (copied here); the result stacks them to ``(chains, draws, ...)``.
    """
    recorded: dict[str, list[FloatArray]] = {}
    with SamplingProgress(tune + draws, label, enabled=progressbar) as bar:
        for _ in range(tune):
            sweep()
            bar.advance(1)
        for _ in range(draws):
            for name, value in sweep().items():
                recorded.setdefault(name, []).append(np.array(value, copy=True))
            bar.advance(1)
    return {name: np.stack(values, axis=1) for name, values in recorded.items()}
