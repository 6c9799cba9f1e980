"""Check, on given data, that the MAP under a prior is the penalized estimate."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np

from bayesreg.core._duality import positive_subdiff_distance
from bayesreg.core._penalty_factor import weighted_penalty_value
from bayesreg.core.datafits import Poisson
from bayesreg.core.enet_solver import elastic_net
from bayesreg.core.objective import kkt_residual, objective
from bayesreg.core.penalties import penalty_value, subdiff_distance
from bayesreg.core.poisson import poisson
from bayesreg.core.results import PenalizedFit
from bayesreg.core.ridge import ridge
from bayesreg.core.solve import penalized_solve
from bayesreg.core.types import FloatArray, frozen_array
from bayesreg.errors import InputValueError
from bayesreg.priors import Prior, check_prior
from bayesreg.pymc.map import find_map
from bayesreg.pymc.model import (
    ModelKeywords,
    ModelOptions,
    check_target,
    model_of_rows,
    model_options,
)
from bayesreg.validation import (
    as_design,
    as_target,
    check_binary_target,
    check_positive,
    feature_names_of,
)

__all__ = ["EquivalenceReport", "check_equivalence"]

#: Relative KKT tolerance of the logistic and Poisson fits that the MAP is compared with.
PENALIZED_LOGISTIC_TOL = 1e-13


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
        From :func:`bayesreg.pymc.map.find_map` on :func:`bayesreg.pymc.model.build_model`, and
        from the core solver (``ridge`` for l1_ratio = 0, ``elastic_net`` otherwise,
        ``logistic`` for the Bernoulli likelihood, ``poisson`` with the model's offset for
        the Poisson likelihood).
    intercept_map, intercept_penalized : float
    max_abs_diff : float
        ``max_j |coef_map_j − coef_penalized_j|``.
    intercept_abs_diff : float
        ``|intercept_map − intercept_penalized|``.
    support_match : bool
        Whether both have exactly the same zero coefficients.
    objective_map, objective_penalized : float
        The penalized objective F at each estimate (``bayesreg.core.objective.objective``).
    kkt_map : float
        The KKT residual of the MAP's coefficients for ``min F`` at ``(alpha, l1_ratio)``
        (``bayesreg.core.objective.kkt_residual`` over the coefficients, at the MAP's
        intercept), in the units of ∇F: 0 exactly at the penalized solution.
    gradient_scale, coef_scale, intercept_scale : float
        The scales the verdict is relative to (see ``ok``).
    gap_map : float
        :func:`~bayesreg.pymc.map.find_map`'s certificate: the KKT residual of −log p at the
        MAP (log-density units, every free variable).
    map_converged : bool
        Whether ``gap_map`` met find_map's threshold.
    gap_penalized : float
        The core solver's certificate (``certificate_penalized``), in the units of F.
    certificate_penalized : str
    ok : bool
        The verdict, relative to the scales of the data so that it does not change when
        y (with σ and the prior) or X is measured in other units. With
        ``Xc``, ``yc`` the centered data (uncentered without intercept), ``x̄`` the column
        means, ``m = max_j ||Xc[:, j]||₂`` and n samples, all four hold:

        1. ``kkt_map ≤ rtol · gradient_scale``, ``gradient_scale = m ||yc||₂ / n`` (a
           bound on ``||∇_w L||∞`` at w = 0, by Cauchy-Schwarz): the MAP solves the
           penalized problem, whatever the core solver says;
        2. ``max_abs_diff ≤ rtol · coef_scale``, ``coef_scale = max(||coef_penalized||∞,
           ||yc||₂ / m)``: the two agree relative to the coefficients, or, when these are
           shrunk far below it, relative to the least-squares scale of the data (the size
           of a coefficient that moves the fit by ``||yc||₂``);
        3. ``intercept_abs_diff ≤ rtol · intercept_scale``, ``intercept_scale =
           max(|intercept_penalized|, ||yc||₂/√n + ||x̄||₁ · coef_scale)``: the root mean
           square of y about its mean, plus how far the coefficients' error moves the
           intercept;
        4. ``support_match``;
        5. with σ free, ``map_converged``: conditions 1-3 hold at whatever σ̂ the MAP
           reports, and that σ̂ is the joint mode is find_map's certificate.

        ``||yc||₂`` and m are floored at their rounding level, ``n · eps`` times the
        uncentered norms.

        For the Poisson likelihood (log link, offset o) the scales are those of the
        log-rate: ``gradient_scale = m ||μ₀ − y||₂ / n``, with μ₀ the means of the model
        with w = 0 and its best intercept (``Σy · exp(o) / Σ exp(o)``; ``exp(o)``
        without an intercept), a bound on ``||∇_w L||∞`` at w = 0 by Cauchy-Schwarz;
        ``coef_scale = max(||coef_penalized||∞, √n / m)``, √n / m the size of a
        coefficient that moves the log-rate by 1 in root mean square; and
        ``intercept_scale = max(|intercept_penalized|, 1 + ||x̄||₁ · coef_scale)``: a
        log-rate of order 1 plus how far the coefficients' error moves the intercept.
        Counts have no units, and these scales do not change when X is measured in
        other units.
    rtol : float
    n_samples : int
    noise : float
        σ used in the conversion: the fixed σ, the joint MAP σ̂ when σ was free
        (``noise_estimated``), 1 for the Bernoulli and Poisson likelihoods (which have no
        noise).
    noise_estimated : bool
        Whether ``noise`` is the MAP σ̂ of the model with a free σ.
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
    intercept_abs_diff: float
    support_match: bool
    objective_map: float
    objective_penalized: float
    kkt_map: float
    gradient_scale: float
    coef_scale: float
    intercept_scale: float
    gap_map: float
    map_converged: bool
    gap_penalized: float
    certificate_penalized: str
    ok: bool
    rtol: float
    n_samples: int
    noise: float
    noise_estimated: bool
    likelihood: str
    fit_intercept: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "coef_map", frozen_array(self.coef_map))
        object.__setattr__(self, "coef_penalized", frozen_array(self.coef_penalized))
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
        formulas = (
            ("m ||μ₀ − y|| / n", "√n / m", "1")
            if self.likelihood == "poisson"
            else ("m ||yc|| / n", "||yc|| / m", "rms(yc)")
        )
        rows = [
            f"{self.prior!r}  ⇔  alpha = {self.alpha:.6g}, l1_ratio = {self.l1_ratio:.6g}",
            f"(n = {self.n_samples}, {self.likelihood} likelihood, {self._noise_text()}, "
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
        rows += [
            f"{'intercept':<14} {self.intercept_map:>16.9g} {self.intercept_penalized:>16.9g} "
            f"{self.intercept_abs_diff:>10.2e}",
            "",
            f"{'objective F':<14} {self.objective_map:>16.12g} {self.objective_penalized:>16.12g}",
            f"certificates: MAP KKT residual of −log p {self.gap_map:.2e}; penalized "
            f"{self.certificate_penalized} {self.gap_penalized:.2e}",
            f"verdict: {'EQUIVALENT' if self.ok else 'NOT EQUIVALENT'} (rtol = {self.rtol:.0e}, "
            "relative to the scales of the data; m = max_j ||Xc_j||, yc, Xc centered)",
            f"  MAP's KKT residual for F  {self.kkt_map:.2e} ≤ {self._allowed(self.gradient_scale)}"
            f" = rtol · {formulas[0]}",
            f"  max |coef diff|           {self.max_abs_diff:.2e} ≤ "
            f"{self._allowed(self.coef_scale)} = rtol · max(||coef||∞, {formulas[1]})",
            f"  |intercept diff|          {self.intercept_abs_diff:.2e} ≤ "
            f"{self._allowed(self.intercept_scale)} = rtol · max(|intercept|, "
            f"{formulas[2]} + ||x̄||₁ · coef scale)",
            f"  zero patterns             {'match' if self.support_match else 'differ'}",
        ]
        if self.noise_estimated:
            rows.append(
                f"  σ̂ a certified joint mode  {'yes' if self.map_converged else 'NO'} "
                "(find_map's KKT residual of −log p)"
            )
        return "\n".join(row.rstrip() for row in rows)

    def _allowed(self, scale: float) -> str:
        return f"{self.rtol * scale:.2e}"

    def _noise_text(self) -> str:
        if self.likelihood in ("bernoulli", "poisson"):
            return "no noise (σ = 1 in the conversion)"
        if self.noise_estimated:
            return f"σ free, joint MAP σ̂ = {self.noise:.6g}"
        return f"σ = {self.noise:.6g} fixed"


@dataclass(frozen=True)
class _Scales:
    """The verdict's scales (see :attr:`EquivalenceReport.ok`)."""

    gradient: float
    coef: float
    intercept: float


