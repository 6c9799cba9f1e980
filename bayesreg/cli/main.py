"""The ``bayesreg`` command line: ``bayesreg demo`` and ``bayesreg check``.

User mistakes (a missing file, a bad column, an impossible option) print one clear
sentence to stderr and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bayesreg.cli.check import scale_argument
from bayesreg.errors import BayesregError

__all__ = ["main"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention

PRIOR_CHOICES = ("gaussian", "laplace", "elastic-net")


class CliError(BayesregError):
    """A mistake in a command-line call."""


def _seed(text: str) -> int:
    """Parse ``--seed``: an integer ≥ 0."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayesreg",
        description=(
            "A regularization penalty is a prior, and the penalized estimate is the MAP "
            "estimate: check it on your data."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run the demonstration on the bundled data and write a report",
        description=(
            "Equivalence tables (ridge, lasso, elastic net, logistic), the exact MAP next to "
            "pm.find_MAP, posterior shrinkage summaries and lambda chosen three ways, on the "
            "bundled data sets; prints a summary and writes an HTML report."
        ),
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("bayesreg-report"),
        help="folder for the report (default: bayesreg-report)",
    )
    demo.add_argument("--force", action="store_true", help="replace the --out folder if it exists")
    demo.add_argument(
        "--quick", action="store_true", help="fewer posterior draws (for a fast look)"
    )
    demo.add_argument(
        "--seed",
        type=_seed,
        default=None,
        metavar="N",
        help="seed of the Monte Carlo steps, an integer >= 0 (default: 2008)",
    )

    check = commands.add_parser(
        "check",
        help="compare the MAP under a prior with the penalized solution on a CSV file",
        description=(
            "Fit the PyMC model's exact MAP and the penalized solution on the numeric "
            "columns of DATA.csv and print them side by side."
        ),
    )
    check.add_argument("data", type=Path, metavar="DATA.csv", help="a CSV file with a header")
    check.add_argument("--target", required=True, metavar="COL", help="the response column")
    check.add_argument("--prior", required=True, choices=PRIOR_CHOICES)
    check.add_argument(
        "--scale",
        type=scale_argument,
        help=(
            "prior scale (gaussian: sd; laplace: b), or one scale per predictor column, "
            "comma-separated (inf: a flat prior, the coefficient unpenalized)"
        ),
    )
    check.add_argument("--l1", type=float, help="elastic-net prior: weight a of |w|")
    check.add_argument("--l2", type=float, help="elastic-net prior: weight c of w²/2")
    check.add_argument("--alpha", type=float, help="penalty strength instead of a prior scale")
    check.add_argument("--l1-ratio", type=float, help="with --alpha: the l1_ratio")
    check.add_argument(
        "--noise",
        type=float,
        default=None,
        help=(
            "fixed noise standard deviation σ of the gaussian likelihood (required with "
            "--alpha); default: σ is free and the report compares at its joint MAP σ̂; "
            "not allowed with --likelihood bernoulli or poisson, which have no noise"
        ),
    )
    check.add_argument(
        "--likelihood",
        choices=("gaussian", "bernoulli", "poisson"),
        default="gaussian",
        help="gaussian (default), bernoulli (0/1 target) or poisson (counts, log link)",
    )
    check.add_argument(
        "--offset",
        metavar="COL",
        help="--likelihood poisson: the column holding the known term of the log-rate",
    )
    check.add_argument(
        "--exposure",
        metavar="COL",
        help="--likelihood poisson: the column holding each row's exposure t > 0 (offset log t)",
    )
    check.add_argument(
        "--positive",
        action="store_true",
        help=(
            "coefficients ≥ 0: the gaussian prior truncated to the half-normal (non-negative "
            "ridge), the laplace prior to the exponential (non-negative lasso)"
        ),
    )
    check.add_argument(
        "--weights",
        metavar="COL",
        help="the column holding each row's observation weight s_i ≥ 0 (n becomes Σs)",
    )
    check.add_argument("--no-intercept", action="store_true", help="fit without an intercept")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bayesreg`` command."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from bayesreg.cli._sections import SEED
            from bayesreg.cli.demo import run_demo

            seed = SEED if args.seed is None else args.seed
            run_demo(out=args.out, force=args.force, quick=args.quick, seed=seed)
        else:
            _run_check(args)
    except (BayesregError, OSError) as exc:
        print(f"bayesreg {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"bayesreg {args.command}: interrupted; nothing was written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _run_check(args: argparse.Namespace) -> None:
    from bayesreg.cli.check import check_csv

    report = check_csv(
        args.data,
        target=args.target,
        prior_name=args.prior,
        scale=args.scale,
        l1=args.l1,
        l2=args.l2,
        alpha=args.alpha,
        l1_ratio=args.l1_ratio,
        noise=args.noise,
        likelihood=args.likelihood,
        fit_intercept=not args.no_intercept,
        offset=args.offset,
        exposure=args.exposure,
        positive=args.positive,
        weights=args.weights,
    )
    if args.json:
        payload: dict[str, Any] = report.to_dict()
        print(json.dumps(payload, indent=2))
    else:
        print(report)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
