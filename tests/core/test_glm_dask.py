"""Logistic and Poisson regression on Dask arrays (``bayesreg.core.glm_stream``).

Oracle: the in-memory solver on the same data, itself certified and checked against
glum and scikit-learn elsewhere. The streamed solver sums the same terms block by block,
so the two minimizers agree to the KKT tolerance over the curvature, far below
``AGREEMENT`` = 1e-9 (the issue's bound is 1e-8) on these well-conditioned problems.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

from bayesreg.core import glm_stream
from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.poisson import poisson, poisson_path
from bayesreg.errors import DataError, InputValueError

da: Any = importlib.import_module("dask.array")

AGREEMENT = 1e-9


def make_data(n: int, p: int, seed: int) -> tuple[Any, Any, Any, Any]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = 0.3 + X[:, 0] - 0.6 * X[:, 1]
    labels = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    offset = rng.uniform(-0.5, 0.5, n)
    counts = rng.poisson(np.exp(offset + 0.2 + 0.4 * X[:, 0] - 0.3 * X[:, 2])).astype(float)
    return X, labels, counts, offset


def chunked(values: Any, rows: int) -> Any:
    """Uneven row blocks (the last one shorter)."""
    chunks = (rows,) + ((values.shape[1],) if values.ndim == 2 else ())
    return da.from_array(values, chunks=chunks)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_streamed_logistic_is_the_in_memory_fit(l1_ratio: float, fit_intercept: bool) -> None:
    X, y, _, _ = make_data(3000, 8, seed=1)
    memory = logistic(X, y, 0.01, l1_ratio, fit_intercept=fit_intercept)
    streamed = logistic(
        chunked(X, 700), chunked(y, 700), 0.01, l1_ratio, fit_intercept=fit_intercept
    )
    assert streamed.converged
    assert streamed.gap <= streamed.tol
    assert streamed.tol == pytest.approx(memory.tol, rel=1e-12)
    np.testing.assert_allclose(streamed.coef, memory.coef, rtol=0.0, atol=AGREEMENT)
    assert streamed.intercept == pytest.approx(memory.intercept, abs=AGREEMENT)
    np.testing.assert_array_equal(streamed.coef == 0.0, memory.coef == 0.0)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_streamed_poisson_with_offset_is_the_in_memory_fit(l1_ratio: float) -> None:
    X, _, y, offset = make_data(3000, 8, seed=2)
    memory = poisson(X, y, 0.005, l1_ratio, offset=offset)
    streamed = poisson(
        chunked(X, 800), chunked(y, 650), 0.005, l1_ratio, offset=chunked(offset, 1000)
    )
    assert streamed.converged
    np.testing.assert_allclose(streamed.coef, memory.coef, rtol=0.0, atol=AGREEMENT)
    assert streamed.intercept == pytest.approx(memory.intercept, abs=AGREEMENT)


def test_streamed_options_penalty_factor_and_sign() -> None:
    X, y, _, _ = make_data(2000, 6, seed=3)
    factor = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 1.0])
    for options in ({"penalty_factor": factor}, {"positive": True}):
        memory = logistic(X, y, 0.02, 1.0, **options)
        streamed = logistic(chunked(X, 512), chunked(y, 512), 0.02, 1.0, **options)
        np.testing.assert_allclose(streamed.coef, memory.coef, rtol=0.0, atol=AGREEMENT)


def test_streamed_paths_and_alpha_max() -> None:
    X, y, counts, offset = make_data(2000, 6, seed=4)
    Xd, yd = chunked(X, 600), chunked(y, 600)
    assert logistic_alpha_max(Xd, yd) == pytest.approx(logistic_alpha_max(X, y), rel=1e-12)
    memory = logistic_path(X, y, n_alphas=6, eps=0.05)
    streamed = logistic_path(Xd, yd, n_alphas=6, eps=0.05)
    np.testing.assert_allclose(streamed.alphas, memory.alphas, rtol=1e-12)
    np.testing.assert_allclose(streamed.coefs, memory.coefs, rtol=0.0, atol=AGREEMENT)
    counted = poisson_path(Xd, chunked(counts, 600), n_alphas=4, offset=chunked(offset, 600))
    reference = poisson_path(X, counts, n_alphas=4, offset=offset)
    np.testing.assert_allclose(counted.coefs, reference.coefs, rtol=0.0, atol=AGREEMENT)


def test_each_newton_step_costs_about_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation, the null model, then one pass per point (the accepted trial's sums are
    kept): passes ≤ 2 + 2·(Newton steps + 1), and far fewer than a pass per sum."""
    X, y, _, _ = make_data(3000, 5, seed=5)
    passes = []
    original = glm_stream.StreamedRows.map_blocks

    def counting(self: Any, function: Any, *args: Any) -> list[Any]:
        passes.append(function.__name__)
        return original(self, function, *args)

    monkeypatch.setattr(glm_stream.StreamedRows, "map_blocks", counting)
    fit = logistic(chunked(X, 1000), chunked(y, 1000), 0.01, 1.0)
    assert passes.count("_block_null") == 1
    assert len(passes) <= 2 + 2 * (fit.n_iter + 1)


def test_streamed_input_errors_name_the_problem() -> None:
    X, y, _, _ = make_data(500, 3, seed=6)
    Xd = chunked(X, 200)
    bad = y.copy()
    bad[321] = 2.0
    with pytest.raises(DataError, match=r"y\[321\] = 2.0"):
        logistic(Xd, chunked(bad, 200), 0.1)
    with pytest.raises(DataError, match="must match"):
        logistic(Xd, chunked(y[:400], 200), 0.1)
    with pytest.raises(DataError, match="only the class"):
        logistic(Xd, chunked(np.ones(500), 200), 0.1)
    with pytest.raises(InputValueError, match="sample_weight"):
        logistic(Xd, chunked(y, 200), 0.1, sample_weight=np.ones(500))
    with pytest.raises(InputValueError, match="alpha=0"):
        logistic(Xd, chunked(y, 200), 0.0)
    nan_X = X.copy()
    nan_X[42, 1] = np.nan
    with pytest.raises(DataError, match="row 42"):
        logistic(chunked(nan_X, 200), chunked(y, 200), 0.1)
