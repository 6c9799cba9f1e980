"""Nothing a user passes in is modified in place.

Every public function of the top-level API that takes arrays is called twice: once
with read-only arrays (``setflags(write=False)``: a write raises), once with writeable
arrays compared element by element (and dtype, shape, memory layout) with copies taken
before the call. A function that centered or scaled ``X`` in place would fail both.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray

import bayesreg as br
from bayesreg.errors import ConvergenceWarning, DiagnosticsWarning
from bayesreg.priors import GaussianPrior, LaplacePrior

FloatArray = NDArray[np.float64]

_rng = np.random.default_rng(7)
_X = _rng.normal(size=(24, 3)) * np.array([1.0, 10.0, 0.1]) + np.array([5.0, -2.0, 0.0])
_Y = _X @ np.array([0.5, -0.1, 2.0]) + _rng.normal(size=24)
_Y_BINARY = (np.median(_Y) < _Y).astype(float)

# name -> call(X, y, y_binary); each call must read its arrays and return normally
CALLS: dict[str, Callable[[Any, Any, Any], object]] = {
    "ridge": lambda X, y, yb: br.ridge(X, y, 0.1),
    "ridge_path": lambda X, y, yb: br.ridge_path(X, y, np.array([1.0, 0.1])),
    "ridge_alphas": lambda X, y, yb: br.ridge_alphas(X, n_alphas=5),
    "lasso": lambda X, y, yb: br.lasso(X, y, 0.05),
    "elastic_net": lambda X, y, yb: br.elastic_net(X, y, 0.05, 0.5),
    "lasso_path": lambda X, y, yb: br.lasso_path(X, y, n_alphas=5),
    "alpha_max": lambda X, y, yb: br.alpha_max(X, y),
    "logistic": lambda X, y, yb: br.logistic(X, yb, 0.05, l1_ratio=0.5),
    "logistic_alpha_max": lambda X, y, yb: br.logistic_alpha_max(X, yb),
    "logistic_path": lambda X, y, yb: br.logistic_path(X, yb, n_alphas=4),
    "adaptive_lasso": lambda X, y, yb: br.adaptive_lasso(X, y, 0.05),
    "poisson": lambda X, y, yb: br.poisson(X, yb, 0.05, 0.5, offset=y),
    "poisson_alpha_max": lambda X, y, yb: br.poisson_alpha_max(X, yb, offset=y),
    "poisson_path": lambda X, y, yb: br.poisson_path(X, yb, offset=y, n_alphas=4),
    "bootstrap_selection": lambda X, y, yb: br.bootstrap_selection(
        X, y, 0.05, n_bootstrap=4, random_seed=0
    ),
    "SufficientStats": lambda X, y, yb: br.SufficientStats.from_arrays(X, y),
    "penalized_solve": lambda X, y, yb: br.penalized_solve(X, y, 0.05, 0.5),
    "cross_validate": lambda X, y, yb: br.cross_validate(
        X, y, n_alphas=5, n_folds=3, random_seed=0
    ),
    "gradient_descent_ridge": lambda X, y, yb: br.gradient_descent_ridge(
        X, y, 0.1, n_steps=20, coef_init=np.zeros(3)
    ),
    "adam": lambda X, y, yb: br.adam(X, y, 0.1, n_steps=20),
    "objective": lambda X, y, yb: br.objective(X, y, np.ones(3), 0.0, 0.1, 0.5),
    "soft_threshold": lambda X, y, yb: br.soft_threshold(y, 0.5),
    "prior.logpdf": lambda X, y, yb: GaussianPrior(1.0).logpdf(y),
    "build_model": lambda X, y, yb: br.build_model(X, y, GaussianPrior(1.0), noise=1.0),
    "check_equivalence": lambda X, y, yb: br.check_equivalence(X, y, LaplacePrior(1.0)),
    "sample_posterior[exact]": lambda X, y, yb: br.sample_posterior(
        X, y, GaussianPrior(1.0), noise=1.0, method="exact", draws=5, chains=1, random_seed=0
    ),
    "sample_posterior[gibbs]": lambda X, y, yb: br.sample_posterior(
        X,
        y,
        LaplacePrior(1.0),
        method="gibbs",
        draws=5,
        tune=5,
        chains=1,
        random_seed=0,
        progressbar=False,
    ),
    "empirical_bayes[gaussian]": lambda X, y, yb: br.empirical_bayes(X, y, prior="gaussian"),
    "empirical_bayes[laplace]": lambda X, y, yb: _quietly(
        lambda: br.empirical_bayes(
            X, y, prior="laplace", n_iter=2, draws_per_iter=5, burn_in=5, chains=1, random_seed=0
        )
    ),
    "choose_lambda": lambda X, y, yb: _quietly(
        lambda: br.choose_lambda(X, y, n_folds=3, draws=20, chains=1, random_seed=0)
    ),
    "shrinkage_summary": lambda X, y, yb: _quietly(
        lambda: br.shrinkage_summary(
            br.sample_posterior(
                np.array(X),
                np.array(y),
                GaussianPrior(1.0),
                noise=1.0,
                method="exact",
                draws=20,
                chains=2,
                random_seed=0,
            ),
            X,
            y,
            GaussianPrior(1.0),
            noise=1.0,
        )
    ),
    "PriorRegressor": lambda X, y, yb: (
        br.PriorRegressor(GaussianPrior(1.0), noise=1.0, posterior="exact", draws=5, random_seed=0)
        .fit(X, y)
        .predict(X)
    ),
    "PriorClassifier": lambda X, y, yb: br.PriorClassifier(LaplacePrior(1.0)).fit(X, yb).predict(X),
}

# top-level names that take no data arrays (classes, constructors, result types, modules)
NO_ARRAYS = {
    "BayesianLassoPrior",
    "CVResult",
    "ElasticNetPrior",
    "EquivalenceReport",
    "ExponentialPrior",
    "GaussianPrior",
    "HalfNormalPrior",
    "HorseshoePlusPrior",
    "HorseshoePrior",
    "LaplacePrior",
    "MapEstimate",
    "PathFit",
    "PenalizedFit",
    "Prior",
    "RegularizedHorseshoePrior",
    "RidgePathFit",
    "find_map",
    "prior_from_penalty",
    "__version__",
}


def _quietly(call: Callable[[], object]) -> object:
    """Run a short Monte Carlo call: poor diagnostics and an unsettled Monte Carlo EM
    are expected (and warned about) at this size; only the inputs matter here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DiagnosticsWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call()


