"""Data sets shipped inside bayesreg (no network access at run time), and a generator."""

from __future__ import annotations

from bayesreg.datasets._breast_cancer import load_breast_cancer
from bayesreg.datasets._diabetes import load_diabetes
from bayesreg.datasets._prostate import load_prostate
from bayesreg.datasets._randhie import load_randhie
from bayesreg.datasets._synthetic import SyntheticData, make_synthetic

__all__ = [
    "SyntheticData",
    "load_breast_cancer",
    "load_diabetes",
    "load_prostate",
    "load_randhie",
    "make_synthetic",
]
