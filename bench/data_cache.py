"""The benchmarks' cache of generated report files, in ``bench/data/`` (git-ignored).

The files come from the package's seeded bulk generator (:mod:`sir_format.testing.bulk`); a
file is generated once per ``(kind, episodes, seed, generator version)`` and then reused.

    python bench/data_cache.py --episodes 20000 --seed 1     # fill the cache ahead of a run
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import sir_format
from sir_format.testing import bulk

__all__ = ["DATA_DIR", "GENERATOR_VERSION", "bulk_codec", "cached", "main"]

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = bulk.GENERATOR_VERSION


def bulk_codec() -> sir_format.Codec:
    """A codec without the episode and size limits, for files above 5,000 episodes."""
    return sir_format.Codec(sir_format.Limits(max_episodes=None, max_bytes=None))


def cached(
    episodes: int,
    seed: int,
    fmt: bulk.Format = "xml",
    *,
    kind: bulk.Kind = "icu",
    directory: Path = DATA_DIR,
) -> Path:
    """Path of the cached file for these arguments, generating it (both formats) if needed."""
    stem = f"bulk-v{GENERATOR_VERSION}-{kind}-n{episodes}-s{seed}"
    path = directory / f"{stem}.{fmt}"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        report = bulk.generate(episodes, seed, kind=kind)
        for other in bulk.FORMATS:
            bulk.write(report, directory / f"{stem}.{other}")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1000, help="number of episodes")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--kind", choices=bulk.KINDS, default="icu", help="kind of unit")
    args = parser.parse_args(argv)
    print(f"cached: {cached(args.episodes, args.seed, kind=args.kind)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
