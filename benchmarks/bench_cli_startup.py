"""Start-up time of the simple CLI commands: the median wall time of N runs of each, as a new
process (``python -c "from yeouido.cli.main import app; app()" ARGS``, what the ``yeouido``
script does). Goal (issue #12): under 0.5 s each. The calendar cache of the user cache
directory is used as it is (run once before to fill it).

    .venv/bin/python benchmarks/bench_cli_startup.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("version",),
    ("--version",),
    ("--help",),
    ("rules", "005930"),
    ("today",),
    ("calendar",),
    ("calendar", "--json"),
)
GOAL_SECONDS = 0.5
LAUNCH = "from yeouido.cli.main import app; app()"


def wall_time(arguments: tuple[str, ...]) -> float:
    """Seconds from launch to exit of one run (output discarded)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", LAUNCH, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    """Print the median (and min, max) wall time of each command."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    baseline = statistics.median(wall_time_python() for _ in range(runs))
    print(f"python itself: median {baseline:.3f} s ({runs} runs)")
    print(f"{'command':<24} {'median':>8} {'min':>8} {'max':>8}  goal {GOAL_SECONDS} s")
    for arguments in COMMANDS:
        wall_time(arguments)  # warm the file cache
        times = [wall_time(arguments) for _ in range(runs)]
        median = statistics.median(times)
        verdict = "ok" if median < GOAL_SECONDS else "SLOW"
        print(
            f"{' '.join(arguments):<24} {median:>7.3f}s {min(times):>7.3f}s {max(times):>7.3f}s"
            f"  {verdict}"
        )


def wall_time_python() -> float:
    """Seconds of an empty Python start, for comparison."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
