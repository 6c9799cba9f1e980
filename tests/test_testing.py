"""bayesreg.testing: the assertions pass on true statements and fail on false ones."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pytest

import bayesreg.pymc.equivalence
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.errors import InputTypeError
from bayesreg.priors import LaplacePrior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import build_model
from bayesreg.testing import assert_certified, assert_map_matches_penalty


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(8)
    X = rng.standard_normal((25, 4))
    y = X @ np.array([2.0, 0.0, -1.0, 0.0]) + rng.standard_normal(25)
    return X, y


def test_assert_map_matches_penalty_passes_and_returns_the_report() -> None:
    X, y = make_data()
    report = assert_map_matches_penalty(X, y, LaplacePrior(0.05), noise=1.0)
    assert report.ok
    assert np.any(report.coef_map == 0.0)


def test_assert_map_matches_penalty_fails_with_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    original = bayesreg.pymc.equivalence.penalized_solve

    def without_zeros(*args: Any, **kwargs: Any) -> PenalizedFit:
        fit = original(*args, **kwargs)
        # a penalized estimate with no exact zeros: the zero patterns differ
        return dataclasses.replace(fit, coef=np.where(fit.coef == 0.0, 1e-12, fit.coef))

    monkeypatch.setattr(bayesreg.pymc.equivalence, "penalized_solve", without_zeros)
    X, y = make_data()
    with pytest.raises(AssertionError, match="NOT EQUIVALENT") as raised:
        assert_map_matches_penalty(X, y, LaplacePrior(0.05))
    message = str(raised.value)
    assert re.search(r"zero patterns +differ", message)
    assert "x0" in message  # the coefficient rows are in the message


def test_assert_certified_on_core_fits() -> None:
    X, y = make_data()
    fit = ridge(X, y, 0.1)
    assert_certified(fit)
    assert_certified(fit, tol=max(fit.gap, 1e-300))
    uncertified = dataclasses.replace(fit, gap=10 * fit.tol + 1.0, converged=False)
    with pytest.raises(AssertionError, match="converged=False"):
        assert_certified(uncertified)
    with pytest.raises(AssertionError, match="not certified"):
        assert_certified(uncertified, tol=fit.tol)
    without_tol = dataclasses.replace(fit, tol=float("nan"))
    with pytest.raises(AssertionError, match="pass tol"):
        assert_certified(without_tol)


def test_assert_certified_on_a_map_estimate() -> None:
    X, y = make_data()
    estimate = find_map(build_model(X, y, LaplacePrior(0.05), noise=1.0))
    assert_certified(estimate)
    with pytest.raises(AssertionError, match="kkt residual"):
        assert_certified(estimate, tol=estimate.gap / 2 if estimate.gap > 0 else 1e-300)


def test_assert_certified_rejects_other_objects() -> None:
    with pytest.raises(InputTypeError, match="PenalizedFit or a MapEstimate"):
        assert_certified("fit")  # type: ignore[arg-type]


@pytest.mark.parametrize("units", [1e-9, 1e9])
def test_assert_map_matches_penalty_is_relative_to_the_units_of_y(
    monkeypatch: pytest.MonkeyPatch, units: float
) -> None:
    """y, σ and the prior's scale in other units: the true MAP passes, a doubled one fails."""
    X, y = make_data()
    prior = LaplacePrior(0.05 * units)
    report = assert_map_matches_penalty(X, units * y, prior, noise=units)
    assert report.max_abs_diff <= report.rtol * report.coef_scale
    original = bayesreg.pymc.equivalence.find_map

    def doubled(model: Any, **kwargs: Any) -> Any:
        estimate = original(model, **kwargs)
        coef = 2.0 * estimate.values["coef"]
        return dataclasses.replace(estimate, coef=coef, values={**estimate.values, "coef": coef})

    monkeypatch.setattr(bayesreg.pymc.equivalence, "find_map", doubled)
    with pytest.raises(AssertionError, match="NOT EQUIVALENT"):
        assert_map_matches_penalty(X, units * y, prior, noise=units)


def test_assert_map_matches_penalty_defaults_to_a_free_noise() -> None:
    X, y = make_data()
    report = assert_map_matches_penalty(X, y, LaplacePrior(0.5))
    assert report.noise_estimated
    # the comparison is at σ̂'s penalty: alpha = σ̂²/(n b)
    assert report.alpha == pytest.approx(report.noise**2 / (25 * 0.5), rel=1e-14)
