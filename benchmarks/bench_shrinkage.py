"""Shrinkage priors against penalized estimates: a simulation study on sparse regressions.

Run from the repository root::

    .venv/bin/python benchmarks/bench_shrinkage.py [--quick] [--reps 50] [--budget-minutes 60]

The truth (one draw per replication and cell)::

    X_i ~ N(0, Σ),  Σ_jk = ρ^|j−k|, ρ = 0.5       (AR(1) correlated Gaussian design)
    w: 5 non-zero entries at positions drawn uniformly without replacement,
       |w_j| ~ U(0.5, 2) with random signs, every other w_j = 0
    y = X w + ε,  ε ~ N(0, σ² I),  σ² = wᵀΣw / SNR

so SNR = Var(x_iᵀw)/σ² is exact in the population, SNR ∈ {1 (low), 9 (high)}; n = 100
training rows, p ∈ {50, 200, 1000}, and a fresh test set of 1000 rows from the same law.

Methods, all with an intercept:

* ridge, lasso and elastic net (l1_ratio = 0.5): ``cross_validate`` (10 folds, the
  default grid) picks ``alpha_min``; ``ridge``/``lasso``/``elastic_net`` then fit the
  full data at that alpha.
* Bayesian lasso (Park & Casella, λ² ~ Gamma(1, 0.1)), horseshoe and horseshoe+ with
  ``τ ~ C⁺(0, sd(y))`` (the unscaled analogue of Carvalho et al.'s ``τ ~ C⁺(0, σ)``, with
  the sample sd of y standing in for σ), all drawn by ``sample_posterior(method="gibbs")``:
  2 chains × 1000 draws after 500 warm-up iterations. The regularized horseshoe
  (τ ~ C⁺(0, τ0) from a guess of 10 non-zero coefficients, slab scale 2, slab df 4) is run
  when its Gibbs sampler exists (otherwise it is left out and the results say so);
  ``--methods "regularized horseshoe" --name shrinkage_rhs`` runs it alone on the same
  simulated data (each replication's data depend on (replication, p, SNR) only).

Metrics per replication: ``||ŵ − w||²`` (ŵ the posterior mean, or the penalized
estimate); the test mean squared error divided by σ² (1 is the error of the true w);
the fraction of 95 % equal-tailed posterior intervals that contain the true coefficient,
over all p coefficients and over the 5 non-zero ones (Bayesian methods only); the F1
score of the selected set against the true support: for the Bayesian methods the
model that ``dss`` chooses (the smallest summary whose 90 % band of the loss gap
contains 0), for the lasso and the elastic net the non-zero coefficients (ridge selects
nothing: n/a). Every figure is a mean over replications with its Monte Carlo standard
error sd/√reps. Convergence is checked by the median (and largest) R-hat of ``coef``.

Replications loop outermost: replication r visits every cell before r + 1 starts, and
the results are rewritten after every cell, so an interrupted run keeps what it did.
No replication starts after ``--budget-minutes`` of wall time; the results state the
number run. ``--resume`` keeps the replications already in ``NAME.json`` and runs the
next ones: replication r's data and seeds do not depend on what ran before, so a run
in several parts gives the same replications as one long run. Results:
``benchmarks/results/shrinkage.json``, ``shrinkage.md`` and the figure ``shrinkage.png``.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import arviz as az
import numpy as np
from _common import Session, benchmark_parser, markdown_table, parse_arguments, pinned_threads

from bayesreg.core import cross_validate, elastic_net, lasso, ridge
from bayesreg.errors import ModelStructureError
from bayesreg.posterior import dss, sample_posterior
from bayesreg.priors import (
    BayesianLassoPrior,
    HorseshoePlusPrior,
    HorseshoePrior,
    RegularizedHorseshoePrior,
)

N_TRAIN = 100
N_TEST = 1000
RHO = 0.5
N_SIGNAL = 5
SIGNAL_RANGE = (0.5, 2.0)
SNRS = {"low": 1.0, "high": 9.0}
P_VALUES = (50, 200, 1000)
LEVEL = 0.95
#: λ² ~ Gamma(shape, rate): vaguer than Park & Casella's Gamma(1, 1.78), which on these
#: unit-variance columns held λ near 2.6 against about 10 for the cross-validated lasso
#: (σλ/n = alpha) in a pilot at p = 50, SNR = 1, and doubled the coefficient error
BL_HYPERPRIOR = (1.0, 0.1)
#: Regularized horseshoe: a guess of 10 non-zero coefficients (twice the truth) sets the
#: scale of τ ~ C⁺(0, τ0), τ0 = p0/(p − p0) · sd(y)/√n (Piironen & Vehtari 2017).
RHS_GUESS = 10
METRICS = (
    "coef_error",
    "test_error",
    "coverage_all",
    "coverage_signal",
    "f1",
    "selected",
    "rhat_median",
    "rhat_max",
    "seconds",
)


@dataclass(frozen=True)
class Cell:
    p: int
    snr_name: str

    @property
    def snr(self) -> float:
        return SNRS[self.snr_name]

    @property
    def key(self) -> str:
        return f"p={self.p}, SNR={self.snr:g}"


@dataclass(frozen=True)
class Problem:
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    coef: np.ndarray
    sigma: float


def simulate(cell: Cell, rep: int) -> Problem:
    """One replication of ``cell``: seeded by (rep, p, SNR) alone, whatever ran before."""
    snr_index = list(SNRS).index(cell.snr_name)
    rng = np.random.default_rng(np.random.SeedSequence([rep, cell.p, snr_index]))
    p = cell.p
    coef = np.zeros(p)
    support = rng.choice(p, N_SIGNAL, replace=False)
    coef[support] = rng.uniform(*SIGNAL_RANGE, N_SIGNAL) * rng.choice([-1.0, 1.0], N_SIGNAL)
    # AR(1) rows: x_1 ~ N(0, 1), x_j = ρ x_{j−1} + √(1 − ρ²) e_j, so Var(x_j) = 1
    rows = N_TRAIN + N_TEST
    noise = rng.standard_normal((rows, p))
    X_all = np.empty((rows, p))
    X_all[:, 0] = noise[:, 0]
    scale = math.sqrt(1.0 - RHO**2)
    for j in range(1, p):
        X_all[:, j] = RHO * X_all[:, j - 1] + scale * noise[:, j]
    lags = np.abs(np.subtract.outer(support, support))
    signal_var = float(coef[support] @ (RHO**lags) @ coef[support])
    sigma = math.sqrt(signal_var / cell.snr)
    y_all = X_all @ coef + sigma * rng.standard_normal(rows)
    return Problem(
        X=X_all[:N_TRAIN],
        y=y_all[:N_TRAIN],
        X_test=X_all[N_TRAIN:],
        y_test=y_all[N_TRAIN:],
        coef=coef,
        sigma=sigma,
    )


@dataclass(frozen=True)
class Estimate:
    coef: np.ndarray
    intercept: float
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    selected: np.ndarray | None = None
    rhat_median: float = math.nan
    rhat_max: float = math.nan


def _penalized(l1_ratio: float) -> Any:
    def fit(problem: Problem, seed: int) -> Estimate:
        cv = cross_validate(problem.X, problem.y, l1_ratio=l1_ratio, random_seed=seed)
        alpha = cv.alpha_min
        if l1_ratio == 0.0:
            result = ridge(problem.X, problem.y, alpha)
        elif l1_ratio == 1.0:
            result = lasso(problem.X, problem.y, alpha)
        else:
            result = elastic_net(problem.X, problem.y, alpha, l1_ratio)
        coef = np.asarray(result.coef, dtype=float)
        selected = None if l1_ratio == 0.0 else coef != 0.0
        return Estimate(coef=coef, intercept=float(result.intercept), selected=selected)

    return fit


def _bayesian(make_prior: Any, draws: int, tune: int, chains: int) -> Any:
    def fit(problem: Problem, seed: int) -> Estimate:
        prior = make_prior(problem)
        tree = sample_posterior(
            problem.X,
            problem.y,
            prior,
            method="gibbs",
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=seed,
            progressbar=False,
        )
        coef_draws = tree["posterior"]["coef"].values  # (chain, draw, feature)
        stacked = coef_draws.reshape(-1, coef_draws.shape[-1])
        tail = (1.0 - LEVEL) / 2.0
        lower, upper = np.quantile(stacked, [tail, 1.0 - tail], axis=0)
        rhat = np.asarray(az.rhat(tree, var_names=["coef"])["coef"].values, dtype=float)
        selection = dss(tree, problem.X)
        chosen = np.asarray(selection.path.coefs[selection.chosen]) != 0.0
        return Estimate(
            coef=stacked.mean(axis=0),
            intercept=float(tree["posterior"]["intercept"].values.mean()),
            lower=lower,
            upper=upper,
            selected=chosen,
            rhat_median=float(np.nanmedian(rhat)),
            rhat_max=float(np.nanmax(rhat)),
        )

    return fit


def _horseshoe_scale(problem: Problem) -> float:
    return float(np.std(problem.y, ddof=1))


def _rhs_prior(problem: Problem) -> RegularizedHorseshoePrior:
    n, p = problem.X.shape
    tau0 = RHS_GUESS / (p - RHS_GUESS) * _horseshoe_scale(problem) / math.sqrt(n)
    return RegularizedHorseshoePrior(tau0, slab_scale=2.0, slab_df=4.0, global_prior="half_cauchy")


def regularized_horseshoe_gibbs_works() -> str | None:
    """None when ``sample_posterior`` draws the regularized horseshoe by Gibbs, else why not."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 12))
    y = X[:, 0] + rng.standard_normal(30)
    problem = Problem(X=X, y=y, X_test=X, y_test=y, coef=np.zeros(12), sigma=1.0)
    try:
        sample_posterior(
            X, y, _rhs_prior(problem), method="gibbs", draws=20, tune=20, chains=2,
            random_seed=0, progressbar=False,
        )  # fmt: skip
    except (ModelStructureError, NotImplementedError, ValueError, TypeError) as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    return None


