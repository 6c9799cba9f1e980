"""bayesreg against an earlier bayesreg: the package's own time on everyday workloads.

Run from the repository root::

    .venv/bin/python benchmarks/bench_before_after.py --before REV [--after HEAD] [--rounds 5]

Each revision is checked out into a temporary git worktree and imported in a worker
process of its own (``PYTHONPATH`` set to that checkout; BLAS and OpenMP pinned to one
thread). The workloads below (same data, seeds and options for both) are timed in
alternation, before–after–after–before… (ABBA), so that drift in the machine's load hits
both versions alike. Each round times a workload with one untimed warm-up call and then
the median of ``repeats`` calls, in wall time and in process CPU time
(``time.process_time``: on a shared machine the steadier of the two). The table gives the
median over rounds and the min–max of the per-round ratios. Only bayesreg is timed; the
peer comparisons are the other scripts' job. Results:
``benchmarks/results/NAME.json`` and ``NAME.md`` (``--name``, default
``before_after_REV`` with REV the short hash of ``--before``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import REPOSITORY, Session, benchmark_parser, markdown_table, parse_arguments

#: name → (repeats, code run once to build the data, the timed expression); the code
#: runs in the worker with ``np`` and the revision's ``bayesreg`` importable
WORKLOADS: dict[str, tuple[int, str, str]] = {
    "lasso 1000×500, alpha_max/100": (
        7,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import lasso, alpha_max\n"
        "d = make_synthetic(1000, 500, n_informative=20, correlation=0.5, random_seed=0)\n"
        "a = alpha_max(d.X, d.y) / 100",
        "lasso(d.X, d.y, a, tol=1e-8)",
    ),
    "lasso_path 1000×500, 100 alphas": (
        5,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import lasso_path\n"
        "d = make_synthetic(1000, 500, n_informative=20, correlation=0.5, random_seed=0)",
        "lasso_path(d.X, d.y, n_alphas=100, tol=1e-8)",
    ),
    "lasso_path 200×5000, 100 alphas": (
        3,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import lasso_path\n"
        "d = make_synthetic(200, 5000, n_informative=20, correlation=0.5, random_seed=0)",
        "lasso_path(d.X, d.y, n_alphas=100, tol=1e-6)",
    ),
    "lasso 500×20000, alpha_max/100": (
        3,
        "from bayesreg.core import lasso, alpha_max\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((500, 20000))\n"
        "y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(500)\n"
        "a = alpha_max(X, y) / 100",
        "lasso(X, y, a, tol=1e-8)",
    ),
    "elastic_net 1000×500, l1_ratio 0.5": (
        7,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import elastic_net, alpha_max\n"
        "d = make_synthetic(1000, 500, n_informative=20, correlation=0.5, random_seed=0)\n"
        "a = alpha_max(d.X, d.y, l1_ratio=0.5) / 100",
        "elastic_net(d.X, d.y, a, l1_ratio=0.5, tol=1e-8)",
    ),
    "ridge_path 2000×400, 100 alphas": (
        7,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import ridge_path\n"
        "d = make_synthetic(2000, 400, n_informative=20, correlation=0.5, random_seed=0)",
        "ridge_path(d.X, d.y, np.geomspace(1e-3, 1e3, 100))",
    ),
    "logistic L1 2000×200": (
        7,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import logistic, logistic_alpha_max\n"
        "d = make_synthetic(2000, 200, n_informative=10, correlation=0.5, random_seed=0)\n"
        "yb = (d.y > np.median(d.y)).astype(float)\n"
        "a = logistic_alpha_max(d.X, yb) / 20",
        "logistic(d.X, yb, a)",
    ),
    "logistic_path 2000×200, 30 alphas": (
        3,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.core import logistic_path\n"
        "d = make_synthetic(2000, 200, n_informative=10, correlation=0.5, random_seed=0)\n"
        "yb = (d.y > np.median(d.y)).astype(float)",
        "logistic_path(d.X, yb, n_alphas=30)",
    ),
    "poisson L1 2000×100": (
        7,
        "from bayesreg.core import poisson, poisson_alpha_max\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.standard_normal((2000, 100))\n"
        "yc = rng.poisson(np.exp(0.3 * X[:, :5].sum(axis=1) - 0.5)).astype(float)\n"
        "a = poisson_alpha_max(X, yc) / 20",
        "poisson(X, yc, a)",
    ),
    "cross_validate diabetes, lasso": (
        5,
        "from bayesreg.datasets import load_diabetes\n"
        "from bayesreg.core import cross_validate\n"
        "X, y = load_diabetes()",
        "cross_validate(X, y, random_seed=0)",
    ),
    "Gibbs diabetes, Bayesian lasso, 4 × 2000": (
        5,
        "from bayesreg.datasets import load_diabetes\n"
        "from bayesreg.posterior import sample_posterior\n"
        "from bayesreg.priors import BayesianLassoPrior\n"
        "X, y = load_diabetes()",
        "sample_posterior(X, y, BayesianLassoPrior(0.237), method='gibbs', draws=2000, "
        "tune=500, chains=4, random_seed=0, progressbar=False)",
    ),
    "Gibbs 1000×200, Bayesian lasso, 4 × 500": (
        3,
        "from bayesreg.datasets import make_synthetic\n"
        "from bayesreg.posterior import sample_posterior\n"
        "from bayesreg.priors import BayesianLassoPrior\n"
        "d = make_synthetic(1000, 200, n_informative=10, correlation=0.5, random_seed=0)",
        "sample_posterior(d.X, d.y, BayesianLassoPrior(1.0), method='gibbs', draws=500, "
        "tune=100, chains=4, random_seed=0, progressbar=False)",
    ),
}

_WORKER = r"""
import json, statistics, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
namespaces = {}
for line in sys.stdin:
    request = json.loads(line)
    name, repeats, setup, expression = request
    # limits apply to the libraries loaded when they are set: set them after the imports
    # of the setup (SciPy's OpenBLAS is loaded by the first scipy.linalg import)
    if name not in namespaces:
        namespace = {"np": np}
        exec(setup, namespace)
        code = compile(expression, name, "eval")
        with threadpool_limits(1):
            eval(code, namespace)  # warm-up (imports, compilation caches)
        namespaces[name] = (namespace, code)
    namespace, code = namespaces[name]
    wall, cpu = [], []
    with threadpool_limits(1):
        eval(code, namespace)
        for _ in range(repeats):
            w, c = time.perf_counter(), time.process_time()
            eval(code, namespace)
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
    print(json.dumps([statistics.median(wall), statistics.median(cpu)]), flush=True)
