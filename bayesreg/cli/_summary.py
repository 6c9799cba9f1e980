"""The results of ``bayesreg demo`` as numbers: ``summary.json`` and the printout."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bayesreg.cli._figures import SavedFigure
from bayesreg.cli._posterior import PosteriorShrinkage
from bayesreg.cli._sections import (
    PUBLISHED_LAM,
    DemoSettings,
    EquivalenceCase,
    MapComparison,
    PointEstimate,
)
from bayesreg.posterior import LambdaChoice

__all__ = ["DemoResults", "fmt_e", "fmt_g", "summary_numbers", "summary_text"]


@dataclass(frozen=True)
class DemoResults:
    """Everything the demo computed, ready to be formatted."""

    quick: bool
    settings: DemoSettings
    equivalence: tuple[EquivalenceCase, ...]
    comparison: MapComparison
    posterior: PosteriorShrinkage
    lambdas: LambdaChoice
    figures: tuple[SavedFigure, ...]
    seconds: Mapping[str, float]
    warnings: tuple[str, ...]


def fmt_g(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits ("—" when not finite)."""
    return f"{value:.{digits}g}" if math.isfinite(value) else "—"


def fmt_e(value: float) -> str:
    """``value`` in scientific notation with two significant digits."""
    return f"{value:.1e}"