def methods(draws: int, tune: int, chains: int, with_rhs: bool) -> dict[str, Any]:
    table = {
        "ridge (CV)": _penalized(0.0),
        "lasso (CV)": _penalized(1.0),
        "elastic net 0.5 (CV)": _penalized(0.5),
        "Bayesian lasso": _bayesian(
            lambda _: BayesianLassoPrior(hyperprior=BL_HYPERPRIOR), draws, tune, chains
        ),
        "horseshoe": _bayesian(
            lambda pr: HorseshoePrior(_horseshoe_scale(pr), global_prior="half_cauchy"),
            draws,
            tune,
            chains,
        ),
        "horseshoe+": _bayesian(
            lambda pr: HorseshoePlusPrior(_horseshoe_scale(pr), global_prior="half_cauchy"),
            draws,
            tune,
            chains,
        ),
    }
    if with_rhs:
        table["regularized horseshoe"] = _bayesian(_rhs_prior, draws, tune, chains)
    return table


def _f1(selected: np.ndarray, truth: np.ndarray) -> float:
    hits = int(np.sum(selected & truth))
    denominator = int(selected.sum()) + int(truth.sum())
    return 2.0 * hits / denominator if denominator else 1.0


def score(problem: Problem, estimate: Estimate, seconds: float) -> dict[str, float]:
    truth = problem.coef != 0.0
    prediction = estimate.intercept + problem.X_test @ estimate.coef
    record = {
        "coef_error": float(np.sum((estimate.coef - problem.coef) ** 2)),
        "test_error": float(np.mean((problem.y_test - prediction) ** 2) / problem.sigma**2),
        "coverage_all": math.nan,
        "coverage_signal": math.nan,
        "f1": math.nan,
        "selected": math.nan,
        "rhat_median": estimate.rhat_median,
        "rhat_max": estimate.rhat_max,
        "seconds": seconds,
    }
    if estimate.lower is not None and estimate.upper is not None:
        inside = (estimate.lower <= problem.coef) & (problem.coef <= estimate.upper)
        record["coverage_all"] = float(inside.mean())
        record["coverage_signal"] = float(inside[truth].mean())
    if estimate.selected is not None:
        record["f1"] = _f1(estimate.selected, truth)
        record["selected"] = float(estimate.selected.sum())
    return record


