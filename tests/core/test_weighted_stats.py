"""Weighted sufficient statistics: ``SufficientStats.from_arrays(X, y, sample_weight=s)``.

With ``W = Σ s_i``, ``x̄ = Σ s_i x_i/W``, ``ȳ = Σ s_i y_i/W`` and ``S = diag(s)`` the
statistics are ``XcᵀSXc``, ``XcᵀSyc``, ``ycᵀSyc`` (``weight_sum = W``, ``n_samples`` the
rows with ``s_i > 0``), and every penalized solver given them minimizes
``1/(2W) Σ_i s_i (y_i − w0 − x_iᵀw)² + alpha·P(w)``: the fit of the rows with
``sample_weight=s``.

Oracles: the weighted two-pass computation written out here; the solvers on the rows with
``sample_weight`` (a different road: the weights folded into the rows); scikit-learn's
``Lasso(alpha).fit(X, y, sample_weight=s)``; replicated rows for integer weights.

Tolerances: ``STATS_RTOL = 1e-10`` relative (max norm against the largest entry of the
reference, or for the centred products the uncentred moments ``Σs·(x̄² + ȳ²)`` they
cancel, when larger) between two computations of the same statistics; ``FIT_RTOL = 1e-9`` relative
to the largest coefficient between fits of the same problem from statistics and from rows
(both exact: the active-set method and Cholesky, so only rounding differs; observed
≤ 1e-13); ``ORACLE_RTOL = 1e-7`` against scikit-learn's coordinate descent at
``tol=1e-12``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import Lasso

from bayesreg.core.data import least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.ridge import ridge, ridge_path
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

STATS_RTOL = 1e-10
FIT_RTOL = 1e-9
ORACLE_RTOL = 1e-7


def make_weighted(
    n: int = 80, p: int = 5, *, seed: int = 0, zeros: int = 4
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Correlated columns with non-zero means, a linear target, exponential weights with
    ``zeros`` of them 0."""
    rng = np.random.default_rng(seed)
    mixing = np.linalg.cholesky(0.5 * np.eye(p) + 0.5)
    X = rng.standard_normal((n, p)) @ mixing.T + 3.0 * np.arange(1, p + 1)
    y = 2.0 + X @ rng.standard_normal(p) + rng.standard_normal(n)
    weights = rng.exponential(size=n)
    weights[rng.choice(n, size=min(zeros, n - 1), replace=False)] = 0.0
    return X, y, weights


def weighted_two_pass(X: FloatArray, y: FloatArray, s: FloatArray) -> dict[str, Any]:
    """The reference: weighted means, then the weighted products of the centered data."""
    total = float(s.sum())
    x_mean, y_mean = s @ X / total, float(s @ y) / total
    Xc, yc = X - x_mean, y - y_mean
    return {
        "x_mean": x_mean,
        "y_mean": y_mean,
        "gram": Xc.T @ (s[:, None] * Xc),
        "xty": Xc.T @ (s * yc),
        "yty": float(yc @ (s * yc)),
        "total_weight": total,
    }


def relative_difference(value: object, reference: object) -> float:
    a, b = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-300))


def assert_same_stats(stats: SufficientStats, reference: dict[str, Any]) -> None:
    """Each statistic within ``STATS_RTOL`` of the reference, relative to its largest entry.

    A centred product that is 0 in exact arithmetic (e.g. ``yty`` when one row has a positive
    weight) comes out of either computation as rounding of the uncentred moments it cancels,
    ``Σs·(x̄² + ȳ²)``: that magnitude is the floor of the scale for the centred products.
    """
    moments = reference["total_weight"] * (
        float(np.max(np.abs(reference["x_mean"]))) ** 2 + reference["y_mean"] ** 2
    )
    for name, expected in reference.items():
        floor = moments if name in ("gram", "xty", "yty") else 0.0
        a, b = np.asarray(getattr(stats, name), dtype=float), np.asarray(expected, dtype=float)
        scale = max(float(np.max(np.abs(b))), floor, 1e-300)
        difference = float(np.max(np.abs(a - b))) / scale
        assert difference <= STATS_RTOL, f"{name}: {difference:.2e}"


