"""Credible bands along a path: exact at the sampled alphas, linear in log alpha between."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from bayesreg.core.ridge import ridge_path
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.posterior.bands import PosteriorBands, bands_along_path
from bayesreg.posterior.summary import bayesian_path
from bayesreg.priors import GaussianPrior

SCALES = (0.05, 0.2, 1.0, 5.0)


def _problem() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(21)
    X = rng.standard_normal((40, 3))
    return X, X @ np.array([1.0, -0.5, 0.3]) + rng.standard_normal(40)


def _table(X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    # Gaussian priors: exact posterior HDIs (mean ± z·sd), no Monte Carlo error
    return bayesian_path(X, y, [GaussianPrior(s) for s in SCALES], noise=1.0, hdi_prob=0.9)


def test_bands_equal_the_hdis_at_the_sampled_alphas() -> None:
    X, y = _problem()
    table = _table(X, y)
    sampled = np.sort(table["alpha"].unique())
    # the path's grid holds the sampled alphas in decreasing order, and points between
    path_alphas = np.sort(np.r_[sampled, np.sqrt(sampled[:-1] * sampled[1:])])[::-1]
    path = ridge_path(X, y, path_alphas)
    bands = bands_along_path(path, table)
    assert bands.lower.shape == path.coefs.shape
    assert bands.prob == 0.9
    for i, alpha in enumerate(path.alphas):
        rows = table[np.isclose(table["alpha"], alpha, rtol=1e-12)]
        if len(rows):
            np.testing.assert_allclose(bands.lower[i], rows["hdi_lower"], rtol=1e-12)
            np.testing.assert_allclose(bands.upper[i], rows["hdi_upper"], rtol=1e-12)
    # at the log-midpoint of two sampled alphas the band is the mean of their bounds
    for left, right in itertools.pairwise(sampled):
        middle = int(np.argmin(np.abs(path.alphas - np.sqrt(left * right))))
        at = {a: table[np.isclose(table["alpha"], a, rtol=1e-12)] for a in (left, right)}
        expected = 0.5 * (at[left]["hdi_upper"].to_numpy() + at[right]["hdi_upper"].to_numpy())
        np.testing.assert_allclose(bands.upper[middle], expected, rtol=1e-12)
    assert np.all(bands.lower <= bands.upper)


def test_bands_hold_the_end_values_outside_the_sampled_range() -> None:
    X, y = _problem()
    table = _table(X, y)
    largest = table["alpha"].max()
    path = ridge_path(X, y, np.array([10.0 * largest, largest]))
    bands = bands_along_path(path, table)
    np.testing.assert_array_equal(bands.lower[0], bands.lower[1])


def test_bands_reject_bad_input() -> None:
    X, y = _problem()
    table = _table(X, y)
    path = ridge_path(X, y, np.geomspace(1e-3, 1.0, 5))
    with pytest.raises(InputTypeError, match="path must be a PathFit"):
        bands_along_path(table, table)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="bands holds 2 features but the path has 3"):
        bands_along_path(path, table[table["feature"] != table["feature"].iloc[0]])
    with pytest.raises(DataError, match="l1_ratio"):
        bands_along_path(path, table.assign(l1_ratio=1.0))
    with pytest.raises(InputValueError, match="alpha ≤ 0"):
        bands_along_path(path, table.assign(alpha=0.0))


def test_posterior_bands_validate_and_freeze() -> None:
    lower = np.zeros((3, 2))
    bands = PosteriorBands(lower, lower + 1.0, prob=0.5)
    assert not bands.lower.flags.writeable
    with pytest.raises(DataError, match="lower bound must be ≤"):
        PosteriorBands(lower + 1.0, lower)
    with pytest.raises(DataError, match="one shape"):
        PosteriorBands(lower, lower[1:])
    with pytest.raises(DataError, match="finite"):
        PosteriorBands(lower, np.full((3, 2), np.inf))
    with pytest.raises(InputValueError, match="prob must lie strictly between 0 and 1"):
        PosteriorBands(lower, lower, prob=1.0)
