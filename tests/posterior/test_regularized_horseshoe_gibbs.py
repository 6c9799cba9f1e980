"""The regularized horseshoe's Gibbs sampler (Gaussian likelihood), and the horseshoe-family
scale updates it shares with the Bernoulli sampler.

* Without a likelihood the scale updates, alternated with ``w | scales ~ N(0, 1/d)``, must
  leave the prior invariant: the last states of many independent chains are draws of the
  prior, tested by Kolmogorov-Smirnov against the hierarchy (w), the half-Cauchy (τ) and
  the inverse gamma (c²), with a tiny threshold; without the Metropolis-Hastings
  correction the same test rejects (it has the power to see the slab factor).
* One coefficient: posterior means against importance sampling from the hierarchy.
* Four coefficients, τ and c² random, σ free: posterior means against NUTS on
  ``build_model`` (the prior's ``to_pymc``), within 5 combined standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from _horseshoe_oracle import Z, gibbs_z_scores, hierarchy_draws, importance_moments
from _horseshoe_oracle import nuts_z_scores as nuts_scores
from scipy import stats

import bayesreg as br
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.posterior._conditionals import ChainStreams
from bayesreg.posterior._global_local import GlobalLocalScales
from bayesreg.posterior.horseshoe_gibbs import sample_horseshoe_gibbs
from bayesreg.priors import (
    GaussianPrior,
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)

KS_THRESHOLD = 1e-6  # p-values below this reject; a correct kernel fails once in 10⁶ runs

RANDOM_SLAB = RegularizedHorseshoePrior(
    0.5, slab_scale=1.0, slab_df=4.0, global_prior="half_cauchy"
)
FIXED_SLAB = RegularizedHorseshoePrior(0.5, slab_scale=1.0, slab_df=None)


def prior_chains(prior: object, *, p: int, chains: int, sweeps: int, seed: int) -> dict:
    """Last states of ``chains`` independent prior-only chains (no likelihood)."""
    streams = ChainStreams(seed, chains)
    scales = GlobalLocalScales(prior, p, streams)
    coef = np.zeros((chains, p))
    for _ in range(sweeps):
        coef = streams.normal(p) / np.sqrt(scales.precision())
        scales.update(coef)
    return {
        "w": coef[:, 0],
        "lambda": np.sqrt(scales.lam_sq[:, 0]),
        "tau": np.sqrt(scales.tau_sq),
        "slab_sq": scales.slab_sq,
    }


def ks_pvalues(prior: RegularizedHorseshoePrior, states: dict) -> dict[str, float]:
    """KS p-values of the states against the prior's marginals of w_1, λ_1, τ and c²."""
    reference = hierarchy_draws(prior, 20_000, np.random.default_rng(99))["w"]
    nu, s = prior.slab_df, prior.slab_scale
    return {
        "w": stats.ks_2samp(states["w"], reference).pvalue,
        "lambda": stats.kstest(states["lambda"], stats.halfcauchy().cdf).pvalue,
        "tau": stats.kstest(states["tau"], stats.halfcauchy(scale=prior.scale).cdf).pvalue,
        "slab_sq": stats.kstest(
            states["slab_sq"], stats.invgamma(0.5 * nu, scale=0.5 * nu * s**2).cdf
        ).pvalue,
    }


def test_scale_updates_leave_the_prior_invariant() -> None:
    # p = 3: the τ² and c² steps see a product of three slab factors
    states = prior_chains(RANDOM_SLAB, p=3, chains=1500, sweeps=80, seed=1)
    for name, pvalue in ks_pvalues(RANDOM_SLAB, states).items():
        assert pvalue > KS_THRESHOLD, (name, pvalue)


def test_without_the_metropolis_hastings_correction_the_prior_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # accepting every inverse-gamma proposal drops the factors (λ²τ² + c²)^{1/2}
    monkeypatch.setattr(
        GlobalLocalScales, "_accept", lambda self, log_ratio: np.ones(log_ratio.shape, bool)
    )
    states = prior_chains(RANDOM_SLAB, p=3, chains=1500, sweeps=80, seed=1)
    assert min(ks_pvalues(RANDOM_SLAB, states).values()) < KS_THRESHOLD


@pytest.fixture(scope="module")
def one_coefficient() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((30, 1))
    return x, 1.5 * x[:, 0] + rng.standard_normal(30)


@pytest.mark.parametrize(
    "prior",
    [
        FIXED_SLAB,
        RANDOM_SLAB,
        HorseshoePrior(0.5, global_prior="half_cauchy"),
        HorseshoePlusPrior(0.5, global_prior="half_cauchy"),
    ],
    ids=repr,
)
def test_one_coefficient_matches_importance_sampling(
    prior: object, one_coefficient: tuple[np.ndarray, np.ndarray]
) -> None:
    # σ = 1 fixed, no intercept: log L(w) = w xᵀy − w² xᵀx/2 + const
    x, y = one_coefficient
    xty, xtx = float(x[:, 0] @ y), float(x[:, 0] @ x[:, 0])
    oracle = importance_moments(prior, lambda w: w * xty - 0.5 * w * w * xtx)
    tree = sample_horseshoe_gibbs(
        x, y, prior, noise=1.0, fit_intercept=False, draws=3000, tune=500, chains=4,
        random_seed=3, progressbar=False,
    )  # fmt: skip
    for name, score in gibbs_z_scores(tree, oracle).items():
        assert score <= Z, (name, score)