def assert_same_fit(a: FloatArray, b: FloatArray, rtol: float = FIT_RTOL) -> None:
    scale = max(1.0, float(np.max(np.abs(b))))
    assert float(np.max(np.abs(a - b))) <= rtol * scale


def test_from_arrays_is_the_weighted_two_pass_computation() -> None:
    X, y, s = make_weighted()
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    assert stats.n_samples == int(np.count_nonzero(s))
    assert stats.weight_sum == pytest.approx(s.sum(), rel=1e-15)
    assert_same_stats(stats, weighted_two_pass(X, y, s))
    np.testing.assert_array_equal(stats.gram, stats.gram.T)
    assert "weight_sum=" in repr(stats)


def test_zero_weight_removes_its_row_exactly() -> None:
    X, y, s = make_weighted()
    keep = s > 0.0
    weighted = SufficientStats.from_arrays(X, y, sample_weight=s)
    removed = SufficientStats.from_arrays(X[keep], y[keep], sample_weight=s[keep])
    for name in ("n_samples", "x_mean", "y_mean", "gram", "xty", "yty", "weight_sum"):
        np.testing.assert_array_equal(getattr(weighted, name), getattr(removed, name))


def test_integer_weights_are_replicated_rows() -> None:
    X, y, _ = make_weighted(seed=1)
    counts = np.random.default_rng(1).integers(0, 4, size=len(y)).astype(float)
    weighted = SufficientStats.from_arrays(X, y, sample_weight=counts)
    rows = np.repeat(np.arange(len(y)), counts.astype(int))
    replicated = SufficientStats.from_arrays(X[rows], y[rows])
    assert weighted.total_weight == replicated.n_samples == counts.sum()
    assert weighted.n_samples == np.count_nonzero(counts)  # the noise's rows
    for name in ("x_mean", "y_mean", "gram", "xty", "yty"):
        difference = relative_difference(getattr(weighted, name), getattr(replicated, name))
        assert difference <= STATS_RTOL, name
    for fit_intercept in (True, False):
        a = lasso(weighted, None, 0.05, fit_intercept=fit_intercept)
        b = lasso(replicated, None, 0.05, fit_intercept=fit_intercept)
        assert_same_fit(a.coef, b.coef)
        assert a.intercept == pytest.approx(b.intercept, rel=FIT_RTOL, abs=FIT_RTOL)


