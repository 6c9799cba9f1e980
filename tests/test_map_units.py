"""find_map does not depend on the units the data are measured in.

Measuring y in other units (y → c·y, with the prior's scale → c·scale) or X in other units
(X → d·X, with the prior's scale → scale/d) gives the same problem: the joint MAP of
(w, w0, σ) is (c·w, c·w0, c·σ), or (w/d, w0, σ). Newton's method is affine invariant in
exact arithmetic; what can break that is a damping or a linear solve that mixes the units of
different coordinates (a coefficient measured in 1e-9 beside log σ). These tests solve the
same problem in units from 1e-9 to 1e9, with σ free, and compare against the same problem in
units of 1, which check_equivalence certifies against the core's penalized solver.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bayesreg import check_equivalence
from bayesreg.priors import GaussianPrior, LaplacePrior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model

UNITS = [1e-9, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9]
# Relative agreement between units: the MAPs are certified to ~1e-10 of their own scale.
RTOL = 1e-8


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([2.0, -1.0, 0.0, 0.0, 0.5, 0.0]) + 0.7 * rng.standard_normal(80) + 3.0
    return X, y


PRIORS = {"laplace": LaplacePrior, "gaussian": GaussianPrior}


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("family", list(PRIORS))
def test_joint_map_with_free_noise_in_units_of_y(family: str, units: float) -> None:
    X, y = _data()
    prior = PRIORS[family]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning, no LinAlgWarning
        base = find_map(build_model(X, y, prior(0.5)))
        scaled = find_map(build_model(X, units * y, prior(0.5 * units)))
        report = check_equivalence(X, units * y, prior(0.5 * units))
    assert base.converged
    assert scaled.converged
    assert report.ok, str(report)
    assert scaled.noise == pytest.approx(units * base.noise, rel=RTOL)
    assert scaled.intercept == pytest.approx(units * base.intercept, rel=RTOL)
    np.testing.assert_allclose(
        scaled.coef, units * base.coef, rtol=0, atol=RTOL * units * np.max(np.abs(base.coef))
    )
    # the same exact zeros in every unit system
    np.testing.assert_array_equal(scaled.coef == 0.0, base.coef == 0.0)


@pytest.mark.parametrize("units", UNITS)
@pytest.mark.parametrize("family", list(PRIORS))
def test_joint_map_with_free_noise_in_units_of_x(family: str, units: float) -> None:
    X, y = _data()
    prior = PRIORS[family]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = find_map(build_model(X, y, prior(0.5)))
        scaled = find_map(build_model(units * X, y, prior(0.5 / units)))
        report = check_equivalence(units * X, y, prior(0.5 / units))
    assert scaled.converged
    assert report.ok, str(report)
    assert scaled.noise == pytest.approx(base.noise, rel=RTOL)
    np.testing.assert_allclose(
        scaled.coef, base.coef / units, rtol=0, atol=RTOL * np.max(np.abs(base.coef)) / units
    )
    np.testing.assert_array_equal(scaled.coef == 0.0, base.coef == 0.0)


@pytest.mark.parametrize("units", [1e-6, 1e-3, 1e3, 1e6])
def test_logistic_map_in_units_of_x(units: float) -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 4))
    labels = (X @ np.array([1.5, -1.0, 0.0, 0.5]) + rng.logistic(size=80) > 0).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        base = find_map(build_model(X, labels, LaplacePrior(0.2), likelihood="bernoulli"))
        scaled = find_map(
            build_model(units * X, labels, LaplacePrior(0.2 / units), likelihood="bernoulli")
        )
    assert scaled.converged
    np.testing.assert_allclose(
        scaled.coef, base.coef / units, rtol=0, atol=RTOL * np.max(np.abs(base.coef)) / units
    )
    assert scaled.intercept == pytest.approx(base.intercept, rel=RTOL)
    np.testing.assert_array_equal(scaled.coef == 0.0, base.coef == 0.0)
