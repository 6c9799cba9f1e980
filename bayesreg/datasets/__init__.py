"""Data sets shipped inside bayesreg (no network access at run time)."""

from __future__ import annotations

from bayesreg.datasets._diabetes import load_diabetes

__all__ = ["load_diabetes"]
