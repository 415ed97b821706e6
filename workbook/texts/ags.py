"""German (and English) messages about regional keys (``workbook.ags``)."""

from __future__ import annotations

AGS_NOT_A_KEY = ("'{value}' ist kein Kreisschlüssel (5 Ziffern 0-9 erwartet, z. B. 05315) "
                 "/ not an AGS: expected 5 ASCII digits")
AGS_GEMEINDE_REFUSED = ("'{value}' ist ein Gemeindeschlüssel; der Kreis wäre {kreis}. Das Drehbuch rechnet "
                        "bisher nur für Kreise: bitte den Kreisschlüssel {kreis} angeben "
                        "/ a municipality key: the workbook works on Kreise (Kreis {kreis})")
AGS_LAND_REFUSED = ("'{value}' ist ein Länderschlüssel (2 Ziffern); erwartet ein Kreisschlüssel (5 Ziffern, "
                    "z. B. 05315) / a Land key: expected a 5-digit Kreis key")
