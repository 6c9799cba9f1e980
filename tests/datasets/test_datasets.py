"""Bundled data sets and the synthetic generator, against published and independent values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from sklearn import datasets as sk_datasets
from sklearn.linear_model import LogisticRegression

from bayesreg.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_prostate,
    make_synthetic,
)
from bayesreg.datasets._synthetic import toeplitz_correlation
from bayesreg.errors import InputTypeError, InputValueError

PROSTATE_FEATURES = ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]

# ESL 2nd ed., Table 3.2: least squares on the 67 training rows, predictors standardized
# (full-data mean and sd), printed to two decimals.
ESL_TABLE_3_2_COEF = [2.46, 0.68, 0.26, -0.14, 0.21, 0.31, -0.29, -0.02, 0.27]
ESL_TABLE_3_2_STD_ERROR = [0.09, 0.13, 0.10, 0.10, 0.10, 0.12, 0.15, 0.15, 0.15]
ESL_TABLE_3_2_Z = [27.60, 5.37, 2.75, -1.40, 2.06, 2.47, -1.87, -0.15, 1.74]
# Values printed to two decimals are within half a unit of the last digit of the exact ones.
PRINTED_TWO_DECIMALS = 0.005


# --------------------------------------------------------------------------- prostate


def test_prostate_shape_dtype_and_finiteness() -> None:
    X, y = load_prostate()
    assert X.shape == (97, 8)
    assert y.shape == (97,)
    assert X.dtype == np.float64
    assert y.dtype == np.float64
    assert np.all(np.isfinite(X))
    assert np.all(np.isfinite(y))


def test_prostate_known_values() -> None:
    X, y = load_prostate()
    # first and last rows of the ESL file, and the corrected row 32
    np.testing.assert_array_equal(
        X[0], [-0.579818495, 2.769459, 50, -1.38629436, 0, -1.38629436, 6, 0]
    )
    assert y[0] == -0.4307829
    np.testing.assert_array_equal(
        X[96], [3.471966453, 3.974998, 68, 0.43825493, 1, 2.90416508, 7, 20]
    )
    assert y[96] == 5.5829322
    assert X[31, 1] == 3.804438
    # binary and integer-valued columns
    assert set(np.unique(X[:, 4])) == {0.0, 1.0}
    assert set(np.unique(X[:, 6])) == {6.0, 7.0, 8.0, 9.0}


def test_prostate_split_partitions_rows() -> None:
    X, y = load_prostate()
    X_train, _ = load_prostate(split="train")
    X_test, y_test = load_prostate(split="test")
    assert X_train.shape == (67, 8)
    assert X_test.shape == (30, 8)
    frame_train, _ = load_prostate(split="train", as_frame=True)
    frame_test, _ = load_prostate(split="test", as_frame=True)
    rows_train = frame_train.index.to_numpy() - 1
    rows_test = frame_test.index.to_numpy() - 1
    assert sorted([*rows_train, *rows_test]) == list(range(97))
    np.testing.assert_array_equal(X[rows_train], X_train)
    np.testing.assert_array_equal(y[rows_test], y_test)
    # ESL: rows 7, 9, 10 are test rows, rows 1-6 training rows
    assert {6, 8, 9} <= set(rows_test)
    assert set(range(6)) <= set(rows_train)


def test_prostate_as_frame() -> None:
    frame, target = load_prostate(as_frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(target, pd.Series)
    assert list(frame.columns) == PROSTATE_FEATURES
    assert target.name == "lpsa"
    assert frame.index[0] == 1
    np.testing.assert_array_equal(frame.to_numpy(), load_prostate()[0])


def _least_squares_table(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    design = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    sigma2 = residual @ residual / (len(y) - design.shape[1])
    # standard errors sqrt(σ² diag((AᵀA)⁻¹)), from the R factor of A = QR
    r_factor = np.linalg.qr(design, mode="r")
    r_inv = np.linalg.solve(r_factor, np.eye(design.shape[1]))
    std_error = np.sqrt(sigma2 * np.sum(r_inv**2, axis=1))
    return coef, std_error


def test_prostate_reproduces_esl_table_3_2() -> None:
    X_train, y_train = load_prostate(split="train", standardize=True)
    coef, std_error = _least_squares_table(X_train, y_train)
    np.testing.assert_allclose(coef, ESL_TABLE_3_2_COEF, rtol=0, atol=PRINTED_TWO_DECIMALS)
    np.testing.assert_allclose(
        std_error, ESL_TABLE_3_2_STD_ERROR, rtol=0, atol=PRINTED_TWO_DECIMALS
    )
    np.testing.assert_allclose(coef / std_error, ESL_TABLE_3_2_Z, rtol=0, atol=PRINTED_TWO_DECIMALS)


def test_prostate_standardize_uses_full_data_statistics() -> None:
    X, _ = load_prostate()
    Z, _ = load_prostate(standardize=True)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0, rtol=1e-13)
    # the training rows of the standardized table are those of the full-data z-scores
    frame_train, _ = load_prostate(split="train", as_frame=True)
    Z_train, _ = load_prostate(split="train", standardize=True)
    rows = frame_train.index.to_numpy() - 1
    expected = (X[rows] - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    np.testing.assert_allclose(Z_train, expected, rtol=1e-13, atol=1e-13)


def test_prostate_returns_fresh_arrays() -> None:
    X, y = load_prostate()
    X[0, 0] = 99.0
    y[0] = 99.0
    X_again, y_again = load_prostate()
    assert X_again[0, 0] == -0.579818495
    assert y_again[0] == -0.4307829


@pytest.mark.parametrize("split", ["validation", "TRAIN", 1])
def test_prostate_rejects_unknown_split(split: object) -> None:
    with pytest.raises(InputValueError, match="split must be one of 'train', 'test'"):
        load_prostate(split=split)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", ["as_frame", "standardize"])
def test_prostate_rejects_non_bool_flags(name: str) -> None:
    with pytest.raises(InputTypeError, match=f"{name} must be True or False"):
        load_prostate(**{name: "yes"})  # type: ignore[call-overload]


# --------------------------------------------------------------------------- breast cancer


def test_breast_cancer_shape_dtype_and_class_counts() -> None:
    X, y = load_breast_cancer()
    assert X.shape == (569, 30)
    assert y.shape == (569,)
    assert X.dtype == np.float64
    assert y.dtype == np.float64
    assert np.all(np.isfinite(X))
    assert set(np.unique(y)) == {0.0, 1.0}
    assert int(y.sum()) == 212  # malignant
    assert int((y == 0).sum()) == 357  # benign


def test_breast_cancer_matches_scikit_learn_with_malignant_as_one() -> None:
    X, y = load_breast_cancer()
    reference = sk_datasets.load_breast_cancer()
    np.testing.assert_array_equal(X, reference.data)
    # scikit-learn codes 0 = malignant; here 1 = malignant
    assert list(reference.target_names) == ["malignant", "benign"]
    np.testing.assert_array_equal(y, 1.0 - reference.target)
    frame, target = load_breast_cancer(as_frame=True)
    assert list(frame.columns) == list(reference.feature_names)
    assert target.name == "malignant"


def test_breast_cancer_standardize() -> None:
    Z, y = load_breast_cancer(standardize=True)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0, ddof=1), 1.0, rtol=1e-12)
    assert int(y.sum()) == 212


def test_breast_cancer_rejects_non_bool_flag() -> None:
    with pytest.raises(InputTypeError, match="as_frame must be True or False"):
        load_breast_cancer(as_frame=1)  # type: ignore[call-overload]


def test_diabetes_still_loads_with_its_convention() -> None:
    X, y = load_diabetes()
    assert X.shape == (442, 10)
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, rtol=1e-12)
    assert y.shape == (442,)


# --------------------------------------------------------------------------- synthetic


def test_synthetic_shapes_and_truth() -> None:
    data = make_synthetic(50, 12, n_informative=4, random_seed=3)
    assert data.X.shape == (50, 12)
    assert data.y.shape == (50,)
    assert data.coef.shape == (12,)
    assert data.X.dtype == np.float64
    assert data.y.dtype == np.float64
    assert np.all(np.isfinite(data.X))
    assert np.all(np.isfinite(data.y))
    assert data.support.size == 4
    magnitudes = np.abs(data.coef[data.support])
    assert np.all((magnitudes >= 1.0) & (magnitudes <= 2.0))
    assert np.count_nonzero(data.coef) == 4
    assert data.likelihood == "gaussian"
    for array in (data.X, data.y, data.coef):
        assert not array.flags.writeable


def test_toeplitz_correlation_matrix() -> None:
    sigma = toeplitz_correlation(4, 0.5)
    expected = np.array(
        [
            [1.0, 0.5, 0.25, 0.125],
            [0.5, 1.0, 0.5, 0.25],
            [0.25, 0.5, 1.0, 0.5],
            [0.125, 0.25, 0.5, 1.0],
        ]
    )
    np.testing.assert_array_equal(sigma, expected)


@settings(max_examples=20, deadline=None)
@given(
    correlation=st.floats(min_value=-0.9, max_value=0.95),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_synthetic_correlation_matches_toeplitz(correlation: float, seed: int) -> None:
    n_samples = 20_000
    data = make_synthetic(n_samples, 5, n_informative=1, correlation=correlation, random_seed=seed)
    sample = np.corrcoef(data.X, rowvar=False)
    expected = toeplitz_correlation(5, correlation)
    # A sample correlation r of a bivariate normal pair with correlation c has standard
    # deviation ≈ (1 − c²)/sqrt(n); allow 5 of them (10 pairs, so a false alarm has
    # probability below 1e-5) plus rounding.
    bound = 5.0 * (1.0 - expected**2) / np.sqrt(n_samples) + 1e-12
    assert np.all(np.abs(sample - expected) <= bound)
    # the population variance of every column is 1
    np.testing.assert_allclose(data.X.var(axis=0), 1.0, atol=5.0 * np.sqrt(2.0 / n_samples))


def test_synthetic_gaussian_noise_and_least_squares_recovery() -> None:
    n_samples, noise = 4000, 0.7
    data = make_synthetic(
        n_samples, 6, n_informative=3, correlation=0.6, noise=noise, intercept=1.5, random_seed=11
    )
    residual = data.y - data.intercept - data.X @ data.coef
    # sd of a sample variance of n normal draws is σ² sqrt(2/n): 5 of them
    assert abs(residual.var() - noise**2) <= 5.0 * noise**2 * np.sqrt(2.0 / n_samples)
    design = np.column_stack([np.ones(n_samples), data.X])
    estimate, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    # OLS standard errors σ sqrt(diag((AᵀA)⁻¹)); every estimate within 5 of them
    std_error = noise * np.sqrt(np.diag(np.linalg.inv(design.T @ design)))
    truth = np.concatenate([[data.intercept], data.coef])
    assert np.all(np.abs(estimate - truth) <= 5.0 * std_error)


def test_synthetic_bernoulli_follows_the_logistic_model() -> None:
    n_samples = 6000
    data = make_synthetic(
        n_samples, 4, n_informative=2, likelihood="bernoulli", intercept=-0.5, random_seed=5
    )
    assert data.likelihood == "bernoulli"
    assert data.noise == 1.0
    assert set(np.unique(data.y)) <= {0.0, 1.0}
    probability = special.expit(data.intercept + data.X @ data.coef)
    # the count of ones has variance Σ p(1−p): within 5 sd of Σ p
    spread = np.sqrt(np.sum(probability * (1.0 - probability)))
    assert abs(data.y.sum() - probability.sum()) <= 5.0 * spread
    # the unpenalized maximum-likelihood fit recovers the truth within 5 standard errors
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(data.X, data.y)
    estimate = np.concatenate([model.intercept_, model.coef_[0]])
    design = np.column_stack([np.ones(n_samples), data.X])
    fitted = special.expit(design @ estimate)
    fisher = design.T @ (design * (fitted * (1.0 - fitted))[:, None])
    std_error = np.sqrt(np.diag(np.linalg.inv(fisher)))
    truth = np.concatenate([[data.intercept], data.coef])
    assert np.all(np.abs(estimate - truth) <= 5.0 * std_error)


def test_synthetic_reproducible_by_seed() -> None:
    first = make_synthetic(30, 8, random_seed=42)
    second = make_synthetic(30, 8, random_seed=42)
    other = make_synthetic(30, 8, random_seed=43)
    np.testing.assert_array_equal(first.X, second.X)
    np.testing.assert_array_equal(first.y, second.y)
    np.testing.assert_array_equal(first.coef, second.coef)
    assert not np.array_equal(first.X, other.X)
    from_generator = make_synthetic(30, 8, random_seed=np.random.default_rng(42))
    np.testing.assert_array_equal(first.y, from_generator.y)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_samples": 0}, InputValueError, "n_samples must be an integer ≥ 1"),
        ({"n_features": 2.5}, InputTypeError, "n_features must be an integer"),
        ({"n_features": 3, "n_informative": 4}, InputValueError, "at most n_features = 3"),
        ({"correlation": 1.0}, InputValueError, "strictly between -1 and 1"),
        ({"correlation": "high"}, InputTypeError, "correlation must be a real number"),
        ({"noise": 0.0}, InputValueError, "noise must be a finite number > 0"),
        ({"likelihood": "poisson"}, InputValueError, "likelihood must be one of"),
        ({"likelihood": "bernoulli", "noise": 2.0}, InputValueError, "noise must be 1.0"),
        ({"intercept": float("nan")}, InputValueError, "intercept must be a finite number"),
        ({"random_seed": -1}, InputValueError, "random_seed must be an integer ≥ 0"),
        ({"random_seed": 1.5}, InputTypeError, "random_seed must be None"),
    ],
)
def test_synthetic_rejects_bad_input(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make_synthetic(**kwargs)  # type: ignore[arg-type]
