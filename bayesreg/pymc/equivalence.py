"""Check, on given data, that the MAP under a prior is the penalized estimate."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np

from bayesreg.core._duality import positive_subdiff_distance
from bayesreg.core._penalty_factor import weighted_penalty_value
from bayesreg.core.objective import kkt_residual, objective
from bayesreg.core.penalties import subdiff_distance
from bayesreg.core.solve import penalized_solve
from bayesreg.core.types import FloatArray, frozen_array
from bayesreg.priors import Prior, check_prior
from bayesreg.pymc._comparison import (
    PENALIZED_GLM_TOL,
    Comparison,
    GLMProblem,
    compare_glm,
    weighted_scales,
)
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
PENALIZED_LOGISTIC_TOL = PENALIZED_GLM_TOL


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

        With observation weights s every scale is taken on the folded rows
        ``√s̃_i (x_i − x̄_s)``, ``√s̃_i (y_i − ȳ_s)``, ``s̃ = n·s/Σs`` (weighted means and
        norms; for the Poisson likelihood ``√s̃ (μ₀ − y)`` with the weighted best
        intercept), the weighted problem being the ordinary one on them.
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
    weight_sum : float or None
        ``Σs`` of the observation weights, the n of the conversion with weights
        (``alpha = σ²(l1 + l2)/Σs``); None without weights (the n of the conversion is
        then ``n_samples``).

    Examples
    --------
    :func:`check_equivalence` returns one; ``ok`` is the verdict, the other fields the
    evidence (``print(report)`` shows them as a table):

    >>> from bayesreg.datasets import load_diabetes
    >>> from bayesreg.priors import LaplacePrior
    >>> from bayesreg.pymc import check_equivalence
    >>> X, y = load_diabetes()
    >>> report = check_equivalence(X, y, LaplacePrior(100.0), noise=54.0)
    >>> report.ok, report.support_match, report.map_converged
    (True, True, True)
    >>> round(report.alpha, 4), report.l1_ratio, report.n_samples, report.noise_estimated
    (0.066, 1.0, 442, False)
    >>> report.max_abs_diff <= report.rtol * report.coef_scale
    True
    >>> report.coef_map.shape, report.to_dict()["prior"]
    ((10,), {'family': 'LaplacePrior', 'scale': 100.0})
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
    weight_sum: float | None = None

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
            f"({self._size_text()}, {self.likelihood} likelihood, {self._noise_text()}, "
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

    def _size_text(self) -> str:
        """``n = …``, and with weights the ``Σs`` that stands for n in the conversion."""
        if self.weight_sum is None:
            return f"n = {self.n_samples}"
        return f"n = {self.n_samples} rows, Σs = {self.weight_sum:.6g} in the conversion"

    def _noise_text(self) -> str:
        if self.likelihood in ("bernoulli", "poisson"):
            return "no noise (σ = 1 in the conversion)"
        if self.noise_estimated:
            return f"σ free, joint MAP σ̂ = {self.noise:.6g}"
        return f"σ = {self.noise:.6g} fixed"


def _compare(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    penalty: tuple[float, float],
    coef_map: FloatArray,
    intercept_map: float,
) -> Comparison:
    """Solve the Gaussian penalized problem at ``penalty`` and measure the MAP against it."""
    alpha, l1_ratio = penalty
    intercept = spec.fit_intercept
    fit = penalized_solve(design, target, alpha, l1_ratio, fit_intercept=intercept)
    return Comparison(
        fit=fit,
        scales=weighted_scales(design, target, None, fit, intercept),
        kkt_map=kkt_residual(
            design, target, coef_map, intercept_map, alpha, l1_ratio, fit_intercept=False
        ),
        objective_map=objective(design, target, coef_map, intercept_map, alpha, l1_ratio),
        objective_penalized=objective(design, target, fit.coef, fit.intercept, alpha, l1_ratio),
    )


def _compare_constrained(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    prior: Prior,
    sigma: float,
    penalty: tuple[float, float],
    coef_map: FloatArray,
    intercept_map: float,
) -> Comparison:
    """:func:`_compare` for a prior with per-coefficient factors ``v``, with observation
    weights ``s``, or supported on ``w ≥ 0`` (Gaussian likelihood).

    The penalized side is ``prior.penalized_fit(X, y, noise=σ, sample_weight=s)``, the
    objective ``F_s = 1/(2Σs) Σ s_i r_i² + alpha Σ_j v_j P(w_j)`` (``1/(2n) ||r||²``
    without weights, v = 1 for a single scale, ``+∞`` outside ``w ≥ 0`` for a
    sign-constrained prior). The MAP's KKT residual is over the coefficients at its
    intercept, with ``∇_w L = Xᵀ(s ⊙ (η − y))/Σs`` and per-coordinate strengths
    ``alpha·v_j``; for a sign-constrained prior it is that of ``min F_s + ι(w ≥ 0)``,
    one-sided at a zero coefficient: ``max(u_j − l1_j, 0)`` with ``u = −∇_w L``, and
    ``|u_j − l1_j − l2_j w_j|`` where ``w_j > 0`` (infinite at a negative coefficient,
    outside the domain), ``l1_j = alpha·v_j·r``, ``l2_j = alpha·v_j·(1 − r)``.
    """
    alpha, l1_ratio = penalty
    weights, n_samples = spec.weights, target.size
    total = n_samples if weights is None else float(weights.sum())
    fit = prior.penalized_fit(
        design, target, noise=sigma, fit_intercept=spec.fit_intercept, sample_weight=weights
    )
    factor = prior.penalty_factor()
    factors = np.ones(design.shape[1]) if factor is None else factor
    # ∇_w L = Xᵀ(s ⊙ (η − y))/Σs at the MAP (s = 1, Σs = n without weights)
    misfit = intercept_map + design @ coef_map - target
    gradient = design.T @ (misfit if weights is None else weights * misfit) / total
    strength = alpha * factors
    smooth_penalty = functools.partial(
        weighted_penalty_value, alpha=alpha, l1_ratio=l1_ratio, penalty_factor=factors
    )
    penalty_term: Callable[[FloatArray], float] = smooth_penalty
    if prior.positive:
        # one-sided at a zero coefficient, infinite outside the domain w ≥ 0
        one_sided = positive_subdiff_distance(
            coef_map, -gradient, strength * l1_ratio, strength * (1.0 - l1_ratio)
        )
        distance = np.where(coef_map < 0.0, np.inf, one_sided)
        penalty_term = functools.partial(_on_positive_orthant, smooth_penalty)
    else:
        distance = subdiff_distance(coef_map, gradient, strength, l1_ratio)

    def value(coef: FloatArray, w0: float) -> float:
        residual = target - w0 - design @ coef
        loss = residual @ residual if weights is None else weights @ residual**2
        return float(loss) / (2 * total) + penalty_term(coef)

    return Comparison(
        fit=fit,
        scales=weighted_scales(design, target, weights, fit, spec.fit_intercept),
        kkt_map=float(np.max(distance, initial=0.0)),
        objective_map=value(coef_map, intercept_map),
        objective_penalized=value(fit.coef, fit.intercept),
    )


def _weighted_penalty(prior: Prior, weights: FloatArray, noise: float) -> tuple[float, float]:
    """``prior.penalty(n=Σs, σ)``: ``alpha = σ²(l1 + l2)/Σs`` (Σs need not be an integer)."""
    unit_alpha, l1_ratio = prior.penalty(1, noise)
    return unit_alpha / float(weights.sum()), l1_ratio


def _on_positive_orthant(penalty: Callable[[FloatArray], float], coef: FloatArray) -> float:
    """``penalty(w)`` on ``w ≥ 0``, ``+∞`` outside it (the sign-constrained prior's domain)."""
    return math.inf if np.any(coef < 0.0) else penalty(coef)


def _comparison(
    design: FloatArray,
    target: FloatArray,
    spec: ModelOptions,
    prior: Prior,
    sigma: float,
    coef_map: FloatArray,
    intercept_map: float,
) -> tuple[tuple[float, float], Comparison]:
    """The penalty ``prior.penalty(n, σ)`` (n = Σs with weights) and the comparison of the
    MAP with the penalized fit of the likelihood, weights, factors and sign constraint."""
    kind, intercept, n_samples = spec.likelihood, spec.fit_intercept, target.size
    if spec.weights is None:
        alpha, l1_ratio = prior.penalty(n_samples, sigma)
    else:  # n = Σs in the conversion
        alpha, l1_ratio = _weighted_penalty(prior, spec.weights, sigma)
    if kind != "gaussian":
        problem = GLMProblem(
            kind,
            design,
            target,
            intercept,
            spec.offset,
            spec.weights,
            prior.penalty_factor(),
            prior.positive,
        )
        compared = compare_glm(problem, (alpha, l1_ratio), coef_map, intercept_map)
    elif prior.positive or spec.weights is not None or prior.penalty_factor() is not None:
        compared = _compare_constrained(
            design, target, spec, prior, sigma, (alpha, l1_ratio), coef_map, intercept_map
        )
    else:
        compared = _compare(design, target, spec, (alpha, l1_ratio), coef_map, intercept_map)
    return (alpha, l1_ratio), compared


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

    The verdict (``ok`` of :class:`EquivalenceReport`) is relative to the scales of the data:
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
        Relative tolerance of the verdict (see ``ok`` of :class:`EquivalenceReport`).
    **options
        ``noise`` (default None), ``likelihood`` (default "gaussian"),
        ``fit_intercept`` (default True) and ``offset`` (default None, Poisson
        likelihood only) and ``weights`` (default None; Gaussian: row i has noise
        σ/√s_i; Bernoulli and Poisson: the log-likelihood ``Σ_i s_i log p(y_i | η_i)``),
        as in :func:`bayesreg.pymc.model.build_model`. With weights the MAP is compared
        with ``prior.penalized_fit(X, y, ..., sample_weight=weights)``: n becomes Σs in
        the conversion, ``alpha = σ²(l1 + l2)/Σs`` (σ = 1 for Bernoulli and Poisson),
        the loss is the weighted average ``1/Σs Σ_i s_i ℓ_i``, and the scales of the
        verdict are taken weighted. A prior with per-coefficient scales (every
        likelihood, with or without weights) is compared with the core solver's
        ``penalty_factor = prior.penalty_factor()``. A sign-constrained prior
        (``positive``: Exponential, half-normal) is compared with the core fit with
        ``positive=True`` and the one-sided KKT conditions, for every likelihood, with or
        without weights.
        ``noise`` is the σ of the Gaussian likelihood: fixed at this value, or, when
        None, a free variable reported as the joint MAP σ̂ (with n ≤ p the posterior
        then has no mode, and ``find_map`` says so). The Bernoulli and Poisson
        likelihoods have no noise: omit it.

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
    prior.penalty(n_samples, 1.0)  # a prior with no penalty face (no MAP) says why here
    if kind == "bernoulli":
        check_binary_target(target)
    elif kind == "poisson":
        check_target(target, spec)
    feature_names = feature_names_of(X, n_features)

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
    (alpha, l1_ratio), compared = _comparison(
        design, target, spec, prior, sigma, coef_map, intercept_map
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
        weight_sum=None if spec.weights is None else float(spec.weights.sum()),
    )
