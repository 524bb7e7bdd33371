"""The bulk generator against the XML encoder: generate + write ÷ encode, in one process.

    python bench/bulk_generator.py                    # 20,000 episodes, seed 1, 3 rounds
    python bench/bulk_generator.py --episodes 1000 --rounds 5

Each round builds the report with :func:`sir_format.testing.bulk.generate` and streams it to a
file with :func:`sir_format.testing.bulk.write` (the work of ``sir-format testdata bulk``), then
encodes the same report with ``Codec.to_xml``. The target (issue 9): generate + write within 3×
the encoding. Times are CPU time of the thread (``time.thread_time``, the acceptance figure) and
wall time; the median of the rounds is kept.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import sir_format
from sir_format.testing import bulk

T = TypeVar("T")
TARGET = 3.0


@dataclass(frozen=True, slots=True)
class Timing:
    cpu: float
    wall: float


def timed(call: Callable[[], T]) -> tuple[T, Timing]:
    gc.collect()
    cpu, wall = time.thread_time(), time.perf_counter()
    result = call()
    return result, Timing(time.thread_time() - cpu, time.perf_counter() - wall)


def median(timings: Sequence[Timing]) -> Timing:
    return Timing(
        statistics.median(t.cpu for t in timings), statistics.median(t.wall for t in timings)
    )


def one_round(episodes: int, seed: int, out: Path) -> tuple[int, Timing, Timing, Timing]:
    """(bytes, generate, write, encode) of one round."""
    report, build = timed(partial(bulk.generate, episodes, seed))
    size, write = timed(partial(bulk.write, report, out))
    data, encode = timed(partial(sir_format.Codec().to_xml, report))
    if data != out.read_bytes():
        raise SystemExit("the writer's bytes differ from the encoder's")
    return size, build, write, encode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=20000, help="number of episodes")
    parser.add_argument("--seed", type=int, default=1, help="seed of the bulk generator")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (median kept)")
    args = parser.parse_args(argv)
    if args.episodes < 1 or args.rounds < 1:
        parser.error("--episodes and --rounds must be at least 1")
    builds: list[Timing] = []
    writes: list[Timing] = []
    encodes: list[Timing] = []
    size = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bulk.xml"
        for number in range(1, args.rounds + 1):
            print(f"round {number}/{args.rounds}", file=sys.stderr)
            size, build, write, encode = one_round(args.episodes, args.seed, out)
            builds.append(build)
            writes.append(write)
            encodes.append(encode)
    build, write, encode = median(builds), median(writes), median(encodes)
    both = [Timing(b.cpu + w.cpu, b.wall + w.wall) for b, w in zip(builds, writes, strict=True)]
    total = median(both)
    ratio_cpu, ratio_wall = total.cpu / encode.cpu, total.wall / encode.wall
    verdict = "✅" if ratio_cpu <= TARGET else "❌"
    print("# Bulk generator: `generate` + `write` against `to_xml`\n")
    print(f"- episodes: {args.episodes:,}, seed {args.seed}, {args.rounds} rounds (median)")
    print(f"- file: {size / 1e6:.1f} MB XML, {size / args.episodes / 1000:.1f} KB an episode")
    print(f"- load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| step | CPU | wall |")
    print("|---|---|---|")
    for name, timing in (
        ("`bulk.generate`", build),
        ("`bulk.write` (streamed to a file)", write),
        ("generate + write", total),
        ("`Codec.to_xml` of the same report", encode),
    ):
        print(f"| {name} | {timing.cpu:.2f} s | {timing.wall:.2f} s |")
    print(
        f"\n**ratio (generate + write) ÷ encode: {ratio_cpu:.2f}× CPU {verdict}, "
        f"{ratio_wall:.2f}× wall** (target ≤ {TARGET:g}×)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
