"""The compiled batched SPD solve of the Gibbs samplers against LAPACK, and its draws.

X_c = A_c⁻¹ B_c,   e_c = L_c⁻ᵀ z_c  with  A_c = L_c L_cᵀ  (so e_c ~ N(0, A_c⁻¹)).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from bayesreg.posterior._conditionals import _PER_CHAIN_FROM, _spd_solve
from bayesreg.posterior._spd_kernel import gram_draw_small, inverse_gaussian, spd_solve_small


def _batch(seed: int, chains: int, m: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    root = rng.standard_normal((chains, m, m + 2))
    matrices = root @ root.transpose(0, 2, 1) + 0.1 * np.eye(m)
    return matrices, rng.standard_normal((chains, m, k)), rng.standard_normal((chains, m))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    chains=st.integers(1, 6),
    m=st.integers(1, _PER_CHAIN_FROM - 1),
    k=st.integers(1, 3),
)
def test_solutions_and_draws_equal_lapack(seed: int, chains: int, m: int, k: int) -> None:
    matrices, rhs, z = _batch(seed, chains, m, k)
    out = spd_solve_small(matrices, rhs, z)
    assert out.shape == (chains, m, k + 1)
    for c in range(chains):
        factor = scipy.linalg.cholesky(matrices[c], lower=True)
        expected = scipy.linalg.cho_solve((factor, True), rhs[c])
        draw = scipy.linalg.solve_triangular(factor.T, z[c], lower=False)
        scale = 1.0 + np.abs(expected).max()
        # a backward-stable solve: error ≤ cond(A)·ε relative; these A have cond ≤ ~1e6
        np.testing.assert_allclose(out[c, :, :k], expected, rtol=0, atol=1e-8 * scale)
        np.testing.assert_allclose(
            out[c, :, k], draw, rtol=0, atol=1e-8 * (1.0 + np.abs(draw).max())
        )


def test_without_variates_returns_the_solutions_only() -> None:
    matrices, rhs, _ = _batch(0, 3, 5, 2)
    out = spd_solve_small(matrices, rhs)
    assert out.shape == (3, 5, 2)
    np.testing.assert_allclose(np.linalg.solve(matrices, rhs), out, rtol=1e-10, atol=1e-12)


def test_draws_have_covariance_a_inverse() -> None:
    # e = L⁻ᵀ z is linear in z, so Cov(e) = L⁻ᵀ Cov(z) L⁻¹; with Cov(z) = I = Σ_j u_j u_jᵀ
    # (u_j the unit vectors) it is Σ_j e(u_j) e(u_j)ᵀ, which must equal A⁻¹ exactly
    matrices, _, _ = _batch(3, 1, 4, 1)
    eye = np.eye(4)
    draws = np.stack(
        [spd_solve_small(matrices, np.zeros((1, 4, 1)), eye[None, j])[0, :, 1] for j in range(4)]
    )
    np.testing.assert_allclose(draws.T @ draws, np.linalg.inv(matrices[0]), rtol=1e-10)


def test_not_positive_definite_names_the_chain() -> None:
    matrices, rhs, z = _batch(1, 3, 4, 1)
    matrices[2] = -np.eye(4)
    with pytest.raises(np.linalg.LinAlgError, match="chain 2"):
        spd_solve_small(matrices, rhs, z)
    matrices[2, 0, 0] = np.nan
    with pytest.raises(np.linalg.LinAlgError):
        spd_solve_small(matrices, rhs, z)


@pytest.mark.parametrize("m", [_PER_CHAIN_FROM - 1, _PER_CHAIN_FROM, _PER_CHAIN_FROM + 5])
def test_both_sides_of_the_switch_agree(m: int) -> None:
    # the compiled loop below _PER_CHAIN_FROM and LAPACK from it on solve the same systems
    matrices, rhs, z = _batch(7, 2, m, 1)
    out = _spd_solve(matrices, rhs, z)
    for c in range(2):
        factor = np.linalg.cholesky(matrices[c])
        np.testing.assert_allclose(out[c, :, 0], np.linalg.solve(matrices[c], rhs[c, :, 0]))
        np.testing.assert_allclose(out[c, :, 1], np.linalg.solve(factor.T, z[c]))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    chains=st.integers(1, 6),
    m=st.integers(1, _PER_CHAIN_FROM - 1),
)
def test_gram_draw_equals_the_solve_with_the_formed_matrices(
    seed: int, chains: int, m: int
) -> None:
    # A_c = f_c G + diag(q_c), formed explicitly, through the batched solve
    rng = np.random.default_rng(seed)
    root = rng.standard_normal((m + 3, m))
    gram = root.T @ root
    scale = rng.uniform(0.0, 3.0, chains)  # f_c = 0 leaves diag(q_c): still SPD
    precision = rng.uniform(0.05, 5.0, (chains, m))
    rhs = rng.standard_normal((chains, m))
    z = rng.standard_normal((chains, m))
    matrices = scale[:, None, None] * gram + np.stack([np.diag(q) for q in precision])
    expected = spd_solve_small(matrices, rhs[:, :, None], z)
    mean, spread = gram_draw_small(gram, scale, precision, rhs, z)
    np.testing.assert_allclose(mean, expected[:, :, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(spread, expected[:, :, 1], rtol=1e-12, atol=1e-12)


def test_gram_draw_refuses_a_matrix_that_is_not_positive_definite() -> None:
    gram = -np.eye(3)
    with pytest.raises(np.linalg.LinAlgError, match="chain 1"):
        gram_draw_small(
            gram, np.array([0.0, 2.0]), np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))
        )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_inverse_gaussian_equals_the_msh_formulas(seed: int) -> None:
    # Michael-Schucany-Haas with ρ = 1/μ: x = 1/(ρ + h + √(h² + 2ρh)), h = ν²/(2λ);
    # x if u(1 + ρx) ≤ 1 else x/(ρx)², evaluated here in NumPy, broadcasting λ per column
    rng = np.random.default_rng(seed)
    inv_mean = rng.exponential(1.0, (4, 5))
    inv_mean[0, 0] = 0.0  # the Lévy limit
    shape = rng.exponential(2.0, 5)
    normal, uniform = rng.standard_normal((4, 5)), rng.random((4, 5))
    h = normal**2 / (2.0 * shape)
    x = 1.0 / (inv_mean + h + np.sqrt(h * h + 2.0 * inv_mean * h))
    with np.errstate(divide="ignore"):
        expected = np.where(uniform * (1.0 + inv_mean * x) <= 1.0, x, x / (inv_mean * x) ** 2)
    np.testing.assert_allclose(
        inverse_gaussian(inv_mean, shape, normal, uniform), expected, rtol=1e-13
    )
