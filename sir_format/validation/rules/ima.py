"""IMA rules, SIR-R120 and SIR-R121 (data dictionary §5.1, §6.10).

SIR-R120 is a file rule: it remembers whether the first episode is IMA or ICU and reports the
first episode of the other kind (once per file, at its ``Grunddata/Vårdtyp``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sir_format._paths import Location
from sir_format.domain.registry import IMA_REPORTING_OPENED
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SIRData, Vardtillfalle, Vardtyp
from sir_format.validation._core import EpisodeContext, Hit, episode_rule, file_rule

if TYPE_CHECKING:
    from sir_format.models import Huvud
    from sir_format.validation.unit import UnitDeclaration

__all__ = ["IMA_REPORTING_OPENED", "MixedImaRule"]

_EPISODES = model_info(SIRData).by_py["vardtillfalle"].wire_name
_GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
_G = model_info(Grunddata).by_py


def _grunddata(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


@file_rule("SIR-R120")
class MixedImaRule:
    """A file does not mix IMA episodes with ICU episodes."""

    code = "SIR-R120"

    def __init__(self) -> None:
        self._first_is_ima: bool | None = None
        self._reported = False

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterator[Hit]:
        return iter(())

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        is_ima = ctx.episode.grunddata.vardtyp is Vardtyp.IMA
        if self._first_is_ima is None:
            self._first_is_ima = is_ima
        elif is_ima != self._first_is_ima and not self._reported:
            self._reported = True
            yield Hit({}, ((_EPISODES, ctx.index), *_grunddata("vardtyp")))

    def finish(self) -> Iterator[Hit]:
        return iter(())


@episode_rule("SIR-R121")
def ima_before_opening(ctx: EpisodeContext) -> Iterator[Hit]:
    """An IMA episode starts on or after 2025-04-01."""
    if ctx.episode.grunddata.vardtyp is Vardtyp.IMA and ctx.start.date() < IMA_REPORTING_OPENED:
        yield Hit({"s": ctx.start}, _grunddata("inskrivningstid"))