def _finite_or_none(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summary_numbers(results: DemoResults) -> dict[str, Any]:
    """The key numbers of the report as JSON-ready values (no NaN: null instead)."""
    from bayesreg import __version__

    return {
        "bayesreg_version": __version__,
        "quick": results.quick,
        "settings": asdict(results.settings),
        "equivalence": [_equivalence_numbers(case) for case in results.equivalence],
        "find_map": _find_map_numbers(results.comparison),
        "posterior": _posterior_numbers(
            results.posterior, results.settings, len(results.comparison.feature_names)
        ),
        "lambda": {
            "published_lam": PUBLISHED_LAM,
            "mcem_lam_se": results.lambdas.mcem.lam_se,
            "rows": [
                {
                    key: _finite_or_none(value) if isinstance(value, float) else value
                    for key, value in vars(row).items()
                }
                for row in results.lambdas.rows
            ],
        },
        "figures": [item.filename for item in results.figures],
        "seconds": dict(results.seconds),
        "warnings": list(results.warnings),
    }


def _equivalence_numbers(case: EquivalenceCase) -> dict[str, Any]:
    """Section 1: one prior, its penalty and how closely MAP and penalized fit agree."""
    report = case.report
    return {
        "penalty": case.penalty,
        "data": case.data_name,
        "prior": case.prior,
        "likelihood": report.likelihood,
        "noise": report.noise,
        "n_samples": report.n_samples,
        "n_features": len(report.feature_names),
        "alpha": report.alpha,
        "l1_ratio": report.l1_ratio,
        "n_nonzero": int(np.count_nonzero(report.coef_penalized)),
        "max_abs_diff": report.max_abs_diff,
        "support_match": report.support_match,
        "gap_map": report.gap_map,
        "gap_penalized": report.gap_penalized,
        "certificate_penalized": report.certificate_penalized,
        "ok": report.ok,
    }


def _point_numbers(point: PointEstimate) -> dict[str, Any]:
    """How far one MAP estimate is from the certified lasso solution."""
    return {
        "max_abs_error": point.max_abs_error,
        "n_exact_zeros": point.n_exact_zeros,
        "kkt_residual": point.kkt_residual,
        "objective_excess": point.objective_excess,
    }


def _find_map_numbers(comparison: MapComparison) -> dict[str, Any]:
    """Section 2: the lasso, the exact MAP and ``pm.find_MAP`` on one problem."""
    n_features = len(comparison.feature_names)
    return {
        "prior": comparison.prior,
        "noise": comparison.noise,
        "alpha": comparison.alpha,
        "n_features": n_features,
        "lasso": {
            "n_exact_zeros": n_features - comparison.lasso.n_nonzero,
            "duality_gap": comparison.lasso.gap,
        },
        "exact_map": _point_numbers(comparison.exact),
        "pymc_find_map": {
            **_point_numbers(comparison.pymc),
            "optimizer_success": comparison.optimizer_success,
            "optimizer_message": comparison.optimizer_message,
        },
    }


def _posterior_numbers(
    posterior: PosteriorShrinkage, settings: DemoSettings, n_features: int
) -> dict[str, Any]:
    """Section 3: the joint MAP and each sampler's run, diagnostics and posterior mean."""
    runs = {
        key: {
            "method": run.method,
            "chains": settings.chains,
            "draws": run.draws,
            "attempts": run.attempts,
            "seconds": run.seconds,
            "n_exact_zeros_of_mean": int(np.count_nonzero(run.summary["mean"] == 0.0)),
            "divergences": run.diagnostics.divergences,
            "max_rhat": _finite_or_none(run.diagnostics.max_rhat),
            "min_ess_bulk": run.diagnostics.min_ess_bulk,
            "min_ess_tail": run.diagnostics.min_ess_tail,
            "diagnostics_ok": run.diagnostics.ok,
            "mean": {str(k): float(v) for k, v in run.summary["mean"].items()},
        }
        for key, run in zip(("nuts", "gibbs"), posterior.runs, strict=True)
    }
    return {
        "prior": f"BayesianLassoPrior(lam={posterior.lam:g})",
        "lam": posterior.lam,
        "joint_map": {
            "noise": posterior.joint_map.noise,
            "alpha": posterior.joint_map_alpha,
            "n_exact_zeros": n_features - posterior.joint_map.n_nonzero,
            "kkt_residual": posterior.joint_map.gap,
            "max_abs_diff_to_lasso": posterior.map_vs_lasso,
        },
        "runs": runs,
        "max_mean_z": posterior.max_mean_z,
    }


def summary_text(results: DemoResults) -> str:
    """The compact printout of the demo."""
    lines = ["1. The MAP is the penalized estimate (exact MAP vs certified solver)"]
    lines.append(f"   {'penalty':<12}{'prior':<38}{'alpha':>10}{'non-zeros':>11}{'max|diff|':>11}")
    for case in results.equivalence:
        report = case.report
        nonzero = f"{np.count_nonzero(report.coef_penalized)}/{len(report.feature_names)}"
        lines.append(
            f"   {case.penalty:<12}{case.prior:<38}{fmt_g(report.alpha):>10}{nonzero:>11}"
            f"{fmt_e(report.max_abs_diff):>11}  {'EQUIVALENT' if report.ok else 'NOT EQUIVALENT'}"
        )
    comparison = results.comparison
    lines += [
        "",
        f"2. pm.find_MAP vs the exact MAP (diabetes, {comparison.prior}, σ = {comparison.noise:g})",
    ]
    lines.append(f"   {'method':<26}{'max|w − lasso|':>15}{'exact zeros':>13}{'KKT residual':>14}")
    n_features = len(comparison.feature_names)
    for point in (comparison.exact, comparison.pymc):
        lines.append(
            f"   {point.method:<26}{fmt_e(point.max_abs_error):>15}"
            f"{f'{point.n_exact_zeros}/{n_features}':>13}{fmt_e(point.kkt_residual):>14}"
        )
    posterior = results.posterior
    zeros = n_features - posterior.joint_map.n_nonzero
    lines += [
        "",
        f"3. Bayesian lasso posterior (λ = {posterior.lam:g}, σ free): joint MAP has "
        f"{zeros}/{n_features} exact zeros",
    ]
    for run in posterior.runs:
        mean_zeros = int(np.count_nonzero(run.summary["mean"] == 0.0))
        lines.append(
            f"   {run.method:<16} posterior mean: {mean_zeros}/{n_features} zeros; "
            f"max R-hat {run.diagnostics.max_rhat:.3f}, min ESS "
            f"{min(run.diagnostics.min_ess_bulk, run.diagnostics.min_ess_tail):.0f}"
            + ("" if run.attempts == 1 else f" ({run.attempts} runs, {run.draws} draws)")
        )
    lines.append(f"   NUTS vs Gibbs means: max |difference| / MC s.e. = {posterior.max_mean_z:.2f}")
    lines += ["", "4. " + str(results.lambdas).replace("\n", "\n   ")]
    if results.warnings:
        lines += ["", "warnings:"] + [f"   {message}" for message in results.warnings]
    return "\n".join(lines)
