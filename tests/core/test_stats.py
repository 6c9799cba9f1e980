"""SufficientStats: the statistics themselves, their merge, their numerics and errors.

Oracle: the two-pass centered computation on the whole data in memory
(``Xc = X − mean(X)``, then ``XcᵀXc``, ``Xcᵀyc``, ``ycᵀyc``), written out in the test.
Tolerances: ``STATS_RTOL = 1e-10`` relative (in max norm against the largest entry of
the reference) between any two ways of computing the same statistics; 1e-12 for
identities that involve only a few roundings (raw moments, the residual identity).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core.stats import SufficientStats, is_sufficient_stats
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

STATS_RTOL = 1e-10


def make_data(
    n: int = 200, p: int = 5, *, offset: float = 3.0, seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Correlated columns with non-zero means and a linear target with noise."""
    rng = np.random.default_rng(seed)
    mixing = np.linalg.cholesky(0.5 * np.eye(p) + 0.5)
    X = rng.standard_normal((n, p)) @ mixing.T + offset * np.arange(1, p + 1)
    y = 2.0 + X @ rng.standard_normal(p) + rng.standard_normal(n)
    return X, y


def two_pass(X: FloatArray, y: FloatArray) -> dict[str, FloatArray | float]:
    """The reference: means, then the products of the centered data."""
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    Xc, yc = X - x_mean, y - y_mean
    return {
        "x_mean": x_mean,
        "y_mean": y_mean,
        "gram": Xc.T @ Xc,
        "xty": Xc.T @ yc,
        "yty": float(yc @ yc),
    }


def dask_modules() -> tuple[Any, Any]:
    """``dask`` and ``dask.array`` (the ``dask`` extra, part of ``dev``)."""
    import dask
    import dask.array

    return dask, dask.array


def relative_difference(value: object, reference: object) -> float:
    a, b = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


def assert_same_stats(stats: SufficientStats, reference: dict[str, FloatArray | float]) -> None:
    for name, expected in reference.items():
        difference = relative_difference(getattr(stats, name), expected)
        assert difference <= STATS_RTOL, f"{name}: {difference:.2e}"


def chunks_of(X: FloatArray, y: FloatArray, cuts: list[int]) -> list[tuple[FloatArray, FloatArray]]:
    edges = [0, *sorted(set(cuts)), len(y)]
    return [(X[a:b], y[a:b]) for a, b in itertools.pairwise(edges) if b > a]


def test_from_arrays_matches_the_two_pass_computation() -> None:
    X, y = make_data()
    stats = SufficientStats.from_arrays(X, y)
    assert stats.n_samples == 200
    assert stats.n_features == 5
    assert stats.feature_names == ("x0", "x1", "x2", "x3", "x4")
    assert_same_stats(stats, two_pass(X, y))
    np.testing.assert_array_equal(stats.gram, stats.gram.T)
    assert not stats.gram.flags.writeable


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=120),
    p=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=2**16),
    cut_fractions=st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=12),
)
def test_any_chunking_gives_the_same_statistics(
    n: int, p: int, seed: int, cut_fractions: list[float]
) -> None:
    X, y = make_data(n, p, seed=seed)
    cuts = [int(f * n) for f in cut_fractions]
    stats = SufficientStats.from_chunks(iter(chunks_of(X, y, cuts)))
    assert stats.n_samples == n
    assert_same_stats(stats, two_pass(X, y))


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=3, max_size=3),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_merge_is_associative_and_commutative(sizes: list[int], seed: int) -> None:
    X, y = make_data(sum(sizes), 4, seed=seed)
    a, b, c = (
        SufficientStats.from_arrays(Xb, yb)
        for Xb, yb in chunks_of(X, y, [sizes[0], sizes[0] + sizes[1]])
    )
    left, right, swapped = a.merge(b).merge(c), a.merge(b.merge(c)), c.merge(a).merge(b)
    reference = two_pass(X, y)
    for merged in (left, right, swapped):
        assert merged.n_samples == sum(sizes)
        assert_same_stats(merged, reference)


@pytest.mark.parametrize(
    ("row_chunks", "column_chunks", "y_chunks"),
    [(50, 5, 50), (37, 2, 60), (200, 3, 200), (1, 5, 7)],
)
def test_from_dask_matches_from_arrays(row_chunks: int, column_chunks: int, y_chunks: int) -> None:
    dask, da = dask_modules()
    X, y = make_data(200, 5)
    with dask.config.set(scheduler="synchronous"):
        stats = SufficientStats.from_dask(
            da.from_array(X, chunks=(row_chunks, column_chunks)),
            da.from_array(y, chunks=y_chunks),
        )
    assert stats.n_samples == 200
    assert_same_stats(stats, two_pass(X, y))