def test_constant_and_unit_weights() -> None:
    """Weights 1 are no weights; constant weights c scale the products by c, not the fit
    (the noise scale of y by √c)."""
    X, y, _ = make_weighted(zeros=0)
    plain = SufficientStats.from_arrays(X, y)
    ones = SufficientStats.from_arrays(X, y, sample_weight=np.ones(len(y)))
    threes = SufficientStats.from_arrays(X, y, sample_weight=np.full(len(y), 3.0))
    assert plain.weight_sum is None
    assert ones.total_weight == plain.total_weight == len(y)
    for name in ("x_mean", "y_mean", "gram", "xty", "yty"):
        assert relative_difference(getattr(ones, name), getattr(plain, name)) <= STATS_RTOL
        scale = 1.0 if name in ("x_mean", "y_mean") else 3.0
        difference = relative_difference(getattr(threes, name), scale * getattr(plain, name))
        assert difference <= STATS_RTOL
    assert_same_fit(lasso(threes, None, 0.1).coef, lasso(plain, None, 0.1).coef)
    # raw weights set the noise (row i has σ/√s_i): constant 3 is the noise σ/√3, and the
    # maximum-likelihood scale of y about its mean, √(Σ s_i (y_i − ȳ)²/m), grows by √3
    assert threes.target_scale() == pytest.approx(np.sqrt(3.0) * plain.target_scale(), rel=1e-13)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_solvers_from_weighted_statistics_equal_the_weighted_rows(
    fit_intercept: bool, seed: int
) -> None:
    X, y, s = make_weighted(seed=seed)
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    options: dict[str, Any] = {"fit_intercept": fit_intercept}
    top = alpha_max(X, y, sample_weight=s, **options)
    assert alpha_max(stats, None, **options) == pytest.approx(top, rel=FIT_RTOL)
    for l1_ratio in (1.0, 0.5):
        a = elastic_net(stats, None, 0.1 * top, l1_ratio, **options)
        b = elastic_net(X, y, 0.1 * top, l1_ratio, sample_weight=s, **options)
        assert a.converged
        assert b.converged
        assert_same_fit(a.coef, b.coef)
        assert a.intercept == pytest.approx(b.intercept, rel=FIT_RTOL, abs=FIT_RTOL)
        assert a.objective == pytest.approx(b.objective, rel=FIT_RTOL)
    alphas = top * np.array([0.5, 0.05, 0.005])
    path_a = lasso_path(stats, None, alphas, **options)
    path_b = lasso_path(X, y, alphas, sample_weight=s, **options)
    assert_same_fit(path_a.coefs, path_b.coefs)
    assert_same_fit(path_a.intercepts, path_b.intercepts)
    a, b = ridge(stats, None, 0.3, **options), ridge(X, y, 0.3, sample_weight=s, **options)
    assert_same_fit(a.coef, b.coef)
    assert a.intercept == pytest.approx(b.intercept, rel=FIT_RTOL, abs=FIT_RTOL)
    ridges_a = ridge_path(stats, None, [1.0, 0.1, 0.0], **options)
    ridges_b = ridge_path(X, y, [1.0, 0.1, 0.0], sample_weight=s, **options)
    assert_same_fit(ridges_a.coefs, ridges_b.coefs, 1e-7)  # alpha = 0: least squares


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_weighted_statistics_with_penalty_factors(fit_intercept: bool) -> None:
    """Zero factors profile columns out of the statistics (Schur complement)."""
    X, y, s = make_weighted(seed=3, p=6)
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    for factor in (np.array([0.5, 1.0, 2.0, 1.0, 0.3, 1.0]), np.array([0, 1, 2, 0, 1, 1.0])):
        options: dict[str, Any] = {"fit_intercept": fit_intercept, "penalty_factor": factor}
        a = elastic_net(stats, None, 0.05, 0.7, **options)
        b = elastic_net(X, y, 0.05, 0.7, sample_weight=s, **options)
        assert_same_fit(a.coef, b.coef)
        assert a.intercept == pytest.approx(b.intercept, rel=FIT_RTOL, abs=FIT_RTOL)
        assert_same_fit(ridge(stats, None, 0.2, **options).coef,
                        ridge(X, y, 0.2, sample_weight=s, **options).coef)  # fmt: skip


def test_lasso_from_weighted_statistics_matches_sklearn() -> None:
    X, y, s = make_weighted(seed=4)
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    alpha = 0.02 * alpha_max(stats, None)
    fit = lasso(stats, None, alpha)
    model = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000).fit(X, y, sample_weight=s)
    assert_same_fit(fit.coef, model.coef_, ORACLE_RTOL)
    assert fit.intercept == pytest.approx(model.intercept_, rel=ORACLE_RTOL)


