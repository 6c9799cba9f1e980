"""Reproducibility and sampler health.

* The same ``random_seed`` gives identical draws for every sampling method and chain
  count; different seeds give different draws; NumPy's global random state is never
  touched; cross-validation folds are reproducible.
* Divergences, R-hat and ESS appear in shrinkage summaries, and a deliberately tiny
  run triggers a DiagnosticsWarning that says what to do.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest
import xarray as xr
from numpy.typing import NDArray

from bayesreg.core.cv import cross_validate
from bayesreg.errors import DiagnosticsWarning
from bayesreg.posterior.empirical_bayes import empirical_bayes
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.posterior.summary import check_diagnostics, shrinkage_summary
from bayesreg.priors import BayesianLassoPrior, GaussianPrior, LaplacePrior

_rng = np.random.default_rng(11)
X = _rng.normal(size=(25, 3))
Y = X @ np.array([1.0, 0.0, -1.0]) + _rng.normal(size=25)

# method -> (prior, keyword options); NUTS runs are kept tiny (compile ≈ 1 s each)
METHODS: dict[str, tuple[object, dict[str, object]]] = {
    "exact": (GaussianPrior(1.0), {"noise": 1.0}),
    "gibbs": (LaplacePrior(1.0), {"tune": 20}),
    "gibbs_hyperprior": (BayesianLassoPrior(hyperprior=(1.0, 1.0)), {"tune": 20}),
    "nuts": (GaussianPrior(1.0), {"tune": 30}),
}


def _draws(method: str, chains: int, seed: int | np.random.Generator) -> NDArray[np.float64]:
    prior, options = METHODS[method]
    with warnings.catch_warnings():
        # tiny runs: poor diagnostics are expected and beside the point here
        warnings.simplefilter("ignore", DiagnosticsWarning)
        tree = sample_posterior(
            X,
            Y,
            prior,  # type: ignore[arg-type]
            method=method.split("_")[0],
            draws=15,
            chains=chains,
            random_seed=seed,
            progressbar=False,
            **options,  # type: ignore[arg-type]
        )
    coef: NDArray[np.float64] = tree["posterior"]["coef"].to_numpy()
    assert coef.shape == (chains, 15, 3)
    return coef


@contextmanager
def _global_state_untouched() -> Iterator[None]:
    """Assert that NumPy's legacy global random state is the same after the block."""
    before = np.random.get_state()  # noqa: NPY002 - the legacy global state is the point
    yield
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


@pytest.mark.parametrize("chains", [1, 2])
@pytest.mark.parametrize("method", list(METHODS))
def test_same_seed_same_draws_other_seed_other_draws(method: str, chains: int) -> None:
    np.random.seed(12345)  # noqa: NPY002 - a known global state to compare with
    with _global_state_untouched():
        first = _draws(method, chains, 3)
        again = _draws(method, chains, 3)
        # each NUTS call compiles a model (seconds): the seed-changes-draws check for
        # NUTS runs once, with one chain
        other = None if (method, chains) == ("nuts", 2) else _draws(method, chains, 4)
    np.testing.assert_array_equal(first, again)  # bit for bit
    if other is not None:
        assert not np.any(first == other)  # continuous draws: no coordinate coincides
    if chains == 2:
        # chains are independent streams, not copies of one another
        assert not np.array_equal(first[0], first[1])


@pytest.mark.parametrize("method", ["exact", "gibbs"])
def test_generator_seed_is_reproducible(method: str) -> None:
    first = _draws(method, 2, np.random.default_rng(8))
    again = _draws(method, 2, np.random.default_rng(8))
    np.testing.assert_array_equal(first, again)


