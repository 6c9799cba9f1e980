"""Time-to-precision curves of the lasso: bayesreg against scikit-learn, celer and skglm.

Problems (a 20-sparse truth, unit Gaussian noise, an intercept of 1)::

    1000 × 500     columns AR(1) with corr(x_i, x_j) = 0.5^|i−j| (Toeplitz 0.5)
    200 × 5000     standard normal
    500 × 20000    standard normal
    100000 × 100   columns AR(1), Toeplitz 0.5
    10000 × 50000  sparse CSR, density 0.001, standard normal non-zeros (single fits only:
                   the path task runs on centered data, which a sparse X cannot be without
                   densifying; every library then centers it implicitly for the intercept)

Tasks (all four libraries minimize ``1/(2n)||y − w0 − Xw||² + alpha||w||₁``):

* ``lasso``: one fit with intercept at alpha = alpha_max/100 on the same raw arrays
  (``bayesreg.lasso``, ``sklearn.linear_model.Lasso``, ``celer.Lasso``, ``skglm.Lasso``),
  once per tolerance of a ladder ``tol = 1e-2, 1e-3, …, 1e-12``.
* ``lasso_path``: 100 alphas from alpha_max down to alpha_max/100 (geometric), on the
  centered data without intercept, each library in its preferred memory layout (C for
  bayesreg, Fortran for the others): ``bayesreg.lasso_path``,
  ``sklearn.linear_model.lasso_path``, ``celer.celer_path`` and skglm's
  ``AndersonCD.path``, at ``tol = 1e-2, 1e-4, …, 1e-12``. The gap of a path is its worst
  gap over the alphas.

Every run gives one point: its median time and the duality gap of what it returned.
The tolerances mean different things to different libraries (bayesreg and celer: a
duality gap; scikit-learn: a coordinate update, then a gap; skglm: an optimality
violation), so the curves plot the achieved gap, not the tol asked for.

The gap is computed by one formula for every library, from the returned w alone (the
intercept profiled out: Xc, yc are the centered data, w0 = ȳ − x̄ᵀw). With the residual
``r = yc − Xc w``, the correlations ``u = Xcᵀr/n`` and ``rr = ||r||²/n``, the dual point
is the rescaled residual ``θ = s·r/n`` with ``s = min(1, alpha/||u||∞)``, feasible
(``||Xcᵀθ||∞ ≤ alpha``), and::

    P(w) = rr/2 + alpha ||w||₁
    D(θ) = θᵀyc − n/2 ||θ||² = s (rr + wᵀu) − s² rr/2          (yc = r + Xc w)
    gap  = P(w) − D(θ) = (1 − s)² rr/2 + Σ_j (alpha |w_j| − s w_j u_j)

every term of the last line ≥ 0 (no cancellation). The plotted and tabulated gap is
``gap / F(0)`` with ``F(0) = ||yc||²/(2n)``, the scale of bayesreg's and celer's ``tol``.

A library's ladder stops after a run longer than ``--budget`` seconds or once its gap
is below 1e-13 (tighter tolerances would add points at the same place). Runs are
interleaved: at each tol, every library still on its ladder runs once, and that is
repeated ``--repeats`` times (a run longer than a quarter of the budget is timed once);
the time of a point is the median. One untimed fit per library and problem comes first
(skglm compiles its Numba kernels then). BLAS is limited to ``--threads`` threads
(default 1). A library that is not installed is left out and the table says so.

The table gives, per problem and library, the time of the loosest tol whose gap is
≤ 1e-4 and ≤ 1e-8, and the ratio bayesreg / fastest peer (below 1, bayesreg is faster).
A peer whose gap lands just above a target at one tol is counted at the next, so its time
is an upper bound within one step of the ladder (10× in tol for single fits, 100× for
paths, where scikit-learn and celer end at about twice their tol): the figure shows the
whole curve.

Run::

    .venv/bin/python benchmarks/bench_precision.py [--repeats 3] [--quick] [--profile]

Results go to ``benchmarks/results/precision.json``, ``precision.md`` and ``precision.png``
(one row of panels per task, one panel per problem).
"""

from __future__ import annotations

