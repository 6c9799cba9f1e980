"""Lasso on a large sparse design: bayesreg against scikit-learn, time, accuracy and memory.

The design is ``scipy.sparse.random(n, p, density, format="csr")`` (20000 × 100000 at
density 1e-4 by default: 200000 non-zeros, 2.4 MB), ``y = Xw + noise`` with 200 non-zero
true coefficients, and both libraries solve

    1/(2n) ||y − w0 − Xw||² + alpha ||w||₁,   alpha = alpha_max / 10,

with an intercept (scikit-learn ``Lasso(tol=1e-12)``). Each library runs in its own
process, so its peak resident memory (``resource.getrusage``) is its own: the table
gives the peak after the data are built and the growth during the fits, to be read
against the size of ``X`` (its stored values and indices). bayesreg never densifies X.
skglm and celer are timed too when they are installed.

Usage::

    .venv/bin/python benchmarks/bench_sparse.py [--quick] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    median_seconds,
    parse_arguments,
    pinned_threads,
)

SHAPE = (20_000, 100_000)
QUICK_SHAPE = (5_000, 20_000)
DENSITY = 1e-4
QUICK_DENSITY = 4e-4
N_TRUE = 200
SEED = 0
LIBRARIES = ("bayesreg", "sklearn", "skglm", "celer")


def make_problem(n: int, p: int, density: float) -> tuple[Any, np.ndarray]:
    """The sparse design and target (module docstring)."""
    rng = np.random.default_rng(SEED)
    X = scipy.sparse.random(n, p, density=density, format="csr", random_state=rng)
    coef = np.zeros(p)
    coef[rng.choice(p, N_TRUE, replace=False)] = 3.0 * rng.standard_normal(N_TRUE)
    y = X @ coef + 0.1 * rng.standard_normal(n)
    return X, y


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _fitter(library: str, alpha: float) -> Any:
    """A function ``(X, y) -> (coef, intercept)`` for ``library``, or None if not installed."""
    if library == "bayesreg":
        import bayesreg

        def fit(X: Any, y: np.ndarray) -> tuple[np.ndarray, float]:
            result = bayesreg.lasso(X, y, alpha)
            return result.coef, result.intercept

        return fit
    try:
        if library == "sklearn":
            from sklearn.linear_model import Lasso
        elif library == "skglm":
            from skglm import Lasso  # type: ignore[no-redef]
        else:
            from celer import Lasso  # type: ignore[no-redef]
    except ImportError:
        return None

    def fit_peer(X: Any, y: np.ndarray) -> tuple[np.ndarray, float]:
        model = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000, fit_intercept=True).fit(X, y)
        return np.asarray(model.coef_), float(model.intercept_)

    return fit_peer


def worker(library: str, quick: bool, repeats: int, output: str) -> None:
    """Build the data, fit ``repeats`` times, write timings, peak memory and the solution."""
    n, p = QUICK_SHAPE if quick else SHAPE
    X, y = make_problem(n, p, QUICK_DENSITY if quick else DENSITY)
    import bayesreg

    alpha = bayesreg.alpha_max(X, y) / 10.0
    fit = _fitter(library, alpha)
    if fit is None:
        Path(output).write_text(json.dumps({"installed": False}))
        return
    after_data = _peak_mb()
    coef, intercept = fit(X, y)
    seconds = median_seconds(lambda: fit(X, y), repeats, budget=120.0)
    np.save(output + ".npy", np.append(coef, intercept))
    record = {"installed": True, "seconds": seconds, "peak_after_data_mb": after_data}
    record["peak_mb"] = _peak_mb()
    record["x_mb"] = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20
    record["nnz"] = int(X.nnz)
    record["alpha"] = alpha
    Path(output).write_text(json.dumps(record))


@dataclass(frozen=True)
class Row:
    library: str
    seconds: float
    peak_mb: float
    growth_mb: float
    max_coef_diff: float
    same_zeros: bool
    n_nonzero: int


def run_worker(library: str, quick: bool, repeats: int, threads: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        output = str(Path(directory) / library)
        command = [sys.executable, __file__, "--worker", library, "--repeats", str(repeats)]
        command += ["--quick"] if quick else []
        command += [] if threads is None else ["--threads", str(threads)]
        subprocess.run([*command, "--worker-output", output], check=True)
        record: dict[str, Any] = json.loads(Path(output).read_text())
        if record["installed"]:
            record["solution"] = np.load(output + ".npy")
        return record


def markdown(rows: list[Row], meta: dict[str, Any]) -> str:
    headers = ["library", "seconds", "peak RSS (MB)", "growth in fit (MB)"]
    headers += ["max abs Δw vs bayesreg", "same zeros", "non-zeros"]
    cells = [
        [
            r.library,
            f"{r.seconds:.3f}",
            f"{r.peak_mb:.0f}",
            f"{r.growth_mb:.0f}",
            f"{r.max_coef_diff:.1e}",
            "yes" if r.same_zeros else "no",
            str(r.n_nonzero),
        ]
        for r in rows
    ]
    intro = (
        f"Lasso at alpha = alpha_max/10 on a {meta['n']} × {meta['p']} CSR design with "
        f"{meta['nnz']} non-zeros (X holds {meta['x_mb']:.1f} MB).\n\n"
    )
    return intro + markdown_table(headers, cells, align="lrrrrlr")


def main() -> None:
    parser = benchmark_parser(__doc__, repeats=3, quick_repeats=2)
    parser.add_argument("--worker", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parse_arguments(parser)
    if args.worker:
        with pinned_threads(args.threads):
            worker(args.worker, args.quick, args.repeats, args.worker_output)
        return
    session = Session.begin("sparse")
    records = {lib: run_worker(lib, args.quick, args.repeats, args.threads) for lib in LIBRARIES}
    reference = records["bayesreg"]["solution"]
    rows = []
    for library, record in records.items():
        if not record["installed"]:
            continue
        solution = record["solution"]
        rows.append(
            Row(
                library=library,
                seconds=record["seconds"],
                peak_mb=record["peak_mb"],
                growth_mb=record["peak_mb"] - record["peak_after_data_mb"],
                max_coef_diff=float(np.max(np.abs(solution - reference))),
                same_zeros=bool(np.array_equal(solution[:-1] == 0.0, reference[:-1] == 0.0)),
                n_nonzero=int(np.count_nonzero(solution[:-1])),
            )
        )
    n, p = QUICK_SHAPE if args.quick else SHAPE
    base = records["bayesreg"]
    meta = {"n": n, "p": p, "nnz": base["nnz"], "x_mb": base["x_mb"], "alpha": base["alpha"]}
    payload = {"benchmark": "lasso on sparse X", **meta, "rows": [asdict(r) for r in rows]}
    note = (
        "\n\nPeak RSS is each library's own process (resource.getrusage, includes the "
        "interpreter and imports); growth is the rise of the peak during the fits. "
        "max abs Δw includes the intercept."
    )
    table = markdown(rows, meta) + note
    session.write(args.output_dir, payload, table, repeats=args.repeats, threads=args.threads)


if __name__ == "__main__":
    main()