def _scales(X: FloatArray, y: FloatArray, fit: PenalizedFit, fit_intercept: bool) -> _Scales:
    """The Gaussian verdict's scales: :func:`_weighted_scales` with every weight 1."""
    return _weighted_scales(X, y, np.ones(X.shape[0]), fit, fit_intercept)


def _poisson_scales(
    X: FloatArray, y: FloatArray, offset: FloatArray | None, fit: PenalizedFit, fit_intercept: bool
) -> _Scales:
    """The Poisson verdict's scales (see :attr:`EquivalenceReport.ok`)."""
    n_samples = X.shape[0]
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    rounding = n_samples * float(np.finfo(np.float64).eps)
    shift = np.zeros(n_samples) if offset is None else offset
    if fit_intercept:  # μ₀ = Σy · softmax(o): the best intercept at w = 0
        null_mean = float(np.sum(y)) * np.exp(shift - float(np.logaddexp.reduce(shift)))
    else:
        null_mean = np.exp(shift)
    spread = max(float(np.linalg.norm(null_mean - y)), rounding * float(np.linalg.norm(y)))
    column = max(
        float(np.max(np.linalg.norm(X - x_mean, axis=0), initial=0.0)),
        rounding * float(np.max(np.linalg.norm(X, axis=0), initial=0.0)),
    )
    data_coef = np.sqrt(n_samples) / column if column > 0.0 else 0.0
    coef = max(float(np.max(np.abs(fit.coef), initial=0.0)), data_coef)
    intercept = max(abs(fit.intercept), 1.0 + float(np.sum(np.abs(x_mean))) * coef)
    return _Scales(gradient=column * spread / n_samples, coef=coef, intercept=float(intercept))


