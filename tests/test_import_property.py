"""Property tests (issue 8): random and mutated files only ever raise InputFileError,
and a refused import never changes the overlay."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutation import mutate

from workbook.data.importer import import_file
from workbook.errors import InputFileError

GOOD = Path(__file__).resolve().parent / "fixtures" / "import"
SEED_FILES = ["excel_de_bom.csv", "latin1_umlauts.csv", "english.csv", "inkar_export.csv"]
SEEDS = {name: (GOOD / name).read_bytes() for name in SEED_FILES}
XLSX = (GOOD / "kreise.xlsx").read_bytes()

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _attempt(data: bytes, suffix: str, local: Path) -> None:
    before = (local / "overlay.csv").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"eingabe{suffix}"
        path.write_bytes(data)
        try:
            import_file(path, dry_run=True)
        except InputFileError as exc:
            assert exc.file is not None and str(exc)      # names the place
        # anything else propagates and fails the test
    assert (local / "overlay.csv").read_bytes() == before
    assert sorted(p.name for p in local.iterdir() if p.name != ".overlay.lock") == ["overlay.csv"]


@st.composite
def mutated(draw, seeds: dict[str, bytes]):
    return mutate(draw, seeds[draw(st.sampled_from(sorted(seeds)))], steps=8,
                  ops=["flip", "insert", "delete", "dup_line", "truncate"], flip=st.integers(0, 255),
                  inserts=[b";", b",", b"\"", b"\n", b"%", b"-", b"\x00", b"\xff",
                           b"1.000,5", b"Summe", b"\r\n", b"\t", b"  ", b"'"], max_delete=20)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_only_raise_input_file_error(data, local):
    _attempt(data, ".csv", local)


@SETTINGS
@given(data=mutated(SEEDS))
def test_mutated_csv_and_inkar_only_raise_input_file_error(data, local):
    _attempt(data, ".csv", local)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("0123456789;,.%-\" \nabcäöüß\t")), max_size=400))
def test_random_german_looking_text_only_raises_input_file_error(text, local):
    _attempt(("ags;population_2019;share_65plus\n" + text).encode("utf-8"), ".csv", local)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated({"xlsx": XLSX}))
def test_mutated_xlsx_only_raises_input_file_error(data, local):
    _attempt(data, ".xlsx", local)