def test_from_dask_takes_dataframes_and_in_memory_targets() -> None:
    dask, da = dask_modules()
    import dask.dataframe as dd

    X, y = make_data(90, 3)
    frame = dd.from_pandas(pd.DataFrame(X, columns=["a", "b", "c"]), npartitions=4)
    with dask.config.set(scheduler="synchronous"):
        from_frame = SufficientStats.from_dask(frame, dd.from_pandas(pd.Series(y), npartitions=4))
        from_numpy_y = SufficientStats.from_dask(da.from_array(X, chunks=(20, 3)), y)
    assert from_frame.feature_names == ("a", "b", "c")
    assert_same_stats(from_frame, two_pass(X, y))
    assert_same_stats(from_numpy_y, two_pass(X, y))


def test_dataframe_chunks_give_feature_names() -> None:
    X, y = make_data(60, 3)
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    blocks = ((frame.iloc[i : i + 25], pd.Series(y[i : i + 25])) for i in range(0, 60, 25))
    assert SufficientStats.from_chunks(blocks).feature_names == ("age", "bmi", "bp")
    named = SufficientStats.from_arrays(X, y, feature_names=["u", "v", "w"])
    assert named.feature_names == ("u", "v", "w")


def test_huge_mean_offset_keeps_every_digit() -> None:
    """Columns 1e8 + N(0, 1): raw sums lose all digits, centered merges keep them."""
    dask, da = dask_modules()
    rng = np.random.default_rng(3)
    n, p = 20_000, 3
    X = 1e8 + rng.standard_normal((n, p))
    y = 1e8 + X @ np.array([1.0, -2.0, 0.5]) - 1e8 * (1.0 - 2.0 + 0.5) + rng.standard_normal(n)
    reference = two_pass(X, y)
    # Naive: XᵀX − n x̄x̄ᵀ subtracts numbers of size n·1e16 to get one of size n.
    naive_gram = X.T @ X - n * np.outer(X.mean(axis=0), X.mean(axis=0))
    assert relative_difference(naive_gram, reference["gram"]) > 1e-2
    streamed = SufficientStats.from_chunks(chunks_of(X, y, list(range(0, n, 997))))
    with dask.config.set(scheduler="synchronous"):
        distributed = SufficientStats.from_dask(
            da.from_array(X, chunks=(1500, p)), da.from_array(y, chunks=1500)
        )
    for stats in (streamed, distributed, SufficientStats.from_arrays(X, y)):
        for name in ("gram", "xty", "yty"):
            assert relative_difference(getattr(stats, name), reference[name]) <= 1e-12, name


def test_raw_moments_without_intercept() -> None:
    X, y = make_data(80, 4)
    stats = SufficientStats.from_arrays(X, y)
    gram, xty, yty = stats.cross_products(fit_intercept=False)
    assert relative_difference(gram, X.T @ X) <= 1e-12
    assert relative_difference(xty, X.T @ y) <= 1e-12
    assert relative_difference(yty, y @ y) <= 1e-12
    centered = stats.cross_products(fit_intercept=True)
    np.testing.assert_array_equal(centered[0], stats.gram)
    assert stats.centering(fit_intercept=False).intercept(np.ones(4)) == 0.0
    assert stats.target_scale(fit_intercept=False) == pytest.approx(np.sqrt(np.mean(y**2)), 1e-12)
    assert stats.target_scale() == pytest.approx(np.std(y), rel=1e-12)


def test_residual_sum_of_squares_identity() -> None:
    X, y = make_data(70, 4, seed=5)
    stats = SufficientStats.from_arrays(X, y)
    rng = np.random.default_rng(0)
    for _ in range(5):
        coef, intercept = rng.standard_normal(4), float(rng.standard_normal())
        residual = y - intercept - X @ coef
        assert stats.residual_sum_of_squares(coef, intercept) == pytest.approx(
            residual @ residual, rel=1e-12
        )


def test_single_row_and_direct_construction() -> None:
    stats = SufficientStats.from_chunks([(np.array([[1.0, 2.0]]), np.array([3.0]))])
    assert stats.n_samples == 1
    np.testing.assert_array_equal(stats.gram, np.zeros((2, 2)))
    direct = SufficientStats(
        3, np.array([0.0, 1.0]), 2.0, np.array([[2.0, 1.0], [1.0, 2.0]]), np.ones(2), 4.0
    )
    assert direct.feature_names == ("x0", "x1")
    assert repr(direct) == "SufficientStats(n_samples=3, n_features=2, feature_names=('x0', 'x1'))"