@dataclass(frozen=True)
class _Comparison:
    """The penalized side of the comparison and the MAP's F and KKT residual for it."""

    fit: PenalizedFit
    scales: _Scales
    kkt_map: float
    objective_map: float
    objective_penalized: float


def _compare(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    penalty: tuple[float, float],
    coef_map: FloatArray,
    intercept_map: float,
) -> _Comparison:
    """Solve the penalized problem at ``penalty`` and measure the MAP against it."""
    alpha, l1_ratio = penalty
    kind, intercept = spec.likelihood, spec.fit_intercept
    if kind == "poisson":
        fit = poisson(
            design,
            target,
            alpha,
            l1_ratio,
            offset=spec.offset,
            fit_intercept=intercept,
            tol=PENALIZED_LOGISTIC_TOL,
        )
        datafit = Poisson(target, spec.offset)

        def value(coef: FloatArray, w0: float) -> float:
            return datafit.value(w0 + design @ coef) + penalty_value(coef, alpha, l1_ratio)

        # the KKT residual over the coefficients at the MAP's intercept: ∇_w L = Xᵀ(μ − y)/n
        gradient, _ = datafit.derivatives(intercept_map + design @ coef_map)
        distance = subdiff_distance(coef_map, design.T @ gradient, alpha, l1_ratio)
        return _Comparison(
            fit=fit,
            scales=_poisson_scales(design, target, spec.offset, fit, intercept),
            kkt_map=float(np.max(distance, initial=0.0)),
            objective_map=value(coef_map, intercept_map),
            objective_penalized=value(fit.coef, fit.intercept),
        )
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
    return _Comparison(
        fit=fit,
        scales=_scales(design, target, fit, intercept),
        kkt_map=kkt_residual(
            design, target, coef_map, intercept_map, alpha, l1_ratio, kind, fit_intercept=False
        ),
        objective_map=objective(design, target, coef_map, intercept_map, alpha, l1_ratio, kind),
        objective_penalized=objective(
            design, target, fit.coef, fit.intercept, alpha, l1_ratio, kind
        ),
    )


