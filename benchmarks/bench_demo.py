"""Benchmark of the synthetic demo town at 100k and 300k parcels.

Two figures per size: ``generate_town`` (the layers and the register in memory) and
``build_demo`` (everything ``mgis demo`` does: generate, write the project file, the
register as XLSX and CSV and the legacy shapefiles).

Each run happens in a fresh subprocess so its peak memory (max RSS) can be read
with ``resource.getrusage(RUSAGE_CHILDREN)`` on POSIX; on Windows the peak is
not reported.

Usage::

    python3 benchmarks/bench_demo.py --sizes 100000,300000 --runs 3

Last run (``--runs 1``, seed 7, 2 shared cores; parcels noded into a valid
coverage, which added ~1.4 s at 100k and ~4 s at 300k to ``generate_town``)::

    task                      size  median s  target s  peak MB
    generate_town           100000     5.650     30.00      686
    build_demo (all files)  100000     6.938     30.00      686
    generate_town           300000    18.158    120.00     1563
    build_demo (all files)  300000    22.176    120.00     1563
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Result, emit, print_table

TARGETS = {100_000: 30.0, 300_000: 120.0}
CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from mgis.demo import build_demo
from mgis.demo.town import generate_town
size, seed = int(sys.argv[1]), int(sys.argv[2])
start = time.perf_counter()
town = generate_town(parcels=size, seed=seed)
elapsed = time.perf_counter() - start
with tempfile.TemporaryDirectory() as tmp:
    start = time.perf_counter()
    build_demo(Path(tmp), parcels=size, seed=seed, force=True)
    built = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "build_seconds": built,
                  "parcels": len(town.layers["parcels"]),
                  "population": town.population, "register_rows": len(town.register)}))
"""


def _target(size: int) -> float:
    """Target seconds for a size (linear between the given points, 30 s per 100k)."""
    return TARGETS.get(size, 30.0 * size / 100_000 if size <= 100_000 else 120.0 * size / 300_000)


def run_once(size: int, seed: int) -> tuple[dict[str, float], float | None]:
    """Generate a town in a child process; return its report and its peak RSS in MB."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(size), str(seed)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    try:
        import resource
    except ImportError:
        return report, None
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # max over children so far
    return report, kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print JSON lines and a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    results: list[Result] = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        times: list[float] = []
        builds: list[float] = []
        peak: float | None = None
        for _ in range(args.runs):
            report, rss = run_once(size, args.seed)
            times.append(report["seconds"])
            builds.append(report["build_seconds"])
            peak = rss if peak is None or (rss is not None and rss > peak) else peak
            print(f"# size {size}: {report}", file=sys.stderr, flush=True)
        emit(
            Result(
                bench="demo",
                task="generate_town",
                size=size,
                median_s=round(statistics.median(times), 3),
                target_s=_target(size),
                peak_mb=round(peak, 1) if peak is not None else None,
            ),
            results,
        )
        emit(
            Result(
                bench="demo",
                task="build_demo (all files)",
                size=size,
                median_s=round(statistics.median(builds), 3),
                target_s=_target(size),
                peak_mb=round(peak, 1) if peak is not None else None,
            ),
            results,
        )
    print_table(results)


if __name__ == "__main__":
    main()
