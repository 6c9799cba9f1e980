"""sample_posterior: the DataTree layout, the prior mapping, and NUTS against exact and Gibbs."""

from __future__ import annotations

import json

import arviz as az
import numpy as np
import pandas as pd
import pytest
import xarray

from bayesreg.errors import InputTypeError, InputValueError, ModelStructureError
from bayesreg.posterior.conjugate import gaussian_posterior
from bayesreg.posterior.sampling import gibbs_prior_of, noise_prior_of, sample_posterior
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
)
from bayesreg.pymc.model import build_model


def _problem(n: int = 40, p: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ np.linspace(1.0, 0.0, p) + 0.5 + 0.8 * rng.standard_normal(n)


def _values(tree: xarray.DataTree, name: str, group: str = "posterior") -> np.ndarray:
    return tree.children[group].to_dataset()[name].to_numpy()


@pytest.mark.parametrize(
    ("prior", "options", "variables"),
    [
        (GaussianPrior(1.0), {"method": "exact", "noise": 0.8}, {"coef", "intercept"}),
        (LaplacePrior(0.5), {"method": "gibbs"}, {"coef", "intercept", "noise"}),
        (
            BayesianLassoPrior(hyperprior=(1.0, 1.0)),
            {"method": "gibbs"},
            {"coef", "intercept", "noise", "coef_lam"},
        ),
    ],
)
def test_numpy_samplers_return_an_arviz_datatree(
    prior: Prior, options: dict[str, object], variables: set[str]
) -> None:
    X, y = _problem()
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    tree = sample_posterior(
        frame,
        y,
        prior,
        draws=20,
        chains=3,
        tune=5,
        random_seed=0,
        progressbar=False,
        **options,  # type: ignore[arg-type]
    )
    posterior = tree["posterior"]
    assert set(posterior.data_vars) == variables
    assert posterior["coef"].dims == ("chain", "draw", "feature")
    assert posterior["coef"].shape == (3, 20, 3)
    assert list(posterior["feature"].to_numpy()) == ["age", "bmi", "bp"]
    np.testing.assert_array_equal(_values(tree, "y_obs", "observed_data"), y)
    assert tree.attrs["sampling_method"] == options["method"]
    assert tree.attrs["prior"] == repr(prior)
    assert posterior.attrs["sampling_method"] == options["method"]
    expected_noise = (
        "fixed σ = 0.8"
        if "noise" in options
        else noise_prior_of(prior, y, fit_intercept=True).description
    )
    assert tree.attrs["noise_prior"] == expected_noise
    # what shrinkage_summary reads back: the prior's family and parameters, the fixed σ
    assert tree.attrs["prior_family"] == type(prior).__name__
    parameters = json.loads(tree.attrs["prior_parameters"])
    assert type(prior)(**parameters) == prior
    assert tree.attrs.get("fixed_noise") == options.get("noise")
    # ArviZ 1 reads it
    assert az.ess(tree, var_names=["coef"])["coef"].shape == (3,)


def test_no_intercept_variable_without_an_intercept() -> None:
    X, y = _problem()
    tree = sample_posterior(
        X,
        y,
        GaussianPrior(1.0),
        noise=1.0,
        method="exact",
        fit_intercept=False,
        draws=5,
        chains=1,
        progressbar=False,
    )
    assert set(tree["posterior"].data_vars) == {"coef"}


def test_exact_and_gibbs_refuse_what_they_cannot_do() -> None:
    X, y = _problem()
    with pytest.raises(ModelStructureError, match="Gaussian prior and a fixed noise"):
        sample_posterior(X, y, LaplacePrior(1.0), noise=1.0, method="exact")
    with pytest.raises(ModelStructureError, match="fixed noise"):
        sample_posterior(X, y, GaussianPrior(1.0), method="exact")
    counts = np.round(np.abs(y))
    with pytest.raises(InputValueError, match="Gaussian likelihood"):
        sample_posterior(X, counts, GaussianPrior(1.0), likelihood="poisson", method="gibbs")
    with pytest.raises(InputValueError, match="method"):
        sample_posterior(X, y, GaussianPrior(1.0), method="hmc")
    with pytest.raises(InputTypeError, match="prior"):
        sample_posterior(X, y, "gaussian", method="gibbs")  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="draws"):
        sample_posterior(X, y, GaussianPrior(1.0), method="gibbs", draws=0)