def _penalty_factor_of(prior: Prior, likelihood: str) -> FloatArray | None:
    """The prior's penalty factors (None for a single scale); refused unless Gaussian."""
    factor = prior.penalty_factor()
    if factor is not None and likelihood != "gaussian":
        raise InputValueError(
            f"likelihood={likelihood!r} with per-coefficient prior scales ({prior!r}): "
            "check_equivalence compares penalty factors for the Gaussian likelihood only. "
            "The penalized fit exists (prior.penalized_fit(X, y, likelihood=...)), and "
            "find_map(build_model(...)) computes the MAP; use a prior with a single scale here."
        )
    return factor


def _compare_factored(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    penalty: tuple[float, float],
    factor: FloatArray | None,
    coef_map: FloatArray,
    intercept_map: float,
) -> _Comparison:
    """:func:`_compare`, or with per-coefficient factors ``v`` (Gaussian likelihood).

    The penalty is ``alpha Σ_j v_j P(w_j)`` with ``v = prior.penalty_factor()``; the KKT
    residual takes the per-coordinate strengths ``alpha·v_j`` (0: unpenalized).
    """
    if factor is None:
        return _compare(design, target, spec, penalty, coef_map, intercept_map)
    alpha, l1_ratio = penalty
    intercept = spec.fit_intercept
    if l1_ratio == 0.0:
        fit = ridge(design, target, alpha, fit_intercept=intercept, penalty_factor=factor)
    else:
        fit = elastic_net(
            design, target, alpha, l1_ratio, fit_intercept=intercept, penalty_factor=factor
        )

    def value(coef: FloatArray, w0: float) -> float:
        residual = target - w0 - design @ coef
        penalty_term = weighted_penalty_value(coef, alpha, l1_ratio, factor)
        return float(residual @ residual) / (2 * target.size) + penalty_term

    # the KKT residual over the coefficients at the MAP's intercept: ∇_w L = Xᵀ(η − y)/n
    gradient = design.T @ ((intercept_map + design @ coef_map - target) / target.size)
    distance = subdiff_distance(coef_map, gradient, alpha * factor, l1_ratio)
    return _Comparison(
        fit=fit,
        scales=_scales(design, target, fit, intercept),
        kkt_map=float(np.max(distance, initial=0.0)),
        objective_map=value(coef_map, intercept_map),
        objective_penalized=value(fit.coef, fit.intercept),
    )


def _compare_positive(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    prior: Prior,
    sigma: float,
    coef_map: FloatArray,
    intercept_map: float,
) -> _Comparison:
    """:func:`_compare` for a prior supported on ``w ≥ 0`` (Gaussian likelihood).

    The penalized side is ``prior.penalized_fit`` (``elastic_net(..., positive=True)``);
    the KKT residual is that of ``min F + ι(w ≥ 0)``, one-sided at a zero coefficient:
    ``max(u_j − l1, 0)`` with ``u = −∇_w L``, and ``|u_j − l1 − l2 w_j|`` where ``w_j > 0``
    (infinite at a negative coefficient, outside the domain).
    """
    n_samples = target.size
    alpha, l1_ratio = prior.penalty(n_samples, sigma)
    fit = prior.penalized_fit(design, target, noise=sigma, fit_intercept=spec.fit_intercept)

    def value(coef: FloatArray, w0: float) -> float:
        residual = target - w0 - design @ coef
        penalty_term = prior.penalty_value(coef, n_samples, sigma)  # inf unless coef ≥ 0
        return float(residual @ residual) / (2 * n_samples) + penalty_term

    # u = −∇_w L = Xᵀ(y − w0 − Xw)/n at the MAP's intercept
    correlation = design.T @ ((target - intercept_map - design @ coef_map) / n_samples)
    distance = positive_subdiff_distance(
        coef_map, correlation, alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    )
    return _Comparison(
        fit=fit,
        scales=_scales(design, target, fit, spec.fit_intercept),
        kkt_map=float(np.max(np.where(coef_map < 0.0, np.inf, distance), initial=0.0)),
        objective_map=value(coef_map, intercept_map),
        objective_penalized=value(fit.coef, fit.intercept),
    )


