"""An xsdata generator plugin that writes the report model as ``msgspec.Struct`` classes.

Registered with ``CodeWriter.register_generator("msgspec", MsgspecGenerator)`` and selected by
``<Format>msgspec</Format>`` in the committed ``.xsdata.xml``. ``tools/generate.py`` drives it.
"""

from .generator import FORMAT_NAME, MsgspecGenerator

__all__ = ["FORMAT_NAME", "MsgspecGenerator"]
