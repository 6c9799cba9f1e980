"""The horseshoe at p = 1000, n = 100: Gibbs against NUTS (nutpie), in min-ESS per second.

Run from the repository root::

    .venv/bin/python benchmarks/bench_horseshoe_speed.py [--quick] [--repeats 2]

The data are replication 0 of the cell p = 1000, SNR = 9 of ``bench_shrinkage.py``
(AR(1) design with ρ = 0.5, 5 non-zero coefficients), the prior
``HorseshoePrior(sd(y), global_prior="half_cauchy")``: ``w_j ~ N(0, λ_j²τ²)``,
``λ_j ~ C⁺(0, 1)``, ``τ ~ C⁺(0, sd(y))``, σ ~ HalfNormal(sd(y)) (the package's noise prior).

* Gibbs: ``sample_posterior(method="gibbs")`` (Makalic & Schmidt's inverse-gamma
  sampler; the coefficient block by Bhattacharya et al.'s p > n draw), 4 chains in
  lockstep in one thread; the whole call is timed, nothing to compile.
* NUTS: what ``sample_posterior(method="nuts")`` runs — nutpie on
  :func:`bayesreg.pymc.model.build_model` (the non-centred horseshoe) — with the stages
  timed apart: building the PyMC model, ``nutpie.compile_pymc_model``, and
  ``nutpie.sample`` (4 chains, in threads on all cores; warm-up included).

Both draw 4 chains × 1000 draws after 1000 warm-up iterations. The figure of merit is the
smallest bulk ESS over the 1000 coefficients divided by wall seconds, for NUTS once with
the sampling alone and once with model building and compilation added. NUTS's
divergences are counted after warm-up. BLAS is pinned to one thread. Medians over
repeats; results go to ``benchmarks/results/horseshoe_speed.json`` and ``.md``.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

import arviz as az
import numpy as np
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    parse_arguments,
    pinned_threads,
    timed,
)
from bench_shrinkage import Cell, simulate

from bayesreg.posterior import sample_posterior
from bayesreg.priors import HorseshoePrior
from bayesreg.pymc.model import build_model

CHAINS = 4


@dataclass(frozen=True)
class Run:
    sampler: str
    repeat: int
    draws: int
    tune: int
    build_seconds: float
    compile_seconds: float
    sampling_seconds: float
    min_ess_bulk: float
    median_ess_bulk: float
    min_ess_tail: float
    max_rhat: float
    divergences: int

    @property
    def total_seconds(self) -> float:
        return self.build_seconds + self.compile_seconds + self.sampling_seconds


def _diagnostics(tree: Any) -> dict[str, float]:
    bulk = np.asarray(az.ess(tree, var_names=["coef"], method="bulk")["coef"].values)
    tail = np.asarray(az.ess(tree, var_names=["coef"], method="tail")["coef"].values)
    rhat = np.asarray(az.rhat(tree, var_names=["coef"])["coef"].values)
    return {
        "min_ess_bulk": float(np.min(bulk)),
        "median_ess_bulk": float(np.median(bulk)),
        "min_ess_tail": float(np.min(tail)),
        "max_rhat": float(np.max(rhat)),
    }


def _divergences(tree: Any) -> int:
    try:
        diverging = tree["sample_stats"]["diverging"]
    except KeyError:
        return 0
    return int(np.asarray(diverging).sum())


def run_gibbs(X: Any, y: Any, prior: HorseshoePrior, repeat: int, draws: int, tune: int) -> Run:
    seconds, tree = timed(
        lambda: sample_posterior(
            X,
            y,
            prior,
            method="gibbs",
            draws=draws,
            tune=tune,
            chains=CHAINS,
            random_seed=repeat,
            progressbar=False,
        )
    )
    return Run("Gibbs", repeat, draws, tune, 0.0, 0.0, seconds, **_diagnostics(tree), divergences=0)


def run_nutpie(X: Any, y: Any, prior: HorseshoePrior, repeat: int, draws: int, tune: int) -> Run:
    import nutpie

    build_seconds, model = timed(lambda: build_model(X, y, prior))
    compile_seconds, compiled = timed(lambda: nutpie.compile_pymc_model(model))
    seconds, tree = timed(
        lambda: nutpie.sample(
            compiled, draws=draws, tune=tune, chains=CHAINS, seed=repeat, progress_bar=False
        )
    )
    return Run(
        "NUTS (nutpie)",
        repeat,
        draws,
        tune,
        build_seconds,
        compile_seconds,
        seconds,
        **_diagnostics(tree),
        divergences=_divergences(tree),
    )


def markdown(summary: dict[str, dict[str, float]]) -> str:
    headers = [
        "sampler",
        "sampling s",
        "build + compile s",
        "min bulk ESS (coef)",
        "median bulk ESS",
        "max R-hat",
        "divergences",
        "min-ESS/s, sampling",
        "min-ESS/s, with compile",
    ]
    rows = []
    for name, row in summary.items():
        rows.append(
            [
                name,
                f"{row['sampling_seconds']:.1f}",
                f"{row['build_seconds'] + row['compile_seconds']:.1f}",
                f"{row['min_ess_bulk']:.0f}",
                f"{row['median_ess_bulk']:.0f}",
                f"{row['max_rhat']:.3f}",
                f"{row['divergences']:.0f}",
                f"{row['ess_per_second_sampling']:.2f}",
                f"{row['ess_per_second_total']:.2f}",
            ]
        )
    return markdown_table(headers, rows, align="l" + "r" * (len(headers) - 1))


def main() -> None:
    session = Session.begin("horseshoe_speed")
    parser = benchmark_parser(__doc__, repeats=2, quick_repeats=1, threads=True)
    args = parse_arguments(parser)
    draws, tune = (200, 200) if args.quick else (1000, 1000)
    problem = simulate(Cell(1000, "high"), 0)
    X, y = problem.X, problem.y
    prior = HorseshoePrior(float(np.std(y, ddof=1)), global_prior="half_cauchy")

    runs: list[Run] = []
    with pinned_threads(args.threads):
        for repeat in range(args.repeats):
            runs.append(run_gibbs(X, y, prior, repeat, draws, tune))
            runs.append(run_nutpie(X, y, prior, repeat, draws, tune))
            print(
                *(
                    f"{r.sampler}: min ESS {r.min_ess_bulk:.0f} in {r.sampling_seconds:.1f} s "
                    f"(+{r.build_seconds + r.compile_seconds:.1f} s build/compile), "
                    f"{r.divergences} divergences"
                    for r in runs[-2:]
                ),
                sep="; ",
                flush=True,
            )

    summary: dict[str, dict[str, float]] = {}
    for name in dict.fromkeys(run.sampler for run in runs):
        mine = [run for run in runs if run.sampler == name]
        row = {
            field: float(statistics.median(getattr(run, field) for run in mine))
            for field in (
                "build_seconds",
                "compile_seconds",
                "sampling_seconds",
                "min_ess_bulk",
                "median_ess_bulk",
                "min_ess_tail",
                "max_rhat",
                "divergences",
            )
        }
        row["ess_per_second_sampling"] = float(
            statistics.median(run.min_ess_bulk / run.sampling_seconds for run in mine)
        )
        row["ess_per_second_total"] = float(
            statistics.median(run.min_ess_bulk / run.total_seconds for run in mine)
        )
        summary[name] = row
    ratio_sampling = (
        summary["Gibbs"]["ess_per_second_sampling"]
        / summary["NUTS (nutpie)"]["ess_per_second_sampling"]
    )
    ratio_total = (
        summary["Gibbs"]["ess_per_second_total"] / summary["NUTS (nutpie)"]["ess_per_second_total"]
    )
    record = {
        "problem": (
            "horseshoe, tau ~ C+(0, sd(y)), n=100, p=1000, AR(1) rho=0.5 design, 5 non-zero "
            "coefficients, SNR 9 (bench_shrinkage.py, replication 0)"
        ),
        "chains": CHAINS,
        "draws": draws,
        "tune": tune,
        "figure_of_merit": "min bulk ESS over coef / wall seconds (sampling; with compile)",
        "gibbs_over_nuts": {"sampling": ratio_sampling, "with_compile": ratio_total},
        "summary": summary,
        "runs": [asdict(run) | {"total_seconds": run.total_seconds} for run in runs],
    }
    note = (
        f"\n\nBoth samplers draw {CHAINS} chains × {draws} draws after {tune} warm-up "
        "iterations (warm-up included in the sampling time). min bulk ESS is the smallest bulk "
        "effective sample size over the 1000 coefficients; min-ESS/s divides it by the sampling "
        "wall time, and in the last column by the sampling time plus the time to build the PyMC "
        "model and compile it with nutpie (the Gibbs sampler compiles nothing). Gibbs runs its "
        "chains in lockstep in one thread; nutpie runs its chains in threads on all cores. "
        f"Gibbs ÷ NUTS in min-ESS/s: {ratio_sampling:.1f}× on sampling time, {ratio_total:.1f}× "
        "with compilation counted."
    )
    session.write(
        args.output_dir,
        record,
        markdown(summary) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


if __name__ == "__main__":
    main()
