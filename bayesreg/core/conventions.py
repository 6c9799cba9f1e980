"""Converters between bayesreg's ``(alpha, l1_ratio)`` and other libraries' scalings.

bayesreg's objective (glmnet / scikit-learn ``ElasticNet`` scaling)::

    F(w) = L(w) + alpha · [l1_ratio · ||w||₁ + (1 − l1_ratio)/2 · ||w||²]

with ``L`` averaged over the n samples. Other libraries scale differently:

========================================  =============================================
library call                              bayesreg
========================================  =============================================
``sklearn Ridge(alpha=A)``                alpha = A / n, l1_ratio = 0
``sklearn Lasso(alpha=A)``                alpha = A, l1_ratio = 1
``sklearn ElasticNet(alpha=A, r)``        alpha = A, l1_ratio = r
``sklearn LogisticRegression(C=C)``       alpha = 1 / (n C), l1_ratio = its l1_ratio
``glmnet(lambda=λ, alpha=a)``, gaussian   alpha·l1_ratio = λa, alpha·(1 − l1_ratio) =
                                          λ(1 − a)/s, s = sd(y) with divisor n
``glmnet(lambda=λ, alpha=a)``, binomial   alpha = λ, l1_ratio = a
========================================  =============================================

scikit-learn's ``Ridge`` minimizes ``||y − Xw||² + A||w||²`` (a sum, not a mean, and
no 1/2), so A = n·alpha. ``LogisticRegression`` minimizes ``C Σ loss_i + ½||w||²``
(l2) or ``C Σ loss_i + ||w||₁`` (l1); dividing by nC gives our averaged loss plus
``1/(nC) · P(w)``. glmnet's gaussian family fits ``y / s`` with ``λ / s`` and scales
back, which leaves its L1 weight at ``λa`` but divides its L2 weight by ``s``
(:func:`from_glmnet`). glmnet standardizes the columns of X by default
(``standardize=TRUE``) and reports coefficients on the original scale: the mapping
holds only for the same (standardized) design, so standardize X yourself or call
glmnet with ``standardize=FALSE``. glmnet's ``penalty.factor`` is rescaled by glmnet to
sum to p, bayesreg's ``penalty_factor`` is not: :func:`from_glmnet_penalty_factor` and
:func:`to_glmnet_penalty_factor` convert.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from bayesreg.core._penalty_factor import check_penalty_factor
from bayesreg.core.data import check_sample_weight
from bayesreg.core.solve import LIKELIHOODS
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import (
    as_target,
    check_choice,
    check_finite_nonneg,
    check_l1_ratio,
    check_positive,
    check_positive_int,
)

__all__ = [
    "from_glmnet",
    "from_glmnet_penalty_factor",
    "from_sklearn_elastic_net",
    "from_sklearn_lasso",
    "from_sklearn_logistic",
    "from_sklearn_ridge",
    "to_glmnet",
    "to_glmnet_penalty_factor",
    "to_sklearn_elastic_net",
    "to_sklearn_lasso",
    "to_sklearn_logistic",
    "to_sklearn_ridge",
]

#: the likelihood families glmnet's conversions know ("binomial" in glmnet is "bernoulli")
Family = Literal["gaussian", "bernoulli"]


def from_sklearn_ridge(alpha: float, n_samples: int) -> tuple[float, float]:
    """``Ridge(alpha=A)`` → ``(A / n, 0.0)``.

    Examples
    --------
    scikit-learn's ``Ridge`` penalizes the summed loss, so its alpha is n times ours:

    >>> from bayesreg.core import from_sklearn_ridge
    >>> from_sklearn_ridge(4.42, n_samples=442)
    (0.01, 0.0)
    """
    A = check_finite_nonneg(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    return A / n, 0.0


def to_sklearn_ridge(alpha: float, n_samples: int) -> dict[str, float]:
    """Our ridge ``alpha`` → keyword arguments of ``sklearn.linear_model.Ridge``.

    Examples
    --------
    The same fit in both packages:

    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from bayesreg import ridge
    >>> from bayesreg.core import to_sklearn_ridge
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> to_sklearn_ridge(0.01, n_samples=len(y))
    {'alpha': 4.42}
    >>> sk = Ridge(**to_sklearn_ridge(0.01, n_samples=len(y))).fit(X, y)
    >>> bool(np.allclose(sk.coef_, ridge(X, y, 0.01).coef))
    True
    """
    a = check_finite_nonneg(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    return {"alpha": a * n}


def from_sklearn_lasso(alpha: float) -> tuple[float, float]:
    """``Lasso(alpha=A)`` → ``(A, 1.0)``: the same scaling.

    Examples
    --------
    >>> from bayesreg.core import from_sklearn_lasso
    >>> from_sklearn_lasso(0.5)
    (0.5, 1.0)
    """
    return check_finite_nonneg(alpha, "alpha"), 1.0


def to_sklearn_lasso(alpha: float) -> dict[str, float]:
    """Our lasso ``alpha`` → keyword arguments of ``sklearn.linear_model.Lasso``.

    Examples
    --------
    >>> from bayesreg.core import to_sklearn_lasso
    >>> to_sklearn_lasso(0.5)
    {'alpha': 0.5}
    """
    return {"alpha": check_finite_nonneg(alpha, "alpha")}


def from_sklearn_elastic_net(alpha: float, l1_ratio: float) -> tuple[float, float]:
    """``ElasticNet(alpha=A, l1_ratio=r)`` → ``(A, r)``: the same scaling.

    Examples
    --------
    >>> from bayesreg.core import from_sklearn_elastic_net
    >>> from_sklearn_elastic_net(0.05, 0.5)
    (0.05, 0.5)
    """
    return check_finite_nonneg(alpha, "alpha"), check_l1_ratio(l1_ratio)


def to_sklearn_elastic_net(alpha: float, l1_ratio: float) -> dict[str, float]:
    """Our ``(alpha, l1_ratio)`` → keyword arguments of ``ElasticNet``.

    Examples
    --------
    >>> from bayesreg.core import to_sklearn_elastic_net
    >>> to_sklearn_elastic_net(0.05, 0.5)
    {'alpha': 0.05, 'l1_ratio': 0.5}
    """
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

    Examples
    --------
    ``C = 0.2`` on 500 samples is ``alpha = 1/(500·0.2) = 0.01``:

    >>> from bayesreg.core import from_sklearn_logistic
    >>> from_sklearn_logistic(0.2, 500, 0.5)
    (0.01, 0.5)
    >>> from_sklearn_logistic(0.2, 500, penalty="l1")
    (0.01, 1.0)
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

    Examples
    --------
    >>> from bayesreg.core import to_sklearn_logistic
    >>> to_sklearn_logistic(0.01, 500)
    {'C': 0.2, 'l1_ratio': 0.0}
    >>> to_sklearn_logistic(0.01, 500, l1_ratio=1.0)
    {'C': 0.2, 'l1_ratio': 1.0, 'solver': 'saga'}
    """
    a = check_positive(alpha, "alpha")
    n = check_positive_int(n_samples, "n_samples")
    r = check_l1_ratio(l1_ratio)
    C = 1.0 / (n * a)
    if r == 0.0:
        return {"C": C, "l1_ratio": 0.0}
    return {"C": C, "l1_ratio": r, "solver": "saga"}