@pytest.mark.parametrize(
    "prior",
    [GaussianPrior(0.7), LaplacePrior(0.4), ElasticNetPrior(2.0, 3.0), BayesianLassoPrior(3.0)],
    ids=["gaussian", "laplace", "elastic-net", "bayesian-lasso"],
)
def test_gibbs_prior_has_the_log_density_of_the_prior_object(prior: Prior) -> None:
    """−l1|w| − (l2/2)w² differs from prior.logpdf(w) by a constant, at fixed σ."""
    noise = 1.3
    mixture = gibbs_prior_of(prior, noise)
    w = np.linspace(-3.0, 3.0, 13)
    ours = -mixture.l1 * np.abs(w) - 0.5 * mixture.l2 * w**2
    theirs = (
        prior.logpdf(w, noise=noise) if isinstance(prior, BayesianLassoPrior) else prior.logpdf(w)
    )
    differences = ours - theirs
    np.testing.assert_allclose(differences, differences[0], atol=1e-12)
    assert not mixture.scaled_by_noise


def test_gibbs_prior_with_free_noise_keeps_the_scaling_and_the_hyperprior() -> None:
    assert gibbs_prior_of(BayesianLassoPrior(2.0), None).scaled_by_noise
    assert gibbs_prior_of(BayesianLassoPrior(2.0), None).l1 == 2.0
    assert not gibbs_prior_of(LaplacePrior(0.5), None).scaled_by_noise
    hyper = gibbs_prior_of(BayesianLassoPrior(hyperprior=(2.0, 3.0)), None)
    assert hyper.l1_hyperprior == (2.0, 3.0)
    # σ fixed: l1 = λ/σ, so l1² = λ²/σ² ~ Gamma(r, σ²δ)
    fixed = gibbs_prior_of(BayesianLassoPrior(hyperprior=(2.0, 3.0)), 2.0)
    assert fixed.l1_hyperprior == (2.0, 12.0)
    assert not fixed.scaled_by_noise


@pytest.mark.parametrize(
    "prior", [LaplacePrior(0.5), BayesianLassoPrior(2.0)], ids=["half-normal", "reference"]
)
def test_noise_prior_is_the_one_build_model_uses(prior: Prior) -> None:
    """The density of σ in the PyMC model, up to a constant, against NoisePrior's.

    NoisePrior states p(σ²) ∝ (σ²)^(−a−1) e^(−b/σ² − cσ²); on σ, p(σ) = 2σ p(σ²).
    """
    X, y = _problem()
    model = build_model(X, y, prior)
    noise_prior = noise_prior_of(prior, y, fit_intercept=True)
    sigmas = np.array([0.3, 0.9, 2.5])
    logp = model.compile_logp(vars=[model["noise"], *model.potentials], jacobian=False)
    start = model.initial_point()
    theirs = np.array([logp({**start, "noise_log__": np.log(s)}) for s in sigmas])
    variance = sigmas**2
    ours = (
        -(noise_prior.shape + 1.0) * np.log(variance)
        - noise_prior.scale / variance
        - noise_prior.curvature * variance
        + np.log(2.0 * sigmas)
    )
    np.testing.assert_allclose(ours - ours[0], theirs - theirs[0], atol=1e-10)


def _mcse(tree: xarray.DataTree, name: str) -> np.ndarray:
    return np.asarray(az.mcse(tree, var_names=[name])[name].to_numpy())


