"""Time ``import sir_format`` in fresh interpreters and print the median.

    python bench/import_time.py               # 15 fresh subprocesses
    python bench/import_time.py --runs 31
    python bench/import_time.py --module sir_format.validation

Each run starts a new interpreter (the same one running this script) that times only the import
statement, with ``time.perf_counter`` (wall) and ``time.thread_time`` (CPU of the thread), so
interpreter start-up and ``site`` are not counted. Use ``python -X importtime -c "import
sir_format"`` to see where the time goes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Sequence

_PROBE = """\
import json, time
wall, cpu = time.perf_counter(), time.thread_time()
import {module}
print(json.dumps([time.perf_counter() - wall, time.thread_time() - cpu]))
"""


def measure(module: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU seconds of ``import module``, one fresh interpreter per run."""
    walls: list[float] = []
    cpus: list[float] = []
    code = _PROBE.format(module=module)
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        wall, cpu = json.loads(out.stdout)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh interpreters (default 15)")
    parser.add_argument("--module", default="sir_format", help="module to import")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    walls, cpus = measure(args.module, args.runs)
    print(
        f"import {args.module}: median {statistics.median(walls) * 1000:.1f} ms wall, "
        f"{statistics.median(cpus) * 1000:.1f} ms CPU "
        f"(n={args.runs}; wall {min(walls) * 1000:.1f}–{max(walls) * 1000:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
