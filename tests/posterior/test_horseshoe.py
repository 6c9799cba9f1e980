"""The horseshoe Gibbs sampler against a quadrature oracle and against NUTS.

Every comparison allows z = 5 Monte Carlo standard errors, with ESS-based standard
errors (arviz_stats.ess) on both sides, so it holds for any seed.
"""

from __future__ import annotations

import math

import arviz_stats as azs
import numpy as np
import pytest
from scipy import integrate

from bayesreg.errors import InputTypeError
from bayesreg.posterior.horseshoe_gibbs import sample_horseshoe_gibbs
from bayesreg.priors import (
    GaussianPrior,
    HorseshoePlusPrior,
    HorseshoePrior,
)

Z = 5.0


def _moment_z(draws_a: np.ndarray, draws_b: np.ndarray | float) -> float:
    """z of the difference of two means of draws (chain, draw), or of draws and a number."""
    error = float(draws_a.std()) ** 2 / float(azs.ess(draws_a))
    if isinstance(draws_b, np.ndarray):
        error += float(draws_b.std()) ** 2 / float(azs.ess(draws_b))
        other = float(draws_b.mean())
    else:
        other = draws_b
    return abs(float(draws_a.mean()) - other) / math.sqrt(error)


@pytest.mark.parametrize("prior", [HorseshoePrior(0.3), HorseshoePlusPrior(0.3)], ids=repr)
def test_one_coefficient_matches_quadrature(prior: HorseshoePrior) -> None:
    # p = 1, no intercept, σ fixed, τ fixed: p(w | y) ∝ exp(−S(w − ŵ)²/(2σ²)) p(w) with
    # S = Σx², ŵ = Σxy/S; its first two moments by quadrature (log singularity at 0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 1))
    y = 0.25 * x[:, 0] + rng.standard_normal(20)
    gram, estimate = float(x[:, 0] @ x[:, 0]), float(x[:, 0] @ y) / float(x[:, 0] @ x[:, 0])

    def kernel(w: float, power: int) -> float:
        return w**power * math.exp(-0.5 * gram * (w - estimate) ** 2 + float(prior.logpdf(w)))

    bound = abs(estimate) + 10.0 / math.sqrt(gram)
    moments = [
        integrate.quad(kernel, -bound, bound, args=(k,), points=[0.0], limit=200)[0]
        for k in range(3)
    ]
    mean, second = moments[1] / moments[0], moments[2] / moments[0]
    tree = sample_horseshoe_gibbs(
        x,
        y,
        prior,
        noise=1.0,
        fit_intercept=False,
        draws=4000,
        tune=500,
        chains=4,
        random_seed=3,
        progressbar=False,
    )
    coef = tree["posterior"]["coef"].values[:, :, 0]
    assert _moment_z(coef, mean) <= Z
    assert _moment_z(coef**2, second) <= Z


@pytest.fixture(scope="module")
def small_problem() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 5))
    y = 2.0 + X @ np.array([3.0, 0.0, 0.0, 1.0, 0.0]) + rng.standard_normal(60)
    return X, y


@pytest.mark.slow
def test_gibbs_matches_nuts(small_problem: tuple[np.ndarray, np.ndarray]) -> None:
    import pymc as pm

    from bayesreg.pymc.model import build_model

    X, y = small_problem
    prior = HorseshoePrior(1.0, global_prior="half_cauchy")
    gibbs = sample_horseshoe_gibbs(
        X, y, prior, draws=4000, tune=1000, chains=4, random_seed=5, progressbar=False
    )
    nuts = pm.sample(
        draws=1000,
        tune=1000,
        chains=4,
        random_seed=6,
        progressbar=False,
        model=build_model(X, y, prior),
        nuts_sampler="nutpie",
        target_accept=0.99,
    )
    # the same posterior: σ ~ HalfNormal(s_y) in both, flat intercept
    for name in ("coef", "intercept", "noise", "coef_tau"):
        a = gibbs["posterior"][name].values
        b = nuts["posterior"][name].values
        a, b = a.reshape((*a.shape[:2], -1)), b.reshape((*b.shape[:2], -1))
        for j in range(a.shape[2]):
            if name == "coef_tau":  # heavy right tail: compare log τ
                assert _moment_z(np.log(a[:, :, j]), np.log(b[:, :, j])) <= Z
                continue
            assert _moment_z(a[:, :, j], b[:, :, j]) <= Z, (name, j)
            centered_a = (a[:, :, j] - a[:, :, j].mean()) ** 2
            centered_b = (b[:, :, j] - b[:, :, j].mean()) ** 2
            assert _moment_z(centered_a, centered_b) <= Z, (name, j, "variance")


def test_gibbs_chains_converge(small_problem: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = small_problem
    tree = sample_horseshoe_gibbs(
        X,
        y,
        HorseshoePlusPrior(1.0),
        draws=3000,
        tune=500,
        chains=4,
        random_seed=2,
        progressbar=False,
    )
    posterior = tree["posterior"]
    for name in ("coef", "intercept", "noise"):
        values = posterior[name].values
        values = values.reshape((*values.shape[:2], -1))
        for j in range(values.shape[2]):
            assert float(azs.rhat(values[:, :, j])) < 1.01, (name, j)
    assert set(posterior.data_vars) == {"coef", "intercept", "noise", "coef_lambda", "coef_eta"}
    assert posterior["coef"].dims == ("chain", "draw", "feature")
    assert posterior["coef_lambda"].dims == ("chain", "draw", "feature")
    assert tree["sample_stats"]["noise_accepted"].shape == (4, 3000)
    assert tree.attrs["sampling_method"] == "horseshoe_gibbs"
    assert tree.attrs["prior_family"] == "HorseshoePlusPrior"
    np.testing.assert_array_equal(tree["observed_data"]["y_obs"].values, y)


def test_wide_problem_gives_finite_draws() -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 60))
    y = X[:, :3] @ np.array([2.0, -1.5, 1.0]) + 0.5 * rng.standard_normal(30)
    for prior in (HorseshoePrior(0.1, global_prior="half_cauchy"), HorseshoePlusPrior(0.05)):
        tree = sample_horseshoe_gibbs(
            X, y, prior, draws=300, tune=200, chains=2, random_seed=1, progressbar=False
        )
        posterior = tree["posterior"]
        assert posterior["coef"].shape == (2, 300, 60)
        for name in posterior.data_vars:
            assert np.all(np.isfinite(posterior[name].values)), name
        assert np.all(posterior["noise"].values > 0.0)


def test_same_seed_same_draws(small_problem: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = small_problem
    runs = [
        sample_horseshoe_gibbs(
            X,
            y,
            HorseshoePrior(1.0),
            draws=50,
            tune=10,
            chains=2,
            random_seed=9,
            progressbar=False,
        )["posterior"]["coef"].values
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_refused_priors(small_problem: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = small_problem
    with pytest.raises(InputTypeError, match="HorseshoePrior"):
        sample_horseshoe_gibbs(X, y, GaussianPrior(1.0), progressbar=False)
