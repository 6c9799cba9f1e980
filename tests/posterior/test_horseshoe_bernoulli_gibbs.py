"""The horseshoe family with the Bernoulli likelihood: Pólya-Gamma Gibbs.

* One coefficient (no intercept): posterior means of w and log τ against importance
  sampling from the prior hierarchy, with and without observation weights.
* Four coefficients, an intercept, τ random: posterior means against NUTS on
  ``build_model`` for each prior of the family.
Every comparison allows 5 combined Monte Carlo standard errors (ESS-based for the chains).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from _horseshoe_oracle import Z, gibbs_z_scores, importance_moments, nuts_z_scores

import bayesreg as br
from bayesreg.errors import DataError, InputValueError
from bayesreg.posterior.horseshoe_gibbs import sample_horseshoe_gibbs
from bayesreg.priors import HorseshoePlusPrior, HorseshoePrior, RegularizedHorseshoePrior

REGULARIZED = RegularizedHorseshoePrior(
    0.5, slab_scale=1.0, slab_df=4.0, global_prior="half_cauchy"
)


def make_problem(n: int, coef: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, coef.size))
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(0.3 + X @ coef)))).astype(float)
    return X, y


def bernoulli_log_likelihood(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """``w ↦ Σ_i s_i [y_i x_i w − log(1 + e^{x_i w})]`` for a vector of w (in chunks)."""

    def log_likelihood(w: np.ndarray) -> np.ndarray:
        out = np.empty_like(w)
        for start in range(0, w.size, 50_000):
            eta = np.outer(w[start : start + 50_000], x)
            out[start : start + 50_000] = (y * eta - np.logaddexp(0.0, eta)) @ weights
        return out

    return log_likelihood


@pytest.mark.parametrize(
    ("prior", "weighted"),
    [
        (HorseshoePrior(0.5, global_prior="half_cauchy"), False),
        (HorseshoePlusPrior(0.5, global_prior="half_cauchy"), False),
        (RegularizedHorseshoePrior(0.5, slab_scale=1.0, slab_df=None), False),
        (REGULARIZED, False),
        (REGULARIZED, True),
    ],
    ids=["horseshoe", "horseshoe+", "regularized-fixed-slab", "regularized", "weighted"],
)
def test_one_coefficient_matches_importance_sampling(prior: object, weighted: bool) -> None:
    X, y = make_problem(40, np.array([1.5]), seed=1)
    weights = np.random.default_rng(2).uniform(0.2, 2.0, 40) if weighted else np.ones(40)
    oracle = importance_moments(prior, bernoulli_log_likelihood(X[:, 0], y, weights))
    tree = sample_horseshoe_gibbs(
        X, y, prior, likelihood="bernoulli", fit_intercept=False, draws=3000, tune=500,
        chains=4, random_seed=3, progressbar=False,
        sample_weight=weights if weighted else None,
    )  # fmt: skip
    for name, score in gibbs_z_scores(tree, oracle).items():
        assert score <= Z, (name, score)


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior",
    [
        HorseshoePrior(0.5, global_prior="half_cauchy"),
        HorseshoePlusPrior(0.5, global_prior="half_cauchy"),
        RegularizedHorseshoePrior(0.5, slab_scale=1.5, global_prior="half_cauchy"),
    ],
    ids=["horseshoe", "horseshoe+", "regularized"],
)
def test_gibbs_matches_nuts(prior: object) -> None:
    import pymc as pm

    from bayesreg.pymc.model import build_model

    X, y = make_problem(60, np.array([2.0, 0.0, 0.0, -1.0]), seed=4)
    gibbs = br.sample_posterior(
        X, y, prior, likelihood="bernoulli", method="gibbs", draws=4000, tune=1000,
        chains=4, random_seed=5, progressbar=False,
    )  # fmt: skip
    nuts = pm.sample(
        draws=1000, tune=1000, chains=4, random_seed=6, progressbar=False,
        model=build_model(X, y, prior, likelihood="bernoulli"), nuts_sampler="nutpie",
        target_accept=0.99,
    )  # fmt: skip
    names = ("coef", "intercept", "coef_tau")
    if isinstance(prior, RegularizedHorseshoePrior):
        names += ("coef_slab_sq",)
    for name, score in nuts_z_scores(gibbs, nuts, names).items():
        assert score <= Z, (name, score)


def test_sample_posterior_runs_it_with_the_layout_of_the_gaussian_sampler() -> None:
    X, y = make_problem(50, np.array([1.0, 0.0, -1.0]), seed=7)
    tree = br.sample_posterior(
        X, y, REGULARIZED, likelihood="bernoulli", method="gibbs", draws=200, tune=50,
        chains=2, random_seed=0, progressbar=False, sample_weight=np.full(50, 2.0),
    )  # fmt: skip
    posterior = tree["posterior"]
    assert set(posterior.data_vars) == {
        "coef", "intercept", "coef_lambda", "coef_tau", "coef_lambda_tilde", "coef_slab_sq",
    }  # fmt: skip
    assert posterior["coef"].dims == ("chain", "draw", "feature")
    assert set(tree["sample_stats"].data_vars) == {
        "lambda_accept_rate", "tau_slice_evals", "slab_slice_evals",
    }  # fmt: skip
    assert tree.attrs["likelihood"] == "bernoulli"
    assert tree.attrs["noise_prior"] == "none (Bernoulli likelihood)"
    np.testing.assert_array_equal(tree["observed_data"]["y_obs"].values, y)
    # the horseshoe has no Metropolis-Hastings step, so no sample_stats
    plain = sample_horseshoe_gibbs(
        X, y, HorseshoePrior(1.0), likelihood="bernoulli", draws=20, tune=5, chains=2,
        random_seed=0, progressbar=False,
    )  # fmt: skip
    assert "sample_stats" not in plain.children


def test_same_seed_same_draws_and_wide_designs_are_finite() -> None:
    X, y = make_problem(30, np.r_[2.0, -1.0, np.zeros(38)], seed=8)
    options = {"likelihood": "bernoulli", "draws": 100, "tune": 50, "chains": 2}
    runs = [
        sample_horseshoe_gibbs(
            X, y, HorseshoePlusPrior(0.1), random_seed=9, progressbar=False, **options
        )["posterior"]
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0]["coef"].values, runs[1]["coef"].values)
    for name in runs[0].data_vars:
        assert np.all(np.isfinite(runs[0][name].values)), name


def test_bad_inputs_are_refused_with_clear_messages() -> None:
    X, y = make_problem(20, np.array([1.0, 0.0]), seed=10)
    with pytest.raises(InputValueError, match=r"noise=1\.0.*likelihood='bernoulli'.*omit"):
        sample_horseshoe_gibbs(X, y, HorseshoePrior(), likelihood="bernoulli", noise=1.0)
    with pytest.raises(InputValueError, match="noise"):
        br.sample_posterior(
            X, y, HorseshoePrior(), likelihood="bernoulli", method="gibbs", noise=1.0,
            progressbar=False,
        )  # fmt: skip
    with pytest.raises(DataError, match="only 0 and 1"):
        sample_horseshoe_gibbs(X, y + 0.5, HorseshoePrior(), likelihood="bernoulli")
    with pytest.raises(DataError, match="only the class 1"):
        sample_horseshoe_gibbs(X, np.ones(20), REGULARIZED, likelihood="bernoulli")
