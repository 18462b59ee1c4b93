"""Shared benchmark plumbing: medians, peak memory, the QGIS peer, JSON lines and a table."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

QGIS_PYTHON = Path("/usr/bin/python3")


@dataclass
class Result:
    """One benchmark figure, printed as one JSON line."""

    bench: str
    task: str
    size: int
    median_s: float
    target_s: float | None
    peak_mb: float | None = None
    ratio: float | None = None
    peer: str | None = None
    peer_median_s: float | None = None

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, ensure_ascii=False)


def median_time(func: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls of ``func``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process in MB (None where unknown, e.g. Windows)."""
    try:
        import resource
    except ImportError:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def qgis_available() -> bool:
    """True when Debian's QGIS Python bindings can be imported."""
    return QGIS_PYTHON.exists() and _qgis_import_ok()


def _qgis_import_ok() -> bool:
    try:
        done = subprocess.run(
            [str(QGIS_PYTHON), "-c", "import qgis.core"],
            capture_output=True,
            timeout=60,
            check=False,
            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def run_qgis(script: str, runs: int) -> float | None:
    """Run ``script`` (which prints seconds per run, one per line) under QGIS's Python."""
    done = subprocess.run(
        [str(QGIS_PYTHON), "-c", script, str(runs)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    if done.returncode != 0:
        print(f"(QGIS peer failed: {done.stderr.strip()[-300:]})", file=sys.stderr)
        return None
    times = [float(line) for line in done.stdout.split() if line.strip()]
    return statistics.median(times) if times else None


def print_table(results: list[Result]) -> None:
    """Print a readable table of the results."""
    print()
    cols = ("median s", "target s", "ratio", "peak MB", "QGIS s")
    head = f"{'task':<34} {'size':>8} " + " ".join(f"{c:>9}" for c in cols)
    print(head)
    print("-" * len(head))
    for r in results:
        target = f"{r.target_s:.2f}" if r.target_s is not None else "-"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else "-"
        peer = f"{r.peer_median_s:.2f}" if r.peer_median_s is not None else "-"
        ok = "" if r.target_s is None or r.median_s <= r.target_s else "  OVER TARGET"
        cells = " ".join(f"{c:>9}" for c in (f"{r.median_s:.3f}", target, ratio, peak, peer))
        print(f"{r.task:<34} {r.size:>8} {cells}{ok}")


def emit(result: Result, results: list[Result]) -> None:
    """Print ``result`` as a JSON line at once and keep it for the table."""
    print(result.to_json(), flush=True)
    results.append(result)