def test_cross_validation_folds_are_reproducible() -> None:
    def run(seed: int) -> NDArray[np.float64]:
        result = cross_validate(X, Y, n_alphas=8, n_folds=5, random_seed=seed)
        errors: NDArray[np.float64] = result.fold_errors
        return errors

    with _global_state_untouched():
        first, again, other = run(1), run(1), run(2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_bernoulli_cross_validation_is_reproducible() -> None:
    labels = (Y > 0).astype(float)

    def run(seed: int) -> NDArray[np.float64]:
        result = cross_validate(
            X, labels, likelihood="bernoulli", n_alphas=5, n_folds=3, random_seed=seed
        )
        errors: NDArray[np.float64] = result.fold_errors
        return errors

    with _global_state_untouched():
        np.testing.assert_array_equal(run(5), run(5))


def test_monte_carlo_em_is_reproducible() -> None:
    def run(seed: int) -> float:
        with warnings.catch_warnings():
            # a short MCEM has not settled; its ConvergenceWarning is beside the point
            warnings.simplefilter("ignore")
            result = empirical_bayes(
                X,
                Y,
                prior="laplace",
                n_iter=3,
                draws_per_iter=10,
                burn_in=10,
                chains=2,
                random_seed=seed,
            )
        return float(result.lam)

    with _global_state_untouched():
        assert run(9) == run(9)
        assert run(9) != run(10)


# --- sampler health ---


def test_tiny_nuts_run_warns_and_reports_ess_and_rhat() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DiagnosticsWarning)
        tree = sample_posterior(
            X,
            Y,
            GaussianPrior(1.0),
            method="nuts",
            draws=10,
            tune=10,
            chains=2,
            random_seed=1,
            progressbar=False,
        )
    with pytest.warns(DiagnosticsWarning) as caught:
        summary = shrinkage_summary(tree, X, Y, GaussianPrior(1.0))
    message = str(caught[0].message)
    # 2 chains × 10 draws cannot reach the 100-per-chain ESS floor: say so, say what to do
    assert "posterior diagnostics are poor" in message
    assert "ESS as low as" in message
    assert "< 200 (100 per chain)" in message
    assert "increase draws" in message
    assert {"ess_bulk", "r_hat"} <= set(summary.columns)
    assert np.all(summary["ess_bulk"] < 200.0)
    assert np.all(np.isfinite(summary["r_hat"]))
    assert (
        int(tree["sample_stats"]["diverging"].sum())
        == check_diagnostics(tree, warn=False).divergences
    )


def _tree(coef: NDArray[np.float64], diverging: NDArray[np.bool_]) -> xr.DataTree:
    chains, draws, features = coef.shape
    dims = {"chain": np.arange(chains), "draw": np.arange(draws)}
    posterior = xr.Dataset(
        {"coef": (("chain", "draw", "feature"), coef)},
        coords={**dims, "feature": [f"x{j}" for j in range(features)]},
    )
    stats = xr.Dataset({"diverging": (("chain", "draw"), diverging)}, coords=dims)
    return xr.DataTree.from_dict({"posterior": posterior, "sample_stats": stats})


def test_divergences_warn_with_what_to_do() -> None:
    rng = np.random.default_rng(0)
    diverging = np.zeros((4, 400), dtype=bool)
    diverging[1, 10:15] = True
    tree = _tree(rng.standard_normal((4, 400, 3)), diverging)
    with pytest.warns(DiagnosticsWarning) as caught:
        report = check_diagnostics(tree)
    message = str(caught[0].message)
    assert report.divergences == 5
    assert "5 divergent transitions" in message
    # advice a user can follow with this package's API
    assert "tune=" in message
    assert "target_accept" in message
    assert "method='gibbs'" in message


def test_disagreeing_chains_warn_about_rhat() -> None:
    rng = np.random.default_rng(1)
    coef = rng.standard_normal((4, 400, 2))
    coef[0] += 5.0  # one chain stuck elsewhere
    with pytest.warns(DiagnosticsWarning, match=r"R-hat up to \d+\.\d+ > 1\.01: .*run longer"):
        report = check_diagnostics(_tree(coef, np.zeros((4, 400), dtype=bool)))
    assert report.max_rhat > 1.01
    assert not report.ok


@pytest.mark.parametrize("check", [check_diagnostics])
def test_healthy_iid_draws_do_not_warn(check: Callable[..., object]) -> None:
    rng = np.random.default_rng(2)
    tree = _tree(rng.standard_normal((4, 500, 2)), np.zeros((4, 500), dtype=bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DiagnosticsWarning)
        check(tree)
