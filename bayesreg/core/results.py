"""Result types of the core solvers: frozen dataclasses with read-only arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from bayesreg.core.types import FloatArray, freeze_fields
from bayesreg.errors import ConvergenceWarning, warn

__all__ = [
    "CVResult",
    "Certificate",
    "CertificateKind",
    "PathCertificates",
    "PathFit",
    "PenalizedFit",
    "RidgePathFit",
    "warn_unconverged_path",
]


CertificateKind = Literal["duality gap", "kkt residual"]


@dataclass(frozen=True)
class Certificate:
    """How one solution is certified: which certificate, its value, its threshold.

    ``converged`` is ``value ≤ tol``. Every solver builds its :class:`PenalizedFit` from
    one certificate, through :meth:`fit_fields`.
    """

    kind: CertificateKind
    value: float
    tol: float

    @property
    def converged(self) -> bool:
        """Whether the certificate reached its threshold."""
        return bool(self.value <= self.tol)

    def fit_fields(self) -> dict[str, Any]:
        """The fields of a :class:`PenalizedFit` it sets: gap, converged, certificate, tol."""
        return {
            "gap": self.value,
            "converged": self.converged,
            "certificate": self.kind,
            "tol": self.tol,
        }


@dataclass(frozen=True)
class PathCertificates:
    """The certificates of a path's solutions, one entry per alpha.

    ``kinds`` None: one certificate for the whole path, as its producer documents
    (:attr:`PathFit.certificates`).
    """

    values: FloatArray
    tols: FloatArray
    kinds: tuple[CertificateKind, ...] | None = None

    @classmethod
    def of(cls, certificates: Sequence[Certificate]) -> PathCertificates:
        """The path of the solutions' :class:`Certificate` s, kinds included."""
        return cls(
            np.array([certificate.value for certificate in certificates]),
            np.array([certificate.tol for certificate in certificates]),
            tuple(certificate.kind for certificate in certificates),
        )

    @property
    def converged(self) -> NDArray[np.bool_]:
        """``values ≤ tols``."""
        return self.values <= self.tols

    def worst(self) -> int:
        """The index whose value is farthest above its threshold, relatively."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return int(np.argmax(self.values / self.tols))

    def path_fields(self) -> dict[str, Any]:
        """The fields of a :class:`PathFit` they set: gaps, converged, certificates."""
        return {"gaps": self.values, "converged": self.converged, "certificates": self.kinds}


def warn_unconverged_path(
    solver: str, converged: NDArray[np.bool_], alpha: float, detail: str, advice: str
) -> None:
    """One ConvergenceWarning for a path some of whose solutions missed their threshold.

    ``alpha`` and ``detail`` (its certificate against its threshold, in words) describe
    the worst of them; ``advice`` says what to change. Nothing when all converged.
    """
    if converged.all():
        return
    warn(
        f"{solver}: {int((~converged).sum())} of {converged.size} solutions did not reach "
        f"their certificate's threshold; the worst, at alpha = {alpha:.6g}, has {detail}. "
        f"Their converged flag is False. {advice}",
        ConvergenceWarning,
    )


@dataclass(frozen=True)
class PenalizedFit:
    """A certified solution of one penalized problem.

    The objective is the package's one convention (see :doc:`/conventions`)::

        F(w, w0) = L(w, w0) + alpha * (l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||_2^2)

    with ``L`` the averaged Gaussian (``1/(2n) ||y - w0 - X w||^2``) or Bernoulli loss.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The minimizer ``w`` (exact zeros where the L1 term sets them).
    intercept : float
        The unpenalized intercept ``w0`` (0.0 when no intercept is fitted).
    alpha, l1_ratio : float
        The penalty this solution minimizes.
    objective : float
        ``F(coef, intercept)``.
    gap : float
        The optimality certificate, ≥ 0, named by ``certificate``: the duality gap
        ``F(w) - D(theta)`` (an upper bound on ``F(w) - min F``, in the units of F), or
        the KKT residual (sup-norm distance of ``-∇L`` to ``alpha · ∂P(w)``, in the units
        of the gradient). The Gaussian solvers report the duality gap, except where it
        is within its own rounding floor (tiny alpha: the dual point is scaled by
        ``1/alpha``), where the KKT residual certifies instead; the Bernoulli solver
        reports the KKT residual.
    converged : bool
        Whether ``gap`` reached the requested tolerance.
    n_iter : int
        Iterations (passes over the coordinates, or Newton steps) used.
    certificate : {"duality gap", "kkt residual"}
        Which certificate ``gap`` is.
    tol : float
        The tolerance the certificate was checked against (in the units of ``gap``).

    Examples
    --------
    Every solver returns one; its fields are read-only:

    >>> from bayesreg import lasso
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> fit = lasso(X, y, 0.5)
    >>> fit.converged, fit.certificate, fit.n_nonzero
    (True, 'duality gap', 4)
    >>> fit.coef.shape, round(fit.intercept, 3), fit.alpha, fit.l1_ratio
    ((10,), 152.133, 0.5, 1.0)
    >>> fit.decision_function(X[:3]).shape
    (3,)
    >>> fit.coef.flags.writeable
    False
    """

    coef: FloatArray
    intercept: float
    alpha: float
    l1_ratio: float
    objective: float
    gap: float
    converged: bool
    n_iter: int
    certificate: CertificateKind = "duality gap"
    tol: float = float("nan")

    def __post_init__(self) -> None:
        freeze_fields(self, "coef")
        for name in ("intercept", "alpha", "l1_ratio", "objective", "gap", "tol"):
            object.__setattr__(self, name, float(getattr(self, name)))
        object.__setattr__(self, "converged", bool(self.converged))
        object.__setattr__(self, "n_iter", int(self.n_iter))

    @property
    def n_nonzero(self) -> int:
        """Number of non-zero coefficients."""
        return int(np.count_nonzero(self.coef))

    def decision_function(self, X: Any) -> FloatArray:
        """Linear predictor ``w0 + X w`` for new rows ``X``."""
        from bayesreg.validation import as_design

        design = as_design(X)
        if design.shape[1] != self.coef.shape[0]:
            from bayesreg.errors import DataError

            raise DataError(
                f"X has {design.shape[1]} columns but the fit has {self.coef.shape[0]} "
                "coefficients; pass rows with the same features."
            )
        return design @ self.coef + self.intercept


@dataclass(frozen=True)
class PathFit:
    """Solutions along a decreasing sequence of penalty strengths.

    Attributes
    ----------
    alphas : ndarray of shape (k,)
        Penalty strengths, in the order solved (decreasing for ``lasso_path``).
    coefs : ndarray of shape (k, n_features)
        ``coefs[i]`` minimizes the objective at ``alphas[i]``.
    intercepts : ndarray of shape (k,)
    gaps : ndarray of shape (k,)
        Certificate of each solution (duality gap; 0 for closed-form ridge up to rounding;
        the KKT residual where ``certificates`` says so).
    l1_ratio : float
    objectives : ndarray of shape (k,)
    converged : ndarray of bool, shape (k,)
    n_iters : ndarray of int, shape (k,)
    alpha_max : float
        Smallest alpha whose solution is all zeros (``inf`` for ridge).
    certificates : tuple of {"duality gap", "kkt residual"}, or None
        Which certificate each ``gaps[i]`` is, where the path states it (``lasso_path``
        does: the duality gap, or the KKT residual where the gap is within its rounding
        floor); None where one certificate holds for the whole path, as its producer
        documents.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import lasso_path
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> path = lasso_path(X, y, n_alphas=20)
    >>> len(path), path.coefs.shape, bool(path.converged.all())
    (20, (20, 10), True)
    >>> bool(path.alphas[0] == path.alpha_max), int(np.count_nonzero(path.coefs[0]))
    (True, 0)
    """

    alphas: FloatArray
    coefs: FloatArray
    intercepts: FloatArray
    gaps: FloatArray
    l1_ratio: float
    objectives: FloatArray
    converged: NDArray[np.bool_]
    n_iters: NDArray[np.int64]
    alpha_max: float
    certificates: tuple[CertificateKind, ...] | None = None

    def __post_init__(self) -> None:
        freeze_fields(self, "alphas", "coefs", "intercepts", "gaps", "objectives")
        freeze_fields(self, "converged", dtype=np.bool_)
        freeze_fields(self, "n_iters", dtype=np.int64)
        object.__setattr__(self, "l1_ratio", float(self.l1_ratio))
        object.__setattr__(self, "alpha_max", float(self.alpha_max))
        if self.certificates is not None:
            object.__setattr__(self, "certificates", tuple(self.certificates))

    def __len__(self) -> int:
        return int(self.alphas.shape[0])


@dataclass(frozen=True)
class RidgePathFit(PathFit):
    """A ridge path with the quantities one SVD gives for free.

    Attributes
    ----------
    df : ndarray of shape (k,)
        Effective degrees of freedom ``sum_j d_j^2 / (d_j^2 + n alpha)`` (intercept excluded).
    gcv : ndarray of shape (k,)
        Generalized cross-validation error ``mean(r^2) / (1 - df_total/n)^2``.
    loo : ndarray of shape (k,)
        Exact leave-one-out mean squared error ``mean((r_i / (1 - h_ii))^2)``.

    Examples
    --------
    The degrees of freedom fall from p towards 0 as alpha grows; GCV and LOO pick an alpha:

    >>> import numpy as np
    >>> from bayesreg import ridge_alphas, ridge_path
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> path = ridge_path(X, y, ridge_alphas(X, n_alphas=30))
    >>> path.coefs.shape, path.df.shape, path.gcv.shape, path.loo.shape
    ((30, 10), (30,), (30,), (30,))
    >>> bool(np.all(np.diff(path.df) > 0))  # alphas decrease, df increases
    True
    >>> alpha_gcv = path.alphas[np.argmin(path.gcv)]
    >>> bool(path.alphas[-1] < alpha_gcv < path.alphas[0])
    True
    """

    df: FloatArray = field(default_factory=lambda: np.empty(0))
    gcv: FloatArray = field(default_factory=lambda: np.empty(0))
    loo: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        super().__post_init__()
        freeze_fields(self, "df", "gcv", "loo")


@dataclass(frozen=True)
class CVResult:
    """K-fold cross-validation over a penalty path.

    Attributes
    ----------
    alphas : ndarray of shape (k,)
    mean_error, std_error : ndarray of shape (k,)
        Mean held-out error over folds and its standard error (sd / sqrt(K)).
    fold_errors : ndarray of shape (n_folds, k)
    alpha_min : float
        The alpha with the smallest mean error.
    alpha_1se : float
        The largest alpha whose mean error is within one standard error of the minimum.
    l1_ratio : float
    scoring : str
        ``"mse"`` (Gaussian) or ``"deviance"`` (Bernoulli: mean binomial deviance, −2 times
        the mean held-out log-likelihood, as glmnet reports it).

    Examples
    --------
    >>> from bayesreg import cross_validate
    >>> from bayesreg.datasets import load_diabetes
    >>> X, y = load_diabetes()
    >>> cv = cross_validate(X, y, n_alphas=30, n_folds=5, random_seed=0)
    >>> cv.scoring, cv.alphas.shape, cv.fold_errors.shape
    ('mse', (30,), (5, 30))
    >>> bool(cv.alpha_1se >= cv.alpha_min)
    True
    """

    alphas: FloatArray
    mean_error: FloatArray
    std_error: FloatArray
    fold_errors: FloatArray
    alpha_min: float
    alpha_1se: float
    l1_ratio: float
    scoring: str

    def __post_init__(self) -> None:
        freeze_fields(self, "alphas", "mean_error", "std_error", "fold_errors")
        for name in ("alpha_min", "alpha_1se", "l1_ratio"):
            object.__setattr__(self, name, float(getattr(self, name)))
