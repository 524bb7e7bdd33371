"""Time the Hypothesis strategies: a valid one-episode report per example.

    python bench/strategies.py                    # 300 examples of reports(max_episodes=1)
    python bench/strategies.py --examples 1000
    python bench/strategies.py --max-episodes 3 --format xml

Runs one ``@given`` test in this process with Hypothesis's generate phase only (no database,
no shrinking, no deadline) and records the moment each example reaches the test body. The
time between two consecutive examples is what one example costs, Hypothesis's engine
included. The report prints the median and the 90th percentile per example as CPU time of the
thread and as wall time (other processes disturb the CPU time far less); there is no floor to
compare with, so there is no ratio. The target of the strategies is a median of at most 5 ms
per example.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Sequence

from hypothesis import HealthCheck, Phase, given, settings

from sir_format.testing import reports

TARGET_MS = 5.0
"""The strategies' target: median milliseconds per valid one-episode report."""


def measure(
    examples: int, max_episodes: int = 1, fmt: str | None = None
) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU seconds per example, one value per example after the first."""
    walls: list[float] = []
    cpus: list[float] = []
    strategy = reports(max_episodes=max_episodes, format=fmt)

    @settings(
        max_examples=examples,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def body(report: object) -> None:
        walls.append(time.perf_counter())
        cpus.append(time.thread_time())

    body()
    return _gaps(walls), _gaps(cpus)


def _gaps(moments: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(moments)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=300, help="examples (default 300)")
    parser.add_argument("--max-episodes", type=int, default=1, help="episodes per report")
    parser.add_argument("--format", choices=("xml", "json"), default=None, help="draw bytes")
    parser.add_argument("--warmup", type=int, default=50, help="examples before timing")
    args = parser.parse_args(argv)
    if args.examples < 2:
        parser.error("--examples must be at least 2")
    if args.warmup:
        measure(args.warmup, args.max_episodes, args.format)
    walls, cpus = measure(args.examples, args.max_episodes, args.format)
    cpu_median = statistics.median(cpus)
    deciles = statistics.quantiles(cpus, n=10)
    print(
        f"reports(max_episodes={args.max_episodes}, format={args.format}): "
        f"median {_ms(cpu_median)} CPU, {_ms(statistics.median(walls))} wall per example; "
        f"p90 {_ms(deciles[-1])} CPU (n={len(cpus)}; target {TARGET_MS:.0f} ms median)"
    )
    return 0 if cpu_median * 1000 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