import cProfile
import importlib.util
import io
import pstats
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from _common import (
    Session,
    benchmark_parser,
    markdown_table,
    parse_arguments,
    pinned_threads,
    timed,
)
from numpy.typing import NDArray

import bayesreg
from bayesreg.core.enet_path import alpha_max

FloatArray = NDArray[np.float64]

#: (n, p, columns: "toeplitz", "independent" or "sparse")
DESIGNS = [
    (1000, 500, "toeplitz"),
    (200, 5000, "independent"),
    (500, 20_000, "independent"),
    (100_000, 100, "toeplitz"),
    (10_000, 50_000, "sparse"),
]
QUICK_DESIGNS = [
    (300, 150, "toeplitz"),
    (60, 600, "independent"),
    (100, 2000, "independent"),
    (10_000, 50, "toeplitz"),
    (2000, 10_000, "sparse"),
]
#: Non-zeros per entry of the sparse design.
DENSITY = 1e-3
LABELS = {
    "toeplitz": "Toeplitz 0.5",
    "independent": "independent",
    "sparse": f"sparse CSR, density {DENSITY:g}",
}
TOLS = [10.0**-k for k in range(2, 13)]
QUICK_TOLS = [1e-2, 1e-4, 1e-6, 1e-8, 1e-10]
PATH_TOLS = [10.0**-k for k in range(2, 13, 2)]
PATH_ALPHAS = 100
TASKS = ("lasso", "lasso_path")
TARGETS = (1e-4, 1e-8)
#: Below this gap a ladder stops: further points would sit at the same place.
FLOOR = 1e-13
ALPHA_RATIO = 1e-2
LIBRARIES = ("bayesreg", "scikit-learn", "celer", "skglm")
PEERS = LIBRARIES[1:]
MODULES = {"scikit-learn": "sklearn", "celer": "celer", "skglm": "skglm"}
STYLE = {
    "bayesreg": ("#0072B2", "D", "-"),
    "scikit-learn": ("#E69F00", "o", "--"),
    "celer": ("#009E73", "s", "-."),
    "skglm": ("#D55E00", "^", ":"),
}

Fit = Callable[[float], FloatArray]


def make_problem(n: int, p: int, kind: str, seed: int = 0) -> tuple[Any, FloatArray]:
    """Toeplitz(0.5) (AR(1)), independent standard normal or sparse CSR columns (standard
    normal non-zeros at density ``DENSITY``); a 20-sparse truth."""
    rng = np.random.default_rng(seed)
    if kind == "sparse":
        X: Any = scipy.sparse.random(
            n, p, density=DENSITY, format="csr", random_state=seed, data_rvs=rng.standard_normal
        )
    elif kind == "toeplitz":
        X = np.empty((n, p))
        X[:, 0] = rng.standard_normal(n)
        innovation = np.sqrt(1.0 - 0.25)
        for j in range(1, p):
            X[:, j] = 0.5 * X[:, j - 1] + innovation * rng.standard_normal(n)
    else:
        X = rng.standard_normal((n, p))
    truth = np.zeros(p)
    truth[rng.choice(p, size=min(20, p), replace=False)] = rng.standard_normal(min(20, p))
    return X, np.asarray(X @ truth) + rng.standard_normal(n) + 1.0


def relative_gaps(
    X: Any, x_mean: FloatArray | None, yc: FloatArray, coefs: FloatArray, alphas: FloatArray
) -> FloatArray:
    """The lasso duality gaps (module docstring) of the rows of ``coefs``, divided by F(0).

    ``X`` is the centered design (``x_mean`` None), or a sparse X with its column means
    ``x_mean``, centered implicitly: ``Xc w = X w − 1 x̄ᵀw``, ``Xcᵀr = Xᵀr − x̄ 1ᵀr``.
    ``coefs[i]`` is scored at ``alphas[i]``; F(0) = ||yc||²/(2n).
    """
    n = yc.shape[0]
    coefs = np.atleast_2d(coefs)
    fitted = np.asarray(X @ coefs.T)
    if x_mean is not None:
        fitted = fitted - x_mean @ coefs.T
    residuals = yc[:, None] - fitted  # (n, k)
    products = np.asarray(X.T @ residuals)
    if x_mean is not None:
        products = products - np.outer(x_mean, residuals.sum(axis=0))
    u = products / n  # (p, k)
    rr = np.sum(residuals**2, axis=0) / n
    largest = np.max(np.abs(u), axis=0)
    s = np.where(largest <= alphas, 1.0, alphas / np.maximum(largest, np.finfo(float).tiny))
    gaps = (1.0 - s) ** 2 * rr / 2.0 + np.sum(alphas * np.abs(coefs.T) - s * coefs.T * u, axis=0)
    return gaps / (float(yc @ yc) / (2 * n))


