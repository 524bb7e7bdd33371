"""Blocks of drawn bytes, read as choices: the fast path of the strategies.

Hypothesis spends most of an example on its own bookkeeping of every single draw. The
strategies therefore draw bytes in blocks (one draw per :data:`BLOCK` bytes) and make their
many small choices from them. Two properties keep this as good as drawing each choice:

- every choice reads bytes in order and maps **any** byte string to a valid choice, so
  whatever Hypothesis generates, mutates or shrinks a block into still decodes to a valid
  value (a report stays valid while it shrinks);
- a zero byte means the simplest choice (the first member, the lower bound, "absent", the
  shortest list), so the all-zero blocks Hypothesis shrinks towards decode to the smallest
  report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import strategies as st

__all__ = ["BLOCK", "Source"]

T = TypeVar("T")

BLOCK = 32
"""Bytes per Hypothesis draw."""

_BLOCKS = st.binary(min_size=BLOCK, max_size=BLOCK)
_BOUNDARY = 224  # first byte value that picks a bound of a range instead of a uniform value


class Source:
    """Choices read from blocks of bytes that ``draw`` supplies on demand."""

    __slots__ = ("_block", "_draw", "_pos")

    def __init__(self, draw: Callable[[st.SearchStrategy[bytes]], bytes]) -> None:
        self._draw = draw
        self._block = b""
        self._pos = 0

    def byte(self) -> int:
        """The next byte (0-255)."""
        if self._pos >= len(self._block):
            self._block = self._draw(_BLOCKS)
            self._pos = 0
        value = self._block[self._pos]
        self._pos += 1
        return value

    def below(self, n: int) -> int:
        """A number in ``range(n)``; 0 for a zero byte (``n`` >= 1)."""
        if n <= 1:
            return 0
        value = self.byte()
        span = 256
        while span < n:
            value = value * 256 + self.byte()
            span *= 256
        return value % n

    def integer(self, low: int, high: int) -> int:
        """A number in ``[low, high]``, now and then one of the bounds; ``low`` for zeros."""
        if high <= low:
            return low
        flag = self.byte()
        if flag >= _BOUNDARY:
            return low if flag & 1 else high
        return low + self.below(high - low + 1)

    def chance(self, p: float) -> bool:
        """True with probability ``p``; False for a zero byte."""
        return self.byte() >= round(256 * (1 - p))

    def boolean(self) -> bool:
        return self.chance(0.5)

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (the first for a zero byte)."""
        return options[self.below(len(options))]

    def count(self, low: int, high: int) -> int:
        """A list length in ``[low, high]``: short lists more often than long ones."""
        if high <= low:
            return low
        return low + self.below(self.below(high - low + 1) + 1)

    def sample(self, options: Sequence[T], low: int, high: int) -> list[T]:
        """Distinct members of ``options`` (by position), ``low``..``high`` of them."""
        left = list(range(len(options)))
        picked = [
            left.pop(self.below(len(left))) for _ in range(min(self.count(low, high), len(left)))
        ]
        return [options[i] for i in picked]
