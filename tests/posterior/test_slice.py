"""The univariate slice sampler behind the regularized horseshoe's τ² and c² steps.

* It leaves its target invariant: many independent chains started far from the mode
  reach the target's distribution (Kolmogorov-Smirnov with a tiny threshold), for a
  skewed density and a heavy-tailed one (half-Cauchy) on the log scale.
* A chain reads only its own generator: its draws do not change with the number of
  chains.
* On a sparse truth (p = 50, 5 non-zero coefficients) the regularized horseshoe's slab c²
  and global scale τ mix: an inverse-gamma independence proposal for c² had been accepted
  in 6.6 % of the steps there (R-hat 9.4, bulk ESS 4 over 4 × 2000 draws).
"""

from __future__ import annotations

import arviz as az
import numpy as np
from scipy import stats

import bayesreg as br
from bayesreg.datasets import make_synthetic
from bayesreg.posterior._conditionals import ChainStreams
from bayesreg.posterior._slice import slice_step

KS_THRESHOLD = 1e-6  # a correct sampler fails once in 10⁶ runs


def _run(log_density, x0: np.ndarray, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    streams = ChainStreams(seed, x0.shape[0])
    x, path = x0, []
    for _ in range(steps):
        x, _evaluations = slice_step(log_density, x, streams)
        path.append(x)
    return x, np.array(path)


def test_gamma_on_the_log_scale_is_kept() -> None:
    # u = log x, x ~ Gamma(3, 1): log p(u) = 3u − e^u (Jacobian included)
    x0 = np.full(2000, 4.0)  # far in the tail: e^4 ≈ 55
    last, _ = _run(lambda u: 3.0 * u - np.exp(u), x0, steps=40, seed=0)
    assert stats.kstest(np.exp(last), stats.gamma(3.0).cdf).pvalue > KS_THRESHOLD


def test_a_heavy_tail_is_kept() -> None:
    # u = log x, x ~ C⁺(0, 1): log p(u) = u − log(1 + e^{2u}); the chains start at x = e^8,
    # so stepping out must cover many widths
    last, _ = _run(lambda u: u - np.logaddexp(0.0, 2.0 * u), np.full(2000, 8.0), 60, seed=1)
    assert stats.kstest(np.exp(last), stats.halfcauchy().cdf).pvalue > KS_THRESHOLD


def test_a_chain_does_not_depend_on_the_others() -> None:
    def log_density(x: np.ndarray) -> np.ndarray:
        return -0.5 * x * x

    _, one = _run(log_density, np.zeros(1), steps=50, seed=7)
    _, three = _run(log_density, np.zeros(3), steps=50, seed=7)
    np.testing.assert_array_equal(one[:, 0], three[:, 0])


def test_the_regularized_horseshoe_slab_mixes_on_a_sparse_truth() -> None:
    data = make_synthetic(100, 50, n_informative=5, correlation=0.5, random_seed=1)
    prior = br.RegularizedHorseshoePrior(1.0, global_prior="half_cauchy")
    tree = br.sample_posterior(
        data.X, data.y, prior, method="gibbs", draws=2000, tune=500, chains=4,
        random_seed=0, progressbar=False,
    )  # fmt: skip
    summary = az.summary(tree, var_names=["coef_slab_sq", "coef_tau"], kind="diagnostics")
    # over 4 × 2000 draws, seeds 0-3: bulk ESS 5495-5745 (c²) and 133-218 (τ), R-hat ≤ 1.04;
    # the bounds hold for any seed with a wide margin (before the slice step: c² ESS 4)
    assert summary.loc["coef_slab_sq", "ess_bulk"] > 400, summary
    assert summary.loc["coef_tau", "ess_bulk"] > 25, summary
    assert summary["r_hat"].max() < 1.1, summary
