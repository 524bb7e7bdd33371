"""Resource bounds: validate() plus every renderer on hostile inputs of up to 10 MB.

Each case writes one input file, then a child Python validates it and renders it in every
output format; the peak resident memory of that child is measured with
``getrusage(RUSAGE_CHILDREN)`` by an intermediate Python that runs nothing else, so other tests'
subprocesses do not count. The bound is generous (300 MB); the timeout only stops a run away.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

MB = 1024 * 1024
SIZE = 10 * MB
PEAK_RSS_LIMIT = 300 * MB
EXAMPLES = files("sir_format") / "examples"

WORKER = """
import sys
from pathlib import Path

from sir_format import validate
from sir_format.validation import outputs

report = validate(Path(sys.argv[1]))
assert len(report.findings) <= 1000, len(report.findings)
for fmt in outputs.FORMATS:
    outputs.render(report, fmt).decode("utf-8")
print(len(report.findings), sum(report.omitted.values()))
"""

MEASURE = """
import resource, subprocess, sys

subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], check=True, timeout=60)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _xml() -> str:
    return (EXAMPLES / "iva.xml").read_text(encoding="utf-8")


def _json() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((EXAMPLES / "iva.json").read_text(encoding="utf-8"))
    return loaded


def _filled(item: Callable[[int], str], size: int) -> str:
    """``item(0) + item(1) + ...`` for as long as it stays within ``size`` bytes (ASCII)."""
    parts: list[str] = []
    used = 0
    while True:
        part = item(len(parts))
        if used + len(part) > size:
            return "".join(parts)
        parts.append(part)
        used += len(part)


def xml_unknown_elements(path: Path) -> None:
    """One episode with a huge number of unknown elements."""
    xml = _xml()
    at = xml.index("<Vårdtillfälle>") + len("<Vårdtillfälle>")
    junk = _filled(lambda i: f"<u{i}/>", SIZE - len(xml.encode("utf-8")))
    path.write_text(xml[:at] + junk + xml[at:], encoding="utf-8")


def _xml_episodes(path: Path, episode: str) -> None:
    xml = _xml()
    start, end = xml.index("<Vårdtillfälle>"), xml.index("</SIRDataVer52>")
    count = (SIZE - len(xml)) // len(episode.encode("utf-8"))
    path.write_text(xml[:start] + episode * count + xml[end:], encoding="utf-8")


def xml_tiny_invalid_episodes(path: Path) -> None:
    """Hundreds of thousands of small episodes, each failing the schema."""
    _xml_episodes(path, "<Vårdtillfälle><x/></Vårdtillfälle>")


def xml_invalid_episodes(path: Path) -> None:
    """Thousands of complete episodes, each with a wrong value."""
    xml = _xml()
    episode = xml[xml.index("<Vårdtillfälle>") : xml.index("</SIRDataVer52>")]
    _xml_episodes(path, re.sub(r">\s+<", "><", episode.replace(">Man<", ">Okänd<")))


def json_unknown_keys_at_root(path: Path) -> None:
    """A huge number of unknown keys in the root object: one finding each."""
    data = json.dumps(_json(), ensure_ascii=False)
    keys = _filled(lambda i: f',"u{i}":1', SIZE - len(data.encode("utf-8")))
    path.write_text(data[:-1] + keys + "}", encoding="utf-8")


def json_unknown_keys_in_episode(path: Path) -> None:
    """A huge number of unknown keys in one episode."""
    data = _json()
    episodes = data["Vårdtillfälle"]
    assert isinstance(episodes, list)
    text = json.dumps({**data, "Vårdtillfälle": [{**episodes[0], "u": 0}]}, ensure_ascii=False)
    keys = _filled(lambda i: f',"u{i}":1', SIZE - len(text.encode("utf-8")))
    path.write_text(text.replace(', "u": 0', keys, 1), encoding="utf-8")


def json_tiny_invalid_episodes(path: Path) -> None:
    """A million tiny episodes, each failing the schema."""
    data = json.dumps({**_json(), "Vårdtillfälle": ["-"]}, ensure_ascii=False)
    episodes = _filled(lambda i: ',{"x":1}' if i else '{"x":1}', SIZE - len(data.encode()))
    path.write_text(data.replace('"-"', episodes), encoding="utf-8")


@pytest.mark.parametrize(
    "build",
    [
        xml_unknown_elements,
        xml_tiny_invalid_episodes,
        xml_invalid_episodes,
        json_unknown_keys_at_root,
        json_unknown_keys_in_episode,
        json_tiny_invalid_episodes,
    ],
)
def test_validate_and_render_hostile_input_within_memory_bound(
    build: Callable[[Path], None], tmp_path: Path
) -> None:
    path = tmp_path / ("input.json" if build.__name__.startswith("json") else "input.xml")
    build(path)
    assert 0.9 * SIZE < path.stat().st_size <= SIZE
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, WORKER, str(path)],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    peak_kib = int(done.stdout.split()[-1])  # Linux reports KiB
    assert peak_kib * 1024 < PEAK_RSS_LIMIT, f"peak RSS {peak_kib // 1024} MiB"
    assert int(done.stdout.split()[0]) >= 1  # it found something
