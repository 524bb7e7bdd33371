"""Pause the cyclic garbage collector around bulk work.

Model objects hold no reference cycles, so collections during a large read or write only cost
time (2-8x at 20,000 episodes); pausing is safe and the previous state is restored.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block, then restore its previous state."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
