"""The NumPy samplers' shared front end: run options, tree attributes, the DataTree."""

from __future__ import annotations

import numpy as np
import pytest

from bayesreg.core.stats import SufficientStats
from bayesreg.errors import InputTypeError
from bayesreg.posterior._front import (
    RunOptions,
    check_noise_prior,
    draws_tree,
    observed_target,
    tree_attrs,
)
from bayesreg.priors import LaplacePrior, NoisePrior


def test_run_options_keywords_are_the_options_as_given() -> None:
    generator = np.random.default_rng(3)
    run = RunOptions.checked(
        draws=5, tune=0, chains=2, random_seed=generator, progressbar=False, fit_intercept=False
    )
    keywords = run.keywords()
    assert keywords["random_seed"] is generator  # not copied
    assert RunOptions(**keywords) == run
    trace = run.sweeps(lambda: {"state": np.zeros((2, 3))}, "test")
    assert trace["state"].shape == (2, 5, 3)


def test_tree_attrs_describe_the_noise() -> None:
    prior = LaplacePrior(1.0)
    fixed = tree_attrs("gibbs", prior, likelihood="gaussian", noise=2.0)
    assert fixed["noise_prior"] == "fixed σ = 2.0"
    assert fixed["fixed_noise"] == 2.0
    free = tree_attrs(
        "gibbs", prior, likelihood="gaussian", noise=None, noise_prior=NoisePrior.reference()
    )
    assert free["noise_prior"] == NoisePrior.reference().description
    assert "fixed_noise" not in free
    logistic = tree_attrs("nuts", prior, likelihood="bernoulli", noise=None)
    assert logistic["noise_prior"] == "none (Bernoulli likelihood)"
    assert list(logistic)[:5] == [
        "sampling_method",
        "prior",
        "prior_family",
        "prior_parameters",
        "likelihood",
    ]


def test_draws_tree_leaves_out_what_was_not_sampled() -> None:
    coef = np.zeros((2, 4, 3))
    tree = draws_tree(
        {"coef": coef, "intercept": None, "coef_lambda": np.ones((2, 4, 3))},
        y=None,
        feature_names=("a", "b", "c"),
        attrs={"sampling_method": "gibbs"},
        sample_stats={"accepted": np.ones((2, 4))},
    )
    assert sorted(tree.posterior.data_vars) == ["coef", "coef_lambda"]
    assert tree.posterior["coef_lambda"].dims == ("chain", "draw", "feature")
    assert "observed_data" not in tree.children
    assert tree.attrs["sampling_method"] == "gibbs"
    assert "accepted" in tree["sample_stats"].data_vars
    with_y = draws_tree({"coef": coef}, y=np.arange(5.0), feature_names=("a", "b", "c"), attrs={})
    assert with_y["observed_data"]["y_obs"].dims == ("obs",)


def test_observed_target_and_noise_prior_check() -> None:
    X, y = np.ones((4, 2)) * np.arange(4.0)[:, None], np.arange(4.0)
    np.testing.assert_array_equal(observed_target(X, y), y)
    assert observed_target(SufficientStats.from_arrays(X, y), None) is None
    assert check_noise_prior(None) is None
    with pytest.raises(InputTypeError, match="noise_prior must be a NoisePrior or None"):
        check_noise_prior("reference")