def summarize(records: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean, Monte Carlo standard error (sd/√reps) and reps of every metric."""
    out: dict[str, dict[str, float]] = {}
    for metric in METRICS:
        values = np.array([record[metric] for record in records], dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            out[metric] = {"mean": math.nan, "mcse": math.nan, "reps": 0}
            continue
        mcse = float(np.std(values, ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0
        if metric in ("rhat_median", "rhat_max"):
            out[metric] = {
                "median": float(np.median(values)),
                "max": float(np.max(values)),
                "reps": int(values.size),
            }
        else:
            out[metric] = {"mean": float(values.mean()), "mcse": mcse, "reps": int(values.size)}
    return out


def _cell(summary: dict[str, float], digits: int) -> str:
    if not math.isfinite(summary.get("mean", math.nan)):
        return "n/a"
    return f"{summary['mean']:.{digits}f} ± {summary['mcse']:.{digits}f}"


def markdown(results: dict[str, Any], names: list[str]) -> str:
    headers = [
        "method",
        "‖ŵ − w‖²",
        "test MSE / σ²",
        "coverage (all p)",
        "coverage (5 non-zero)",
        "F1",
        "size selected",
        "R-hat coef (median; max)",
        "s per fit",
    ]
    blocks = []
    for key, cell in results["cells"].items():
        rows = []
        for name in names:
            if name not in cell["summary"]:
                continue
            s = cell["summary"][name]
            rhat = s["rhat_median"]
            rhat_text = (
                "n/a" if rhat["reps"] == 0 else f"{rhat['median']:.3f}; {s['rhat_max']['max']:.2f}"
            )
            rows.append(
                [
                    name,
                    _cell(s["coef_error"], 3),
                    _cell(s["test_error"], 3),
                    _cell(s["coverage_all"], 3),
                    _cell(s["coverage_signal"], 3),
                    _cell(s["f1"], 3),
                    _cell(s["selected"], 1),
                    rhat_text,
                    f"{s['seconds']['mean']:.2f}",
                ]
            )
        blocks.append(
            f"**{key}** ({cell['reps']} replications)\n\n"
            + markdown_table(headers, rows, align="l" + "r" * (len(headers) - 1))
        )
    return "\n\n".join(blocks)


def figure(results: dict[str, Any], names: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    snr_names = list(SNRS)
    fig, axes = plt.subplots(
        len(snr_names), len(P_VALUES), figsize=(12, 6.5), sharey=True, squeeze=False
    )
    positions = np.arange(len(names))
    for row, snr_name in enumerate(snr_names):
        for col, p in enumerate(P_VALUES):
            ax = axes[row, col]
            key = Cell(p, snr_name).key
            cell = results["cells"].get(key)
            ax.set_title(f"{key}" + (f" ({cell['reps']} reps)" if cell else " (not run)"))
            if cell is None:
                continue
            means = [cell["summary"].get(name, {}).get("coef_error", {}) for name in names]
            values = [m.get("mean", math.nan) for m in means]
            errors = [2.0 * m.get("mcse", math.nan) for m in means]
            ax.errorbar(positions, values, yerr=errors, fmt="o", capsize=4)
            ax.set_yscale("log")
            ax.set_xticks(positions, names, rotation=45, ha="right", fontsize=8)
            ax.grid(alpha=0.3, axis="y")
        axes[row, 0].set_ylabel("‖ŵ − w‖² (mean ± 2 MCSE)")
    fig.suptitle("Coefficient error, n = 100, 5 non-zero coefficients, AR(1) ρ = 0.5 design")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@functools.cache
def _source_commit() -> str:
    """The commit of the package that ran: ``BAYESREG_COMMIT``, else the repository HEAD.

    Read once, when the run starts (``main`` asks first): a later commit to the checkout
    does not change the code a running process has imported.
    """
    if os.environ.get("BAYESREG_COMMIT"):
        return os.environ["BAYESREG_COMMIT"]
    completed = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent,
    )
    return completed.stdout.strip() or "unknown"


def main() -> None:
    parser = benchmark_parser(__doc__, repeats=None, threads=True)
    parser.add_argument("--reps", type=int, default=None, help="replications per cell (50)")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=60.0,
        help="start no replication after this many minutes of wall time",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        default=None,
        help="run only these methods (names as in the tables), e.g. 'regularized horseshoe'",
    )
    parser.add_argument(
        "--name", default="shrinkage", help="results name: NAME.json, NAME.md, NAME.png"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the replications already in NAME.json and run the next ones up to --reps",
    )
    parser.add_argument(
        "--first-rep",
        type=int,
        default=0,
        help="start at this replication (a part run, to be joined by --resume --absorb)",
    )
    parser.add_argument(
        "--absorb",
        type=Path,
        default=None,
        help="with --resume: append the replications of a part run (its --first-rep at or "
        "before the replications already in NAME.json)",
    )
    args = parse_arguments(parser)
    if args.absorb is not None and not args.resume:
        parser.error("--absorb joins a part run to NAME.json: use it with --resume")
    if args.resume and args.first_rep != 0:
        parser.error("--first-rep starts a part run; --resume continues NAME.json from its end")
    session = Session.begin(args.name)
    _source_commit()
    reps = args.reps if args.reps is not None else (2 if args.quick else 50)
    draws, tune, chains = (300, 150, 2) if args.quick else (1000, 500, 2)
    p_values = (50, 200) if args.quick else P_VALUES
    cells = [Cell(p, snr_name) for p in p_values for snr_name in SNRS]

    start = time.perf_counter()
    with pinned_threads(args.threads):
        rhs_reason = regularized_horseshoe_gibbs_works()
        table = methods(draws, tune, chains, with_rhs=rhs_reason is None)
        if args.methods is not None:
            unknown = set(args.methods) - set(table)
            if unknown:
                parser.error(
                    f"unknown or unavailable methods {sorted(unknown)}; have {list(table)}"
                )
            table = {name: fit for name, fit in table.items() if name in args.methods}
        names = list(table)
        records: dict[str, dict[str, list[dict[str, float]]]] = {
            cell.key: {name: [] for name in names} for cell in cells
        }
        done: dict[str, int] = {cell.key: args.first_rep for cell in cells}
        earlier: list[dict[str, Any]] = []
        if args.resume:
            own = args.output_dir / f"{args.name}.json"
            earlier = _join(own, "--resume", names, draws, records, done)
        if args.absorb is not None:
            earlier += _join(args.absorb, "--absorb", names, draws, records, done)
        first = min(done.values())
        stop_reason = f"all {reps} requested replications ran"
        for rep in range(first, reps):
            elapsed = (time.perf_counter() - start) / 60.0
            if elapsed > args.budget_minutes:
                stop_reason = (
                    f"the wall-time budget of {args.budget_minutes:g} minutes was spent after "
                    f"{rep} replications ({elapsed:.1f} minutes of this run); "
                    "no further replication started"
                )
                break
            for index, cell in enumerate(cells):
                if done[cell.key] > rep:
                    continue
                problem = simulate(cell, rep)
                for name, fit in table.items():
                    seed = 1000 * rep + 10 * index + names.index(name)
                    began = time.perf_counter()
                    estimate = fit(problem, seed)
                    seconds = time.perf_counter() - began
                    records[cell.key][name].append(score(problem, estimate, seconds))
                done[cell.key] = rep + 1
                print(
                    f"rep {rep} {cell.key}: "
                    + "; ".join(
                        f"{name} {records[cell.key][name][-1]['coef_error']:.3f}" for name in names
                    )
                    + f" [{(time.perf_counter() - start) / 60.0:.1f} min]",
                    flush=True,
                )
                _write(
                    session, args, cells, names, records, done, reps, stop_reason, rhs_reason,
                    draws, tune, chains, final=False, earlier=earlier,
                )  # fmt: skip
        _write(
            session, args, cells, names, records, done, reps, stop_reason, rhs_reason,
            draws, tune, chains, final=True, earlier=earlier,
        )  # fmt: skip


def _join(
    path: Path,
    option: str,
    names: list[str],
    draws: int,
    records: dict[str, dict[str, list[dict[str, float]]]],
    done: dict[str, int],
) -> list[dict[str, Any]]:
    """Append to ``records`` the replications of the run in ``path`` that they lack.

    ``--resume`` joins this run's own earlier file (it starts at replication 0 and
    ``records`` are empty), ``--absorb`` a part run started at its ``first_rep`` b, which
    must leave no gap (b ≤ the replications already held). Replication r of a cell
    depends on (r, p, SNR) alone, and its fits on the seed ``1000 r + 10 cell + method``,
    so replications both hold are the same draws and are kept once, and a run in parts
    gives the replications of one long run. The joined run must have had the same
    methods and draws; anything else is refused rather than mixed. Returns its parts (the
    commit each ran and the replications it left per cell), its own earlier parts first.
    """
    if not path.exists():
        raise SystemExit(f"{option}: {path} does not exist")
    part = json.loads(path.read_text(encoding="utf-8"))
    if part["methods"] != names or part["design"]["gibbs"]["draws"] != draws:
        raise SystemExit(
            f"{option}: {path} holds methods {part['methods']} with "
            f"{part['design']['gibbs']['draws']} draws; this run has {names} with "
            f"{draws} draws. Run the same methods (and --quick or not) to join it."
        )
    first = int(part.get("first_rep", 0))
    for key, cell in part["cells"].items():
        if key not in done:
            continue
        reps = {len(cell["replications"][name]) for name in names}
        if reps != {cell["reps"]}:
            raise SystemExit(f"{option}: {path} is inconsistent in cell {key}: {sorted(reps)}")
        if first > done[key]:
            raise SystemExit(
                f"{option}: {path} starts at replication {first}, but {key} holds only "
                f"{done[key]}: run the replications between first"
            )
        skip = done[key] - first
        for name in names:
            records[key][name].extend(cell["replications"][name][skip:])
        done[key] = max(done[key], first + cell["reps"])
    parts: list[dict[str, Any]] = part.get("earlier_parts", [])
    return [*parts, {"bayesreg_commit": part["bayesreg_commit"], "reps_run": part["reps_run"]}]


def _write(
    session: Session,
    args: Any,
    cells: list[Cell],
    names: list[str],
    records: dict[str, dict[str, list[dict[str, float]]]],
    done: dict[str, int],
    reps: int,
    stop_reason: str,
    rhs_reason: str | None,
    draws: int,
    tune: int,
    chains: int,
    *,
    final: bool,
    earlier: list[dict[str, Any]],
) -> None:
    results: dict[str, Any] = {"cells": {}}
    for cell in cells:
        if not records[cell.key][names[0]]:
            continue
        results["cells"][cell.key] = {
            "p": cell.p,
            "snr": cell.snr,
            "reps": len(records[cell.key][names[0]]),
            "summary": {name: summarize(records[cell.key][name]) for name in names},
            "replications": {name: records[cell.key][name] for name in names},
        }
    ran = sorted(set(done.values()))
    status = (
        stop_reason
        if final
        else "run in progress: the file is rewritten after every cell (interrupted if stale)"
    )
    rhs_text = (
        "The regularized horseshoe is included (Gibbs): τ ~ C⁺(0, τ0), "
        f"τ0 = p0/(p − p0)·sd(y)/√n with the guess p0 = {RHS_GUESS}, slab scale 2, slab df 4."
        if rhs_reason is None
        else 'The regularized horseshoe is left out: `sample_posterior(method="gibbs")` '
        f"refuses it in this version ({rhs_reason.split(':')[0]}), and NUTS at this "
        "number of replications does not fit the time budget."
    )
    note = (
        f"Replications per cell: {', '.join(str(r) for r in ran)} of {reps} requested ({status}). "
        f"Truth: n = {N_TRAIN}, AR(1) Gaussian design with ρ = {RHO}, {N_SIGNAL} non-zero "
        f"coefficients at random positions with |w_j| ~ U{SIGNAL_RANGE} and random signs, "
        "σ² = wᵀΣw / SNR; test set of "
        f"{N_TEST} fresh rows. Each figure is a mean over replications ± its Monte Carlo "
        "standard error (sd/√reps). Penalized fits: alpha_min of 10-fold `cross_validate`. "
        f'Bayesian fits: `sample_posterior(method="gibbs")`, {chains} chains × {draws} draws '
        f"after {tune} warm-up; ŵ is the posterior mean, coverage is that of {LEVEL:.0%} "
        "equal-tailed intervals, F1 is that of the model `dss` chooses (lasso and elastic "
        "net: the non-zero coefficients), size selected its number of variables. R-hat: the "
        "median over replications of the median over the p coefficients; after the semicolon "
        "the largest single-coefficient R-hat seen in any replication. "
        f"Horseshoe and horseshoe+: τ ~ C⁺(0, sd(y)); Bayesian lasso: λ² ~ Gamma{BL_HYPERPRIOR}. "
        + rhs_text
        + "".join(
            f" Replications up to {max(part['reps_run'].values())} ran on bayesreg "
            f"{part['bayesreg_commit']} (a part of this run, joined by --resume)."
            for part in earlier
        )
    )
    payload = {
        "design": {
            "n_train": N_TRAIN,
            "n_test": N_TEST,
            "p": sorted({cell.p for cell in cells}),
            "snr": SNRS,
            "ar1_rho": RHO,
            "n_signal": N_SIGNAL,
            "signal_magnitude_uniform": SIGNAL_RANGE,
            "noise_variance": "w'Σw / SNR",
            "gibbs": {"chains": chains, "draws": draws, "tune": tune},
            "bayesian_lasso_hyperprior_lambda_sq_gamma": BL_HYPERPRIOR,
            "horseshoe_global_prior": "tau ~ C+(0, sd(y))",
            "regularized_horseshoe": "included" if rhs_reason is None else rhs_reason,
        },
        "bayesreg_commit": _source_commit(),
        "earlier_parts": earlier,
        "reps_requested": reps,
        "reps_run": done,
        "first_rep": args.first_rep,
        "stop_reason": status,
        "methods": names,
        **results,
    }
    session.write(
        args.output_dir,
        payload,
        markdown(results, names) + "\n\n" + note,
        repeats=1,
        threads=args.threads,
    )
    # one run per replication and method: the header's "single runs" means that; the
    # figures of the tables are means over the replications
    md_path = args.output_dir / f"{session.name}.md"
    md_path.write_text(
        md_path.read_text(encoding="utf-8").replace(
            "Figures are single runs (1 repeat).",
            "Each fit is one run; the figures are means over replications.",
        ),
        encoding="utf-8",
    )
    figure(results, names, args.output_dir / f"{session.name}.png")


if __name__ == "__main__":
    main()
