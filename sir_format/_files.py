"""File names and the one atomic writer (used by the codec, the JSON Schema export and the CLI)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sir_format.errors import SirFormatError

PathLike = str | os.PathLike[str]


def checked_path(path: PathLike, error: type[SirFormatError] = SirFormatError) -> Path:
    """``path`` as a :class:`Path`; raises ``error`` for a NUL byte, which no OS accepts."""
    name = os.fspath(path)
    if "\0" in name:
        raise error(f"cannot use {name!r} as a file name: it contains a NUL byte")
    return Path(name)


def same_file(first: PathLike, second: PathLike) -> bool:
    """True when both paths name one file (other spellings, symbolic and hard links)."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(first) == os.path.realpath(second)


def write_atomically(path: PathLike, data: bytes) -> None:
    """Replace the file at ``path`` with ``data``: temporary file, fsync, rename.

    A symbolic link is followed: its target is replaced and the link stays. A failure leaves
    any existing file unchanged and no temporary file behind, and raises :class:`OSError`
    naming ``path`` (and the link's target), never the temporary file. A new file gets the
    usual permissions (``0o666`` less the umask); an existing file keeps its mode.
    """
    with writing_atomically(path) as handle:
        handle.write(data)


def _mode(file: Path) -> int:
    try:
        return file.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    mode = _mode(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


@contextlib.contextmanager
def writing_atomically(path: PathLike) -> Iterator[BinaryIO]:
    """A binary file to write piece by piece; it replaces ``path`` when the block ends.

    The same guarantees as :func:`write_atomically`: an exception inside the block leaves any
    existing file unchanged and no temporary file behind.
    """
    given = checked_path(path)
    target = Path(os.path.realpath(given))
    try:
        with _replacing(target) as handle:
            yield handle
    except OSError as exc:
        name = str(given) if target == Path(os.path.abspath(given)) else f"{given} -> {target}"
        raise OSError(exc.errno, exc.strerror or str(exc), name) from exc


def _sync_directory(directory: Path) -> None:
    """Make the rename durable, where the OS lets a directory be opened and synced."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
