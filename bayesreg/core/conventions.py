"""Converters between bayesreg's ``(alpha, l1_ratio)`` and other libraries' scalings.

bayesreg's objective (glmnet / scikit-learn ``ElasticNet`` scaling)::

    F(w) = L(w) + alpha · [l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²]

with ``L`` averaged over the n samples. Other libraries scale differently:

====================================  ==========================================
library call                          bayesreg
====================================  ==========================================
``sklearn Ridge(alpha=A)``            alpha = A / n, l1_ratio = 0
``sklearn Lasso(alpha=A)``            alpha = A, l1_ratio = 1
``sklearn ElasticNet(alpha=A, r)``    alpha = A, l1_ratio = r
``sklearn LogisticRegression(C=C)``   alpha = 1 / (n C)  (l2: l1_ratio 0, l1: 1)
``glmnet(lambda=λ, alpha=a)``         alpha = λ, l1_ratio = a
====================================  ==========================================

scikit-learn's ``Ridge`` minimizes ``||y − Xw||² + A||w||²`` (a sum, not a mean, and
no 1/2), so A = n·alpha. ``LogisticRegression`` minimizes ``C Σ loss_i + ½||w||²``
(l2) or ``C Σ loss_i + ||w||₁`` (l1); dividing by nC gives our averaged loss plus
``1/(nC) · P(w)``. glmnet standardizes the columns of X by default
(``standardize=TRUE``) and reports coefficients on the original scale: its λ
equals our alpha only for the same (standardized) design, so standardize X
yourself or call glmnet with ``standardize=FALSE``.
"""

from __future__ import annotations

from typing import Any, Literal

from bayesreg.core._validation import (
    check_finite_nonneg,
    check_l1_ratio,
    check_positive,
    check_positive_int,
)
from bayesreg.errors import InputValueError

__all__ = [
    "from_glmnet",
    "from_sklearn_elastic_net",
    "from_sklearn_lasso",
    "from_sklearn_logistic",
    "from_sklearn_ridge",
    "to_glmnet",
    "to_sklearn_elastic_net",
    "to_sklearn_lasso",
    "to_sklearn_logistic",
    "to_sklearn_ridge",
]


def from_sklearn_ridge(alpha: float, n_samples: int) -> tuple[float, float]:
    """``Ridge(alpha=A)`` → ``(A / n, 0.0)``."""
    A = check_finite_nonneg(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    return A / n, 0.0


def to_sklearn_ridge(alpha: float, n_samples: int) -> dict[str, float]:
    """Our ridge ``alpha`` → keyword arguments of ``sklearn.linear_model.Ridge``."""
    a = check_finite_nonneg(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    return {"alpha": a * n}


def from_sklearn_lasso(alpha: float) -> tuple[float, float]:
    """``Lasso(alpha=A)`` → ``(A, 1.0)``: the same scaling."""
    return check_finite_nonneg(alpha, "alpha"), 1.0


def to_sklearn_lasso(alpha: float) -> dict[str, float]:
    """Our lasso ``alpha`` → keyword arguments of ``sklearn.linear_model.Lasso``."""
    return {"alpha": check_finite_nonneg(alpha, "alpha")}


def from_sklearn_elastic_net(alpha: float, l1_ratio: float) -> tuple[float, float]:
    """``ElasticNet(alpha=A, l1_ratio=r)`` → ``(A, r)``: the same scaling."""
    return check_finite_nonneg(alpha, "alpha"), check_l1_ratio(l1_ratio)


def to_sklearn_elastic_net(alpha: float, l1_ratio: float) -> dict[str, float]:
    """Our ``(alpha, l1_ratio)`` → keyword arguments of ``ElasticNet``."""
    return {"alpha": check_finite_nonneg(alpha, "alpha"), "l1_ratio": check_l1_ratio(l1_ratio)}


def from_sklearn_logistic(
    C: float,
    n_samples: int,
    l1_ratio: float = 0.0,
    *,
    penalty: Literal["l2", "l1"] | None = None,
) -> tuple[float, float]:
    """``LogisticRegression(C=C, l1_ratio=r)`` → ``(1 / (n C), r)``.

    scikit-learn ≥ 1.8 states the mix by ``l1_ratio`` (0 = L2, 1 = L1); its deprecated
    ``penalty="l2" | "l1"`` is accepted as a keyword and means ``l1_ratio`` 0 or 1.
    """
    c = check_positive(C, "C")
    n = check_positive_int(n_samples, "n_samples")
    ratio = check_l1_ratio(l1_ratio)
    if penalty is not None:
        from_penalty = _l1_ratio_of(penalty)
        if l1_ratio not in (0.0, from_penalty):
            raise InputValueError(
                f"penalty={penalty!r} means l1_ratio = {from_penalty:g}, but l1_ratio="
                f"{ratio:g} was also given; pass one of them."
            )
        ratio = from_penalty
    return 1.0 / (n * c), ratio


def to_sklearn_logistic(alpha: float, n_samples: int, l1_ratio: float = 0.0) -> dict[str, Any]:
    """Our ``(alpha, l1_ratio)`` → keyword arguments of ``LogisticRegression``.

    scikit-learn's penalized logistic objective is
    ``C Σ loss_i + r||w||₁ + (1−r)/2 ||w||²``; dividing by nC gives ours with
    alpha = 1/(nC). The keywords follow scikit-learn ≥ 1.8, where ``penalty`` is
    deprecated and the mix is given by ``l1_ratio`` alone: ``{"C": C, "l1_ratio": r}``,
    plus ``solver="saga"`` when r > 0 (the default solver handles only the L2 term; saga
    leaves the intercept unpenalized, as we do).
    """
    a = check_positive(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    r = check_l1_ratio(l1_ratio)
    C = 1.0 / (n * a)
    if r == 0.0:
        return {"C": C, "l1_ratio": 0.0}
    return {"C": C, "l1_ratio": r, "solver": "saga"}


def from_glmnet(lam: float, mixing: float) -> tuple[float, float]:
    """glmnet ``lambda`` and ``alpha`` (mixing) → ``(lambda, mixing)``.

    glmnet standardizes X by default; the identity holds for the same design
    (call glmnet with ``standardize=FALSE`` or standardize X yourself).
    """
    return check_finite_nonneg(lam, "lam"), check_l1_ratio(mixing, "mixing")


def to_glmnet(alpha: float, l1_ratio: float) -> dict[str, float]:
    """Our ``(alpha, l1_ratio)`` → glmnet's ``lambda`` and ``alpha`` (mixing)."""
    return {"lambda": check_finite_nonneg(alpha, "alpha"), "alpha": check_l1_ratio(l1_ratio)}


def _l1_ratio_of(penalty: str) -> float:
    if penalty == "l2":
        return 0.0
    if penalty == "l1":
        return 1.0
    raise InputValueError(
        f"penalty must be 'l2' or 'l1'; got {penalty!r}. For an elastic-net "
        "LogisticRegression pass its l1_ratio instead (alpha = 1/(nC) either way)."
    )
