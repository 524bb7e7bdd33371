"""Probe: sir_format's JSON codec against orjson, in one process, on the same bytes.

    python bench/json_probe.py                # 1,000 episodes, 30 rounds
    python bench/json_probe.py --episodes 20000 --rounds 7
    python bench/json_probe.py --file bench/data/bulk-v2-icu-n1000-s1.json   # any report

The document repeats the episodes of the two dictionary fixtures (9.3 and 9.4) with distinct
``LokaltId`` values. Floors: ``orjson.loads`` of the bytes (decoding) and ``orjson.dumps`` of
its result (encoding). Contenders run interleaved round by round; the median is kept. Each call
is timed as CPU time of the thread (``time.thread_time``, which other busy processes on the
machine disturb less, used for the ratios) and wall time (``time.perf_counter``). The collector
stays enabled during each timed call, as a caller would have it; the codec pauses it itself, so
the orjson floors run with it paused too. ``--gc off`` disables it for every contender alike.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import orjson

from sir_format._json import JsonCodec

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def build_document(episodes: int) -> bytes:
    """A pretty-printed report with ``episodes`` episodes taken in turn from the fixtures."""
    sources = [
        json.loads((FIXTURES / f"{stem}.json").read_bytes(), parse_float=Decimal)
        for stem in ("file_a_iva", "file_b_ima")
    ]
    items = []
    for index in range(episodes):
        episode = dict(sources[index % 2]["Vårdtillfälle"][0])
        episode.pop("LokaltId", None)
        items.append({"LokaltId": f"VT-{index:06d}", **episode})
    document = {"Huvud": sources[0]["Huvud"], "Vårdtillfälle": items}
    compact = msgspec.json.Encoder(decimal_format="number").encode(document)
    return msgspec.json.format(compact, indent=2)


def run(
    contenders: dict[str, Callable[[], Any]], rounds: int, *, paused: frozenset[str]
) -> dict[str, tuple[float, float]]:
    """Median (CPU, wall) seconds per contender; those in ``paused`` run with the GC disabled."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    names = list(contenders)
    for turn in range(rounds):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            gc.collect()
            enabled = gc.isenabled()
            if name in paused:
                gc.disable()
            cpu, wall = time.thread_time(), time.perf_counter()
            result = contenders[name]()
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            if enabled:
                gc.enable()
            times[name].append((cpu, wall))
            del result  # freeing the result is not part of the operation
    return {
        name: (statistics.median(c for c, _ in values), statistics.median(w for _, w in values))
        for name, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--file", type=Path, help="measure this JSON report instead")
    parser.add_argument("--gc", choices=["on", "off"], default="on")
    args = parser.parse_args()

    data = args.file.read_bytes() if args.file else build_document(args.episodes)
    codec = JsonCodec()
    report = codec.decode(data)
    builtins = orjson.loads(data)
    assert codec.decode(codec.encode(report)) == report
    gc.freeze()  # fixtures out of the collector's view
    if args.gc == "off":
        gc.disable()

    floors = frozenset({"orjson.loads", "orjson.dumps"})  # the codec pauses the GC itself
    decode = run(
        {
            "orjson.loads": lambda: orjson.loads(data),
            "JsonCodec.decode": lambda: codec.decode(data),
        },
        args.rounds,
        paused=floors,
    )
    encode = run(
        {
            "orjson.dumps": lambda: orjson.dumps(builtins),
            "JsonCodec.encode": lambda: codec.encode(report),
        },
        args.rounds,
        paused=floors,
    )
    source = args.file.name if args.file else "fixture episodes"
    size = f"{len(report.vardtillfalle)} episodes, {len(data):,} bytes"
    print(f"{source}: {size}, {args.rounds} rounds (medians), gc {args.gc}")
    print(f"  {'':18s} {'CPU':>11s} {'ratio':>6s} {'wall':>11s} {'ratio':>6s}")
    for results, floor in ((decode, "orjson.loads"), (encode, "orjson.dumps")):
        base_cpu, base_wall = results[floor]
        for name, (cpu, wall) in results.items():
            print(
                f"  {name:18s} {cpu * 1e3:8.2f} ms {cpu / base_cpu:5.2f}x "
                f"{wall * 1e3:8.2f} ms {wall / base_wall:5.2f}x"
            )


if __name__ == "__main__":
    main()