def test_acceptances_and_the_regularized_scale_are_recorded() -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 3))
    y = X @ np.array([2.0, 0.0, -1.0]) + rng.standard_normal(40)
    tree = br.sample_posterior(
        X, y, RANDOM_SLAB, method="gibbs", draws=300, tune=100, chains=2, random_seed=0,
        progressbar=False,
    )  # fmt: skip
    posterior, sample_stats = tree["posterior"], tree["sample_stats"]
    assert set(posterior.data_vars) == {
        "coef", "intercept", "noise", "coef_lambda", "coef_tau", "coef_lambda_tilde",
        "coef_slab_sq",
    }  # fmt: skip
    assert set(sample_stats.data_vars) == {
        "noise_accepted", "lambda_accept_rate", "tau_slice_evals", "slab_slice_evals",
    }  # fmt: skip
    rate = sample_stats["lambda_accept_rate"].values
    assert np.all((rate >= 0.0) & (rate <= 1.0))
    assert 0.0 < rate.mean() < 1.0
    # λ̃_j² = c²λ_j²/(c² + τ²λ_j²), the deterministic of to_pymc
    lam, tau = posterior["coef_lambda"].values, posterior["coef_tau"].values[:, :, None]
    slab = posterior["coef_slab_sq"].values[:, :, None]
    np.testing.assert_allclose(
        posterior["coef_lambda_tilde"].values ** 2,
        slab * lam**2 / (slab + tau**2 * lam**2),
        rtol=1e-10,
    )
    assert tree.attrs["sampling_method"] == "horseshoe_gibbs"
    fixed = sample_horseshoe_gibbs(
        X, y, FIXED_SLAB, draws=50, tune=10, chains=2, random_seed=0, progressbar=False
    )
    assert set(fixed["sample_stats"].data_vars) == {"noise_accepted", "lambda_accept_rate"}
    assert "coef_slab_sq" not in fixed["posterior"]


def test_wide_problem_gives_finite_draws() -> None:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25, 50))
    y = X[:, :2] @ np.array([2.0, -1.5]) + 0.5 * rng.standard_normal(25)
    tree = sample_horseshoe_gibbs(
        X, y, RegularizedHorseshoePrior.from_guess(2, 50, 25), draws=200, tune=100,
        chains=2, random_seed=1, progressbar=False,
    )  # fmt: skip
    for name in tree["posterior"].data_vars:
        assert np.all(np.isfinite(tree["posterior"][name].values)), name


@pytest.mark.slow
def test_gibbs_matches_nuts() -> None:
    import pymc as pm

    from bayesreg.pymc.model import build_model

    rng = np.random.default_rng(6)
    X = rng.standard_normal((60, 4))
    y = 0.5 + X @ np.array([2.0, 0.0, 0.0, 0.7]) + rng.standard_normal(60)
    prior = RegularizedHorseshoePrior(0.3, slab_scale=1.0, global_prior="half_cauchy")
    gibbs = sample_horseshoe_gibbs(
        X, y, prior, draws=4000, tune=1000, chains=4, random_seed=7, progressbar=False
    )
    nuts = pm.sample(
        draws=1000, tune=1000, chains=4, random_seed=8, progressbar=False,
        model=build_model(X, y, prior), nuts_sampler="nutpie", target_accept=0.99,
    )  # fmt: skip
    names = ("coef", "intercept", "noise", "coef_tau", "coef_slab_sq")
    for name, score in nuts_scores(gibbs, nuts, names).items():
        assert score <= Z, (name, score)


def test_bad_inputs_are_refused_with_clear_messages() -> None:
    rng = np.random.default_rng(7)
    X = rng.standard_normal((20, 2))
    y = X[:, 0] + rng.standard_normal(20)
    with pytest.raises(InputTypeError, match=r"HorseshoePrior.*got prior of type GaussianPrior"):
        sample_horseshoe_gibbs(X, y, GaussianPrior(1.0), progressbar=False)
    with pytest.raises(InputValueError, match=r"likelihood must be one of.*got 'poisson'"):
        sample_horseshoe_gibbs(X, y, FIXED_SLAB, likelihood="poisson", progressbar=False)
    with pytest.raises(InputTypeError, match="noise_prior must be a NoisePrior or None"):
        sample_horseshoe_gibbs(X, y, FIXED_SLAB, noise_prior=1.0, progressbar=False)
    with pytest.raises(InputValueError, match=r"draws must be an integer ≥ 1; got 0"):
        sample_horseshoe_gibbs(X, y, FIXED_SLAB, draws=0, progressbar=False)
    with pytest.raises(InputValueError, match="Gaussian likelihood"):
        br.sample_posterior(
            X, np.round(np.abs(y)), FIXED_SLAB, likelihood="poisson", method="gibbs",
            progressbar=False,
        )  # fmt: skip
