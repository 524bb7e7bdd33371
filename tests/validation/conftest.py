"""Shared fixtures for the validation tests: the dictionary examples as text and as models."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulekit import FIXTURES, file_a, file_b

from sir_format.models import SIRData


@pytest.fixture
def fixtures_dir() -> Path:
    """``tests/fixtures`` (dictionary examples 9.1–9.4)."""
    return FIXTURES


@pytest.fixture
def report_a() -> SIRData:
    """Dictionary example 9.1 (IVA, file A) as a fresh model, safe to mutate."""
    return file_a()


@pytest.fixture
def report_b() -> SIRData:
    """Dictionary example 9.2 (IMA, file B) as a fresh model, safe to mutate."""
    return file_b()


@pytest.fixture
def xml_a() -> str:
    """The text of file A (XML)."""
    return (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")


@pytest.fixture
def json_a() -> str:
    """The text of file A (JSON)."""
    return (FIXTURES / "file_a_iva.json").read_text(encoding="utf-8")