@pytest.mark.slow
def test_nuts_agrees_with_the_exact_posterior() -> None:
    """PyMC's default NUTS (nutpie when installed) against the closed form, σ fixed."""
    X, y = _problem(n=30, p=3, seed=1)
    scale, noise = 0.6, 0.8
    tree = sample_posterior(
        X,
        y,
        GaussianPrior(scale),
        noise=noise,
        method="nuts",
        draws=500,
        chains=2,
        tune=500,
        random_seed=2,
        progressbar=False,
    )
    exact = gaussian_posterior(X, y, scale=scale, noise=noise)
    draws = _values(tree, "coef")
    # means within 4 Monte Carlo standard errors, sds within 10 %
    assert np.all(np.abs(draws.mean(axis=(0, 1)) - exact.mean) <= 4.0 * _mcse(tree, "coef"))
    np.testing.assert_allclose(
        draws.reshape(-1, 3).std(axis=0), np.sqrt(np.diag(exact.covariance)), rtol=0.10
    )
    intercept = _values(tree, "intercept")
    assert abs(intercept.mean() - exact.intercept_mean) <= 4.0 * _mcse(tree, "intercept")
    assert intercept.std() == pytest.approx(np.sqrt(exact.intercept_variance), rel=0.10)


@pytest.mark.slow
@pytest.mark.parametrize(
    "prior", [LaplacePrior(0.4), BayesianLassoPrior(2.0)], ids=["laplace", "bayesian-lasso"]
)
def test_gibbs_agrees_with_nuts_for_laplace_priors_with_free_noise(prior: Prior) -> None:
    """Both target the same posterior (the noise prior of build_model)."""
    X, y = _problem(n=25, p=3, seed=3)
    options = {"draws": 1000, "chains": 2, "tune": 500, "progressbar": False}
    gibbs = sample_posterior(X, y, prior, method="gibbs", random_seed=4, **options)  # type: ignore[arg-type]
    nuts = sample_posterior(
        X,
        y,
        prior,
        method="nuts",
        nuts_sampler="pymc",
        random_seed=5,
        **options,  # type: ignore[arg-type]
    )
    for name in ("coef", "intercept", "noise"):
        ours = _values(gibbs, name)
        theirs = _values(nuts, name)
        tolerance = 4.0 * np.hypot(_mcse(gibbs, name), _mcse(nuts, name))
        assert np.all(np.abs(ours.mean(axis=(0, 1)) - theirs.mean(axis=(0, 1))) <= tolerance)
        sd_ours = ours.reshape(2000, -1).std(axis=0)  # 2 chains × 1000 draws
        sd_theirs = theirs.reshape(2000, -1).std(axis=0)
        np.testing.assert_allclose(sd_ours, sd_theirs, rtol=0.10)
    assert _values(nuts, "diverging", "sample_stats").sum() == 0


def test_nuts_is_reached_through_pymc() -> None:
    """A tiny NUTS run: PyMC's DataTree with sample_stats and our attributes."""
    X, y = _problem(n=20, p=2, seed=6)
    tree = sample_posterior(
        X,
        y,
        GaussianPrior(1.0),
        noise=1.0,
        draws=20,
        tune=20,
        chains=1,
        random_seed=1,
        progressbar=False,
        nuts_sampler="pymc",
    )
    assert {"posterior", "sample_stats", "observed_data"} <= set(tree.children)
    assert tree.attrs["sampling_method"] == "nuts"
    assert tree["posterior"]["coef"].dims == ("chain", "draw", "feature")


def test_logistic_regression_goes_to_nuts_without_a_noise() -> None:
    X, y = _problem(n=40, p=2, seed=7)
    labels = (y > np.median(y)).astype(float)
    tree = sample_posterior(
        X,
        labels,
        LaplacePrior(1.0),
        likelihood="bernoulli",
        draws=20,
        tune=20,
        chains=1,
        random_seed=2,
        progressbar=False,
        nuts_sampler="pymc",
    )
    assert "noise" not in tree.children["posterior"].to_dataset()
    assert tree.attrs["noise_prior"] == "none (Bernoulli likelihood)"
    assert tree.attrs["likelihood"] == "bernoulli"
