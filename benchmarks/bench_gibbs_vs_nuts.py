"""Bayesian lasso: NumPy Gibbs against PyMC NUTS and nutpie, in min-ESS per second.

Run from the repository root::

    .venv/bin/python benchmarks/bench_gibbs_vs_nuts.py [--quick] [--repeats 3]

The posterior (Park & Casella 2008, λ fixed)::

    y | w0, w, σ ~ N(w0 + X w, σ² I),  w_j | σ ~ Laplace(0, σ/λ),  p(σ²) ∝ 1/σ²,  p(w0) ∝ 1

on two problems: the diabetes data (n = 442, p = 10, λ = 0.237), and a simulated one,
``make_synthetic(1000, 200, n_informative=10, correlation=0.5)`` (λ = 1; nutpie only, as
PyMC's own sampler takes minutes there).

is sampled by ``sample_posterior(method="gibbs")`` with either coefficient update
(``gibbs_update="block"``: all of w from one p × p Cholesky factor per iteration, chains
vectorized in one thread; ``"coordinate"``: over-relaxed single-coefficient sweeps,
O(p²) per iteration, all chains in one compiled call per block of iterations), and by
NUTS on ``build_model`` with PyMC's own sampler (``nuts_sampler="pymc"``) and with
nutpie. All run in this process. NUTS and the "4 chains" Gibbs rows use 4 chains; the
block update's second row runs 32 chains in lockstep (same total number of draws), the
operating point of a vectorized sampler whose cost per iteration is mostly fixed
overhead at p = 10. The figure of merit is the smallest
bulk effective sample size over ``coef`` (10), ``intercept`` and ``noise`` divided by
the sampling wall time.
Compilation (PyMC/nutpie) is excluded from that time and reported separately: for
PyMC's sampler the time is ``sample_stats.attrs["sampling_time"]`` (the sampling
loop only), for nutpie ``compile_pymc_model`` and ``nutpie.sample`` are timed apart.
The Gibbs sampler has nothing to compile. A second figure, per call, divides the same
ESS by the wall time of everything a user's call does: for Gibbs the whole
``sample_posterior`` call, for NUTS building the model, compiling it and sampling (the
PyTensor cache is warm after the first repeat, as it is for a user's second call).
Medians over repeats; results go to
``benchmarks/results/gibbs_vs_nuts.json`` and ``benchmarks/results/gibbs_vs_nuts.md``.

Each sampler runs with its defaults for parallelism: PyMC uses ``cpu_count() // 2``
processes (1 on this 2-core machine, so its chains run in sequence), nutpie runs its
chains in threads on all cores, the Gibbs sampler uses one thread. BLAS and OpenMP pools
are pinned to ``--threads`` (default 1) with threadpoolctl once every library is
imported. Wall time is what is compared; the machine may be shared, so compare rows of
one run.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any

import arviz as az
import numpy as np
import nutpie
import pymc as pm
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    parse_arguments,
    pinned_threads,
    timed,
)

import bayesreg.posterior._coordinate_kernel  # noqa: F401  (numba, imported before pinning)
from bayesreg.datasets import load_diabetes, make_synthetic
from bayesreg.posterior.sampling import sample_posterior
from bayesreg.priors import BayesianLassoPrior
from bayesreg.pymc.model import build_model

LAM = 0.237
CHAINS = 4
LOCKSTEP_CHAINS = 32
VARIABLES = ["coef", "intercept", "noise"]


@dataclass(frozen=True)
class Run:
    sampler: str
    repeat: int
    draws: int
    tune: int
    sampling_seconds: float
    compile_seconds: float
    min_ess_bulk: float
    min_ess_tail: float
    min_ess_per_second: float
    call_seconds: float
    min_ess_per_call_second: float
    divergences: int


def _min_ess(tree: Any, method: str) -> float:
    ess = az.ess(tree, var_names=VARIABLES, method=method)
    return min(float(np.min(ess[name].values)) for name in VARIABLES)


def _divergences(tree: Any) -> int:
    stats = tree.children.get("sample_stats")
    if stats is None or "diverging" not in stats.data_vars:
        return 0
    return int(stats["diverging"].values.sum())


def _run(
    sampler: str,
    repeat: int,
    tree: Any,
    seconds: float,
    compile_seconds: float,
    draws: int,
    tune: int,
    call_seconds: float,
) -> Run:
    bulk = _min_ess(tree, "bulk")
    return Run(
        sampler=sampler,
        repeat=repeat,
        draws=draws,
        tune=tune,
        sampling_seconds=seconds,
        compile_seconds=compile_seconds,
        min_ess_bulk=bulk,
        min_ess_tail=_min_ess(tree, "tail"),
        min_ess_per_second=bulk / seconds,
        call_seconds=call_seconds,
        min_ess_per_call_second=bulk / call_seconds,
        divergences=_divergences(tree),
    )


def run_gibbs(
    X: Any,
    y: Any,
    prior: BayesianLassoPrior,
    repeat: int,
    draws: int,
    tune: int,
    chains: int,
    update: str = "block",
) -> Run:
    seconds, tree = timed(
        lambda: sample_posterior(
            X,
            y,
            prior,
            method="gibbs",
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=repeat,
            progressbar=False,
            gibbs_update=update,
        )
    )
    name = f"Gibbs {update}, {chains} chains"
    return _run(name, repeat, tree, seconds, 0.0, draws, tune, seconds)


def run_pymc(X: Any, y: Any, prior: BayesianLassoPrior, repeat: int, draws: int, tune: int) -> Run:
    build_seconds, model = timed(lambda: build_model(X, y, prior))
    total, tree = timed(
        lambda: pm.sample(
            draws=draws,
            tune=tune,
            chains=CHAINS,
            nuts_sampler="pymc",
            random_seed=repeat,
            progressbar=False,
            model=model,
            compute_convergence_checks=False,
        )
    )
    sampling = float(tree["sample_stats"].attrs["sampling_time"])
    call = build_seconds + total
    return _run("PyMC NUTS", repeat, tree, sampling, total - sampling, draws, tune, call)


def run_nutpie(
    X: Any, y: Any, prior: BayesianLassoPrior, repeat: int, draws: int, tune: int
) -> Run:
    build_seconds, model = timed(lambda: build_model(X, y, prior))
    compile_seconds, compiled = timed(lambda: nutpie.compile_pymc_model(model))
    seconds, tree = timed(
        lambda: nutpie.sample(
            compiled, draws=draws, tune=tune, chains=CHAINS, seed=repeat, progress_bar=False
        )
    )
    call = build_seconds + compile_seconds + seconds
    return _run("nutpie NUTS", repeat, tree, seconds, compile_seconds, draws, tune, call)


def _median(runs: list[Run], field: str) -> float:
    return float(statistics.median(getattr(run, field) for run in runs))


def markdown(summary: dict[str, dict[str, float]], runs: list[Run], gibbs_rows: list[str]) -> str:
    headers = [
        "sampler",
        "draws/chain",
        "sampling s",
        "compile s",
        "min bulk ESS",
        "min-ESS/s",
        "call s",
        "min-ESS per call-second",
        *(f"{gibbs} ÷ this (sampling; call)" for gibbs in gibbs_rows),
    ]
    cells = []
    for name, row in summary.items():
        draws = next(run.draws for run in runs if run.sampler == name)
        cells.append(
            [
                name,
                f"{draws}",
                f"{row['sampling_seconds']:.2f}",
                f"{row['compile_seconds']:.2f}",
                f"{row['min_ess_bulk']:.0f}",
                f"{row['min_ess_per_second']:.0f}",
                f"{row['call_seconds']:.2f}",
                f"{row['min_ess_per_call_second']:.0f}",
                *(
                    f"{row[f'{gibbs} / this']:.1f}×; {row[f'{gibbs} / this per call']:.1f}×"
                    for gibbs in gibbs_rows
                ),
            ]
        )
    return markdown_table(headers, cells, align="l" + "r" * (len(headers) - 1))


FIELDS = (
    "sampling_seconds",
    "compile_seconds",
    "min_ess_bulk",
    "min_ess_tail",
    "min_ess_per_second",
    "call_seconds",
    "min_ess_per_call_second",
    "divergences",
)


RATIOS = (("min_ess_per_second", ""), ("min_ess_per_call_second", " per call"))


def run_problem(
    X: Any, y: Any, prior: BayesianLassoPrior, args: Any, *, with_pymc: bool
) -> tuple[dict[str, dict[str, float]], list[Run], list[str]]:
    """All samplers on one problem, ``args.repeats`` times: medians, runs, Gibbs rows."""
    gibbs_draws, nuts_draws, tune = (2000, 500, 500) if args.quick else (10_000, 2000, 1000)
    runs: list[Run] = []
    for repeat in range(args.repeats):
        mine = [run_gibbs(X, y, prior, repeat, gibbs_draws, tune, CHAINS)]
        lockstep_draws = gibbs_draws * CHAINS // LOCKSTEP_CHAINS
        mine.append(run_gibbs(X, y, prior, repeat, lockstep_draws, tune, LOCKSTEP_CHAINS))
        mine.append(run_gibbs(X, y, prior, repeat, gibbs_draws, tune, CHAINS, "coordinate"))
        if with_pymc:
            mine.append(run_pymc(X, y, prior, repeat, nuts_draws, tune))
        mine.append(run_nutpie(X, y, prior, repeat, nuts_draws, tune))
        print(*(f"{r.sampler}: {r.min_ess_per_second:.0f} min-ESS/s" for r in mine), sep="; ")
        runs.extend(mine)
    samplers = list(dict.fromkeys(run.sampler for run in runs))
    summary = {
        name: {
            field: _median([run for run in runs if run.sampler == name], field) for field in FIELDS
        }
        for name in samplers
    }
    gibbs_rows = [name for name in samplers if name.startswith("Gibbs")]
    for name in samplers:
        for gibbs in gibbs_rows:
            for figure, suffix in (
                ("min_ess_per_second", ""),
                ("min_ess_per_call_second", " per call"),
            ):
                ratio = summary[gibbs][figure] / summary[name][figure]
                summary[name][f"{gibbs} / this{suffix}"] = ratio
    return summary, runs, gibbs_rows


def main() -> None:
    session = Session.begin("gibbs_vs_nuts")
    parser = benchmark_parser(__doc__, repeats=3, quick_repeats=1, threads=True)
    args = parse_arguments(parser)
    nuts_draws, tune = (500, 500) if args.quick else (2000, 1000)
    problems = {
        "Bayesian lasso, diabetes (n=442, p=10), λ=0.237, p(σ²) ∝ 1/σ²": (
            *load_diabetes(),
            BayesianLassoPrior(LAM),
            True,
        ),
        "Bayesian lasso, make_synthetic(1000, 200, n_informative=10, correlation=0.5, "
        "random_seed=0), λ=1, p(σ²) ∝ 1/σ²": (
            *_synthetic(),
            BayesianLassoPrior(1.0),
            False,
        ),
    }
    record: dict[str, Any] = {
        "chains": {
            "nuts": CHAINS,
            "gibbs block": [CHAINS, LOCKSTEP_CHAINS],
            "gibbs coordinate": [CHAINS],
        },
        "figure_of_merit": "min bulk ESS over coef, intercept, noise / sampling wall seconds; "
        "and / wall seconds of the whole call (model building and compilation included)",
        "problems": {},
    }
    tables = []
    for title, (X, y, prior, with_pymc) in problems.items():
        with pinned_threads(args.threads):
            summary, runs, gibbs_rows = run_problem(X, y, prior, args, with_pymc=with_pymc)
        record["problems"][title] = {"summary": summary, "runs": [asdict(run) for run in runs]}
        tables.append(f"**{title}**\n\n" + markdown(summary, runs, gibbs_rows))
    note = (
        f"\n\nmin bulk ESS is the smallest bulk effective sample size over coef, intercept "
        f"and noise; min-ESS/s divides it by the sampling wall time (compilation excluded, "
        f"reported apart), min-ESS per call-second by the wall time of the whole call (model "
        f"building and compilation included). NUTS runs {CHAINS} chains of {nuts_draws} "
        f"draws after {tune} tuning steps; the Gibbs rows draw the same total with {CHAINS} "
        f"and {LOCKSTEP_CHAINS} chains (block update) and {CHAINS} chains (coordinate "
        "update), with the same number of tuning steps per chain. A ratio column reads: "
        "that Gibbs row's figure over this row's, for sampling alone and for the whole call."
    )
    session.write(
        args.output_dir,
        record,
        "\n\n".join(tables) + note,
        repeats=args.repeats,
        threads=args.threads,
    )


def _synthetic() -> tuple[Any, Any]:
    data = make_synthetic(1000, 200, n_informative=10, correlation=0.5, random_seed=0)
    return data.X, data.y


if __name__ == "__main__":
    main()