def from_glmnet(
    lam: float,
    mixing: float,
    *,
    y: Any = None,
    likelihood: Family = "gaussian",
    sample_weight: Any = None,
) -> tuple[float, float]:
    """glmnet ``lambda`` and ``alpha`` (mixing) → our ``(alpha, l1_ratio)``.

    glmnet's gaussian family divides y by its standard deviation ``s`` (about the mean,
    divisor n, with or without an intercept) before fitting, and its user-supplied
    ``lambda`` by ``s``, then scales the coefficients back. In the original units it
    therefore minimizes::

        1/(2n) ||y − w0 − X w||² + λ a ||w||₁ + λ (1 − a)/(2 s) ||w||²

    which is ours with ``alpha · l1_ratio = λ a`` and ``alpha · (1 − l1_ratio) = λ (1 − a) / s``::

        alpha = λ (a + (1 − a)/s),     l1_ratio = a s / (a s + 1 − a).

    The lasso (``a = 1``) needs no ``s``. The binomial family does not rescale y:
    ``alpha = λ``, ``l1_ratio = a``.

    glmnet also standardizes the columns of X by default; the identity holds for the
    same design (call glmnet with ``standardize=FALSE`` or standardize X yourself).

    Parameters
    ----------
    lam : float
        glmnet's ``lambda``, ≥ 0.
    mixing : float
        glmnet's ``alpha`` in [0, 1] (0 = ridge, 1 = lasso).
    y : array-like of shape (n_samples,), optional
        The response glmnet was fitted to; required for the gaussian family when
        ``mixing < 1`` (its standard deviation ``s`` enters the L2 weight).
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
        glmnet's ``family``: ``"gaussian"`` or ``"binomial"`` (our ``"bernoulli"``).
    sample_weight : array-like of shape (n_samples,), optional
        glmnet's ``weights``. glmnet normalizes them to sum to 1, so its loss is ours with
        ``sample_weight`` (``1/Σs Σ_i s_i ℓ_i``) at the same λ, and for the gaussian family
        ``s`` is the weighted standard deviation ``√(Σ s_i (y_i − ȳ_s)²/Σs)`` (measured
        against glmnet's Fortran through python-glmnet).

    Returns
    -------
    tuple of float
        ``(alpha, l1_ratio)``.

    Examples
    --------
    For the lasso the two scalings agree; with an L2 part glmnet's ``lambda`` depends on
    the standard deviation of y:

    >>> import numpy as np
    >>> from bayesreg.core import from_glmnet, to_glmnet
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> from_glmnet(0.5, 1.0)
    (0.5, 1.0)
    >>> glmnet = to_glmnet(0.05, 0.5, y=y)
    >>> bool(np.allclose(from_glmnet(glmnet["lambda"], glmnet["alpha"], y=y), (0.05, 0.5)))
    True
    """
    lam = check_finite_nonneg(lam, "lam")
    mixing = check_l1_ratio(mixing, "mixing")
    scale = _glmnet_scale(y, likelihood, "mixing", mixing, sample_weight)
    # L1 weight λa, L2 weight λ(1 − a)/s: alpha is their sum, l1_ratio the L1 share.
    return lam * (mixing + (1.0 - mixing) / scale), mixing * scale / (mixing * scale + 1.0 - mixing)


