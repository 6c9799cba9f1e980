"""Sufficient statistics that no data can have are refused when they are constructed.

For any rows, ``M = [[G, c], [cᵀ, s]] = [Xc, yc]ᵀ[Xc, yc]`` is positive semi-definite:
G is PSD, ``|c_j|² ≤ G_jj·s`` (Cauchy–Schwarz) and the least residual sum of squares
``s − cᵀG⁺c`` is ≥ 0. The check allows the rounding of honest sums: scaled to unit
diagonal, ``λ_min ≥ −(p + 1)(n + p + 1)·eps`` (``bayesreg.core.stats``).

Oracles: honest statistics are those of actual rows (in memory, chunked, from Dask),
including ill-conditioned, collinear, n < p and huge-offset data; impossible ones are
built from honest ones by a perturbation whose size is stated, far beyond rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core.enet_solver import lasso
from bayesreg.core.stats import SufficientStats
from bayesreg.errors import DataError

FloatArray = NDArray[np.float64]

EPS = float(np.finfo(np.float64).eps)


def scaled_smallest_eigenvalue(stats: SufficientStats) -> float:
    """``λ_min`` of the joint matrix scaled to unit diagonal (zero diagonals left at 1)."""
    p = stats.n_features
    joint = np.zeros((p + 1, p + 1))
    joint[:p, :p], joint[p, p] = stats.gram, stats.yty
    joint[:p, p] = joint[p, :p] = stats.xty
    scale = np.sqrt(np.diag(joint))
    scale[scale == 0.0] = 1.0
    return float(np.linalg.eigvalsh(joint / np.outer(scale, scale))[0])


def fields(stats: SufficientStats) -> dict[str, Any]:
    return {
        "n_samples": stats.n_samples,
        "x_mean": stats.x_mean,
        "y_mean": stats.y_mean,
        "gram": stats.gram.copy(),
        "xty": stats.xty.copy(),
        "yty": stats.yty,
    }


def honest_data(seed: int, n: int, p: int, kind: str) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if kind == "ill-conditioned":
        # column scales over 16 orders of magnitude, and two nearly equal columns
        X *= 10.0 ** rng.uniform(-8.0, 8.0, p)
        if p > 1:
            X[:, 1] = X[:, 0] + 1e-9 * np.abs(X[:, 0]).max() * rng.standard_normal(n)
    elif kind == "collinear" and p > 2:
        X[:, 1] = X[:, 0]
        X[:, 2] = 3.0 * X[:, 0] - X[:, 1]
    elif kind == "huge offset":
        X += 1e9 * rng.uniform(1.0, 2.0, p)
    elif kind == "constant column":
        X[:, 0] = 7.25
    coef = rng.standard_normal(p)
    if kind == "exact fit":
        return X, X @ coef  # the least residual sum of squares is 0
    y = X @ coef + rng.standard_normal(n) + (1e9 if kind == "huge offset" else 0.0)
    return X, y


KINDS = ["plain", "ill-conditioned", "collinear", "huge offset", "constant column", "exact fit"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("n", "p"), [(300, 6), (8, 25), (2, 3)])
def test_honest_statistics_pass_however_built(kind: str, n: int, p: int) -> None:
    X, y = honest_data(n * p, n, p, kind)
    built = {
        "arrays": SufficientStats.from_arrays(X, y),
        "rows one by one": SufficientStats.from_chunks(
            (X[i : i + 1], y[i : i + 1]) for i in range(n)
        ),
        "uneven chunks": SufficientStats.from_chunks(
            (X[i : i + 7], y[i : i + 7]) for i in range(0, n, 7)
        ),
    }
    arrays = built["arrays"]
    built["merged"] = (
        SufficientStats.from_arrays(X[: n // 2 + 1], y[: n // 2 + 1]).merge(
            SufficientStats.from_arrays(X[n // 2 + 1 :], y[n // 2 + 1 :])
        )
        if n > 2
        else arrays
    )
    built["direct"] = SufficientStats(**fields(arrays))
    for stats in built.values():
        assert stats.n_samples == n


def test_honest_statistics_from_dask_pass() -> None:
    import dask
    import dask.array as da

    X, y = honest_data(1, 500, 8, "huge offset")
    with dask.config.set(scheduler="synchronous"):
        stats = SufficientStats.from_dask(da.from_array(X, chunks=(37, 8)), da.from_array(y))
    assert stats.n_samples == 500


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 120),
    p=st.integers(1, 12),
    kind=st.sampled_from(KINDS),
    chunk=st.integers(1, 50),
)
def test_honest_statistics_always_pass(seed: int, n: int, p: int, kind: str, chunk: int) -> None:
    X, y = honest_data(seed, n, p, kind)
    stats = SufficientStats.from_chunks(
        (X[i : i + chunk], y[i : i + chunk]) for i in range(0, n, chunk)
    )
    # Rounding stays well inside the tolerance, not just inside it.
    tolerance = (p + 1) * (n + p + 1) * EPS
    assert scaled_smallest_eigenvalue(stats) >= -0.5 * tolerance


def perturbed(stats: SufficientStats, violation: str, excess: float) -> dict[str, Any]:
    """Honest statistics turned impossible by ``excess`` (≥ 1e-3, relative)."""
    values = fields(stats)
    gram, xty, yty = values["gram"], values["xty"], values["yty"]
    j = int(np.argmax(np.diag(gram)))
    if violation == "cauchy-schwarz":
        # |c_j| = (1 + excess)·√(G_jj·s): the 2×2 minor has eigenvalue −excess (scaled).
        xty[j] = (1.0 + excess) * np.sqrt(gram[j, j] * yty)
    elif violation == "gram":
        # Move G's smallest eigenvalue to −excess·λ_max(G): scaled to unit diagonal the
        # Rayleigh quotient along its eigenvector is then ≤ −excess (a diagonal entry
        # may turn negative, which is refused too).
        eigenvalues, vectors = np.linalg.eigh(gram)
        shift = eigenvalues[0] + excess * eigenvalues[-1]
        values["gram"] = gram - shift * np.outer(vectors[:, 0], vectors[:, 0])
    else:
        # yty below what xty already explains: RSS = −excess·yty.
        explained = float(xty @ np.linalg.lstsq(gram, xty, rcond=None)[0])
        values["yty"] = explained - excess * yty
    return values


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 200),
    p=st.integers(1, 10),
    violation=st.sampled_from(["cauchy-schwarz", "gram", "residual"]),
    excess=st.floats(1e-3, 10.0),
)
def test_impossible_statistics_always_fail(
    seed: int, n: int, p: int, violation: str, excess: float
) -> None:
    X, y = honest_data(seed, n, p, "plain")
    values = perturbed(SufficientStats.from_arrays(X, y), violation, excess)
    with pytest.raises(DataError):
        SufficientStats(**values)


def test_the_message_names_the_condition_and_how_far_off() -> None:
    X, y = honest_data(3, 100, 3, "plain")
    stats = SufficientStats.from_arrays(X, y)
    with pytest.raises(DataError, match=r"xty\[\d\] breaks Cauchy–Schwarz .* is 1\.5 times"):
        SufficientStats(**perturbed(stats, "cauchy-schwarz", 0.5))
    # Every pair within Cauchy–Schwarz (correlations −0.6), yet not PSD: λ_min = −0.2.
    values = fields(stats)
    values["gram"] = 4.0 * np.array([[1.0, -0.6, -0.6], [-0.6, 1.0, -0.6], [-0.6, -0.6, 1.0]])
    values["xty"] = np.zeros(3)
    with pytest.raises(DataError, match=r"gram is not positive semi-definite .* is -0\.2\b"):
        SufficientStats(**values)
    with pytest.raises(DataError, match=r"least residual sum of squares .* is negative: -"):
        SufficientStats(**perturbed(stats, "residual", 0.1))
    with pytest.raises(DataError, match=r"smallest eigenvalue here is -.*at most -\d"):
        SufficientStats(**perturbed(stats, "residual", 0.1))
    # A constant column (zero variance) cannot correlate with anything.
    values = fields(stats)
    values["gram"][0, :] = values["gram"][:, 0] = 0.0
    values["xty"][0] = 1.0
    with pytest.raises(DataError, match=r"xty\[0\] breaks Cauchy–Schwarz"):
        SufficientStats(**values)


def test_impossible_statistics_never_reach_a_solver() -> None:
    # xty twice what Cauchy–Schwarz allows: lasso used to certify a wrong answer with
    # gap = 0 and the samplers drew σ = 0; now the statistics are refused up front.
    values = {
        "n_samples": 50,
        "x_mean": np.zeros(2),
        "y_mean": 0.0,
        "gram": np.array([[50.0, 0.0], [0.0, 50.0]]),
        "xty": np.array([100.0, 0.0]),
        "yty": 50.0,
    }
    with pytest.raises(DataError, match="describe no data"):
        lasso(SufficientStats(**values), None, 0.1)
    values["xty"] = np.array([50.0, 0.0])  # the largest honest correlation, 1
    fit = lasso(SufficientStats(**values), None, 0.1)
    assert fit.converged


def test_inputs_are_not_modified() -> None:
    X, y = honest_data(4, 30, 3, "plain")
    values = fields(SufficientStats.from_arrays(X, y))
    copies = {name: np.copy(value) for name, value in values.items()}
    SufficientStats(**values)
    for name, value in values.items():
        np.testing.assert_array_equal(value, copies[name])