def fitter(library: str, X: FloatArray, y: FloatArray, alpha: float) -> Fit | None:
    """``tol -> coef`` for ``library`` on (X, y) at ``alpha``; None when not installed."""
    if library == "bayesreg":
        return lambda tol: np.asarray(bayesreg.lasso(X, y, alpha, tol=tol).coef)
    if importlib.util.find_spec(MODULES[library]) is None:
        return None
    if library == "scikit-learn":
        from sklearn.linear_model import Lasso

        def fit_sklearn(tol: float) -> FloatArray:
            return np.asarray(Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y).coef_)

        return fit_sklearn
    if library == "celer":
        from celer import Lasso as CelerLasso

        def fit_celer(tol: float) -> FloatArray:
            model = CelerLasso(alpha=alpha, tol=tol, max_iter=1000, max_epochs=100_000)
            return np.asarray(model.fit(X, y).coef_)

        return fit_celer
    from skglm import Lasso as SkglmLasso

    def fit_skglm(tol: float) -> FloatArray:
        model = SkglmLasso(alpha=alpha, tol=tol, max_iter=1000, max_epochs=100_000)
        return np.asarray(model.fit(X, y).coef_)

    return fit_skglm


def path_fitter(library: str, Xc: FloatArray, yc: FloatArray, alphas: FloatArray) -> Fit | None:
    """``tol -> coefs`` (one row per alpha) of ``library``'s path on the centered data."""
    if library == "bayesreg":
        return lambda tol: np.asarray(
            bayesreg.lasso_path(Xc, yc, alphas, fit_intercept=False, tol=tol).coefs
        )
    if importlib.util.find_spec(MODULES[library]) is None:
        return None
    Xf = np.asfortranarray(Xc)
    if library == "scikit-learn":
        from sklearn.linear_model import lasso_path as sklearn_lasso_path

        def path_sklearn(tol: float) -> FloatArray:
            _, coefs, _ = sklearn_lasso_path(Xf, yc, alphas=alphas, tol=tol, max_iter=100_000)
            return np.asarray(coefs.T)

        return path_sklearn
    if library == "celer":
        from celer import celer_path

        def path_celer(tol: float) -> FloatArray:
            _, coefs, _ = celer_path(
                Xf, yc, "lasso", alphas=alphas, tol=tol, max_iter=1000, max_epochs=100_000
            )
            return np.asarray(coefs.T)

        return path_celer
    from skglm.datafits import Quadratic
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD

    def path_skglm(tol: float) -> FloatArray:
        solver = AndersonCD(tol=tol, max_iter=1000, max_epochs=100_000, fit_intercept=False)
        _, coefs, _ = solver.path(Xf, yc, Quadratic(), L1(alphas[0]), alphas)
        return np.asarray(coefs.T)

    return path_skglm


def curves(
    fits: dict[str, Fit],
    score: Callable[[FloatArray], float],
    tols: list[float],
    repeats: int,
    budget: float,
) -> dict[str, list[dict[str, Any]]]:
    """Each library's ladder of (tol, median seconds, gap), the libraries interleaved."""
    for fit in fits.values():  # untimed: imports, Numba compilation, first-touch caches
        fit(tols[0])
    points: dict[str, list[dict[str, Any]]] = {name: [] for name in fits}
    active = list(fits)
    for tol in tols:
        runs: dict[str, list[float]] = {name: [] for name in active}
        gaps: dict[str, float] = {}
        for repeat in range(repeats):
            for name in active:
                if repeat > 0 and runs[name][0] > budget / 4:
                    continue
                seconds, coef = timed(partial(fits[name], tol))
                runs[name].append(seconds)
                if repeat == 0:
                    gaps[name] = score(coef)
        for name in list(active):
            seconds = float(np.median(runs[name]))
            points[name].append(
                {"tol": tol, "seconds": seconds, "gap": gaps[name], "runs": runs[name]}
            )
            print(f"  {name:12s} tol {tol:.0e}: {seconds:8.4f} s, gap {gaps[name]:.1e}", flush=True)
            if seconds > budget or gaps[name] < FLOOR:
                active.remove(name)
        if not active:
            break
    return points


