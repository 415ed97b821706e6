"""One AGS rule (workbook/ags.py): levels, leading zeros, ASCII digits only, clear refusals."""

import numpy as np
import pytest

from workbook import ags
from workbook.errors import SelectionError


@pytest.mark.parametrize("value, code, level, kreis", [
    ("05315", "05315", "kreis", "05315"),
    ("5315", "05315", "kreis", "05315"),
    (5315, "05315", "kreis", "05315"),
    (np.int64(5315), "05315", "kreis", "05315"),
    (" 05315 ", "05315", "kreis", "05315"),
    ("05", "05", "land", None),
    ("5", "05", "land", None),
    ("05315000", "05315000", "gemeinde", "05315"),
    ("5315000", "05315000", "gemeinde", "05315"),
    ("053150000000", "05315", "kreis", "05315"),       # Regionalschlüssel of the Kreis
    ("053150000001", "053150000001", "gemeinde", "05315"),
    ("53150000001", "053150000001", "gemeinde", "05315"),
])
def test_parse_levels(value, code, level, kreis):
    key = ags.parse(value)
    assert (key.code, key.level, key.kreis) == (code, level, kreis)
    assert key.land == code[:2]
    assert ags.normalise(value) == code


@pytest.mark.parametrize("value", ["０５３１５", "٠٥٣１٥", "05３15", "05315²", "", "abc", "05315x", "053",
                                   "053150", "-5315", -5315, True, 5315.0, None, "../05315", "0531500000"])
def test_not_a_key(value):
    assert ags.parse(value) is None
    assert ags.kreis_or_none(value) is None
    with pytest.raises(SelectionError, match="kein Kreisschlüssel"):
        ags.kreis_key(value)


def test_kreis_key_refuses_gemeinde_and_land_naming_the_kreis():
    assert ags.kreis_key("5315") == "05315"
    with pytest.raises(SelectionError, match=r"key 'ags'.*Gemeindeschlüssel; der Kreis wäre 05315"):
        ags.kreis_key("05315000")
    with pytest.raises(SelectionError, match=r"key 'x'.*Länderschlüssel"):
        ags.kreis_key("05", key="x")
    assert ags.kreis_or_none("05315000") is None and ags.land_or_none("5") == "05"
    assert ags.land_or_none("05315") is None


def test_is_kreis_is_strict():
    assert ags.is_kreis("05315")
    for bad in ("5315", "０５３１５", 5315, "05315 ", "053150"):
        assert not ags.is_kreis(bad)


def test_every_call_site_names_a_gemeinde_key_and_refuses_other_digits(tmp_path):
    import pandas as pd

    from workbook import data as datasets
    from workbook import nbparams
    from workbook.batch.naming import report_stem
    from workbook.batch.selection import read_ags_file, select_kreise
    from workbook.errors import BatchError

    assert nbparams.check_ags("05315000") == ("05315000", "Köln, Stadt")     # a Gemeinde is a place
    assert nbparams.check_ags(8416041) == ("08416041", "Tübingen, Universitätsstadt")
    with pytest.raises(SelectionError, match=r"Parameter 'ags'.*Gemeindeschlüssel '05315999' gibt es nicht"):
        nbparams.check_ags("05315999")
    assert nbparams.check_ags(5315)[0] == "05315"
    with pytest.raises(SelectionError, match="Parameter 'ags'"):
        nbparams.check_ags("０５３１５")
    with pytest.raises(SelectionError, match=r"Gemeindeschlüssel.*05315"):
        datasets.find_kreis("053150000001")
    assert datasets.find_kreis("053150000000") == "05315"       # the Kreis's Regionalschlüssel
    with pytest.raises(SelectionError, match="5 Ziffern"):
        datasets.find_kreis("０５３１５")
    kreise = pd.DataFrame({"ags": ["05315"], "name": ["Köln"], "land_ags": ["05"], "land_name": ["NRW"],
                           "kreis_type": ["Kreisfreie Stadt"]})
    # the batch renders a Gemeinde key as a Gemeinde report (its Kreis must be in the Kreis table)
    one = select_kreise(kreise, ags="05315000")
    assert list(one["ags"]) == ["05315000"] and list(one["level"]) == ["gemeinde"]
    assert list(one["kreis_ags"]) == ["05315"] and list(one["name"]) == ["Köln, Stadt"]
    with pytest.raises(SelectionError, match=r"key '--ags': Gemeindeschlüssel '05315999' gibt es nicht"):
        select_kreise(kreise, ags="05315999")
    with pytest.raises(SelectionError, match=r"'05315000' ist ein Gemeindeschlüssel; mit --level kreis"):
        select_kreise(kreise, ags="05315000", level="kreis")
    assert list(select_kreise(kreise, land="5")["ags"]) == ["05315"]
    f = tmp_path / "liste.txt"
    f.write_text("ags\n05315000\n5315\n", encoding="utf-8")
    assert read_ags_file(f) == ["05315000", "05315"]
    f.write_text("ags\n05315000\n０５３１５\n", encoding="utf-8")
    with pytest.raises(SelectionError, match=r"liste.txt, row 3: '０５３１５' is not an AGS"):
        read_ags_file(f)
    with pytest.raises(BatchError, match="5-digit"):
        report_stem("０５３１５", "Köln")