def test_every_array_taking_public_function_is_covered() -> None:
    covered = {name.split("[")[0].split(".")[0] for name in CALLS}
    public = {name for name in br.__all__ if not inspect.ismodule(getattr(br, name, None))}
    # find_map takes a model (covered through build_model); classes hold no arrays
    missing = public - covered - NO_ARRAYS - {"prior"}
    assert not missing, f"add these to CALLS: {sorted(missing)}"


def _read_only(array: FloatArray) -> FloatArray:
    frozen = array.copy()
    frozen.setflags(write=False)
    return frozen


@pytest.mark.parametrize("name", list(CALLS))
def test_read_only_arrays_are_accepted(name: str) -> None:
    X, y, yb = _read_only(_X), _read_only(_Y), _read_only(_Y_BINARY)
    CALLS[name](X, y, yb)
    for array, original in ((X, _X), (y, _Y), (yb, _Y_BINARY)):
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, original)


@pytest.mark.parametrize("container", ["ndarray", "fortran", "pandas"])
@pytest.mark.parametrize("name", list(CALLS))
def test_writeable_inputs_are_unchanged(name: str, container: str) -> None:
    if container == "pandas":
        X: Any = pd.DataFrame(_X.copy(), columns=["a", "b", "c"])
        y: Any = pd.Series(_Y.copy(), name="y")
        yb: Any = pd.Series(_Y_BINARY.copy(), name="label")
        before = (X.copy(deep=True), y.copy(deep=True), yb.copy(deep=True))
    else:
        layout = np.asfortranarray if container == "fortran" else np.ascontiguousarray
        X, y, yb = (layout(a.copy()) for a in (_X, _Y, _Y_BINARY))
        before = (X.copy(order="K"), y.copy(), yb.copy())
    CALLS[name](X, y, yb)
    if container == "pandas":
        pd.testing.assert_frame_equal(X, before[0])
        pd.testing.assert_series_equal(y, before[1])
        pd.testing.assert_series_equal(yb, before[2])
    else:
        for array, copy in zip((X, y, yb), before, strict=True):
            np.testing.assert_array_equal(array, copy)
            assert array.dtype == copy.dtype
            assert array.flags.f_contiguous == copy.flags.f_contiguous
