"""Bootstrap selection frequencies: exact bootstrap facts, alpha_max, reproducibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.special import expit

from bayesreg.core.enet_path import alpha_max
from bayesreg.core.enet_solver import lasso
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.ridge import ridge
from bayesreg.core.stability import bootstrap_selection
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]


def _gaussian(n: int, p: int, seed: int, rho: float = 0.0) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1.0 - rho**2) * X[:, j]
    y = X[:, 0] - 0.5 * X[:, 1] + rng.standard_normal(n)
    return X, y


@given(seed=st.integers(0, 10_000), l1_ratio=st.sampled_from([1.0, 0.5, 0.0]))
def test_frequencies_are_the_fraction_of_non_zero_bootstrap_coefficients(
    seed: int, l1_ratio: float
) -> None:
    X, y = _gaussian(40, 6, seed, rho=0.7)
    result = bootstrap_selection(X, y, 0.1, l1_ratio=l1_ratio, n_bootstrap=20, random_seed=seed)
    assert result.coefs.shape == (20, 6)
    assert np.all((result.frequency >= 0.0) & (result.frequency <= 1.0))
    # frequencies are multiples of 1/B: the mean of the selection indicators
    np.testing.assert_array_equal(result.frequency, (result.coefs != 0.0).mean(axis=0))
    np.testing.assert_allclose(result.sd, np.std(result.coefs, axis=0, ddof=1), rtol=1e-12)
    assert result.converged.all()
    if l1_ratio == 0.0:
        # ridge with alpha > 0 is (XᵀX + nα I)⁻¹Xᵀy, zero only on a null set
        np.testing.assert_array_equal(result.frequency, 1.0)


def test_each_draw_is_the_fit_on_the_resampled_rows() -> None:
    X, y = _gaussian(50, 4, seed=1, rho=0.5)
    seed = 11
    result = bootstrap_selection(X, y, 0.05, n_bootstrap=5, random_seed=seed)
    # the documented resampling: n row indices drawn with replacement by default_rng(seed)
    generator = np.random.default_rng(seed)
    for b in range(5):
        rows = generator.integers(0, 50, 50)
        np.testing.assert_allclose(
            result.coefs[b], lasso(X[rows], y[rows], 0.05).coef, atol=1e-12, rtol=0
        )
    # the same resamples serve every estimator: ridge on them with the same seed
    ridge_result = bootstrap_selection(X, y, 0.3, l1_ratio=0.0, n_bootstrap=5, random_seed=seed)
    generator = np.random.default_rng(seed)
    for b in range(5):
        rows = generator.integers(0, 50, 50)
        np.testing.assert_allclose(
            ridge_result.coefs[b], ridge(X[rows], y[rows], 0.3).coef, atol=1e-12, rtol=0
        )


def test_alpha_above_every_resamples_alpha_max_selects_nothing() -> None:
    X, y = _gaussian(60, 5, seed=2, rho=0.8)
    # w = 0 is the lasso solution on a resample iff alpha ≥ that resample's alpha_max
    # (||X_cᵀ y_c||∞ / n); alpha = 4 × the full-data alpha_max exceeds every resample's here,
    # which the loop checks, so every draw must be exactly 0.
    alpha = 4.0 * alpha_max(X, y)
    result = bootstrap_selection(X, y, alpha, n_bootstrap=30, random_seed=3)
    generator = np.random.default_rng(3)
    for _ in range(30):
        rows = generator.integers(0, 60, 60)
        assert alpha_max(X[rows], y[rows]) < alpha
    np.testing.assert_array_equal(result.frequency, 0.0)
    np.testing.assert_array_equal(result.coefs, 0.0)
    np.testing.assert_array_equal(result.sd, 0.0)


def test_same_seed_same_result_and_no_global_state() -> None:
    X, y = _gaussian(50, 5, seed=4, rho=0.9)
    first = bootstrap_selection(X, y, 0.1, n_bootstrap=15, random_seed=7)
    np.random.seed(0)  # noqa: NPY002 (the legacy global state must stay untouched)
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    second = bootstrap_selection(X, y, 0.1, n_bootstrap=15, random_seed=7)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    np.testing.assert_array_equal(first.coefs, second.coefs)
    np.testing.assert_array_equal(first.frequency, second.frequency)
    other = bootstrap_selection(X, y, 0.1, n_bootstrap=15, random_seed=8)
    assert not np.array_equal(first.coefs, other.coefs)
    generator_result = bootstrap_selection(
        X, y, 0.1, n_bootstrap=15, random_seed=np.random.default_rng(7)
    )
    np.testing.assert_array_equal(first.coefs, generator_result.coefs)


def test_strong_uncorrelated_signal_is_selected_in_every_resample() -> None:
    # Nearly orthogonal design, strong signal on x0 and x1. By the KKT conditions the
    # lasso's w_j is 0 only if |x_jcᵀ r_(−j)| / n ≤ alpha, with r_(−j) the residual without
    # feature j; for these two features that partial correlation is about 3 and 2 (± 0.3 on
    # any resample of n = 200 rows with noise sd 1), far above alpha = 0.5: frequency 1.
    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 6))
    y = 3.0 * X[:, 0] - 2.0 * X[:, 1] + rng.standard_normal(200)
    result = bootstrap_selection(X, y, 0.5, n_bootstrap=50, random_seed=6)
    np.testing.assert_array_equal(result.frequency[:2], 1.0)
    frame = result.to_frame()
    assert list(frame.columns) == ["frequency", "sd"]
    assert list(frame.index) == [f"x{j}" for j in range(6)]


def test_bernoulli_resamples_keep_both_classes() -> None:
    rng = np.random.default_rng(8)
    X = rng.standard_normal((40, 3))
    y = (rng.random(40) < expit(2.0 * X[:, 0])).astype(float)
    y[:2] = [1.0, 0.0]
    top = logistic_alpha_max(X, y)
    result = bootstrap_selection(
        X, y, 0.5 * top, likelihood="bernoulli", n_bootstrap=10, random_seed=9
    )
    assert result.likelihood == "bernoulli"
    assert result.converged.all()
    # stratified resampling: rows drawn within the 0s and within the 1s
    generator = np.random.default_rng(9)
    zeros, ones = np.flatnonzero(y == 0.0), np.flatnonzero(y == 1.0)
    for b in range(10):
        rows = np.concatenate(
            [
                zeros[generator.integers(0, zeros.size, zeros.size)],
                ones[generator.integers(0, ones.size, ones.size)],
            ]
        )
        fit = logistic(X[rows], y[rows], 0.5 * top, l1_ratio=1.0)
        np.testing.assert_allclose(result.coefs[b], fit.coef, atol=1e-10, rtol=0)


def test_feature_names_from_a_dataframe_and_bad_input() -> None:
    X, y = _gaussian(30, 3, seed=10)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    result = bootstrap_selection(frame, y, 0.1, n_bootstrap=4, random_seed=0)
    assert result.feature_names == ("a", "b", "c")
    assert result.n_bootstrap == 4
    assert result.selected.shape == (4, 3)
    with pytest.raises(ValueError, match="read-only"):
        result.frequency[0] = 0.5
    with pytest.raises(InputValueError, match="n_bootstrap must be ≥ 2"):
        bootstrap_selection(X, y, 0.1, n_bootstrap=1)
    with pytest.raises(InputValueError, match="alpha"):
        bootstrap_selection(X, y, -0.1)
    with pytest.raises(InputValueError, match="likelihood"):
        bootstrap_selection(X, y, 0.1, likelihood="poisson")
    with pytest.raises(DataError, match="y must hold only 0 and 1"):
        bootstrap_selection(X, y, 0.1, likelihood="bernoulli")
    with pytest.raises(InputTypeError, match="random_seed"):
        bootstrap_selection(X, y, 0.1, random_seed=1.5)  # type: ignore[arg-type]