def _weighted_penalty(prior: Prior, weights: FloatArray, noise: float) -> tuple[float, float]:
    """``prior.penalty(n=Σs, σ)``: ``alpha = σ²(l1 + l2)/Σs`` (Σs need not be an integer)."""
    unit_alpha, l1_ratio = prior.penalty(1, noise)
    return unit_alpha / float(weights.sum()), l1_ratio


def _check_weighted_prior(prior: Prior) -> None:
    """Refuse, with weights, what the weighted penalized fit does not take: penalty
    factors, a sign-constrained prior."""
    if prior.positive or prior.penalty_factor() is not None:
        raise InputValueError(
            f"weights with {prior!r}: the weighted comparison takes priors with a single "
            "scale and no sign constraint (as Prior.penalized_fit(..., sample_weight=...)); "
            "omit weights, or use such a prior."
        )


def _weighted_scales(
    X: FloatArray, y: FloatArray, weights: FloatArray, fit: PenalizedFit, fit_intercept: bool
) -> _Scales:
    """:func:`_scales` of the folded rows ``√s̃ (X − 1x̄_sᵀ)``, ``√s̃ (y − ȳ_s)`` with
    ``s̃ = n·s/Σs``: the weighted problem is the ordinary one on them, so the scales are
    those of :attr:`EquivalenceReport.ok` with weighted means and weighted norms."""
    n_samples = X.shape[0]
    scaled = weights * (n_samples / float(weights.sum()))
    x_mean = scaled @ X / n_samples if fit_intercept else np.zeros(X.shape[1])
    y_mean = float(scaled @ y) / n_samples if fit_intercept else 0.0
    root = np.sqrt(scaled)
    rounding = n_samples * float(np.finfo(np.float64).eps)
    # ||yc||₂ and m = max_j ||Xc_j||₂ (weighted), floored at the rounding level of centering
    spread = max(
        float(np.linalg.norm(root * (y - y_mean))), rounding * float(np.linalg.norm(root * y))
    )
    column = max(
        float(np.max(np.linalg.norm(root[:, None] * (X - x_mean), axis=0), initial=0.0)),
        rounding * float(np.max(np.linalg.norm(root[:, None] * X, axis=0), initial=0.0)),
    )
    data_coef = spread / column if column > 0.0 else 0.0
    coef = max(float(np.max(np.abs(fit.coef), initial=0.0)), data_coef)
    intercept = max(
        abs(fit.intercept),
        spread / np.sqrt(n_samples) + float(np.sum(np.abs(x_mean))) * coef,
    )
    return _Scales(gradient=column * spread / n_samples, coef=coef, intercept=float(intercept))


def _compare_weighted(
    design: FloatArray,
    target: FloatArray,
    weights: FloatArray,
    fit_intercept: bool,
    prior: Prior,
    noise: float,
    penalty: tuple[float, float],
    coef_map: FloatArray,
    intercept_map: float,
) -> _Comparison:
    """The weighted Gaussian comparison, ``F_s = 1/(2Σs) Σ s_i r_i² + alpha·P(w)``.

    The penalized side is ``prior.penalized_fit(X, y, noise=σ, sample_weight=s)``; the
    MAP's KKT residual is over the coefficients at its intercept, with
    ``∇_w L = Xᵀ(s ⊙ (η − y))/Σs``.
    """
    alpha, l1_ratio = penalty
    total = float(weights.sum())
    fit = prior.penalized_fit(
        design, target, noise=noise, fit_intercept=fit_intercept, sample_weight=weights
    )

    def value(coef: FloatArray, w0: float) -> float:
        residual = target - w0 - design @ coef
        return float(weights @ residual**2) / (2 * total) + penalty_value(coef, alpha, l1_ratio)

    gradient = design.T @ (weights * (intercept_map + design @ coef_map - target)) / total
    distance = subdiff_distance(coef_map, gradient, alpha, l1_ratio)
    return _Comparison(
        fit=fit,
        scales=_weighted_scales(design, target, weights, fit, fit_intercept),
        kkt_map=float(np.max(distance, initial=0.0)),
        objective_map=value(coef_map, intercept_map),
        objective_penalized=value(fit.coef, fit.intercept),
    )