def time_to(points: list[dict[str, Any]], target: float) -> float | None:
    """Seconds of the loosest tol whose gap is ≤ ``target`` (None: no run reached it).

    The first point of the ladder to reach the target is the tol a user would pick; the
    fastest of all points that reach it would favour the libraries with more points (the
    minimum of several noisy medians), so it is not used.
    """
    return next((point["seconds"] for point in points if point["gap"] <= target), None)


def profile_fit(X: FloatArray, y: FloatArray, alpha: float, tol: float) -> str:
    """The twelve most expensive functions of one bayesreg fit (cProfile, internal time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    bayesreg.lasso(X, y, alpha, tol=tol)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(12)
    return stream.getvalue()


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """One row of panels per task, one panel per problem, one line per library."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    tasks = [task for task in TASKS if any(result["task"] == task for result in results)]
    columns = max(sum(result["task"] == task for result in results) for task in tasks)
    figure, axes = plt.subplots(
        len(tasks), columns, figsize=(4.6 * columns, 4.2 * len(tasks)), squeeze=False
    )
    for row, task in zip(axes, tasks, strict=True):
        of_task = [result for result in results if result["task"] == task]
        for axis, result in zip(row, of_task, strict=False):
            for name, points in result["curves"].items():
                color, marker, line = STYLE[name]
                seconds = [point["seconds"] for point in points]
                gaps = [max(point["gap"], 1e-17) for point in points]
                axis.plot(seconds, gaps, color=color, marker=marker, linestyle=line, label=name)
            for target in TARGETS:
                axis.axhline(target, color="0.6", linewidth=0.8, linestyle=(0, (4, 4)))
            axis.set_xscale("log")
            axis.set_yscale("log")
            axis.xaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
            axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
            axis.xaxis.set_minor_formatter(NullFormatter())
            title = "single fit" if task == "lasso" else f"path of {PATH_ALPHAS} alphas"
            axis.set_title(f"{result['n']} × {result['p']} ({result['design']})\n{title}")
            axis.set_xlabel("seconds")
            axis.set_ylabel("relative duality gap" + (" (worst)" if task != "lasso" else ""))
            axis.grid(True, which="major", color="0.9")
            axis.legend(fontsize="small")
        for axis in row[len(of_task) :]:
            axis.set_visible(False)
    figure.suptitle(
        "Lasso down to alpha = alpha_max/100: duality gap / F(0) against time, one point per tol"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _ratio(ours: float | None, peers: list[float | None]) -> str:
    reached = [value for value in peers if value is not None]
    if ours is None or not reached:
        return "—"
    return f"{ours / min(reached):.2g}"


def markdown(results: list[dict[str, Any]], installed: list[str]) -> str:
    headers = ["task", "n × p", "design", "gap ≤"]
    headers += [f"{name} s" for name in installed] + ["bayesreg / fastest peer"]
    cells = []
    for result in results:
        task = "lasso" if result["task"] == "lasso" else f"lasso_path ({PATH_ALPHAS} alphas)"
        for target in TARGETS:
            times = {name: result["time_to"][f"{target:.0e}"][name] for name in installed}
            cells.append(
                [task, f"{result['n']} × {result['p']}", result["design"], f"{target:.0e}"]
                + [_seconds(times[name]) for name in installed]
                + [_ratio(times["bayesreg"], [times[name] for name in installed[1:]])]
            )
    align = "lllr" + "r" * len(installed) + "r"
    return markdown_table(headers, cells, align=align)


def main() -> None:
    session = Session.begin("precision")
    parser = benchmark_parser(__doc__, repeats=3, quick_repeats=1)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--profile", action="store_true", help="print a profile of each fit")
    parser.add_argument("--no-path", action="store_true", help="single fits only")
    args = parse_arguments(parser)
    warnings.simplefilter("ignore")  # the peers warn when max_iter stops them first
    tols = QUICK_TOLS if args.quick else TOLS
    path_tols = QUICK_TOLS if args.quick else PATH_TOLS
    tasks = TASKS[:1] if args.no_path else TASKS
    results: list[dict[str, Any]] = []
    installed = ["bayesreg"]
    missing: list[str] = []
    with pinned_threads(args.threads):
        for task in tasks:
            for n, p, kind in QUICK_DESIGNS if args.quick else DESIGNS:
                sparse = kind == "sparse"
                if sparse and task == "lasso_path":
                    continue  # centered data only (module docstring)
                X, y = make_problem(n, p, kind)
                yc = y - y.mean()
                x_mean = np.asarray(X.mean(axis=0)).ravel() if sparse else None
                Xc = X if sparse else X - X.mean(axis=0)
                alpha = ALPHA_RATIO * alpha_max(X, y)
                alphas = alpha_max(X, y) * np.geomspace(1.0, ALPHA_RATIO, PATH_ALPHAS)
                fits: dict[str, Fit] = {}
                for name in LIBRARIES:
                    if task == "lasso":
                        fit = fitter(name, X, y, alpha)
                    else:
                        fit = path_fitter(name, Xc, yc, alphas)
                    if fit is None:
                        if name not in missing:
                            missing.append(name)
                        continue
                    fits[name] = fit
                    if name not in installed:
                        installed.append(name)
                design = LABELS[kind]
                print(f"{task}: {n} × {p} ({design}), alpha = {alpha:.4g}", flush=True)
                if args.profile and task == "lasso":
                    print(profile_fit(X, y, alpha, 1e-8))
                scored = np.array([alpha]) if task == "lasso" else alphas
                points = curves(
                    fits,
                    lambda coefs, Xc=Xc, x_mean=x_mean, yc=yc, scored=scored: float(
                        np.max(relative_gaps(Xc, x_mean, yc, coefs, scored))
                    ),
                    tols if task == "lasso" else path_tols,
                    args.repeats,
                    args.budget,
                )
                del X, Xc, fits
                results.append(
                    {
                        "task": task,
                        "n": n,
                        "p": p,
                        "design": design,
                        "alpha": alpha,
                        "curves": points,
                        "time_to": {
                            f"{target:.0e}": {
                                name: time_to(points[name], target) if name in points else None
                                for name in LIBRARIES
                            }
                            for target in TARGETS
                        },
                    }
                )
    for name in missing:
        print(f"{name} is not installed: left out")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    figure = args.output_dir / "precision.png"
    plot(results, figure)
    note = (
        f"\n\nlasso: one fit with intercept at alpha = alpha_max/100, each library run at "
        f"tol = {tols[0]:.0e}, {tols[1]:.0e}, … {tols[-1]:.0e}. lasso_path: {PATH_ALPHAS} "
        "alphas from alpha_max to alpha_max/100 on the centered data, tol = "
        f"{path_tols[0]:.0e}, {path_tols[1]:.0e}, … {path_tols[-1]:.0e}, its gap the worst "
        "over the alphas. Seconds: the run at the loosest tol whose duality gap, relative to "
        "F(0) = ||y_c||²/(2n) and computed by one formula for every library (the rescaled "
        "residual as dual point), is at most the target; — where no run reached it within "
        f"the ladder (a run over {args.budget:g} s ends a ladder). bayesreg / fastest peer "
        "below 1: bayesreg is faster."
    )
    if missing:
        note += " Not installed, left out: " + ", ".join(missing) + "."
    session.write(
        args.output_dir,
        {
            "alpha_ratio": ALPHA_RATIO,
            "path_alphas": PATH_ALPHAS,
            "tols": tols,
            "path_tols": path_tols,
            "targets": list(TARGETS),
            "budget_seconds": args.budget,
            "not_installed": missing,
            "results": results,
        },
        markdown(results, installed) + note,
        repeats=args.repeats,
        threads=args.threads,
    )
    print(f"wrote {figure}")


if __name__ == "__main__":
    main()
