"""German (and English) messages about regional keys (``workbook.ags``)."""

from __future__ import annotations

AGS_NOT_A_KEY = ("'{value}' ist kein Kreisschlüssel (5 Ziffern 0-9 erwartet, z. B. 05315) "
                 "/ not an AGS: expected 5 ASCII digits")
AGS_GEMEINDE_REFUSED = ("'{value}' ist ein Gemeindeschlüssel; der Kreis wäre {kreis}. Das Drehbuch rechnet "
                        "bisher nur für Kreise: bitte den Kreisschlüssel {kreis} angeben "
                        "/ a municipality key: the workbook works on Kreise (Kreis {kreis})")
AGS_LAND_REFUSED = ("'{value}' ist ein Länderschlüssel (2 Ziffern); erwartet ein Kreisschlüssel (5 Ziffern, "
                    "z. B. 05315) / a Land key: expected a 5-digit Kreis key")

# -- places: a Kreis (5 digits) or a Gemeinde (8 digits) ---------------------------------------
PLACE_NOT_A_KEY = ("'{value}' ist kein Kreis- oder Gemeindeschlüssel (5 oder 8 Ziffern 0-9 erwartet, "
                   "z. B. 05315 oder 08416041) / not a key: expected 5 (Kreis) or 8 (Gemeinde) ASCII digits")
PLACE_LAND = ("'{value}' ist ein Länderschlüssel (2 Ziffern); erwartet ein Kreisschlüssel (5 Ziffern) oder "
              "Gemeindeschlüssel (8 Ziffern) / a Land key: expected a Kreis or Gemeinde key")
PLACE_UNKNOWN_KREIS = ("Kreisschlüssel '{value}' gibt es nicht (Gebietsstand 31.12.2019){hint} "
                       "/ unknown Kreis key: expected one of the 401 Kreise")
PLACE_UNKNOWN_GEMEINDE = ("Gemeindeschlüssel '{value}' gibt es nicht (Gebietsstand 31.12.2019, 10.799 bewohnte "
                          "Gemeinden){hint} / unknown Gemeinde key")
PLACE_MERGED = ("Gemeinde '{value}' ({old_name}) besteht seit einer Gebietsreform nicht mehr; heute gehört sie zu "
                "{successor_name} ({successor}). Bitte {successor} angeben / merged away: use its successor "
                "{successor}")
PLACE_VERBAND = ("'{value}' ist der Schlüssel eines Gemeindeverbands ({name}), keiner Gemeinde; seine "
                 "Gemeinden haben 8-stellige Schlüssel, z. B. {example} / a Gemeindeverband key: expected a "
                 "Gemeinde key")
PLACE_UNINHABITED = ("'{value}' ist ein gemeindefreies Gebiet ohne Einwohner; das Drehbuch rechnet für bewohnte "
                     "Gemeinden / an uninhabited area: no report")
PLACE_KREIS_HINT = "; Gemeinden des Kreises {kreis} haben Schlüssel {kreis}xxx"
PLACE_CLOSE_HINT = "; ähnlich: {close}"
PLACE_GEMEINDE_EXPECTED = ("'{value}' ist ein Kreisschlüssel; hier wird ein Gemeindeschlüssel (8 Ziffern) "
                           "erwartet, z. B. {example} / a Kreis key where a Gemeinde key is expected")
