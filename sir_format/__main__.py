"""``python -m sir_format``: the ``sir-format`` command line."""

from sir_format.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
