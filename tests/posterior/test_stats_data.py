"""The least-squares fit and residual sd the posterior tools start from."""

from __future__ import annotations

import numpy as np
import pytest

from bayesreg.core.stats import SufficientStats
from bayesreg.posterior._stats_data import least_squares_noise, linear_data_of


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_least_squares_noise_is_the_residual_sd_of_the_fit(fit_intercept: bool) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 3.0 + rng.standard_normal(30)
    design = np.column_stack([np.ones(30), X]) if fit_intercept else X
    fit, rss, *_ = np.linalg.lstsq(design, y, rcond=None)
    expected = np.sqrt(rss[0] / (30 - design.shape[1]))
    for data in (
        linear_data_of(X, y, fit_intercept=fit_intercept),
        linear_data_of(SufficientStats.from_arrays(X, y), None, fit_intercept=fit_intercept),
    ):
        coef, noise = least_squares_noise(data)
        np.testing.assert_allclose(coef, fit[-4:], rtol=1e-10)
        assert noise == pytest.approx(expected, rel=1e-10)


def test_least_squares_noise_clips_the_residual_degrees_of_freedom_at_one() -> None:
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((5, 8)), rng.standard_normal(5)
    coef, noise = least_squares_noise(linear_data_of(X, y, fit_intercept=True))
    assert coef.shape == (8,)
    assert noise == pytest.approx(0.0, abs=1e-10)  # p ≥ n − 1: an exact fit