def to_glmnet(
    alpha: float,
    l1_ratio: float,
    *,
    y: Any = None,
    likelihood: Family = "gaussian",
    sample_weight: Any = None,
) -> dict[str, float]:
    """Our ``(alpha, l1_ratio)`` → glmnet's ``lambda`` and ``alpha`` (mixing).

    The inverse of :func:`from_glmnet`: with ``r = l1_ratio`` and ``s`` the standard
    deviation of y (divisor n; gaussian family),

        λ a = alpha r,   λ (1 − a) = alpha (1 − r) s
        ⇒  λ = alpha (r + (1 − r) s),   a = r / (r + (1 − r) s),

    and ``λ = alpha``, ``a = r`` for the binomial family. Call glmnet with
    ``standardize=FALSE`` (or standardize X yourself) for the identity to hold.

    Parameters
    ----------
    alpha : float
        Our penalty strength, ≥ 0.
    l1_ratio : float
        Our mix ``r`` in [0, 1].
    y : array-like of shape (n_samples,), optional
        The response to be fitted; required for the gaussian family when ``l1_ratio < 1``.
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
        glmnet's ``family``: ``"gaussian"`` or ``"binomial"`` (our ``"bernoulli"``).
    sample_weight : array-like of shape (n_samples,), optional
        glmnet's ``weights``, as in :func:`from_glmnet`.

    Returns
    -------
    dict
        ``{"lambda": λ, "alpha": a}``, glmnet's names.

    Examples
    --------
    >>> from bayesreg.core import to_glmnet
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> to_glmnet(0.5, 1.0)
    {'lambda': 0.5, 'alpha': 1.0}
    >>> glmnet = to_glmnet(0.05, 0.5, y=y)
    >>> round(glmnet["lambda"], 3), round(glmnet["alpha"], 5)
    (1.95, 0.01282)
    """
    alpha = check_finite_nonneg(alpha, "alpha")
    l1_ratio = check_l1_ratio(l1_ratio)
    scale = _glmnet_scale(y, likelihood, "l1_ratio", l1_ratio, sample_weight)
    weight = l1_ratio + (1.0 - l1_ratio) * scale
    return {"lambda": alpha * weight, "alpha": l1_ratio / weight}


def from_glmnet_penalty_factor(penalty_factor: Any) -> FloatArray:
    """glmnet's ``penalty.factor`` → our ``penalty_factor`` (use with :func:`.from_glmnet`).

    glmnet rescales its factors to sum to the number of columns p before fitting, so
    the penalty it minimizes has the factors ``v' = v·p/Σ_j v_j``; bayesreg does not
    rescale, so pass ``v'``, with the ``(alpha, l1_ratio)`` of :func:`from_glmnet`
    (both families: the factors multiply the L1 and the L2 weight of each coefficient
    alike, so the scalar conversion is unchanged).

    Parameters
    ----------
    penalty_factor : array-like of shape (p,)
        glmnet's factors: finite numbers ≥ 0, not all 0.

    Returns
    -------
    ndarray of shape (p,)
        ``v·p/Σ v``.

    Examples
    --------
    glmnet rescales its factors to sum to p = 4:

    >>> from bayesreg.core import from_glmnet_penalty_factor
    >>> from_glmnet_penalty_factor([0.0, 1.0, 1.0, 6.0])
    array([0. , 0.5, 0.5, 3. ])
    """
    factor = _glmnet_factor(penalty_factor)
    rescaled: FloatArray = factor * (factor.size / float(np.sum(factor)))
    return rescaled


