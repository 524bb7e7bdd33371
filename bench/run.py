"""Benchmarks: sir_format's codecs and validator against the raw floor, in one process.

    python bench/run.py                 # 1,000 and 20,000 episodes, 5 rounds
    python bench/run.py --quick         # 1,000 episodes, 3 rounds
    python bench/run.py --rounds 7 --json results.json

Method (see ``bench/README.md``): every contender runs on the same bytes in this one process,
interleaved round by round (the order rotates each round), and the median of the rounds is kept.
Each ratio divides by a raw floor measured in the same run on the same bytes, so machine speed
cancels out. Every call is timed twice over: CPU time of the thread (``time.thread_time``, the
acceptance figure, little disturbed by other processes) and wall time (``time.perf_counter``).
Fixtures (parsed trees, model objects) are built before timing and frozen out of the garbage
collector's view (``gc.freeze``); before each timed call ``gc.collect()`` runs, and the collector
stays enabled during the call (what a caller gets) unless ``--gc off`` disables it for every
contender alike. A contender that pauses the collector itself is compared with its floor run
with the collector paused too (both floor variants run in the same interleaved rounds). glibc is
kept from returning freed memory to the system, so that no contender pays for page faults
another one caused. Streaming memory is measured in a fresh subprocess (``bench/memprobe.py``)
with the default allocator.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data_cache

HERE = Path(__file__).resolve().parent
SEED = 1
FULL_SIZES = (1000, 20000)
SCHEMA_EPISODE_LIMIT = 5000
# Slow contenders (none at present) get at most this many rounds on files above 5,000 episodes.
SLOW_ROUNDS_LARGE = 3

Validate = Callable[..., Any]


def find_validate() -> Validate | None:
    """``sir_format.validate`` once the validation package provides it, else ``None``."""
    import sir_format

    found = getattr(sir_format, "validate", None)
    if found is None:
        try:
            from sir_format import validation

            found = getattr(validation, "validate", None)
        except ImportError:
            return None
    return found if callable(found) else None


# --------------------------------------------------------------------------- timing


# Key suffix of a floor's variant that runs with the collector paused (see ``pair_floors``).
PAUSED = " [gc paused]"


@dataclass
class Contender:
    key: str
    run: Callable[[], object]
    slow: bool = False
    gc_paused: bool = False  # the collector is disabled for this call whatever ``--gc`` says
    paused_itself: bool = False  # seen calling gc.disable() during a timed call
    times: list[float] = field(default_factory=list)  # wall seconds, one per round
    cpu: list[float] = field(default_factory=list)  # CPU seconds of the thread, one per round

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


_gc_disable = gc.disable


def _watching_gc_disable(calls: list[None]) -> Callable[[], None]:
    def spy() -> None:
        calls.append(None)
        _gc_disable()

    return spy


def pauses_gc(run: Callable[[], object]) -> bool:
    """Whether ``run`` disables the cyclic collector itself (one untimed call, watched)."""
    calls: list[None] = []
    enabled = gc.isenabled()
    gc.disable = _watching_gc_disable(calls)
    try:
        run()
    finally:
        gc.disable = _gc_disable
        if enabled:
            gc.enable()
    return bool(calls)


def pair_floors(
    contenders: list[Contender], floors: dict[str, list[str]], *, gc_on: bool
) -> dict[str, str]:
    """The floor each contender is divided by, in the contender's collector state.

    ``floors`` maps a floor key to the contenders measured against it. A contender that pauses
    the collector itself gets a variant of its floor that runs with the collector paused, added
    to ``contenders`` so that it is timed in the same interleaved rounds. Returns
    ``{contender key: floor key}``. Slow contenders are not probed, to spare a call of
    tens of seconds; the timed calls are watched instead (see ``gc_mismatches``).
    """
    by_key = {c.key: c for c in contenders}
    paired: dict[str, str] = {}
    for floor, users in floors.items():
        for user in users:
            if user not in by_key:
                continue
            contender = by_key[user]
            paused = gc_on and not contender.slow and pauses_gc(contender.run)
            key = floor + PAUSED if paused else floor
            if key not in by_key:
                base = by_key[floor]
                by_key[key] = Contender(key, base.run, gc_paused=True)
                contenders.insert(contenders.index(base) + 1, by_key[key])
            paired[user] = key
    return paired


def gc_mismatches(
    contenders: list[Contender], floors: dict[str, str], *, gc_on: bool
) -> list[str]:
    """Contenders whose timed calls paused the collector while their floor did not, or back."""
    if not gc_on:
        return []
    return [
        c.key
        for c in contenders
        if c.key in floors and c.paused_itself != floors[c.key].endswith(PAUSED)
    ]


def keep_heap_warm() -> bool:
    """Stop glibc from handing freed memory back to the system (Linux only).

    Whether a contender finds freed memory still mapped (fast) or must fault fresh pages in
    (slow: up to 2× for an lxml parse on a small VM) otherwise depends on what ran just before
    it. With trimming and mmap'ed chunks turned off, the C heap stays warm for every contender,
    which gives the C floors their best case (Python objects still live in pymalloc's arenas).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_max = -1, -4
    return bool(mallopt(m_trim_threshold, 2**31 - 1)) and bool(mallopt(m_mmap_max, 0))


def settle_heap() -> None:
    """Bring glibc's free lists to one state before every timed call (untimed).

    Freeing a large result (an lxml tree) leaves many small chunks in malloc's fast bins; the
    next request of 1 KiB or more consolidates and sorts them all, and that cost would land on
    whichever contender runs next. One large request here pays it outside the timing.
    """
    bytearray(1 << 16)


def _time_once(contender: Contender, gc_on: bool) -> None:
    gc.collect()
    settle_heap()
    if not gc_on or contender.gc_paused:
        gc.disable()
    calls: list[None] = []
    gc.disable = _watching_gc_disable(calls)
    try:
        cpu_started = time.thread_time()
        started = time.perf_counter()
        result = contender.run()
        elapsed = time.perf_counter() - started
        cpu = time.thread_time() - cpu_started
    finally:
        gc.disable = _gc_disable
        gc.enable()
    contender.paused_itself = contender.paused_itself or bool(calls)
    del result  # freeing the result is not part of the operation
    contender.times.append(elapsed)
    contender.cpu.append(cpu)


def run_rounds(
    contenders: list[Contender], rounds: int, *, gc_on: bool, slow_rounds: int, label: str
) -> None:
    """Interleave the contenders round by round; the start of the order rotates each round."""
    gc.collect()
    gc.freeze()  # fixtures are long-lived: keep them out of every contender's collections
    try:
        for number in range(rounds):
            shift = number % len(contenders)
            order = contenders[shift:] + contenders[:shift]
            for contender in order:
                if contender.slow and number >= slow_rounds:
                    continue
                _time_once(contender, gc_on)
            _progress(f"{label}: round {number + 1}/{rounds} done")
    finally:
        gc.unfreeze()


def _progress(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- contenders


@dataclass
class SizeResult:
    episodes: int
    xml_bytes: int
    json_bytes: int | None
    medians: dict[str, float]  # wall
    cpu_medians: dict[str, float]  # CPU time of the thread
    rounds: dict[str, int]
    spread: dict[str, float]  # of the CPU times
    times: dict[str, list[float]]
    cpu: dict[str, list[float]]
    floors: dict[str, str]  # contender → the floor key it is divided by
    notes: list[str]


def measure_size(
    episodes: int, rounds: int, *, gc_on: bool, validate: Validate | None
) -> SizeResult:
    import orjson
    from lxml import etree

    from sir_format.errors import SirFormatError

    notes: list[str] = []
    codec = data_cache.bulk_codec()
    xml_path = data_cache.cached(episodes, SEED, "xml")
    xml = xml_path.read_bytes()
    json_data = data_cache.cached(episodes, SEED, "json").read_bytes()
    if episodes > SCHEMA_EPISODE_LIMIT:
        notes.append(
            f"{episodes:,} episodes is above the schema's {SCHEMA_EPISODE_LIMIT:,}-episode file "
            "limit: read and written with Codec(Limits(max_episodes=None, max_bytes=None))"
        )

    _progress(f"{episodes:,} episodes: building fixtures")
    tree = etree.fromstring(xml)
    report = codec.from_xml(xml)

    contenders = [
        Contender("lxml.fromstring", lambda: etree.fromstring(xml)),
        Contender("from_xml", lambda: codec.from_xml(xml)),
        Contender("lxml.tostring", lambda: etree.tostring(tree)),
        Contender("to_xml", lambda: codec.to_xml(report)),
    ]
    if json_data is not None:
        builtins = orjson.loads(json_data)
        contenders += [
            Contender("orjson.loads", lambda: orjson.loads(json_data)),
            Contender("orjson.dumps", lambda: orjson.dumps(builtins)),
            Contender("to_json", lambda: codec.to_json(report)),
        ]
        try:
            decoded = codec.from_json(json_data)
        except SirFormatError as exc:
            notes.append(
                f"{episodes:,} episodes: `from_json` not measured, it refused the file "
                f"with the limits lifted: {exc}"
            )
        else:
            contenders.append(Contender("from_json", lambda: codec.from_json(json_data)))
            if decoded != report:
                notes.append(f"{episodes:,} episodes: warning: from_json and from_xml disagree")
            del decoded
    else:
        notes.append("JSON rows skipped: sir_format._json is not available yet")
    if validate is not None:
        limits = codec.limits
        contenders += [
            Contender("validate.schema", lambda: validate(xml, profile="schema", limits=limits)),
            Contender("validate.registry", lambda: validate(xml, limits=limits)),
        ]
        notes.append(f"{episodes:,} episodes: " + _finding_summary(validate(xml, limits=limits)))
    else:
        notes.append("validation rows skipped: sir_format.validate is not importable yet")

    floor_users = {
        bottom: [top for _, top, b, _, _ in RATIO_ROWS if b == bottom]
        for bottom in dict.fromkeys(b for _, _, b, _, _ in RATIO_ROWS)
    }
    floors = pair_floors(contenders, floor_users, gc_on=gc_on)
    slow_rounds = rounds if episodes <= SCHEMA_EPISODE_LIMIT else min(rounds, SLOW_ROUNDS_LARGE)
    if slow_rounds < rounds:
        notes.append(f"slow contenders ran {slow_rounds} of {rounds} rounds at this size")
    run_rounds(
        contenders,
        rounds,
        gc_on=gc_on,
        slow_rounds=slow_rounds,
        label=f"{episodes:,} episodes",
    )
    for key in gc_mismatches(contenders, floors, gc_on=gc_on):
        notes.append(
            f"{episodes:,} episodes: warning: {_code(key)} and its floor ran in different "
            "collector states"
        )
    result = SizeResult(
        episodes=episodes,
        xml_bytes=len(xml),
        json_bytes=len(json_data) if json_data is not None else None,
        medians={c.key: c.median for c in contenders},
        cpu_medians={c.key: c.cpu_median for c in contenders},
        rounds={c.key: len(c.times) for c in contenders},
        spread={c.key: (max(c.cpu) - min(c.cpu)) / c.cpu_median for c in contenders},
        times={c.key: list(c.times) for c in contenders},
        cpu={c.key: list(c.cpu) for c in contenders},
        floors=floors,
        notes=notes,
    )
    return result


def _finding_summary(report: Any) -> str:
    findings = list(getattr(report, "findings", ()) or ())
    counts: dict[str, int] = {}
    for finding in findings:
        severity = getattr(getattr(finding, "severity", None), "name", "?")
        counts[severity] = counts.get(severity, 0) + 1
    detail = ", ".join(f"{k.lower()}: {v}" for k, v in sorted(counts.items())) or "none"
    return f"registry validation of the generated file found {detail}"


_MEMORY_LABELS = {
    "iter": "`iter_episodes` (count only)",
    "from_xml": "`from_xml(bytes)` (the whole model kept; bytes in memory before the baseline)",
    "validate": "`validate(path)` (registry)",
}


def probe_memory(mode: str, path: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(HERE / "memprobe.py"), mode, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        return {"mode": mode, "error": completed.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


# --------------------------------------------------------------------------- report

# (operation, numerator, denominator, target text, check: (ratio, episodes) -> bool | None)
_Row = tuple[str, str, str, str, Callable[[float, int], bool] | None]
RATIO_ROWS: tuple[_Row, ...] = (
    ("XML decode", "from_xml", "lxml.fromstring", "≤ 6×", lambda r, n: r <= 6),
    ("XML encode", "to_xml", "lxml.tostring", "≤ 5×", lambda r, n: r <= 5),
    ("JSON decode", "from_json", "orjson.loads", "≤ 2×", lambda r, n: r <= 2),
    ("JSON encode", "to_json", "orjson.dumps", "≤ 2×", lambda r, n: r <= 2),
    ("Schema validation", "validate.schema", "lxml.fromstring", "≤ 3×", lambda r, n: r <= 3),
    (
        "Registry validation",
        "validate.registry",
        "lxml.fromstring",
        "≤ 10×",
        lambda r, n: r <= 10,
    ),
)
CODE = {
    "lxml.fromstring": "lxml.etree.fromstring",
    "lxml.tostring": "lxml.etree.tostring",
    "validate.schema": 'validate(profile="schema")',
    "validate.registry": "validate()",
}


def _code(key: str) -> str:
    base, paused = (key[: -len(PAUSED)], PAUSED) if key.endswith(PAUSED) else (key, "")
    return f"`{CODE.get(base, base)}`{paused}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def _round_ratios(s: SizeResult, top: str, bottom: str) -> tuple[float, float]:
    """Lowest and highest CPU-time ratio of one round to the same round's floor (noise gauge)."""
    ratios = [a / b for a, b in zip(s.cpu[top], s.cpu[bottom], strict=False)]
    return min(ratios), max(ratios)


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ❌")


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def machine() -> dict[str, str]:
    from lxml import etree

    def dotted(parts: Sequence[int]) -> str:
        return ".".join(str(p) for p in parts)

    info = {
        "cpu_count": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "load_average_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "lxml": f"{dotted(etree.LXML_VERSION)} (libxml2 {dotted(etree.LIBXML_VERSION)})",
    }
    for package in ("sir-format", "msgspec", "orjson"):
        try:
            info[package] = version(package)
        except Exception:  # pragma: no cover - a missing optional package
            info[package] = "not installed"
    return info


def _ratio_cell(s: SizeResult, top: str, bottom: str, ok: bool | None, fmt: str) -> str:
    """CPU ratio in bold (the acceptance figure), then the wall ratio, then the round range."""
    cpu = s.cpu_medians[top] / s.cpu_medians[bottom]
    wall = s.medians[top] / s.medians[bottom]
    low, high = _round_ratios(s, top, bottom)
    return (
        f"**{fmt.format(cpu)}**{_mark(ok)} CPU ({_ms(s.cpu_medians[top])} / "
        f"{_ms(s.cpu_medians[bottom])}); wall {fmt.format(wall)} ({_ms(s.medians[top])} / "
        f"{_ms(s.medians[bottom])}); rounds {low:.1f}–{high:.1f}×"
    )


def render(
    info: dict[str, str],
    sizes: list[SizeResult],
    memory: list[dict[str, Any]],
    *,
    rounds: int,
    gc_on: bool,
) -> str:
    lines = ["## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    lines += [
        f"- rounds: {rounds} (median), interleaved; GC {'enabled' if gc_on else 'disabled'}"
        " during timed calls, fixtures frozen; a floor runs with GC paused where its contender"
        " pauses it",
        "- times: CPU time of the thread (`time.thread_time`, the acceptance figure) and wall"
        " time (`time.perf_counter`)",
        "",
        "## Ratios (time ÷ floor, same bytes, same run, same GC state; lower is better)",
        "",
    ]
    header = "| operation | ratio |"
    rule = "|---|---|"
    for s in sizes:
        header += f" {s.episodes:,} episodes ({s.xml_bytes / 1e6:.1f} MB XML) |"
        rule += "---|"
    lines += [header + " target |", rule + "---|"]
    for operation, top, bottom, target, check in RATIO_ROWS:
        if not any(top in s.medians for s in sizes):
            continue
        cells = []
        paused = False
        for s in sizes:
            floor = s.floors.get(top, bottom)
            if top in s.medians and floor in s.medians:
                paused = paused or floor.endswith(PAUSED)
                ratio = s.cpu_medians[top] / s.cpu_medians[floor]
                applies = check is not None and not (
                    top == "validate.registry" and s.episodes > SCHEMA_EPISODE_LIMIT
                )
                ok = check(ratio, s.episodes) if applies and check is not None else None
                cells.append(_ratio_cell(s, top, floor, ok, "{:.2f}×"))
            else:
                cells.append("–")
        both = " (GC paused in both)" if paused else ""
        lines.append(
            f"| {operation} | {_code(top)} ÷ {_code(bottom)}{both} | "
            + " | ".join(cells)
            + f" | {target} |"
        )
    if memory:
        lines += [
            "",
            "## Streaming memory (fresh subprocess; peak above the warmed-up baseline)",
            "",
            "| what | file | peak RSS above baseline | ru_maxrss growth | tracemalloc peak |"
            " CPU / wall time | peak ÷ file size | target |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for probe in memory:
            if "error" in probe:
                lines.append(f"| {probe['mode']} | – | error: {probe['error']} | | | | | ≤ 2× |")
                continue
            what = _MEMORY_LABELS.get(probe["mode"], probe["mode"])
            target = 3 if probe["mode"] == "from_xml" else 2
            ratio = probe["ratio_to_file"]
            lines.append(
                f"| {what} | {probe['file_bytes'] / 1e6:.1f} MB | "
                f"{probe['rss_peak'] / 1e6:.1f} MB | {probe['maxrss_delta'] / 1e6:.1f} MB | "
                f"{probe['tracemalloc_peak'] / 1e6:.1f} MB | "
                f"{probe.get('cpu_seconds', float('nan')):.1f} s / {probe['seconds']:.1f} s | "
                f"**{ratio:.2f}×**{_mark(ratio <= target)} | ≤ {target}× |"
            )
    lines += [
        "",
        "## All medians",
        "",
        "CPU time of the thread / wall time; n = rounds measured; spread = (slowest − fastest)"
        " ÷ median of the CPU times, a noise indicator. `[gc paused]`: a floor run with the"
        " collector paused, for the contenders that pause it themselves.",
        "",
        "| contender |" + "".join(f" {s.episodes:,} |" for s in sizes),
        "|---|" + "---|" * len(sizes),
    ]
    keys: list[str] = []
    for s in sizes:
        keys += [k for k in s.medians if k not in keys]
    for key in keys:
        cells = [
            f"{_ms(s.cpu_medians[key])} / {_ms(s.medians[key])} (n={s.rounds[key]}, "
            f"spread {s.spread[key]:.0%})"
            if key in s.medians
            else "–"
            for s in sizes
        ]
        lines.append(f"| {_code(key)} | " + " | ".join(cells) + " |")
    notes = [n for s in sizes for n in s.notes]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in dict.fromkeys(notes)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 episodes only, 3 rounds")
    parser.add_argument("--rounds", type=int, help="rounds per contender (default 5; quick 3)")
    parser.add_argument("--json", type=Path, help="also save the results as JSON here")
    parser.add_argument(
        "--gc",
        choices=("on", "off"),
        default="on",
        help="collector state during timed calls, the same for every contender (default on)",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocess")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    sizes = (FULL_SIZES[0],) if args.quick else FULL_SIZES
    gc_on = args.gc == "on"

    info = machine()
    info["c_heap"] = "kept warm (no trimming, no mmap)" if keep_heap_warm() else "default"
    validate = find_validate()
    print(f"# sir-format benchmarks ({time.strftime('%Y-%m-%d %H:%M')})\n", flush=True)
    results: list[SizeResult] = []
    for n in sizes:
        results.append(measure_size(n, rounds, gc_on=gc_on, validate=validate))
        gc.collect()  # the fixtures of one size are gone before the next

    info["load_average_after_timing"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    memory: list[dict[str, Any]] = []
    if not args.no_memory:
        largest = data_cache.cached(sizes[-1], SEED, "xml")
        _progress(f"memory: streaming {largest.name} in a subprocess")
        memory.append(probe_memory("iter", largest))
        memory.append(probe_memory("from_xml", largest))
        if validate is not None:
            memory.append(probe_memory("validate", largest))
    text = render(info, results, memory, rounds=rounds, gc_on=gc_on)
    print(text)
    if args.json is not None:
        payload = {
            "machine": info,
            "rounds": rounds,
            "gc": args.gc,
            "sizes": [r.__dict__ for r in results],
            "memory": memory,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
