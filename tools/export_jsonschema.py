"""Write the shipped JSON Schema ``sir_format/schemas/SIRData.schema.json`` from the metadata.

Usage::

    python tools/export_jsonschema.py [--check] [--out PATH]

Run it after ``tools/generate.py``. ``--check`` writes nothing and exits 1 when the shipped file
differs from what the metadata gives.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sir_format.jsonschema import SCHEMA_RESOURCE, schema_text, write_schema

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sir_format" / "schemas" / SCHEMA_RESOURCE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    parser.add_argument("--check", action="store_true", help="only check that OUT is current")
    args = parser.parse_args(argv)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != schema_text():
            print(f"{args.out} is stale: run python tools/export_jsonschema.py", file=sys.stderr)
            return 1
        return 0
    write_schema(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
