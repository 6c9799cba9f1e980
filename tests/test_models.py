"""build_model: structure, data handling, and the log-density it states.

Oracle for the log-density: with σ fixed, log p(θ₁ | y) − log p(θ₂ | y) must equal
−(n/σ²) (F(θ₁) − F(θ₂)) for the penalized objective F of ``bayesreg.core.objective`` at
``prior.penalty(n, σ)`` (Bernoulli: σ = 1); compared at relative 1e-11 (a few hundred
roundings in sums over n terms).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pymc as pm
import pytest
from numpy.typing import NDArray

from bayesreg.core.objective import objective
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.priors import (
    BayesianLassoPrior,
    ElasticNetPrior,
    GaussianPrior,
    LaplacePrior,
    Prior,
)
from bayesreg.pymc.model import build_model

FloatArray = NDArray[np.float64]

LOGP_RTOL = 1e-11


def make_data(n: int = 25, p: int = 4, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = 2.0 + X @ np.linspace(-1.0, 1.0, p) + rng.standard_normal(n)
    return X, y


def test_structure_with_free_noise_and_a_dataframe() -> None:
    X, y = make_data()
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    model = build_model(frame, pd.Series(y), LaplacePrior(1.0))
    assert {rv.name for rv in model.free_RVs} == {"coef", "intercept", "noise"}
    assert [rv.name for rv in model.observed_RVs] == ["y_obs"]
    assert model.coords["feature"] == ("age", "bmi", "bp", "s1")
    assert len(model.coords["obs"]) == 25
    assert model.named_vars_to_dims["coef"] == ("feature",)
    assert model.named_vars_to_dims["X"] == ("obs", "feature")
    np.testing.assert_array_equal(model["X"].get_value(), X)
    np.testing.assert_array_equal(model["y"].get_value(), y)
    assert type(model["noise"].owner.op).__name__ == "HalfNormalRV"
    # the noise starts at the residual scale of w = 0, the intercept at mean(y)
    start = model.initial_point()
    assert np.exp(start["noise_log__"]) == pytest.approx(np.std(y), rel=1e-12)
    assert start["intercept"] == pytest.approx(np.mean(y), rel=1e-12)


def test_fixed_noise_and_no_intercept() -> None:
    X, y = make_data()
    model = build_model(X, y, GaussianPrior(1.0), noise=0.5, fit_intercept=False)
    assert {rv.name for rv in model.free_RVs} == {"coef"}
    assert model.coords["feature"] == ("x0", "x1", "x2", "x3")


def test_bayesian_lasso_gets_the_reference_noise_prior() -> None:
    X, y = make_data()
    model = build_model(X, y, BayesianLassoPrior(0.5))
    assert type(model["noise"].owner.op).__name__ == "HalfFlatRV"
    assert [potential.name for potential in model.potentials] == ["noise_reference_prior"]
    point = model.initial_point()
    # without the Jacobian the free noise contributes exactly −log σ
    noise_terms = model.compile_fn(
        model.logp(vars=[model["noise"], *model.potentials], jacobian=False),
        inputs=model.value_vars,
        on_unused_input="ignore",
    )(point)
    assert noise_terms == pytest.approx(-point["noise_log__"], rel=1e-14)


@pytest.mark.parametrize(
    "prior",
    [GaussianPrior(0.7), LaplacePrior(0.4), ElasticNetPrior(1.5, 2.0), BayesianLassoPrior(3.0)],
    ids=repr,
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gaussian_log_density_is_the_scaled_objective(prior: Prior, fit_intercept: bool) -> None:
    X, y = make_data()
    noise = 1.3
    model = build_model(X, y, prior, noise=noise, fit_intercept=fit_intercept)
    alpha, l1_ratio = prior.penalty(len(y), noise)
    logp = model.compile_logp(jacobian=False)
    rng = np.random.default_rng(1)
    coefs = [rng.standard_normal(4) for _ in range(2)]
    intercepts = [float(rng.standard_normal()) if fit_intercept else 0.0 for _ in range(2)]
    points: list[dict[str, Any]] = [
        {"coef": coef, "intercept": np.array(intercept)} if fit_intercept else {"coef": coef}
        for coef, intercept in zip(coefs, intercepts, strict=True)
    ]
    objectives = [
        objective(X, y, coef, intercept, alpha, l1_ratio)
        for coef, intercept in zip(coefs, intercepts, strict=True)
    ]
    scale = len(y) / noise**2
    assert logp(points[0]) - logp(points[1]) == pytest.approx(
        -scale * (objectives[0] - objectives[1]), rel=LOGP_RTOL
    )


def test_bernoulli_log_density_is_the_scaled_objective() -> None:
    X, y = make_data()
    labels = (y > np.median(y)).astype(float)
    prior = ElasticNetPrior(0.5, 1.0)
    model = build_model(X, labels, prior, likelihood="bernoulli")
    assert {rv.name for rv in model.free_RVs} == {"coef", "intercept"}
    alpha, l1_ratio = prior.penalty(len(y))
    logp = model.compile_logp(jacobian=False)
    first = {"coef": np.array([0.3, -1.0, 0.0, 2.0]), "intercept": np.array(0.5)}
    second = {"coef": np.array([-0.2, 0.4, 1.0, 0.0]), "intercept": np.array(-1.0)}
    objectives = [
        objective(X, labels, p["coef"], float(p["intercept"]), alpha, l1_ratio, "bernoulli")
        for p in (first, second)
    ]
    assert logp(first) - logp(second) == pytest.approx(
        -len(y) * (objectives[0] - objectives[1]), rel=LOGP_RTOL
    )


@pytest.mark.filterwarnings("ignore:Numba will use object mode:UserWarning")
def test_the_model_is_an_ordinary_pymc_model() -> None:
    X, y = make_data()
    model = build_model(X, y, ElasticNetPrior(1.0, 1.0))
    with model:
        fitted = pm.Deterministic(
            "fitted", model["intercept"] + pm.math.dot(model["X"], model["coef"]), dims="obs"
        )
        pm.set_data({"X": X[:5], "y": y[:5]}, coords={"obs": np.arange(5)})
    point = model.initial_point()
    (fitted_values,) = model.replace_rvs_by_values([fitted])
    values = model.compile_fn(fitted_values, inputs=model.value_vars, on_unused_input="ignore")(
        point
    )
    np.testing.assert_allclose(values, point["intercept"] + X[:5] @ point["coef"], rtol=1e-14)
    assert pm.draw(model["coef"], draws=3, random_seed=1).shape == (3, 4)


def test_inputs_are_not_modified() -> None:
    X, y = make_data()
    X_before, y_before = X.copy(), y.copy()
    build_model(X, y, LaplacePrior(1.0))
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"likelihood": "poisson"}, InputValueError, "likelihood"),
        ({"noise": 0.0}, InputValueError, "noise"),
        ({"noise": -1.0}, InputValueError, "noise"),
        ({"fit_intercept": "yes"}, InputTypeError, "fit_intercept"),
        ({"likelihood": "bernoulli"}, DataError, "0 and 1"),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    X, y = make_data()
    with pytest.raises(error, match=match):
        build_model(X, y, LaplacePrior(1.0), **kwargs)  # type: ignore[arg-type]


def test_bernoulli_rejects_noise_and_a_single_class() -> None:
    X, _ = make_data()
    labels = np.ones(25)
    for noise in (1.0, 2.0):
        with pytest.raises(InputValueError, match="Bernoulli likelihood has no noise; omit noise"):
            build_model(X, labels, LaplacePrior(1.0), noise=noise, likelihood="bernoulli")
    with pytest.raises(DataError, match="only the class 1"):
        build_model(X, labels, LaplacePrior(1.0), likelihood="bernoulli")
    # without an intercept a single class is a proper problem
    build_model(X, labels, LaplacePrior(1.0), likelihood="bernoulli", fit_intercept=False)


def test_bad_data_and_prior() -> None:
    X, y = make_data()
    with pytest.raises(DataError, match="25 rows"):
        build_model(X, y[:-1], LaplacePrior(1.0))
    with pytest.raises(DataError, match="NaN"):
        build_model(np.where(X > 1.5, np.nan, X), y, LaplacePrior(1.0))
    with pytest.raises(InputTypeError, match="prior"):
        build_model(X, y, "laplace")  # type: ignore[arg-type]


def test_sparse_design_gives_the_dense_model() -> None:
    """A small scipy.sparse X gives the model of X.toarray(): same log-density and MAP."""
    import scipy.sparse

    from bayesreg.pymc.map import find_map

    rng = np.random.default_rng(3)
    dense = rng.standard_normal((30, 4)) * (rng.random((30, 4)) < 0.4)
    y = dense @ np.array([1.0, 0.0, -2.0, 0.5]) + 0.3 * rng.standard_normal(30)
    prior = LaplacePrior(0.5)
    for sparse in (scipy.sparse.csr_matrix(dense), scipy.sparse.csc_matrix(dense)):
        from_sparse = build_model(sparse, y, prior, noise=0.7)
        from_dense = build_model(dense, y, prior, noise=0.7)
        np.testing.assert_array_equal(from_sparse["X"].get_value(), dense)
        point = from_dense.initial_point()
        assert from_sparse.compile_logp()(point) == from_dense.compile_logp()(point)
        np.testing.assert_allclose(
            find_map(from_sparse).coef, find_map(from_dense).coef, rtol=0, atol=1e-12
        )


def test_large_sparse_design_is_refused_with_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.sparse

    import bayesreg.core.data

    monkeypatch.setattr(bayesreg.core.data, "DENSE_COPY_LIMIT", 50)
    X = scipy.sparse.random(20, 5, density=0.2, format="csr", random_state=0)
    with pytest.raises(InputTypeError, match=r"scipy.sparse matrix of shape \(20, 5\).*50"):
        build_model(X, np.arange(20.0), GaussianPrior(1.0), noise=1.0)
