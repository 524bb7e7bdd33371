"""The public API is pinned: adding or removing a name is a deliberate change."""

from __future__ import annotations

import sir_format
import sir_format.models

MODEL_NAMES = sorted(sir_format.models.__all__)

CORE_NAMES = [
    "Codec",
    "Format",
    "InputTooLargeError",
    "Limits",
    "ParseError",
    "ReportStream",
    "SchemaVersionError",
    "SerializeError",
    "SirFormatError",
    "UnitDeclarationError",
    "__version__",
    "builders",
    "convert",
    "detect_format",
    "from_json",
    "from_xml",
    "iter_episodes",
    "load",
    "load_async",
    "metadata",
    "open_stream",
    "save",
    "save_async",
    "to_json",
    "to_xml",
]

VALIDATION_NAMES = [
    "Finding",
    "InvalidUnitDeclarationError",
    "Layer",
    "Severity",
    "SkippedRules",
    "UnitDeclaration",
    "ValidationError",
    "ValidationReport",
    "is_valid",
    "iter_findings",
    "rules",
    "validate",
]


def test_all_is_pinned() -> None:
    assert sorted(sir_format.__all__) == sorted(CORE_NAMES + VALIDATION_NAMES + MODEL_NAMES)


def test_every_exported_name_exists() -> None:
    for name in sir_format.__all__:
        assert hasattr(sir_format, name), name


def test_models_facade_exposes_root_episode_modules_and_enums() -> None:
    from sir_format.metadata import all_models, enum_types

    exported = {getattr(sir_format.models, n) for n in sir_format.models.__all__}
    for info in all_models():
        assert info.cls in exported
    for enum_type in enum_types():
        assert enum_type in exported
    assert sir_format.SIRDataVer52.__name__ == "SIRDataVer52"
    assert issubclass(sir_format.SIRDataVer52, sir_format.SIRData)
    assert sir_format.Vardtillfalle.__xsd_type__ == "VårdtillfälleTyp"


def test_importing_the_package_does_not_import_hypothesis() -> None:
    import subprocess
    import sys

    code = "import sys, sir_format; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_the_package_leaves_rarely_used_heavy_modules_unimported() -> None:
    import subprocess
    import sys

    heavy = ["asyncio", "importlib.metadata"]
    code = f"import sys, sir_format; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazily_exported_names_are_the_objects_of_their_home_modules() -> None:
    import subprocess
    import sys

    import sir_format.validation
    import sir_format.validation.catalog
    import sir_format.validation.unit

    assert sir_format.validate is sir_format.validation.validate
    assert sir_format.Finding is sir_format.validation.Finding
    assert sir_format.rules is sir_format.validation.catalog.rules
    assert sir_format.UnitDeclaration is sir_format.validation.unit.UnitDeclaration
    assert isinstance(sir_format.__version__, str)
    assert set(sir_format.__all__) <= set(dir(sir_format))
    code = "from sir_format import *; print(validate.__module__, __version__ != '')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["sir_format.validation.validator", "True"]


def test_testing_module_without_hypothesis_says_what_to_install() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import sir_format.testing\n"
        "try:\n    from sir_format.testing import reports\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'sir-format[testing]'" in out.stdout


def test_moved_names_keep_their_old_import_paths() -> None:
    import sir_format.cli
    import sir_format.errors
    import sir_format.unit
    import sir_format.validation.unit
    import sir_format.validation.validator

    for name in sir_format.unit.__all__:
        assert getattr(sir_format.unit, name) is getattr(sir_format.validation.unit, name)
    errors = sir_format.errors
    assert sir_format.unit.InvalidUnitDeclarationError is errors.InvalidUnitDeclarationError
    assert sir_format.validation.validator.ValidationError is errors.ValidationError
    assert sir_format.cli.UsageError is errors.UsageError
    assert sir_format.ValidationError is errors.ValidationError


def test_the_old_unit_module_does_not_load_the_validator() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sir_format.unit as u; print('sir_format.validation' in sys.modules);"
        " print(u.DEFAULT_SOFA_TID, 'sir_format.validation.validator' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "09:00:00", "True"]
    import pytest

    import sir_format.unit

    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = sir_format.unit.nothing
