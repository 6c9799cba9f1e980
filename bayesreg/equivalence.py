"""Check, on given data, that the MAP under a prior is the penalized estimate."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bayesreg.core._validation import (
    as_design,
    as_target,
    check_binary_target,
    check_bool,
    check_choice,
    check_positive,
    feature_names_of,
)
from bayesreg.core.objective import objective
from bayesreg.core.solve import penalized_solve
from bayesreg.map import find_map
from bayesreg.models import LIKELIHOODS, build_model
from bayesreg.priors import Prior, check_prior

__all__ = ["EquivalenceReport", "check_equivalence"]

#: Relative KKT tolerance of the logistic fit that the MAP is compared with.
PENALIZED_LOGISTIC_TOL = 1e-13

FloatArray = NDArray[np.float64]


def _frozen(array: Any) -> FloatArray:
    frozen: FloatArray = np.array(array, dtype=np.float64, copy=True)
    frozen.setflags(write=False)
    return frozen


@dataclass(frozen=True)
class EquivalenceReport:
    """The MAP under a prior side by side with the penalized estimate it should equal.

    Attributes
    ----------
    prior : Prior
    alpha, l1_ratio : float
        ``prior.penalty(n_samples, noise)``.
    feature_names : tuple of str
    coef_map, coef_penalized : ndarray of shape (n_features,)
        From :func:`bayesreg.map.find_map` on :func:`bayesreg.models.build_model`, and
        from the core solver (``ridge`` for l1_ratio = 0, ``elastic_net`` otherwise,
        ``logistic`` for the Bernoulli likelihood).
    intercept_map, intercept_penalized : float
    max_abs_diff : float
        ``max_j |coef_map_j − coef_penalized_j|``.
    support_match : bool
        Whether both have exactly the same zero coefficients.
    objective_map, objective_penalized : float
        The penalized objective F at each estimate (``bayesreg.core.objective.objective``).
    gap_map : float
        KKT residual of −log p at the MAP (log-density units).
    gap_penalized : float
        The core solver's certificate (``certificate_penalized``), in the units of F.
    certificate_penalized : str
    ok : bool
        ``max_abs_diff ≤ rtol · max(1, ‖coef_penalized‖∞)``, the intercepts within
        ``rtol · max(1, |intercept_penalized|)``, and ``support_match``.
    rtol : float
    n_samples : int
    noise : float
        σ used in the conversion (1 for the Bernoulli likelihood).
    likelihood : str
    fit_intercept : bool
    """

    prior: Prior
    alpha: float
    l1_ratio: float
    feature_names: tuple[str, ...]
    coef_map: FloatArray
    coef_penalized: FloatArray
    intercept_map: float
    intercept_penalized: float
    max_abs_diff: float
    support_match: bool
    objective_map: float
    objective_penalized: float
    gap_map: float
    gap_penalized: float
    certificate_penalized: str
    ok: bool
    rtol: float
    n_samples: int
    noise: float
    likelihood: str
    fit_intercept: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "coef_map", _frozen(self.coef_map))
        object.__setattr__(self, "coef_penalized", _frozen(self.coef_penalized))
        object.__setattr__(self, "feature_names", tuple(self.feature_names))

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-serializable values (the prior as its family and parameters)."""
        result: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Prior):
                value = {"family": type(value).__name__, **vars(value)}
            elif isinstance(value, np.ndarray):
                value = value.tolist()
            elif isinstance(value, tuple):
                value = list(value)
            result[item.name] = value
        return result

    def __str__(self) -> str:
        zero = {True: "zero", False: "non-zero"}
        rows = [
            f"{self.prior!r}  ⇔  alpha = {self.alpha:.6g}, l1_ratio = {self.l1_ratio:.6g}",
            f"(n = {self.n_samples}, {self.likelihood} likelihood, σ = {self.noise:.6g}, "
            f"intercept {'fitted' if self.fit_intercept else 'not fitted'})",
            "",
            f"{'feature':<14} {'MAP':>16} {'penalized':>16} {'|diff|':>10}  "
            f"{'MAP':<9}{'penalized':<9}",
        ]
        for name, left, right in zip(
            self.feature_names, self.coef_map, self.coef_penalized, strict=True
        ):
            rows.append(
                f"{name[:14]:<14} {left:>16.9g} {right:>16.9g} {abs(left - right):>10.2e}  "
                f"{zero[bool(left == 0.0)]:<9}{zero[bool(right == 0.0)]:<9}"
            )
        intercept_diff = abs(self.intercept_map - self.intercept_penalized)
        rows += [
            f"{'intercept':<14} {self.intercept_map:>16.9g} {self.intercept_penalized:>16.9g} "
            f"{intercept_diff:>10.2e}",
            "",
            f"{'objective F':<14} {self.objective_map:>16.12g} {self.objective_penalized:>16.12g}",
            f"certificates: MAP KKT residual of −log p {self.gap_map:.2e}; penalized "
            f"{self.certificate_penalized} {self.gap_penalized:.2e}",
            f"verdict: {'EQUIVALENT' if self.ok else 'NOT EQUIVALENT'} (max |diff| "
            f"{self.max_abs_diff:.2e}, allowed {self._allowed_diff():.2e} = rtol·max(1, "
            f"‖coef‖∞); zero patterns {'match' if self.support_match else 'differ'})",
        ]
        return "\n".join(row.rstrip() for row in rows)

    def _allowed_diff(self) -> float:
        return self.rtol * max(1.0, float(np.max(np.abs(self.coef_penalized), initial=0.0)))