def check_equivalence(
    X: Any, y: Any, prior: Prior, *, rtol: float = 1e-8, **options: Unpack[ModelKeywords]
) -> EquivalenceReport:
    """Compute the MAP under ``prior`` and the penalized estimate, and compare them.

    With n samples and σ fixed, ``−log p(w, w0 | y) = (n/σ²) F(w, w0) + const`` for the
    penalized objective F at ``(alpha, l1_ratio) = prior.penalty(n, σ)``, so the two
    estimates must coincide, zeros included. With σ free (``noise=None``, Gaussian
    likelihood) the joint MAP ``(ŵ, ŵ0, σ̂)`` is computed; since it maximizes p over
    (w, w0) with σ = σ̂ held fixed, ŵ is the penalized estimate at
    ``prior.penalty(n, σ̂)``, and that is what is compared. The Bernoulli and Poisson
    likelihoods have no noise: the conversion takes σ = 1, and for the Poisson
    likelihood (log link, offset o)

        F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i] + alpha·[r ||w||₁ + (1 − r)/2 ||w||²],
        η = o + w0 + Xw.

    The MAP comes from :func:`bayesreg.pymc.map.find_map` on
    :func:`bayesreg.pymc.model.build_model` (PyMC), the penalized estimate from the NumPy
    core (``ridge``, ``elastic_net``, ``logistic`` or ``poisson``).

    The verdict (:attr:`EquivalenceReport.ok`) is relative to the scales of the data:
    the MAP's KKT residual for F relative to the gradient scale ``m ||yc|| / n``, the
    coefficients relative to ``max(||coef||∞, ||yc|| / m)`` and the intercepts relative
    to the scale of y (for the Poisson likelihood, the scales of the log-rate), all at
    ``rtol``, the same zero pattern, and, with σ free, a certified joint mode. It does
    not change when y, σ and the prior's scale (or X and the coefficients' scale) are
    measured in other units.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        0/1 for the Bernoulli likelihood, counts for the Poisson likelihood.
    prior : Prior
    rtol : float, default 1e-8
        Relative tolerance of the verdict (see :attr:`EquivalenceReport.ok`).
    **options
        ``noise`` (default None), ``likelihood`` (default "gaussian"),
        ``fit_intercept`` (default True) and ``offset`` (default None, Poisson
        likelihood only) and ``weights`` (default None, Gaussian likelihood only: row i
        has noise σ/√s_i, and the MAP is compared with
        ``prior.penalized_fit(X, y, noise=σ, sample_weight=weights)`` at
        ``alpha = σ²(l1 + l2)/Σs``, F and the scales of the verdict taken weighted), as
        in :func:`bayesreg.pymc.model.build_model`. ``noise`` is the
        σ of the Gaussian likelihood: fixed at this value, or, when None, a free variable
        reported as the joint MAP σ̂ (with n ≤ p the posterior then has no mode, and
        ``find_map`` says so). The Bernoulli and Poisson likelihoods have no noise: omit
        it.

    Returns
    -------
    EquivalenceReport
        ``print(report)`` shows the side-by-side table and each part of the verdict.

    Raises
    ------
    InputValueError
        If ``noise`` is given with the Bernoulli or Poisson likelihood or is not > 0, an
        ``offset`` with another likelihood than Poisson, or another argument is not
        allowed.
    DataError
        If the data do not fit the likelihood (see
        :func:`~bayesreg.pymc.model.build_model`).

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.datasets import load_randhie
    >>> from bayesreg.priors import LaplacePrior
    >>> from bayesreg.pymc import check_equivalence
    >>> X, y, time = load_randhie(standardize=True, exposure=True)
    >>> report = check_equivalence(X, y, LaplacePrior(0.05), likelihood="poisson",
    ...                            offset=np.log(time))
    >>> report.ok, report.support_match
    (True, True)
    """
    tolerance = check_positive(rtol, "rtol")
    design = as_design(X)
    n_samples, n_features = design.shape
    spec = model_options(**options, n_samples=n_samples)
    kind, fixed_noise, intercept = spec.likelihood, spec.noise, spec.fit_intercept
    target = as_target(y, n_samples)
    check_prior(prior)
    if kind == "bernoulli":
        check_binary_target(target)
    elif kind == "poisson":
        check_target(target, spec)
    feature_names = feature_names_of(X, n_features)
    factor = _penalty_factor_of(prior, kind)
    if spec.weights is not None:
        _check_weighted_prior(prior)

    model = model_of_rows(design, target, prior, spec, feature_names)
    estimate = find_map(model)
    if fixed_noise is not None:
        sigma = fixed_noise
    elif kind == "gaussian":
        sigma = float(estimate.values["noise"])
    else:
        sigma = 1.0  # the Bernoulli and Poisson likelihoods: the prior is taken at σ = 1
    coef_map = estimate.values["coef"]
    intercept_map = 0.0 if estimate.intercept is None else estimate.intercept
    if prior.positive and spec.weights is None:  # the one-sided KKT conditions at 0
        alpha, l1_ratio = prior.penalty(n_samples, sigma)
        compared = _compare_positive(design, target, spec, prior, sigma, coef_map, intercept_map)
    elif spec.weights is None:
        alpha, l1_ratio = prior.penalty(n_samples, sigma)
        compared = _compare_factored(
            design, target, spec, (alpha, l1_ratio), factor, coef_map, intercept_map
        )
    else:  # n = Σs in the conversion
        alpha, l1_ratio = _weighted_penalty(prior, spec.weights, sigma)
        compared = _compare_weighted(
            design,
            target,
            spec.weights,
            intercept,
            prior,
            sigma,
            (alpha, l1_ratio),
            coef_map,
            intercept_map,
        )
    fit, scales = compared.fit, compared.scales
    max_abs_diff = float(np.max(np.abs(coef_map - fit.coef), initial=0.0))
    intercept_abs_diff = abs(intercept_map - fit.intercept)
    support_match = bool(np.array_equal(coef_map == 0.0, fit.coef == 0.0))
    noise_estimated = fixed_noise is None and kind == "gaussian"
    ok = (
        compared.kkt_map <= tolerance * scales.gradient
        and max_abs_diff <= tolerance * scales.coef
        and intercept_abs_diff <= tolerance * scales.intercept
        and support_match
        and (estimate.converged or not noise_estimated)
    )
    return EquivalenceReport(
        prior=prior,
        alpha=alpha,
        l1_ratio=l1_ratio,
        feature_names=feature_names,
        coef_map=coef_map,
        coef_penalized=fit.coef,
        intercept_map=intercept_map,
        intercept_penalized=fit.intercept,
        max_abs_diff=max_abs_diff,
        intercept_abs_diff=intercept_abs_diff,
        support_match=support_match,
        objective_map=compared.objective_map,
        objective_penalized=compared.objective_penalized,
        kkt_map=compared.kkt_map,
        gradient_scale=scales.gradient,
        coef_scale=scales.coef,
        intercept_scale=scales.intercept,
        gap_map=estimate.gap,
        map_converged=estimate.converged,
        gap_penalized=fit.gap,
        certificate_penalized=fit.certificate,
        ok=bool(ok),
        rtol=tolerance,
        n_samples=n_samples,
        noise=sigma,
        noise_estimated=noise_estimated,
        likelihood=kind,
        fit_intercept=intercept,
    )
