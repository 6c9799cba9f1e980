"""Every warning of bayesreg names the line of the caller's code that called into it.

However deep inside the package a warning is raised, the file and line it reports are
those of the call in the user's code (here, this file), so ``-W error`` tracebacks,
warning filters by module and the printed ``file:line`` point where the user can act.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bayesreg
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.poisson import poisson
from bayesreg.errors import BayesregWarning, ConvergenceWarning, warn
from bayesreg.posterior.empirical_bayes import ridge_evidence

RNG = np.random.default_rng(0)
X = RNG.standard_normal((60, 8))
Y = X[:, 0] + RNG.standard_normal(60)
LABELS = (Y > 0).astype(float)
COUNTS = RNG.poisson(np.exp(0.3 * X[:, 0])).astype(float)

CALLS: dict[str, Callable[[], Any]] = {
    "lasso": lambda: bayesreg.lasso(X, Y, 0.01, max_iter=1),
    "elastic_net": lambda: bayesreg.elastic_net(X, Y, 0.01, 0.5, max_iter=1),
    "lasso_path": lambda: bayesreg.lasso_path(X, Y, n_alphas=5, max_iter=1),
    "logistic": lambda: bayesreg.logistic(X, LABELS, 0.01, max_iter=1),
    "poisson": lambda: poisson(X, COUNTS, 0.01, max_iter=1),
    # y in the span of X: no residual left, the evidence grows as σ → 0
    "ridge_evidence": lambda: ridge_evidence(X[:, :3], X[:, 0] - X[:, 1]),
}


def _caught(call: Callable[[], Any]) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [item for item in caught if issubclass(item.category, BayesregWarning)]


@pytest.mark.parametrize("name", list(CALLS))
def test_warnings_name_the_callers_line(name: str) -> None:
    caught = _caught(CALLS[name])
    assert caught, f"{name} issued no warning of bayesreg"
    for item in caught:
        assert item.filename == __file__, (name, item.filename, str(item.message))


def test_path_warning_names_the_callers_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # one Newton step per alpha (the path exposes no max_iter): its points miss their
    # threshold, and the one warning of the path names this file
    monkeypatch.setattr("bayesreg.core.glm_fit.PATH_MAX_ITER", 1)
    caught = _caught(lambda: logistic_path(X, LABELS, n_alphas=5))
    assert caught
    assert all(item.category is ConvergenceWarning for item in caught)
    assert {item.filename for item in caught} == {__file__}
    # one wording for every path: how many missed, and the worst with its certificate
    lasso_caught = _caught(lambda: bayesreg.lasso_path(X, Y, n_alphas=5, max_iter=1))
    for item, solver, certificate in (
        (caught[0], "logistic_path", "KKT residual"),
        (lasso_caught[0], "lasso_path", "duality gap"),
    ):
        message = str(item.message)
        assert message.startswith(f"{solver}: ")
        assert "of 5 solutions did not reach their certificate's threshold" in message
        assert f"has {certificate} " in message


def test_warn_skips_every_frame_of_the_package() -> None:
    # called from outside the package, warn names the caller itself
    caught = _caught(lambda: warn("message", ConvergenceWarning))
    assert [(item.filename, str(item.message)) for item in caught] == [(__file__, "message")]


def test_every_warning_of_the_package_goes_through_warn() -> None:
    # a direct warnings.warn would need its own stacklevel, right only at one depth
    package = Path(bayesreg.__file__).parent
    direct = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "errors.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "warnings.warn(" in line
    ]
    assert direct == []