def test_is_sufficient_stats_rejects_a_target() -> None:
    X, y = make_data(20, 2)
    stats = SufficientStats.from_arrays(X, y)
    assert is_sufficient_stats(stats, None)
    assert not is_sufficient_stats(X, y)
    with pytest.raises(InputValueError, match="y must be None when X is a SufficientStats"):
        is_sufficient_stats(stats, y)


def test_block_errors_name_the_block() -> None:
    X, y = make_data(30, 3)
    bad = X.copy()
    bad[12, 1] = np.nan
    with pytest.raises(DataError, match="X of block 1 contains 1 NaN"):
        SufficientStats.from_chunks(chunks_of(bad, y, [10, 20]))
    with pytest.raises(DataError, match="X of block 2 has 2 columns but block 0 has 3"):
        SufficientStats.from_chunks([(X[:10], y[:10]), (X[10:20], y[10:20]), (X[20:, :2], y[20:])])
    with pytest.raises(DataError, match="y of block 1 has 9 entries but X has 10 rows"):
        SufficientStats.from_chunks([(X[:10], y[:10]), (X[10:20], y[10:19])])
    with pytest.raises(DataError, match="y of block 0 must be 1-D"):
        SufficientStats.from_chunks([(X[:10], np.ones((10, 2)))])
    with pytest.raises(DataError, match="X of block 0 is empty"):
        SufficientStats.from_chunks([(X[:0], y[:0])])
    with pytest.raises(InputTypeError, match="block 1 must be a pair"):
        SufficientStats.from_chunks([(X[:10], y[:10]), X[10:20]])
    with pytest.raises(DataError, match="blocks is empty"):
        SufficientStats.from_chunks(iter([]))
    with pytest.raises(InputTypeError, match="iterable of"):
        SufficientStats.from_chunks(3)  # type: ignore[arg-type]
    frames = [
        (pd.DataFrame(X[:10], columns=["a", "b", "c"]), y[:10]),
        (pd.DataFrame(X[10:], columns=["a", "c", "b"]), y[10:]),
    ]
    with pytest.raises(DataError, match="block 1 has columns"):
        SufficientStats.from_chunks(frames)


def test_dask_errors() -> None:
    dask, da = dask_modules()
    X, y = make_data(40, 3)
    bad = X.copy()
    bad[25, 0] = np.inf
    with dask.config.set(scheduler="synchronous"):
        with pytest.raises(DataError, match="X of block 2 contains 0 NaN and 1 infinite"):
            SufficientStats.from_dask(da.from_array(bad, chunks=(10, 3)), da.from_array(y))
        with pytest.raises(DataError, match="y has 39 entries but X has 40 rows"):
            SufficientStats.from_dask(da.from_array(X), da.from_array(y[:39]))
        masked = da.from_array(X, chunks=(10, 3))
        masked = masked[masked[:, 0] > 0.0]
        with pytest.raises(DataError, match="compute_chunk_sizes"):
            SufficientStats.from_dask(masked, da.from_array(y))
        with pytest.raises(DataError, match="X must be 2-D"):
            SufficientStats.from_dask(da.from_array(y), da.from_array(y))


def test_from_dask_without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real_import = importlib.import_module

    def no_dask(name: str, package: str | None = None) -> object:
        if name.startswith("dask"):
            raise ImportError(name)
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_dask)
    with pytest.raises(ImportError, match=r"bayesreg\[dask\]"):
        SufficientStats.from_dask(np.ones((3, 2)), np.ones(3))


def test_invalid_statistics_and_merges() -> None:
    with pytest.raises(DataError, match="gram must be symmetric"):
        SufficientStats(3, np.zeros(2), 0.0, np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2), 1.0)
    with pytest.raises(DataError, match="sums of squares and must be ≥ 0"):
        SufficientStats(3, np.zeros(2), 0.0, np.eye(2), np.zeros(2), -1.0)
    with pytest.raises(DataError, match="x_mean must have one entry per column"):
        SufficientStats(3, np.zeros(1), 0.0, np.eye(2), np.zeros(2), 1.0)
    with pytest.raises(InputValueError, match="n_samples must be an integer ≥ 1"):
        SufficientStats(0, np.zeros(2), 0.0, np.eye(2), np.zeros(2), 1.0)
    with pytest.raises(InputValueError, match="feature_names must be a sequence of 2"):
        SufficientStats.from_arrays(np.eye(2), [1.0, 2.0], feature_names=["a"])
    X, y = make_data(20, 2)
    stats = SufficientStats.from_arrays(X, y)
    renamed = SufficientStats.from_arrays(X, y, feature_names=["a", "b"])
    with pytest.raises(DataError, match="different features"):
        stats.merge(renamed)
    with pytest.raises(InputTypeError, match="other must be a SufficientStats"):
        stats.merge((X, y))  # type: ignore[arg-type]
