"""`sir-format validate` against `xmllint --noout --schema` on the same file: CPU time ratio.

    python bench/xmllint.py                        # 20,000 episodes, seed 1, 3 rounds
    python bench/xmllint.py --episodes 1000 --rounds 5
    python bench/xmllint.py --xmllint /opt/libxml2/bin/xmllint

The file comes from the package's seeded bulk generator (:mod:`sir_format.testing.bulk`),
cached in ``bench/data/`` (``bench/data_cache.py``).
xmllint, libxml2's command line tool, checks the file against the schema only; sir-format
checks well-formedness, the schema and every registry rule, and writes the text report. The
target (issue 8): sir-format within 5× xmllint's CPU time on 20,000 episodes.

- **xmllint** runs as a subprocess. Its CPU time (user + system) comes from the kernel's
  accounting of that one child (``os.wait4``); it includes xmllint's start-up, reading the
  schema and building the whole document in memory, which is how it validates.
- **sir-format** runs in this process, as ``sir-format validate FILE`` runs it: the file is
  streamed through ``sir_format.validate(path)`` (all layers, Swedish texts) and the text report
  is rendered. Its CPU time is this process's (``time.process_time``, user + system); the
  interpreter's start-up and imports are done before timing.
- Wall time is shown for both. The rounds are interleaved (xmllint, then sir-format) and the
  median is kept.
- The schema allows at most 5,000 episodes per file. Above that, xmllint gets a copy of the
  schema in which the episode element's ``maxOccurs`` is ``unbounded``, and sir-format reads the
  file with ``Limits(max_episodes=None, max_bytes=None)``; otherwise both would stop at the
  5,001st episode.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data_cache

import sir_format
from sir_format.metadata import model_info
from sir_format.models import SIRData
from sir_format.validation import outputs, validate

TARGET = 5.0
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCHEMA = "SIRDataVer52.xsd"
INSTALL_HINT = (
    "xmllint is not installed. It comes with libxml2's tools: "
    "`apt-get install libxml2-utils` (Debian, Ubuntu), `dnf install libxml2` (Fedora), "
    "`brew install libxml2` (macOS); or name it with --xmllint PATH."
)


@dataclass(frozen=True)
class Timing:
    cpu: float
    wall: float


def episode_limit() -> int:
    limit = model_info(SIRData).by_py["vardtillfalle"].max_occurs
    assert limit is not None
    return limit


def schema_for(episodes: int, directory: Path) -> Path:
    """The shipped XSD, or a copy without the episode limit when ``episodes`` is above it."""
    shipped = resources.files("sir_format.schemas").joinpath(SCHEMA)
    if episodes <= episode_limit():
        return Path(str(shipped))
    tree = etree.fromstring(shipped.read_bytes())
    wire = model_info(SIRData).by_py["vardtillfalle"].wire_name
    (element,) = tree.iterfind(f".//{{{XSD_NS}}}element[@name='{wire}']")
    element.set("maxOccurs", "unbounded")
    path = directory / SCHEMA
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    return path


def run_xmllint(xmllint: str, schema: Path, data: Path) -> tuple[Timing, int, str]:
    """One xmllint run: its CPU time (from the kernel's accounting of the child), wall time,
    exit status and standard error."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            [xmllint, "--noout", "--schema", str(schema), str(data)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode("utf-8", "replace")
    return Timing(usage.ru_utime + usage.ru_stime, wall), child.returncode, text


def run_sir_format(data: Path, limits: sir_format.Limits | None) -> tuple[Timing, str]:
    """One run of what `sir-format validate FILE` does, timed in this process."""
    cpu, started = time.process_time(), time.perf_counter()
    report = validate(data, limits=limits)
    text = outputs.render([report], "text", lang="sv").decode("utf-8")
    timing = Timing(time.process_time() - cpu, time.perf_counter() - started)
    return timing, text.splitlines()[0]


def warm_up() -> float:
    """Validate the bundled example once, untimed in the comparison: the validator's modules
    and the compiled schema are loaded on first use. Returns that first call's CPU time."""
    cpu = time.process_time()
    example = resources.files("sir_format") / "examples" / "ima.xml"
    with resources.as_file(example) as path:
        run_sir_format(path, None)
    return time.process_time() - cpu


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def _xmllint_version(xmllint: str) -> str:
    result = subprocess.run([xmllint, "--version"], capture_output=True, text=True, check=False)
    first = (result.stderr or result.stdout).splitlines()
    return first[0] if first else "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=20000, help="episodes in the file")
    parser.add_argument("--seed", type=int, default=1, help="seed of the bulk generator")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (median kept)")
    parser.add_argument("--xmllint", default="xmllint", help="the xmllint program")
    parser.add_argument(
        "--data-dir", type=Path, default=data_cache.DATA_DIR, help="cache of generated files"
    )
    args = parser.parse_args(argv)
    if args.episodes < 1 or args.rounds < 1:
        parser.error("--episodes and --rounds must be at least 1")
    xmllint = shutil.which(args.xmllint)
    if xmllint is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2

    data = data_cache.cached(args.episodes, args.seed, "xml", directory=args.data_dir)
    above = args.episodes > episode_limit()
    limits = data_cache.bulk_codec().limits if above else None
    first_call = warm_up()
    ours: list[Timing] = []
    theirs: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="sir-bench-") as scratch:
        schema = schema_for(args.episodes, Path(scratch))
        for _ in range(args.rounds):
            timing, status, errors = run_xmllint(xmllint, schema, data)
            if status != 0:
                print(f"xmllint did not validate {data} (exit status {status}):", file=sys.stderr)
                print("\n".join(errors.splitlines()[:5]), file=sys.stderr)
                return 1
            theirs.append(timing)
            timing, summary = run_sir_format(data, limits)
            ours.append(timing)

    cpu = statistics.median(t.cpu for t in ours), statistics.median(t.cpu for t in theirs)
    wall = statistics.median(t.wall for t in ours), statistics.median(t.wall for t in theirs)
    ratio = cpu[0] / cpu[1]
    print("# `sir-format validate` and `xmllint --noout --schema`\n")
    print(f"- file: {data.name} ({args.episodes:,} episodes, {data.stat().st_size / 1e6:.1f} MB)")
    print(f"- xmllint: {xmllint} ({_xmllint_version(xmllint)})")
    print(f"- sir-format {sir_format.__version__}, Python {platform.python_version()}")
    print(
        f"- lxml {'.'.join(map(str, etree.LXML_VERSION))}, libxml2 "
        + ".".join(map(str, etree.LIBXML_VERSION))
    )
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"- cpu_count: {os.cpu_count()}, load average after timing: {load}")
    print(f"- rounds: {args.rounds}, interleaved; median")
    if above:
        print(
            f"- above the schema's {episode_limit():,}-episode limit: xmllint used a copy of the "
            "schema without it, sir-format Limits(max_episodes=None, max_bytes=None)"
        )
    print(
        f"- not timed: sir-format's first call (loading the validator, compiling the schema), "
        f"{_seconds(first_call)} CPU on the bundled example; xmllint's times include its start-up"
    )
    print(f"- sir-format's verdict: {summary}")
    print("- xmllint's verdict: the file validates\n")
    print("| | CPU time | wall time |")
    print("|---|---|---|")
    print(f"| `xmllint --noout --schema` | {_seconds(cpu[1])} | {_seconds(wall[1])} |")
    print(f"| `sir-format validate` | {_seconds(cpu[0])} | {_seconds(wall[0])} |")
    mark = "within" if ratio <= TARGET else "ABOVE"
    wall_ratio = wall[0] / wall[1]
    print(f"| ratio | **{ratio:.2f}×** ({mark} the target of {TARGET:g}×) | {wall_ratio:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
