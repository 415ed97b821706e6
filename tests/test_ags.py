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