def to_glmnet_penalty_factor(alpha: float, penalty_factor: Any) -> tuple[float, FloatArray]:
    """Our ``(alpha, penalty_factor)`` → the same penalty with factors that sum to p.

    ``alpha·v_j = alpha'·v'_j`` with ``alpha' = alpha·Σv/p`` and ``v' = v·p/Σv``. glmnet
    leaves factors that sum to p unchanged, so pass ``v'`` as its ``penalty.factor`` and
    convert ``alpha'`` (with the same ``l1_ratio``) by :func:`to_glmnet`.

    Parameters
    ----------
    alpha : float
        Our penalty strength, ≥ 0.
    penalty_factor : array-like of shape (p,)
        Our factors: finite numbers ≥ 0, not all 0.

    Returns
    -------
    tuple
        ``(alpha', v')``.

    Examples
    --------
    >>> from bayesreg.core import to_glmnet_penalty_factor
    >>> alpha, factors = to_glmnet_penalty_factor(0.5, [0.0, 1.0, 1.0, 6.0])
    >>> alpha, factors
    (1.0, array([0. , 0.5, 0.5, 3. ]))
    """
    strength = check_finite_nonneg(alpha, "alpha")
    factor = _glmnet_factor(penalty_factor)
    total = float(np.sum(factor))
    rescaled: FloatArray = factor * (factor.size / total)
    return strength * total / factor.size, rescaled


def _glmnet_factor(penalty_factor: Any) -> FloatArray:
    size = np.size(penalty_factor) if penalty_factor is not None else 0
    factor = check_penalty_factor(penalty_factor, int(size))
    if factor is None:
        raise InputValueError(
            "penalty_factor must be an array of finite numbers ≥ 0, not all 0; got None."
        )
    return factor


def _glmnet_scale(
    y: Any, likelihood: str, mix_name: str, mix: float, sample_weight: Any = None
) -> float:
    """glmnet's response scale ``s``: the standard deviation of y (divisor n; with weights
    ``√(Σ s_i (y_i − ȳ_s)²/Σs)``), else 1.

    1 for the binomial and Poisson families (no rescaling) and for a pure L1 penalty
    (``s`` cancels).
    Measured against glmnet's Fortran: ``s`` is taken about the mean of y whether or not
    an intercept is fitted.
    """
    family = check_choice(likelihood, "likelihood", LIKELIHOODS)
    if family != "gaussian" or mix == 1.0:
        return 1.0
    if y is None:
        raise InputValueError(
            f"y is required for the gaussian family when {mix_name} < 1; got {mix_name}="
            f"{mix!r} and y=None. glmnet divides y by its standard deviation, which scales "
            f"its L2 weight; pass y=the response (not needed for {mix_name}=1 or "
            "likelihood='bernoulli')."
        )
    target = as_target(y, _n_entries(y))
    weights = check_sample_weight(sample_weight, target.size)
    if weights is None:
        scale = float(np.std(target))
    else:
        center = float(weights @ target) / float(weights.sum())
        scale = float(np.sqrt(weights @ (target - center) ** 2 / weights.sum()))
    if not scale > 0.0:
        raise DataError(
            f"y must vary (its standard deviation is {scale!r} over {target.size} entries): "
            "glmnet divides y by its standard deviation, so a constant response has no "
            f"glmnet scaling for {mix_name} < 1."
        )
    return scale


def _n_entries(y: Any) -> int:
    """Number of entries of a 1-D array-like (or rows of an (n, 1) column)."""
    try:
        return len(y)
    except TypeError:
        raise InputTypeError(
            f"y must be a 1-D array-like of the response values; got {type(y).__name__} {y!r}."
        ) from None


def _l1_ratio_of(penalty: str) -> float:
    if penalty == "l2":
        return 0.0
    if penalty == "l1":
        return 1.0
    raise InputValueError(
        f"penalty must be 'l2' or 'l1'; got {penalty!r}. For an elastic-net "
        "LogisticRegression pass its l1_ratio instead (alpha = 1/(nC) either way)."
    )
