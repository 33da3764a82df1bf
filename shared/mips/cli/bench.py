"""``mips bench``: reference-data cold load, validation and scoring throughput (see :mod:`mips.bench`),
and the local event pipeline's throughput, AWS requests and cost (see :mod:`mips.bench_pipeline`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..reference import ReferenceDataError
from ..rules import DEFAULT_PERFORMANCE_YEAR, SCORED_YEARS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="measure reference-data load time and validation/scoring throughput",
        description=(
            "Benchmarks measured in one run: cold reference-data load (fresh interpreters), validation "
            "throughput against parse-only, and scoring throughput, with ratios between them."
        ),
    )
    p.add_argument("--quick", action="store_true", help="a fast smoke run (few files, one pass)")
    p.add_argument(
        "-n", "--count", type=int, default=None, help="generated submissions (default 500; quick 100)"
    )
    p.add_argument(
        "--repeat", type=int, default=None, help="passes per stage, the median reported (default 5; quick 3)"
    )
    p.add_argument("--load-runs", type=int, default=None, help="cold-load interpreters (default 5; quick 3)")
    p.add_argument(
        "--year",
        type=int,
        default=DEFAULT_PERFORMANCE_YEAR,
        help=f"performance year (default {DEFAULT_PERFORMANCE_YEAR}; scored: {SCORED_YEARS})",
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument(
        "--qrda3-mb", type=int, default=None, help="generated QRDA III file size in MB (default 200; quick 0)"
    )
    p.add_argument(
        "--batch-sizes",
        default=None,
        help="comma-separated entity counts for the mips score --batch time/peak-RSS figures "
        "(default 1000,10000,100000; quick 500,2000; 0 skips them)",
    )
    p.add_argument(
        "--cold-runs",
        type=int,
        default=None,
        help="fresh interpreters per handler for the cold-import figures (default 3; quick 1; 0 skips)",
    )
    p.add_argument(
        "--pipeline-entities",
        type=int,
        default=None,
        help="entities dropped through the local event pipeline (mips run-local's moto stack) for the "
        "entities/min, AWS requests/entity and USD/million-entities figures "
        "(default 1000; quick 20; 0 skips)",
    )
    p.add_argument(
        "--out",
        default="bench/results.json",
        help="where the figures, the machine and the date are written as JSON (default bench/results.json; "
        "'-' writes nothing)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import bench  # imported here: the engine and generators are not needed by other commands

    quick = args.quick
    count = args.count if args.count is not None else (100 if quick else 500)
    repeat = args.repeat if args.repeat is not None else (3 if quick else 5)
    load_runs = args.load_runs if args.load_runs is not None else (3 if quick else 5)
    if min(count, repeat, load_runs) < 1:
        print("mips bench: --count, --repeat and --load-runs must be at least 1", file=sys.stderr)
        return 2
    cold_runs = args.cold_runs if args.cold_runs is not None else (1 if quick else 3)
    pipeline = args.pipeline_entities if args.pipeline_entities is not None else (20 if quick else 1000)
    sizes_arg = args.batch_sizes or ("500,2000" if quick else "1000,10000,100000")
    try:
        batch_sizes = [n for n in (int(x) for x in sizes_arg.split(",") if x.strip()) if n > 0]
    except ValueError:
        print(f"mips bench: --batch-sizes {sizes_arg!r}: expected comma-separated counts", file=sys.stderr)
        return 2
    try:
        qrda3_mb = args.qrda3_mb if args.qrda3_mb is not None else (0 if quick else 200)
        report = bench.run(
            count=count,
            repeat=repeat,
            load_runs=load_runs,
            year=args.year,
            qrda3_mb=qrda3_mb,
            batch_sizes=batch_sizes,
            cold_runs=cold_runs,
            pipeline_entities=max(0, pipeline),
        )
    except ReferenceDataError as exc:
        print(f"mips bench: {exc}", file=sys.stderr)
        return 2
    settings = {"quick": quick, "count": count, "repeat": repeat, "loadRuns": load_runs, "year": args.year}
    settings["qrda3Mb"] = qrda3_mb
    settings["batchSizes"] = batch_sizes
    settings["coldRuns"] = cold_runs
    settings["pipelineEntities"] = max(0, pipeline)
    if args.out != "-":
        bench.write_results(report, Path(args.out), settings)
    if args.json:
        print(json.dumps(report.to_doc(), indent=2))
    else:
        print(report.render())
    return 0
