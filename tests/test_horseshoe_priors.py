"""The horseshoe-family priors: densities, draws, shrinkage factor, and the refused penalty.

Stochastic checks hold for any seed: a Kolmogorov-Smirnov test at level 1e-6, or a
frequency compared with its binomial standard error at z = 5.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from bayesreg.errors import InputValueError, ModelStructureError
from bayesreg.priors import (
    HorseshoePlusPrior,
    HorseshoePrior,
    Prior,
    RegularizedHorseshoePrior,
)

Z = 5.0
KS_LEVEL = 1e-6
K = 1.0 / math.sqrt(2.0 * math.pi**3)

PRIORS = [
    HorseshoePrior(0.7),
    HorseshoePrior(0.7, global_prior="half_cauchy"),
    HorseshoePlusPrior(0.5),
    RegularizedHorseshoePrior(0.7, slab_df=None),
    RegularizedHorseshoePrior(0.3, slab_scale=1.5, slab_df=None, global_prior="half_cauchy"),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_horseshoe_shrinkage_factor_is_beta_half_half(seed: int) -> None:
    # λ ~ C⁺(0, 1), τ = σ = n = 1: κ = 1/(1 + λ²) ~ Beta(1/2, 1/2)
    kappa = HorseshoePrior(1.0).shrinkage(100_000, seed)
    assert stats.kstest(kappa, stats.beta(0.5, 0.5).cdf).pvalue > KS_LEVEL


def test_shrinkage_logpdf_is_beta_at_one_and_a_density_otherwise() -> None:
    kappa = np.linspace(0.01, 0.99, 25)
    beta = stats.beta(0.5, 0.5).logpdf(kappa)
    np.testing.assert_allclose(HorseshoePrior(1.0).shrinkage_logpdf(kappa), beta, rtol=1e-12)
    # a = nτ²/σ² = 4·0.5²/0.5² = 4: integrates to 1; draws follow it (KS on its CDF)
    prior = HorseshoePrior(0.5)

    def density(k: float) -> float:
        return float(np.exp(prior.shrinkage_logpdf(k, n_samples=4, noise=0.5)))

    total = integrate.quad(density, 0.0, 1.0, points=[0.5], limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-8)
    draws = prior.shrinkage(20_000, 5, n_samples=4, noise=0.5)

    def cdf(values: np.ndarray) -> np.ndarray:
        # P(κ ≤ k) = P(λ² ≥ (1 − k)/(a k)) = 1 − (2/π) arctan √((1 − k)/(a k)), a = 4
        result: np.ndarray = 1.0 - 2.0 / np.pi * np.arctan(np.sqrt((1 - values) / (4 * values)))
        return result

    assert stats.kstest(draws, cdf).pvalue > KS_LEVEL


def test_horseshoe_closed_form_matches_the_mixture_integral_and_bounds() -> None:
    tau = 0.7
    for w in (1e-3, 0.05, 0.7, 3.0, 40.0):

        def integrand(lam: float, w: float = w) -> float:
            return float(stats.norm.pdf(w, 0.0, lam * tau) * 2.0 / (math.pi * (1.0 + lam**2)))

        numeric = integrate.quad(integrand, 0.0, np.inf, limit=400)[0]
        closed = float(np.exp(HorseshoePrior(tau).logpdf(w)))
        assert closed == pytest.approx(numeric, rel=1e-7)
        # Carvalho, Polson & Scott (2010), Theorem 1, at τ = 1
        density = float(np.exp(HorseshoePrior(1.0).logpdf(w)))
        assert K / 2 * math.log1p(4 / w**2) < density < K * math.log1p(2 / w**2)
    assert HorseshoePrior(1.0).logpdf(0.0) == np.inf
    # far tail (the asymptotic branch of e^x E₁(x)): p(w) ~ K/(τ x), x = w²/(2τ²)
    w = 1e3
    assert float(np.exp(HorseshoePrior(1.0).logpdf(w))) == pytest.approx(K * 2 / w**2, rel=1e-5)
    # the two branches of e^x E₁(x) meet (x = 500 is where they switch)
    edge = np.sqrt(2 * np.array([499.999999, 500.000001]))
    left, right = HorseshoePrior(1.0).logpdf(edge)
    assert left == pytest.approx(right, abs=1e-8)
    x = 300.0
    assert float(np.exp(HorseshoePrior(1.0).logpdf(np.sqrt(2 * x)))) == pytest.approx(
        K * math.exp(x) * special.exp1(x), rel=1e-12
    )


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_logpdf_is_a_density_and_rvs_follow_it(prior: Prior) -> None:
    # ∫ p = 1 (symmetric: twice the half line), to the quadrature's accuracy
    half = integrate.quad(lambda w: float(np.exp(prior.logpdf(w))), 0.0, np.inf, limit=200)[0]
    assert 2.0 * half == pytest.approx(1.0, abs=1e-6)
    # P(|w| < a) from draws against the density, z ≤ 5 binomial standard errors; one
    # coefficient per row, so each draw has its own τ and c
    size = 100_000
    draws = prior.rvs((size, 1), random_seed=11)[:, 0]
    for bound in (0.05, 0.5, 2.0):
        expected = (
            2.0
            * integrate.quad(
                lambda w: float(np.exp(prior.logpdf(w))), 0.0, bound, points=[bound / 2], limit=200
            )[0]
        )
        observed = float(np.mean(np.abs(draws) < bound))
        error = math.sqrt(expected * (1 - expected) / size)
        assert abs(observed - expected) <= Z * error, (bound, observed, expected)


@pytest.mark.parametrize("global_prior", ["fixed", "half_cauchy"])
def test_random_slab_density_and_draws_against_the_hierarchy(global_prior: str) -> None:
    # oracle: the hierarchy drawn here, p(w) = E[N(w | 0, v)], v = c²λ²τ²/(c² + λ²τ²),
    # λ ~ C⁺(0, 1), c² ~ Inv-Gamma(ν/2, νs²/2), τ fixed or ~ C⁺(0, 0.7); SE of the mean
    tau, slab_scale, df, size = 0.7, 1.5, 6.0, 400_000
    prior = RegularizedHorseshoePrior(
        tau, slab_scale=slab_scale, slab_df=df, global_prior=global_prior
    )
    rng = np.random.default_rng(7)
    scale = np.abs(rng.standard_cauchy(size)) * tau
    if global_prior == "half_cauchy":
        scale *= np.abs(rng.standard_cauchy(size))
    slab_sq = 0.5 * df * slab_scale**2 / rng.standard_gamma(0.5 * df, size)
    variance = slab_sq * scale**2 / (slab_sq + scale**2)
    for w in (0.2, 1.0, 3.0):
        densities = stats.norm.pdf(w, 0.0, np.sqrt(variance))
        error = float(densities.std()) / math.sqrt(size)
        assert abs(float(np.exp(prior.logpdf(w))) - float(densities.mean())) <= Z * error
    hierarchy = np.sqrt(variance[:20_000]) * rng.standard_normal(20_000)
    draws = prior.rvs((20_000, 1), random_seed=8)[:, 0]
    assert stats.ks_2samp(draws, hierarchy).pvalue > KS_LEVEL


def test_regularized_horseshoe_variance_by_quadrature_matches_draws() -> None:
    # fixed slab c: λ̃²τ² ≤ c², so w has all moments; SE of the mean of w² from the draws
    for prior in (
        RegularizedHorseshoePrior(0.7, slab_df=None),
        RegularizedHorseshoePrior(0.7, slab_scale=1.0, slab_df=12.0),
    ):
        squares = prior.rvs((400_000, 1), random_seed=3) ** 2
        error = float(squares.std()) / math.sqrt(squares.size)
        assert abs(float(squares.mean()) - prior.variance()) <= Z * error
    # E[λ̃²τ²] < c² for a fixed slab; the horseshoes have an infinite variance
    assert RegularizedHorseshoePrior(0.7, slab_scale=1.0, slab_df=None).variance() < 1.0
    assert HorseshoePrior(1.0).variance() == math.inf
    assert HorseshoePlusPrior(1.0).variance() == math.inf


def test_random_global_scale_is_shared_along_the_last_axis() -> None:
    # with τ ~ C⁺(0, s) the draws keep the shape asked for (rows share τ) and are finite
    draws = HorseshoePrior(1.0, global_prior="half_cauchy").rvs((4, 3), random_seed=0)
    assert draws.shape == (4, 3)
    assert np.all(np.isfinite(draws))


def test_from_guess_sets_tau0() -> None:
    prior = RegularizedHorseshoePrior.from_guess(3, 23, 100, noise=2.0)
    # τ0 = p0/(p − p0) · σ/√n = 3/20 · 2/10
    assert prior.scale == pytest.approx(0.03)
    assert prior.global_prior == "half_cauchy"
    with pytest.raises(InputValueError, match="n_nonzero"):
        RegularizedHorseshoePrior.from_guess(23, 23, 100)


@pytest.mark.parametrize(
    "prior", [HorseshoePrior(1.0), HorseshoePlusPrior(1.0), RegularizedHorseshoePrior(1.0)]
)
def test_penalty_face_raises_with_the_reason(prior: Prior) -> None:
    X = np.eye(3)
    y = np.ones(3)
    calls = [
        lambda: prior.penalty(10, 1.0),
        lambda: prior.penalized_fit(X, y, noise=1.0),
        lambda: prior.l1_weight(),
        lambda: prior.l2_weight(),
        lambda: prior.penalty_value(np.zeros(3), 10),
        lambda: prior.prox(np.zeros(3), 1.0, 10),
    ]
    for call in calls:
        with pytest.raises(ModelStructureError, match="no finite MAP") as info:
            call()
        message = str(info.value)
        assert "unbounded at w_j = 0" in message
        assert "posterior" in message
        assert "mean" in message


def test_bad_parameters_are_refused_by_name() -> None:
    with pytest.raises(InputValueError, match="scale"):
        HorseshoePrior(-1.0)
    with pytest.raises(InputValueError, match="global_prior"):
        HorseshoePrior(1.0, global_prior="gamma")
    with pytest.raises(InputValueError, match="slab_df"):
        RegularizedHorseshoePrior(1.0, slab_df=0.0)
    with pytest.raises(InputValueError, match="slab_scale"):
        RegularizedHorseshoePrior(1.0, slab_scale=math.nan)


def test_to_pymc_is_non_centred_and_tagged() -> None:
    import pymc as pm

    for prior, free in (
        (HorseshoePrior(1.0, global_prior="half_cauchy"), {"coef_z", "coef_lambda", "coef_tau"}),
        (HorseshoePlusPrior(0.5), {"coef_z", "coef_eta", "coef_lambda0"}),
        (RegularizedHorseshoePrior(0.5), {"coef_z", "coef_lambda", "coef_slab_sq"}),
    ):
        with pm.Model(coords={"feature": ["a", "b", "c"]}) as model:
            coef = prior.to_pymc("coef", dims="feature")
        assert {rv.name for rv in model.free_RVs} == free
        assert "coef" in {d.name for d in model.deterministics}
        assert "unbounded at w_j = 0" in coef.tag.bayesreg_no_map
        # the model's prior draws of coef follow the prior's own draws (two-sample KS)
        draws = pm.draw(coef, draws=4000, random_seed=1)[:, 0]
        reference = prior.rvs((4000, 1), random_seed=2)[:, 0]
        assert stats.ks_2samp(draws, reference).pvalue > KS_LEVEL