"""


class Worker:
    """One process importing bayesreg from one checkout; times workloads on request."""

    def __init__(self, checkout: Path) -> None:
        environment = {**os.environ, "PYTHONPATH": str(checkout)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=checkout,
        )

    def time(self, name: str) -> tuple[float, float]:
        """Median wall and CPU seconds of workload ``name`` (one round)."""
        repeats, setup, expression = WORKLOADS[name]
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("the worker's pipes are closed")
        self.process.stdin.write(json.dumps([name, repeats, setup, expression]) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise SystemExit(f"the worker of {name!r} stopped; see its error above")
        wall, cpu = json.loads(reply)
        return float(wall), float(cpu)

    def close(self) -> None:
        """End the worker process."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPOSITORY, check=True, capture_output=True, text=True
    ).stdout.strip()


def measure(
    workers: dict[str, Worker], names: list[str], rounds: int
) -> dict[str, dict[str, list[float]]]:
    """Per workload: the per-round wall and CPU medians of each version, ABBA order."""
    results: dict[str, dict[str, list[float]]] = {}
    for name in names:
        record: dict[str, list[float]] = {
            "before_wall": [],
            "after_wall": [],
            "before_cpu": [],
            "after_cpu": [],
        }
        for index in range(rounds):
            order = ("before", "after") if index % 2 == 0 else ("after", "before")
            for version in order:
                wall, cpu = workers[version].time(name)
                record[f"{version}_wall"].append(wall)
                record[f"{version}_cpu"].append(cpu)
        results[name] = record
        ratio = statistics.median(record["after_cpu"]) / statistics.median(record["before_cpu"])
        print(f"{name}: CPU after/before {ratio:.3f}", flush=True)
    return results


def _ratio_row(name: str, record: dict[str, list[float]], rounds: int) -> list[str]:
    def spread(kind: str) -> str:
        ratios = [
            a / b for a, b in zip(record[f"after_{kind}"], record[f"before_{kind}"], strict=True)
        ]
        return f"{min(ratios):.2f}–{max(ratios):.2f}"

    median: Callable[[list[float]], float] = statistics.median
    before, after = median(record["before_wall"]), median(record["after_wall"])
    cpu = median(record["after_cpu"]) / median(record["before_cpu"])
    repeats = WORKLOADS[name][0]
    return [
        name,
        f"{before:.4g}",
        f"{after:.4g}",
        f"{after / before:.3f}",
        spread("wall"),
        f"{cpu:.3f}",
        spread("cpu"),
        f"{rounds} × {repeats}",
    ]


def main() -> None:
    parser = benchmark_parser(__doc__, repeats=None, threads=False)
    parser.add_argument("--before", required=True, help="the earlier revision")
    parser.add_argument("--after", default="HEAD", help="the later revision (HEAD)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (5)")
    parser.add_argument(
        "--name", default=None, help="results name (before_after_REV: REV the short --before)"
    )
    parser.add_argument("--only", nargs="+", default=None, help="run only these workloads")
    args = parse_arguments(parser)
    names = list(WORKLOADS) if args.only is None else args.only
    unknown = set(names) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; have {list(WORKLOADS)}")
    rounds = 2 if args.quick else args.rounds
    commits = {"before": _git("rev-parse", args.before), "after": _git("rev-parse", args.after)}
    session = Session.begin(args.name or f"before_after_{commits['before'][:7]}")
    with tempfile.TemporaryDirectory(prefix="bayesreg-before-after-") as scratch:
        workers: dict[str, Worker] = {}
        try:
            for version, commit in commits.items():
                checkout = Path(scratch) / version
                _git("worktree", "add", "--detach", str(checkout), commit)
                workers[version] = Worker(checkout)
            started = time.strftime("%H:%M UTC", time.gmtime())
            results = measure(workers, names, rounds)
        finally:
            for worker in workers.values():
                worker.close()
            for version in commits:
                _git("worktree", "remove", "--force", str(Path(scratch) / version))
    header = [
        "workload",
        "before s",
        "after s",
        "after/before",
        "spread",
        "CPU after/before",
        "CPU spread",
        "rounds × repeats",
    ]
    rows = [_ratio_row(name, results[name], rounds) for name in names]
    text = (
        f"Before {commits['before'][:7]}, after {commits['after'][:7]}; rounds from "
        f"{started}, alternating ABBA, BLAS pinned to one thread.\n\n"
        + markdown_table(header, rows, align="lrrrrrrr")
        + "\n\n'before s' and 'after s' are medians over rounds of each round's median wall "
        "time; 'spread' is the min–max of the per-round ratios; the CPU columns are the same "
        "for process CPU time, the steadier figure on a shared machine."
    )
    session.write(
        args.output_dir,
        {"commits": commits, "rounds": rounds, "results": results},
        text,
        repeats=rounds,
        threads=1,
    )


if __name__ == "__main__":
    main()