def test_folded_problem_and_degrees_of_freedom() -> None:
    """The statistics are folded with weights summing to m = n_samples: n = m, dof = m − 1."""
    X, y, s = make_weighted()
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    problem = least_squares_data(stats, None, fit_intercept=True)
    rows = least_squares_data(X, y, fit_intercept=True, sample_weight=s)
    m = int(np.count_nonzero(s))
    assert problem.n_samples == m
    assert problem.dof == m - 1
    assert rows.dof == m - 1
    assert problem.weight_sum == pytest.approx(s.sum(), rel=1e-14)
    assert rows.weight_sum == pytest.approx(s.sum(), rel=1e-14)
    # the scaled forms the solvers read agree: XcᵀSXc/W both ways
    np.testing.assert_allclose(problem.gram() / m, rows.gram() / len(y), rtol=1e-12)
    np.testing.assert_allclose(problem.xty / m, rows.xty / len(y), rtol=1e-12)
    assert problem.target_scale == pytest.approx(rows.target_scale, rel=1e-12)


def test_residual_sum_of_squares_is_weighted() -> None:
    X, y, s = make_weighted(seed=5)
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    rng = np.random.default_rng(5)
    for fit_intercept in (True, False):
        coef, intercept = rng.standard_normal(X.shape[1]), float(rng.standard_normal())
        expected = float(s @ (y - intercept - X @ coef) ** 2)
        value = stats.residual_sum_of_squares(coef, intercept)
        assert value == pytest.approx(expected, rel=1e-10)
        moments = stats.cross_products(fit_intercept=fit_intercept)
        if not fit_intercept:  # the raw weighted moments XᵀSX, XᵀSy, yᵀSy
            assert relative_difference(moments[0], X.T @ (s[:, None] * X)) <= 1e-12
            assert relative_difference(moments[1], X.T @ (s * y)) <= 1e-12
            assert moments[2] == pytest.approx(float(y @ (s * y)), rel=1e-12)


def weighted_blocks(
    X: FloatArray, y: FloatArray, s: FloatArray, cuts: list[int]
) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    edges = [0, *sorted(set(cuts)), len(y)]
    return [(X[a:b], y[a:b], s[a:b]) for a, b in itertools.pairwise(edges) if b > a]


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=100),
    p=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=2**16),
    cut_fractions=st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=10),
    zero_fraction=st.floats(min_value=0.0, max_value=0.6),
)
def test_any_chunking_of_weighted_rows_gives_the_same_statistics(
    n: int, p: int, seed: int, cut_fractions: list[float], zero_fraction: float
) -> None:
    """Chunked (blocks of weight 0 included) == one shot == merged == the two-pass oracle."""
    rng = np.random.default_rng(seed)
    X, y, s = make_weighted(n, p, seed=seed, zeros=0)
    s[rng.random(n) < zero_fraction] = 0.0
    s[rng.integers(n)] = 1.5  # a positive sum
    cuts = [int(f * n) for f in cut_fractions]
    blocks = weighted_blocks(X, y, s, cuts)
    chunked = SufficientStats.from_chunks(iter(blocks))
    one_shot = SufficientStats.from_arrays(X, y, sample_weight=s)
    reference = weighted_two_pass(X, y, s)
    assert chunked.n_samples == one_shot.n_samples == np.count_nonzero(s)
    assert_same_stats(chunked, reference)
    assert_same_stats(one_shot, reference)
    positive = [b for b in blocks if b[2].sum() > 0.0]
    merged = SufficientStats.from_arrays(*positive[0][:2], sample_weight=positive[0][2])
    for Xb, yb, sb in positive[1:]:
        merged = merged.merge(SufficientStats.from_arrays(Xb, yb, sample_weight=sb))
    assert_same_stats(merged, reference)


def test_unweighted_blocks_merge_as_weight_one() -> None:
    X, y, s = make_weighted(60, 3, seed=6)
    s[:30] = 1.0
    mixed = SufficientStats.from_chunks([(X[:30], y[:30]), (X[30:], y[30:], s[30:])])
    merged = SufficientStats.from_arrays(X[:30], y[:30]).merge(
        SufficientStats.from_arrays(X[30:], y[30:], sample_weight=s[30:])
    )
    reference = weighted_two_pass(X, y, s)
    assert_same_stats(mixed, reference)
    assert_same_stats(merged, reference)
    assert mixed.weight_sum is not None


