"""What the scale-mixture Gibbs tests share: a small correlated problem and the Monte
Carlo standard error of a posterior mean (ArviZ, from the effective sample size)."""

from __future__ import annotations

import arviz as az
import numpy as np


def correlated_problem(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Correlated columns (pairwise 0.4), two non-zero coefficients, intercept 0.5."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(0.6 * np.eye(p) + 0.4)
    coef = np.zeros(p)
    coef[: min(p, 2)] = [1.5, -1.0][: min(p, 2)]
    return X, X @ coef + 0.5 + rng.standard_normal(n)


def mcse(draws: np.ndarray) -> np.ndarray:
    """Monte Carlo standard error of the mean of each trailing coordinate of
    (chains, draws, ...) draws."""
    flat = draws.reshape(draws.shape[0], draws.shape[1], -1)
    return np.array([float(az.mcse(flat[..., j])) for j in range(flat.shape[-1])])