def check_equivalence(
    X: Any,
    y: Any,
    prior: Prior,
    *,
    noise: float = 1.0,
    likelihood: str = "gaussian",
    fit_intercept: bool = True,
    rtol: float = 1e-8,
) -> EquivalenceReport:
    """Compute the MAP under ``prior`` and the penalized estimate, and compare them.

    With n samples and σ fixed, ``−log p(w, w0 | y) = (n/σ²) F(w, w0) + const`` for the
    penalized objective F at ``(alpha, l1_ratio) = prior.penalty(n, σ)``, so the two
    estimates must coincide, zeros included. The MAP comes from
    :func:`bayesreg.map.find_map` on :func:`bayesreg.models.build_model` (PyMC), the
    penalized estimate from the NumPy core (``ridge``, ``elastic_net`` or ``logistic``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    prior : Prior
    noise : float, default 1.0
        The fixed noise standard deviation σ (not used for the Bernoulli likelihood).
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
    fit_intercept : bool, default True
    rtol : float, default 1e-8
        Relative tolerance of the verdict (see :attr:`EquivalenceReport.ok`).

    Returns
    -------
    EquivalenceReport
        ``print(report)`` shows the side-by-side table.
    """
    kind = check_choice(likelihood, "likelihood", LIKELIHOODS)
    design = as_design(X)
    n_samples, n_features = design.shape
    target = as_target(y, n_samples)
    intercept = check_bool(fit_intercept, "fit_intercept")
    tolerance = check_positive(rtol, "rtol")
    check_prior(prior)
    if kind == "bernoulli":
        check_binary_target(target)
        sigma = 1.0
    else:
        sigma = check_positive(noise, "noise")
    alpha, l1_ratio = prior.penalty(n_samples, sigma)

    model = build_model(
        design,
        target,
        prior,
        noise=sigma if kind == "gaussian" else None,
        likelihood=kind,
        fit_intercept=intercept,
    )
    estimate = find_map(model)
    # The verdict compares coefficients at rtol, so the penalized side is solved well past
    # it: a KKT residual of 1e-10 (logistic's default) can still move correlated
    # coefficients by ~1e-8.
    fit = penalized_solve(
        design,
        target,
        alpha,
        l1_ratio,
        likelihood=kind,
        fit_intercept=intercept,
        tol=None if kind == "gaussian" else PENALIZED_LOGISTIC_TOL,
    )

    coef_map = estimate.values["coef"]
    max_abs_diff = float(np.max(np.abs(coef_map - fit.coef)))
    support_match = bool(np.array_equal(coef_map == 0.0, fit.coef == 0.0))
    coef_scale = max(1.0, float(np.max(np.abs(fit.coef))))
    intercept_scale = max(1.0, abs(fit.intercept))
    ok = (
        max_abs_diff <= tolerance * coef_scale
        and abs(estimate.intercept - fit.intercept) <= tolerance * intercept_scale
        and support_match
    )
    return EquivalenceReport(
        prior=prior,
        alpha=alpha,
        l1_ratio=l1_ratio,
        feature_names=feature_names_of(X, n_features),
        coef_map=coef_map,
        coef_penalized=fit.coef,
        intercept_map=estimate.intercept,
        intercept_penalized=fit.intercept,
        max_abs_diff=max_abs_diff,
        support_match=support_match,
        objective_map=objective(
            design, target, coef_map, estimate.intercept, alpha, l1_ratio, kind
        ),
        objective_penalized=objective(
            design, target, fit.coef, fit.intercept, alpha, l1_ratio, kind
        ),
        gap_map=estimate.gap,
        gap_penalized=fit.gap,
        certificate_penalized=fit.certificate,
        ok=bool(ok),
        rtol=tolerance,
        n_samples=n_samples,
        noise=sigma,
        likelihood=kind,
        fit_intercept=intercept,
    )
