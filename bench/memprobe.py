"""Peak memory of streaming one report file, measured in a fresh process.

Run by ``bench/run.py`` as a subprocess (so nothing else is in the heap)::

    python bench/memprobe.py iter PATH        # iterate sir_format's iter_episodes
    python bench/memprobe.py validate PATH    # sir_format.validate(PATH) (streams a path)

It prints one JSON object, with the pass's wall time (``seconds``) and the CPU time of the
thread that ran it (``cpu_seconds``). Three memory measures, all *above the baseline* taken
after imports and a warm-up on a tiny file (compiled schema, binders):

- ``rss_peak``: the highest resident set size seen by a sampling thread (every 2 ms, from
  ``/proc/self/statm``) minus the RSS before the pass. Counts everything: Python objects,
  libxml2's C allocations, allocator slack.
- ``maxrss_delta``: growth of ``getrusage().ru_maxrss`` (the kernel's high-water mark) over the
  pass; zero when the pass never exceeds the warm-up peak.
- ``tracemalloc_peak``: the Python heap's peak during a second pass under ``tracemalloc``
  (misses libxml2's own allocations; slower, so it runs after the RSS pass).

The acceptance figure is the larger of ``rss_peak`` and ``maxrss_delta``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data_cache

from sir_format.testing import bulk

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * _PAGE


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class _Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss()
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.002):
            self.peak = max(self.peak, _rss())

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return max(self.peak, _rss())


def _task(mode: str, path: Path) -> Callable[[], int]:
    codec = data_cache.bulk_codec()
    if mode == "iter":

        def iterate() -> int:
            count = 0
            for _ in codec.iter_episodes(path):
                count += 1
            return count

        return iterate
    if mode == "validate":
        from run import find_validate  # the same lookup as the timing run

        validate = find_validate()
        if validate is None:
            raise SystemExit("sir_format.validate is not available")

        def check() -> int:
            report = validate(path, profile="registry", limits=codec.limits)
            return len(getattr(report, "findings", ()) or ())

        return check
    if mode == "from_xml":
        data = path.read_bytes()  # in memory before the baseline: the bytes are the input

        def read_all() -> int:
            report = codec.from_xml(data)  # the model is kept until the peak is taken
            return len(report.vardtillfalle)

        return read_all
    raise SystemExit(f"unknown mode {mode!r}")


def measure(mode: str, path: Path) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "warm.xml"
        bulk.write(bulk.generate(5, 99), tiny)
        _task(mode, tiny)()  # compile schemas, build binders, import rule modules
    task = _task(mode, path)
    gc.collect()
    before_rss, before_max = _rss(), _maxrss()
    sampler = _Sampler()
    sampler.start()
    cpu_started = time.thread_time()  # the sampler runs in its own thread: not counted
    started = time.perf_counter()
    result = task()
    seconds = time.perf_counter() - started
    cpu_seconds = time.thread_time() - cpu_started
    peak = sampler.stop()
    maxrss_delta = max(0, _maxrss() - before_max)
    gc.collect()
    tracemalloc.start()
    task()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = path.stat().st_size
    rss_peak = max(0, peak - before_rss)
    worst = max(rss_peak, maxrss_delta)
    return {
        "mode": mode,
        "file_bytes": size,
        "result": result,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "baseline_rss": before_rss,
        "rss_peak": rss_peak,
        "maxrss_delta": maxrss_delta,
        "tracemalloc_peak": traced_peak,
        "peak_above_input": worst,
        "ratio_to_file": worst / size,
    }


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
