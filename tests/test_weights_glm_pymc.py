"""Observation weights for the Bernoulli and Poisson PyMC models.

``build_model(..., likelihood=..., weights=s)`` writes ``Σ_i s_i log p(y_i | η_i)``, so
``−log p = Σs·F_s + const`` with ``F_s = 1/Σs Σ_i s_i ℓ_i + alpha·P(w)`` at
``prior.penalty(n=Σs)``: find_map's MAP is the core's weighted ``logistic`` / ``poisson``
fit, and integer weights are replicated rows. The convexity proof of the weighted term
needs ``s ≥ 0``, which find_map checks at every call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import pytest
from scipy import stats

from bayesreg.core.logistic import logistic
from bayesreg.core.poisson import poisson
from bayesreg.errors import DataError
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc import build_model, check_equivalence, find_map
from bayesreg.pymc.structure import convexity_conditions

#: MAP against the core fit, relative to max(||coef||∞, 1).
MAP_RTOL = 1e-8


def _data(kind: str, n: int = 60, p: int = 5, seed: int = 0) -> tuple[Any, Any, Any, Any]:
    """Rows, target, weights (two of them 0, the others in [0.2, 3]) and an offset."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 1.5, p)
    offset = rng.uniform(-0.5, 0.5, n)
    eta = 0.2 + X @ np.r_[0.8, -0.6, 0.3, np.zeros(p - 3)]
    if kind == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    else:
        y = rng.poisson(np.exp(offset + eta)).astype(float)
    weights = rng.uniform(0.2, 3.0, n)
    weights[[0, 7]] = 0.0
    return X, y, weights, offset


def _core_fit(kind: str, X: Any, y: Any, alpha: float, l1_ratio: float, **options: Any) -> Any:
    solver = logistic if kind == "bernoulli" else poisson
    return solver(X, y, alpha, l1_ratio, tol=1e-13, **options)


CASES = [
    ("bernoulli", LaplacePrior(0.3), True, False),
    ("bernoulli", GaussianPrior(0.7), False, False),
    ("bernoulli", ElasticNetPrior(l1=3.0, l2=2.0), True, False),
    ("poisson", LaplacePrior(0.2), True, True),
    ("poisson", GaussianPrior(0.5), True, False),
    ("poisson", ElasticNetPrior(l1=4.0, l2=1.0), False, True),
]


@pytest.mark.parametrize(("kind", "prior", "fit_intercept", "with_offset"), CASES)
def test_weighted_map_is_the_weighted_core_fit(
    kind: str, prior: Any, fit_intercept: bool, with_offset: bool
) -> None:
    """find_map = core fit with sample_weight at alpha = (l1 + l2)/Σs: coefficients and
    intercept to 1e-8 relative to max(||coef||∞, 1), identical zeros, certified global;
    check_equivalence agrees."""
    X, y, weights, offset = _data(kind, seed=len(str(prior)))
    extra = {"offset": offset} if with_offset else {}
    model = build_model(
        X, y, prior, likelihood=kind, fit_intercept=fit_intercept, weights=weights, **extra
    )
    estimate = find_map(model)
    assert estimate.converged
    assert estimate.optimality == "global"
    unit_alpha, l1_ratio = prior.penalty(1)  # alpha = (l1 + l2)/n with n = Σs
    fit = _core_fit(
        kind, X, y, unit_alpha / weights.sum(), l1_ratio, fit_intercept=fit_intercept,
        sample_weight=weights, **extra,
    )  # fmt: skip
    scale = max(float(np.max(np.abs(fit.coef))), 1.0)
    assert np.max(np.abs(estimate.coef - fit.coef)) <= MAP_RTOL * scale
    assert np.array_equal(estimate.coef == 0.0, fit.coef == 0.0)
    intercept = 0.0 if estimate.intercept is None else estimate.intercept
    assert abs(intercept - fit.intercept) <= MAP_RTOL * max(abs(fit.intercept), scale)
    report = check_equivalence(
        X, y, prior, likelihood=kind, fit_intercept=fit_intercept, weights=weights, **extra
    )
    assert report.ok, str(report)
    assert report.alpha == pytest.approx(unit_alpha / weights.sum(), rel=1e-15)


@pytest.mark.parametrize("kind", ["bernoulli", "poisson"])
def test_integer_weights_are_replicated_rows(kind: str) -> None:
    """Weights 0..3 against the rows repeated that often: the same MAP (1e-9 relative) and
    the same log-density at it (PyMC's normalizing constants included, 1e-10 relative)."""
    X, y, _, offset = _data(kind, seed=5)
    counts = np.random.default_rng(6).integers(0, 4, y.size)
    prior = LaplacePrior(0.25)
    extra = {"offset": offset} if kind == "poisson" else {}
    weighted = find_map(build_model(X, y, prior, likelihood=kind, weights=counts, **extra))
    rows = np.repeat(np.arange(y.size), counts)
    extra_rows = {"offset": offset[rows]} if kind == "poisson" else {}
    replicated = find_map(build_model(X[rows], y[rows], prior, likelihood=kind, **extra_rows))
    scale = max(float(np.max(np.abs(replicated.coef))), 1.0)
    assert np.max(np.abs(weighted.coef - replicated.coef)) <= 1e-9 * scale
    assert np.array_equal(weighted.coef == 0.0, replicated.coef == 0.0)
    assert weighted.log_density == pytest.approx(replicated.log_density, rel=1e-10)


