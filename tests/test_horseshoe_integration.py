"""The horseshoe family through the package's entry points.

These priors have a distribution face only: ``sample_posterior(method="gibbs")`` runs
their Gibbs sampler (Gaussian or Bernoulli likelihood), while ``find_map`` and
``check_equivalence`` refuse them with the reason (the density is unbounded at 0, so
there is no finite MAP).
"""

from __future__ import annotations

import numpy as np
import pytest

import bayesreg as br
from bayesreg.errors import InputValueError, ModelStructureError


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    return X, X @ np.array([2.0, 0.0, 0.0, -1.0, 0.0]) + rng.standard_normal(60)


@pytest.mark.parametrize("prior", [br.HorseshoePrior(1.0), br.HorseshoePlusPrior(1.0)], ids=repr)
def test_sample_posterior_gibbs_runs_the_horseshoe_sampler(prior: br.Prior) -> None:
    X, y = make_data()
    tree = br.sample_posterior(X, y, prior, method="gibbs", draws=400, chains=2, progressbar=False)
    posterior = tree["posterior"]
    assert {"coef", "coef_lambda", "intercept", "noise"} <= set(posterior.data_vars)
    assert posterior["coef"].shape == (2, 400, 5)
    assert np.all(np.isfinite(posterior["coef"].to_numpy()))


def test_no_map_is_refused_with_the_reason() -> None:
    X, y = make_data()
    prior = br.HorseshoePrior(1.0)
    with pytest.raises(ModelStructureError, match="unbounded at w_j = 0"):
        br.find_map(br.build_model(X, y, prior))
    with pytest.raises(ModelStructureError, match="unbounded at w_j = 0"):
        br.check_equivalence(X, y, prior)


def test_the_gibbs_sampler_takes_the_bernoulli_likelihood_but_not_poisson() -> None:
    X, y = make_data()
    labels = (y > 0).astype(float)
    tree = br.sample_posterior(
        X, labels, br.HorseshoePrior(1.0), likelihood="bernoulli", method="gibbs",
        draws=100, tune=50, chains=2, random_seed=0, progressbar=False,
    )  # fmt: skip
    assert tree.attrs["likelihood"] == "bernoulli"
    assert np.all(np.isfinite(tree["posterior"]["coef"].to_numpy()))
    with pytest.raises(InputValueError, match="Gaussian likelihood"):
        br.sample_posterior(
            X, np.round(np.abs(y)), br.HorseshoePrior(1.0), likelihood="poisson",
            method="gibbs", progressbar=False,
        )  # fmt: skip


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_a_weighted_tree_says_what_its_weights_mean(likelihood: str) -> None:
    # every sampler records observation weights the same way: the horseshoe's Gibbs trees
    # as the scale mixtures' (whose Gaussian tree is the reference here)
    X, y = make_data()
    target = (y > 0).astype(float) if likelihood == "bernoulli" else y
    weights = np.random.default_rng(1).integers(1, 4, y.size).astype(float)
    options = {"likelihood": likelihood, "method": "gibbs", "draws": 20, "tune": 10,
               "chains": 1, "random_seed": 0, "progressbar": False}  # fmt: skip
    horseshoe = br.sample_posterior(X, target, br.HorseshoePrior(1.0), **options)
    weighted = br.sample_posterior(
        X, target, br.HorseshoePrior(1.0), sample_weight=weights, **options
    )
    reference = br.sample_posterior(
        X, target, br.LaplacePrior(1.0), sample_weight=weights, **options
    )
    assert "sample_weight" not in horseshoe.attrs
    for tree in (weighted, reference):
        assert tree.attrs["sample_weight"] == reference["posterior"].attrs["sample_weight"]
        assert tree["posterior"].attrs["sample_weight"] == tree.attrs["sample_weight"]
    assert ("noise σ/√s_i" in weighted.attrs["sample_weight"]) == (likelihood == "gaussian")
