"""Shared fixtures. The bundled gazette is read, cleaned and segmented once per session."""
import pytest

from kg.read import bundled_gazette, read_file


@pytest.fixture(scope="session")
def gazette():
    """The bundled gazette as a Source (晋城市人民政府公报 2022 年第 6 期)."""
    return read_file(bundled_gazette())


@pytest.fixture(scope="session")
def gazette_cleaned(gazette):
    from kg.clean import clean

    return clean(gazette)


@pytest.fixture(scope="session")
def gazette_docs(gazette_cleaned):
    from kg.segment import segment

    return segment(gazette_cleaned)
