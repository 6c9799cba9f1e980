"""Priors: the penalty table, round trips, normalization, PyMC log-densities, moments.

Oracles: the closed forms of DESIGN §1, scipy.integrate.quad for normalizing constants and
second moments, PyMC's own ``pm.logp`` of the random variable made by ``to_pymc``, and
Monte Carlo moments judged against their standard errors.

Tolerances (stated where used):
* conversions and round trips: relative 8·eps (a few roundings);
* normalization and variance against quad: 1e-10 relative (quad's own accuracy ~1e-12);
* PyMC log-density against ``logpdf``: 1e-12 absolute;
* Monte Carlo: |estimate − truth| ≤ 5 standard errors (false alarm rate < 1e-6).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pymc as pm
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from bayesreg.core.penalties import enet_prox, penalty_value
from bayesreg.errors import InputTypeError, InputValueError
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
    prior_from_penalty,
)

ROUNDING = 8 * np.finfo(np.float64).eps
QUAD_RTOL = 1e-10
PYMC_ATOL = 1e-12
MC_SIGMAS = 5.0

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)
sizes = st.integers(min_value=1, max_value=10_000)

PRIORS = [
    GaussianPrior(1.7),
    LaplacePrior(0.6),
    ElasticNetPrior(1.5, 2.0),
    ElasticNetPrior(0.2, 5.0),  # a/√c < 1: nearly Gaussian
    ElasticNetPrior(30.0, 0.5),  # a/√c ≈ 42 > 10: the integrated second moment
]


def test_penalty_table_of_design() -> None:
    """DESIGN §1 with n = 50, σ = 3: the three rows of the table."""
    n, sigma = 50, 3.0
    assert GaussianPrior(2.0).penalty(n, sigma) == pytest.approx(
        (sigma**2 / (n * 4.0), 0.0), rel=ROUNDING
    )
    assert LaplacePrior(2.0).penalty(n, sigma) == pytest.approx(
        (sigma**2 / (n * 2.0), 1.0), rel=ROUNDING
    )
    assert ElasticNetPrior(1.0, 3.0).penalty(n, sigma) == pytest.approx(
        (sigma**2 * 4.0 / n, 0.25), rel=ROUNDING
    )
    assert BayesianLassoPrior(0.5).penalty(n, sigma) == pytest.approx(
        (sigma * 0.5 / n, 1.0), rel=ROUNDING
    )


@given(scale=positive, n=sizes, noise=positive)
def test_gaussian_and_laplace_round_trip(scale: float, n: int, noise: float) -> None:
    for prior in (GaussianPrior(scale), LaplacePrior(scale)):
        back = prior_from_penalty(*prior.penalty(n, noise), n, noise)
        assert type(back) is type(prior)
        assert back.scale == pytest.approx(scale, rel=ROUNDING)


@given(l1=positive, l2=positive, n=sizes, noise=positive)
def test_elastic_net_round_trip(l1: float, l2: float, n: int, noise: float) -> None:
    alpha, l1_ratio = ElasticNetPrior(l1, l2).penalty(n, noise)
    back = prior_from_penalty(alpha, l1_ratio, n, noise)
    assert isinstance(back, ElasticNetPrior)
    assert (back.l1, back.l2) == pytest.approx((l1, l2), rel=ROUNDING)
    assert back.penalty(n, noise) == pytest.approx((alpha, l1_ratio), rel=ROUNDING)


@given(
    alpha=positive,
    l1_ratio=st.sampled_from([0.0, 0.3, 1.0]),
    n=sizes,
    noise=positive,
)
def test_penalty_round_trip(alpha: float, l1_ratio: float, n: int, noise: float) -> None:
    prior = prior_from_penalty(alpha, l1_ratio, n, noise)
    assert prior.penalty(n, noise) == pytest.approx((alpha, l1_ratio), rel=ROUNDING)


def test_prior_from_penalty_picks_the_family() -> None:
    assert isinstance(prior_from_penalty(0.1, 0.0, 10), GaussianPrior)
    assert isinstance(prior_from_penalty(0.1, 1.0, 10), LaplacePrior)
    assert isinstance(prior_from_penalty(0.1, 0.5, 10), ElasticNetPrior)


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_penalty_face_goes_through_core_kernels(prior: Prior) -> None:
    w = np.array([-1.5, 0.0, 0.3, 2.0])
    alpha, l1_ratio = prior.penalty(20, 1.3)
    assert prior.penalty_value(w, 20, 1.3) == penalty_value(w, alpha, l1_ratio)
    np.testing.assert_array_equal(prior.prox(w, 0.7, 20, 1.3), enet_prox(w, 0.7, alpha, l1_ratio))


def test_l1_weight_is_the_coefficient_of_abs_w() -> None:
    assert GaussianPrior(2.0).l1_weight() == 0.0
    assert LaplacePrior(2.0).l1_weight() == 0.5
    assert ElasticNetPrior(1.5, 2.0).l1_weight() == 1.5
    assert BayesianLassoPrior(0.6).l1_weight(noise=2.0) == pytest.approx(0.3, rel=ROUNDING)


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_logpdf_integrates_to_one(prior: Prior) -> None:
    # each half-line separately: the density has a kink at 0
    halves = [
        integrate.quad(lambda w: math.exp(prior.logpdf(w)), low, high, epsrel=1e-13)[0]
        for low, high in ((-np.inf, 0.0), (0.0, np.inf))
    ]
    assert sum(halves) == pytest.approx(1.0, rel=QUAD_RTOL)


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_variance_against_quadrature(prior: Prior) -> None:
    spread = math.sqrt(prior.variance())
    second, _ = integrate.quad(
        lambda w: w * w * math.exp(prior.logpdf(w)), 0.0, 80 * spread, epsrel=1e-13
    )
    assert prior.variance() == pytest.approx(2 * second, rel=QUAD_RTOL)


@pytest.mark.parametrize(
    ("l1", "l2"), [(1e-6, 1.0), (1.0, 1e-8), (50.0, 1e-2), (3.0, 0.09)], ids=str
)
def test_elastic_net_normalizer_in_extreme_ratios(l1: float, l2: float) -> None:
    """log Z stays accurate whether the prior is nearly Gaussian or nearly Laplace."""
    prior = ElasticNetPrior(l1, l2)
    spread = math.sqrt(prior.variance())
    kernel_mass, _ = integrate.quad(
        lambda w: math.exp(-l1 * w - 0.5 * l2 * w * w), 0.0, 80 * spread, epsrel=1e-13
    )
    log_z = math.log(2 * kernel_mass)
    assert prior.logpdf(0.0) == pytest.approx(-log_z, rel=QUAD_RTOL, abs=QUAD_RTOL)


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_to_pymc_log_density_equals_logpdf(prior: Prior) -> None:
    points = np.array([-3.0, -0.4, 0.0, 0.25, 2.0])
    with pm.Model():
        variable = prior.to_pymc("w", shape=points.shape)
    np.testing.assert_allclose(
        pm.logp(variable, points).eval(), prior.logpdf(points), rtol=0, atol=PYMC_ATOL
    )


def test_elastic_net_special_cases_delegate() -> None:
    laplace_like = ElasticNetPrior(2.0, 0.0)
    gaussian_like = ElasticNetPrior(0.0, 4.0)
    w = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(laplace_like.logpdf(w), LaplacePrior(0.5).logpdf(w), rtol=ROUNDING)
    np.testing.assert_allclose(gaussian_like.logpdf(w), GaussianPrior(0.5).logpdf(w), rtol=ROUNDING)
    assert laplace_like.variance() == pytest.approx(2 * 0.5**2, rel=ROUNDING)
    with pm.Model():
        variable = laplace_like.to_pymc("w", shape=2)
    assert type(variable.owner.op).__name__ == "LaplaceRV"


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_rvs_moments(prior: Prior) -> None:
    draws = prior.rvs(size=200_000, random_seed=7)
    count = draws.size
    mean_se = draws.std() / math.sqrt(count)
    second = draws**2
    variance_se = second.std() / math.sqrt(count)
    assert abs(draws.mean()) <= MC_SIGMAS * mean_se
    assert abs(second.mean() - prior.variance()) <= MC_SIGMAS * variance_se


@pytest.mark.filterwarnings("ignore:Numba will use object mode:UserWarning")
def test_pymc_draws_of_the_elastic_net_prior() -> None:
    prior = ElasticNetPrior(1.5, 2.0)
    with pm.Model():
        variable = prior.to_pymc("w", shape=1000)
    draws = pm.draw(variable, draws=20, random_seed=3).ravel()
    second = draws**2
    assert abs(second.mean() - prior.variance()) <= MC_SIGMAS * second.std() / math.sqrt(draws.size)
    assert abs(draws.mean()) <= MC_SIGMAS * draws.std() / math.sqrt(draws.size)


def test_rvs_is_reproducible() -> None:
    prior = ElasticNetPrior(1.0, 1.0)
    np.testing.assert_array_equal(prior.rvs(5, random_seed=1), prior.rvs(5, random_seed=1))


def test_bayesian_lasso_faces() -> None:
    prior = BayesianLassoPrior(0.5)
    w = np.array([-1.0, 0.0, 2.0])
    # w | σ ~ Laplace(0, σ/λ): with σ = 2, b = 4
    np.testing.assert_allclose(prior.logpdf(w, noise=2.0), LaplacePrior(4.0).logpdf(w), rtol=1e-15)
    assert prior.variance(noise=2.0) == pytest.approx(2 * 16.0, rel=ROUNDING)
    assert prior.conditions_on_noise
    assert not LaplacePrior(1.0).conditions_on_noise
    with pm.Model():
        noise = pm.HalfNormal("noise")
        coef = prior.to_pymc("coef", shape=3, noise=noise)
        logp = pm.logp(coef, w)
    value = logp.eval({noise: 2.0})
    np.testing.assert_allclose(value, LaplacePrior(4.0).logpdf(w), atol=PYMC_ATOL)


def test_bayesian_lasso_hyperprior_model() -> None:
    prior = BayesianLassoPrior(hyperprior=(1.0, 1.78))
    with pm.Model() as model:
        prior.to_pymc("coef", shape=3, noise=1.0)
    assert {rv.name for rv in model.free_RVs} == {"coef", "coef_lam_sq"}
    assert "coef_lam" in model.named_vars
    with pytest.raises(InputValueError, match="fixed λ"):
        prior.penalty(10)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: GaussianPrior(0.0), "scale"),
        (lambda: GaussianPrior(-1.0), "scale"),
        (lambda: LaplacePrior(float("nan")), "scale"),
        (lambda: LaplacePrior(float("inf")), "scale"),
        (lambda: ElasticNetPrior(-1.0, 1.0), "l1"),
        (lambda: ElasticNetPrior(1.0, -1.0), "l2"),
        (lambda: ElasticNetPrior(0.0, 0.0), "l1 > 0 or l2 > 0"),
        (lambda: BayesianLassoPrior(), "exactly one"),
        (lambda: BayesianLassoPrior(1.0, hyperprior=(1.0, 1.0)), "exactly one"),
        (lambda: BayesianLassoPrior(0.0), "lam"),
        (lambda: BayesianLassoPrior(hyperprior=(1.0, 0.0)), "rate"),
        (lambda: BayesianLassoPrior(hyperprior=(1.0,)), "pair"),  # type: ignore[arg-type]
        (lambda: prior_from_penalty(0.0, 1.0, 10), "alpha"),
        (lambda: prior_from_penalty(1.0, 1.5, 10), "l1_ratio"),
        (lambda: LaplacePrior(1.0).penalty(10, noise=0.0), "noise"),
    ],
)
def test_bad_values_are_rejected(make: object, match: str) -> None:
    with pytest.raises(InputValueError, match=match):
        make()  # type: ignore[operator]


def test_bad_types_are_rejected() -> None:
    with pytest.raises(InputTypeError, match="scale"):
        GaussianPrior("1.0")  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="n_samples"):
        LaplacePrior(1.0).penalty(2.5)  # type: ignore[arg-type]


def test_the_error_names_the_value_received() -> None:
    with pytest.raises(InputValueError, match=r"-2\.0"):
        LaplacePrior(-2.0)


def test_priors_are_immutable() -> None:
    prior = LaplacePrior(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        prior.scale = 2.0  # type: ignore[misc]


def test_penalized_fit_refuses_a_noise_for_the_bernoulli_likelihood() -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 3))
    y = (X[:, 0] > 0).astype(float)
    with pytest.raises(InputValueError, match=r"noise=5\.0 was given"):
        GaussianPrior(1.0).penalized_fit(X, y, likelihood="bernoulli", noise=5.0)
    fit = GaussianPrior(1.0).penalized_fit(X, y, likelihood="bernoulli")
    assert fit.certificate == "kkt residual"


@pytest.mark.parametrize("hyperprior", [3.0, (1.0,), (1.0, 2.0, 3.0), (1.0, -1.0), (math.inf, 1.0)])
def test_gamma_hyperpriors_must_be_a_positive_pair(hyperprior: object) -> None:
    from bayesreg.posterior import GibbsPrior

    with pytest.raises(InputValueError, match="hyperprior"):
        BayesianLassoPrior(hyperprior=hyperprior)  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="l1_hyperprior"):
        GibbsPrior(l1=1.0, l1_hyperprior=hyperprior)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prior", "params"),
    [
        (GaussianPrior(1.7), {"scale": 1.7}),
        (LaplacePrior(0.6), {"scale": 0.6}),
        (ElasticNetPrior(1.5, 2.0), {"l1": 1.5, "l2": 2.0}),
        (BayesianLassoPrior(0.3), {"lam": 0.3, "hyperprior": None}),
        (BayesianLassoPrior(hyperprior=(1.0, 2.0)), {"lam": None, "hyperprior": (1.0, 2.0)}),
    ],
)
def test_get_params_lists_the_fields(prior: Prior, params: dict[str, object]) -> None:
    """scikit-learn's nested parameters: every field, and a prior rebuilt from them is equal."""
    assert prior.get_params() == params
    assert prior.get_params(deep=False) == params
    assert type(prior)(**params) == prior
    assert prior.__sklearn_clone__() is prior  # immutable: a clone is the prior itself