@pytest.mark.parametrize("row_chunks", [13, 40, 80])
def test_from_dask_with_weights(row_chunks: int) -> None:
    import dask
    import dask.array as da

    X, y, s = make_weighted()
    s[:13] = 0.0  # a whole block of weight 0 for the first chunking
    with dask.config.set(scheduler="synchronous"):
        stats = SufficientStats.from_dask(
            da.from_array(X, chunks=(row_chunks, 2)),
            da.from_array(y, chunks=row_chunks),
            sample_weight=da.from_array(s, chunks=7),
        )
    assert stats.n_samples == np.count_nonzero(s)
    assert_same_stats(stats, weighted_two_pass(X, y, s))


def test_weight_errors_name_the_parameter() -> None:
    X, y, s = make_weighted(20, 2)
    with pytest.raises(DataError, match="sample_weight must have shape"):
        SufficientStats.from_arrays(X, y, sample_weight=s[:5])
    with pytest.raises(DataError, match="sample_weight must be finite and ≥ 0"):
        SufficientStats.from_arrays(X, y, sample_weight=-s)
    with pytest.raises(DataError, match="sample_weight must have a positive sum"):
        SufficientStats.from_arrays(X, y, sample_weight=np.zeros(20))
    with pytest.raises(DataError, match="sample_weight of block 1 must be finite"):
        SufficientStats.from_chunks([(X[:10], y[:10], s[:10]), (X[10:], y[10:], -s[10:])])
    with pytest.raises(DataError, match="every observation weight of the blocks is 0"):
        SufficientStats.from_chunks([(X[:10], y[:10], np.zeros(10))])
    with pytest.raises(InputTypeError, match="block 0 must be a pair"):
        SufficientStats.from_chunks([(X, y, s, s)])
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    fields = {name: getattr(stats, name) for name in ("x_mean", "y_mean", "gram", "xty", "yty")}
    for bad in (0.0, -1.0, np.inf):
        with pytest.raises(InputValueError, match="weight_sum"):
            SufficientStats(n_samples=stats.n_samples, **fields, weight_sum=bad)
    with pytest.raises(DataError, match=r"SufficientStats.from_arrays\(X, y, sample_weight=s\)"):
        lasso(stats, None, 0.1, sample_weight=s)


def test_dask_weight_errors() -> None:
    import dask.array as da

    X, y, s = make_weighted(20, 2)
    with pytest.raises(DataError, match="sample_weight has 10 entries"):
        SufficientStats.from_dask(da.from_array(X), da.from_array(y), sample_weight=s[:10])
    with pytest.raises(DataError, match="positive sum"):
        SufficientStats.from_dask(da.from_array(X), da.from_array(y), sample_weight=0.0 * s)


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(min_value=4, max_value=60),
    p=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=2**16),
    fraction=st.floats(min_value=0.01, max_value=0.9),
    l1_ratio=st.sampled_from([1.0, 0.5]),
    fit_intercept=st.booleans(),
)
def test_fit_from_weighted_statistics_is_the_weighted_fit(
    n: int, p: int, seed: int, fraction: float, l1_ratio: float, fit_intercept: bool
) -> None:
    """Any weights (zeros included), any alpha below alpha_max: statistics == rows."""
    X, y, s = make_weighted(n, p, seed=seed, zeros=n // 4)
    stats = SufficientStats.from_arrays(X, y, sample_weight=s)
    options: dict[str, Any] = {"fit_intercept": fit_intercept}
    alpha = fraction * alpha_max(X, y, l1_ratio=l1_ratio, sample_weight=s, **options)
    a = elastic_net(stats, None, alpha, l1_ratio, **options)
    b = elastic_net(X, y, alpha, l1_ratio, sample_weight=s, **options)
    assert_same_fit(a.coef, b.coef)
    assert a.intercept == pytest.approx(b.intercept, rel=FIT_RTOL, abs=FIT_RTOL)
