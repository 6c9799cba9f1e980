"""The PyMC layer: priors stated as PyMC models, their exact MAP, and the equivalence check.

- :mod:`bayesreg.pymc.model` — :func:`build_model`, a PyMC model of a prior and a likelihood;
- :mod:`bayesreg.pymc.likelihood` — the Gaussian likelihood written on sufficient statistics;
- :mod:`bayesreg.pymc.structure` — what a model's graph says: its |·| kinks and convexity;
- :mod:`bayesreg.pymc.collapse` — a scale sent to 0 along which log p is unbounded (no MAP);
- :mod:`bayesreg.pymc.oracle` — :func:`compile_map`, the value/gradient/Hessian of −log p;
- :mod:`bayesreg.pymc.map` — :func:`find_map`, the certified MAP estimate;
- :mod:`bayesreg.pymc.equivalence` — :func:`check_equivalence`, MAP against penalized estimate.

PyMC itself is imported by the functions that need it, and the names below load on first
use, so ``import bayesreg`` (and this package) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "build_model": "bayesreg.pymc.model",
    "find_map": "bayesreg.pymc.map",
    "MapEstimate": "bayesreg.pymc.map",
    "check_equivalence": "bayesreg.pymc.equivalence",
    "EquivalenceReport": "bayesreg.pymc.equivalence",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bayesreg.pymc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