@pytest.mark.parametrize("kind", ["bernoulli", "poisson"])
def test_weighted_potential_is_the_weighted_log_likelihood(kind: str) -> None:
    """The potential "y_obs" at a random point is Σ_i s_i log p(y_i | η_i) by SciPy (1e-12
    relative), rows of weight 0 left out."""
    X, y, weights, offset = _data(kind, seed=9)
    extra = {"offset": offset} if kind == "poisson" else {}
    model = build_model(X, y, GaussianPrior(1.0), likelihood=kind, weights=weights, **extra)
    rng = np.random.default_rng(10)
    point = {"coef": rng.normal(size=X.shape[1]) * 0.3, "intercept": np.array(0.1)}
    value = model.compile_fn(model["y_obs"], inputs=[model["coef"], model["intercept"]])(point)
    eta = 0.1 + X @ point["coef"]
    if kind == "bernoulli":
        log_p = stats.bernoulli.logpmf(y, 1.0 / (1.0 + np.exp(-eta)))
    else:
        log_p = stats.poisson.logpmf(y, np.exp(offset + eta))
    expected = float(weights @ log_p)
    assert float(value) == pytest.approx(expected, rel=1e-12)
    assert [potential.name for potential in model.potentials] == ["y_obs"]
    assert model["weights"].get_value().size == y.size - 2


def test_negative_weights_are_refused() -> None:
    """build_model refuses them; after pm.set_data, find_map names the entry."""
    X, y, weights, _ = _data("bernoulli", seed=11)
    with pytest.raises(DataError, match="weights"):
        build_model(X, y, LaplacePrior(0.3), likelihood="bernoulli", weights=-weights)
    model = build_model(X, y, LaplacePrior(0.3), likelihood="bernoulli", weights=weights)
    assert find_map(model).optimality == "global"
    changed = model["weights"].get_value().copy()
    changed[3] = -0.5
    with model:
        pm.set_data({"weights": changed})
    with pytest.raises(DataError, match=r"'weights'\[3\] = -0\.5"):
        find_map(model)


def _model_with_potential(term: Any) -> Any:
    with pm.Model() as model:
        coef = pm.Normal("coef", 0.0, 1.0, shape=2)
        pm.Potential("term", term(coef))
    return model


@pytest.mark.parametrize(
    ("term", "proven"),
    [
        (lambda w: -pt.sum(pt.exp(w)), True),  # concave
        (lambda w: -pt.sum(2.0 * pt.softplus(w[0] - w[1])), True),
        (lambda w: -pt.exp(w[0]) / 2.0, True),
        (lambda w: pt.sum(pt.softplus(w)), False),  # convex: log p gains a convex term
        (lambda w: pt.sum(-1.0 * pt.softplus(-pt.exp(w))), False),  # softplus of concave
        (lambda w: -pt.sum(pt.constant([1.0, -1.0]) * pt.softplus(w)), False),  # mixed signs
        (lambda w: -pt.softplus(w[0]) / -2.0, False),
        (lambda w: -pt.sum(w**2), False),  # concave, but powers are not among the rules
    ],
)
def test_potential_curvature_rule(term: Any, proven: bool) -> None:
    """The composition rules prove a potential concave or say nothing (no data needed
    ≥ 0 here: every factor is a constant)."""
    model = _model_with_potential(term)
    conditions = convexity_conditions(model)
    assert (conditions is not None) == proven
    assert conditions in (None, frozenset())


def test_unproven_potential_gives_a_stationary_map() -> None:
    model = _model_with_potential(lambda w: 0.3 * pt.sum(pt.softplus(w)))
    estimate = find_map(model)
    assert estimate.converged
    assert estimate.optimality == "stationary"


def test_weighted_model_needs_its_weights_nonnegative() -> None:
    X, y, weights, _ = _data("poisson", seed=14)
    model = build_model(X, y, LaplacePrior(0.3), likelihood="poisson", weights=weights)
    assert convexity_conditions(model) == frozenset({model["weights"]})


def test_weighted_nuts_matches_replicated_rows() -> None:
    """NUTS on the weighted Bernoulli model and on the replicated rows: posterior means
    within 4 combined Monte Carlo standard errors (any seed)."""
    import arviz as az

    X, y, _, _ = _data("bernoulli", n=30, p=3, seed=12)
    counts = np.random.default_rng(13).integers(1, 4, y.size)
    rows = np.repeat(np.arange(y.size), counts)
    prior = GaussianPrior(1.0)
    options = {"likelihood": "bernoulli", "draws": 500, "tune": 500, "chains": 2,
               "progressbar": False, "nuts_sampler": "pymc"}  # fmt: skip
    weighted = sample_posterior(X, y, prior, sample_weight=counts, random_seed=1, **options)
    replicated = sample_posterior(X[rows], y[rows], prior, random_seed=2, **options)
    for name in ("coef", "intercept"):
        means = [
            tree["posterior"][name].to_numpy().mean(axis=(0, 1)) for tree in (weighted, replicated)
        ]
        errors = [
            np.asarray(az.mcse(tree, var_names=[name])[name].to_numpy())
            for tree in (weighted, replicated)
        ]
        assert np.all(np.abs(means[0] - means[1]) <= 4.0 * np.hypot(*errors))
    assert "s_i log p" in weighted.attrs["sample_weight"]
