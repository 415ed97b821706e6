"""German text of the one-Kreis report (bericht.ipynb) and of the key-figure tables."""

from __future__ import annotations

REPORT_TITLE = "Drehbuch Digitale Kommune: {name} ({ags})"
REPORT_SUBTITLE = (
    "{kreis_type} in {land} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "{draws} Monte-Carlo-Ziehungen je Szenario, Startwert {seed}"
)
REPORT_SUBTITLE_NO_DRAWS = (
    "{kreis_type} in {land} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "Rechnung mit den Standardwerten (ohne Unsicherheitsband)"
)

SECTION_SUMMARY = "Zusammenfassung"
SECTION_KEY_FIGURES = "Kennzahlen 2030 nach Szenario"
SECTION_SCENARIOS = "Digitalisierungsgrad in den Szenarien"
SECTION_DIVIDE = "Digitale Kluft"
SECTION_TELE = "Telemedizin"
SECTION_RESILIENCE = "Krisenfestigkeit"
SECTION_COOP = "Regionale Kooperation"
SECTION_ESTIMATES = "Welche Eingaben sind Schätzungen oder Annahmen?"
SECTION_METHOD = "Methode und Herkunft"

# -- key figure table -----------------------------------------------------------------
COL_FIGURE = "Kennzahl"
COL_UNIT = "Einheit"
COL_SOURCE = "Herkunft"
COL_VALUE = "Wert"
COL_STATUS = "Status"
COL_INPUT = "Eingabe"
COL_RANGE = "Spanne"
COL_METHOD = "Quelle / Methode"
COL_YEAR = "Stand"
COL_RANK_LAND = "Rang in {land}"
COL_RANK_TYPE = "Rang unter {kreistyp}"
RANK = "{rank} von {n}"
SECTION_WHERE = "Wo steht der Kreis?"
WHERE_INTRO = (
    "Die amtlichen Zahlen, mit denen die Modelle für diesen Kreis rechnen, mit Stand und Quelle. "
    "Der Rang zählt vom höchsten Wert an (1 = höchster Wert) unter den Kreisen desselben Landes "
    "und desselben Kreistyps. Geschätzte Werte stehen nicht hier, sondern in der Liste der Schätzungen."
)
BAND = "{mid} ({lo} bis {hi})"
KEY_FIGURES_NOTE = (
    "Median der Monte-Carlo-Rechnung, in Klammern das 90-%-Band (5. bis 95. Perzentil). "
    "Modellrechnung: Schätzung auf Grundlage der Annahmen unten, keine Vorhersage."
)
KEY_FIGURES_NOTE_DEFAULT = (
    "Rechnung mit den Standardwerten der Annahmen (ohne Unsicherheitsband). "
    "Modellrechnung: Schätzung auf Grundlage der Annahmen unten, keine Vorhersage."
)

# -- plain-German summary ------------------------------------------------------------
SUM_DDI_TREND = (
    "{Where} erreicht {name} im Jahr {year} einen Digitalisierungsgrad von "
    "{value} (2021: {start})."
)
WHERE_TREND = "im Trend"
WHERE_TREND_START = "Im Trend-Szenario (S0)"
WHERE_SCENARIO = "im Szenario „{title}“ ({sid})"
WHERE_SCENARIO_START = "Im Szenario „{title}“ ({sid})"
SUM_DDI_TREND_BAND = " Die Unsicherheit der Annahmen allein ergibt eine Spanne von {lo} bis {hi}."
SUM_DDI_RANGE = (
    "Am weitesten kommt der Kreis im Szenario „{best_title}“ ({best}), am wenigsten weit in "
    "„{worst_title}“ ({worst}); der Abstand beträgt {gap}."
)
SUM_DDI_GAP_SMALL = (
    "Der Abstand zwischen den Szenarien ist kleiner als die Unsicherheit innerhalb eines "
    "Szenarios: Welche Zukunft eintritt, ist weniger wichtig als gut gewählte Annahmen."
)
SUM_DDI_GAP_LARGE = (
    "Der Abstand zwischen den Szenarien ist größer als die Unsicherheit innerhalb eines "
    "Szenarios: Die Weichenstellung der Kommune macht einen deutlichen Unterschied."
)
SUM_WEAKEST = (
    "Der schwächste Baustein im Jahr {year} ist „{label}“ mit {value}: Dort wirkt ein Hebel am meisten."
)
SUM_DIVIDE = (
    "Von den Menschen ab 65 Jahren sind {where} {year} {value} online (2021: {start})."
)
SUM_DIVIDE_COST = " Jede zusätzlich gewonnene Person kostet durch Schulungen rund {value}."
SUM_TELE = (
    "Videosprechstunden ersparen {where} {year} rund {trips} Wege zur Hausarztpraxis und "
    "{km} Autokilometer im Jahr."
)
SUM_TELE_GAP = " Die Lücke in der hausärztlichen Versorgung liegt {year} bei {value}."
SUM_RES = (
    "Im Lockdown-Stresstest laufen {year} {where} {value} der Verwaltungsleistungen weiter."
)
SUM_COOP = (
    "Ein gemeinsamer IT-Dienst mit {partners} spart im Szenario „{scenario}“ "
    "allen Mitgliedern zusammen rund {saving} im Jahr; {losers}"
)
SUM_COOP_NONE_WORSE = "mit den Standardannahmen zahlt kein Mitglied mehr als allein."
SUM_COOP_RISK = (
    "Unter ungünstigen Annahmen (5-%-Quantil der Monte-Carlo-Rechnung) würde die Kooperation "
    "{name} aber rund {value} im Jahr mehr kosten als ein eigener Dienst."
)
SUM_COOP_SAFE = (
    "Auch unter ungünstigen Annahmen (5-%-Quantil der Monte-Carlo-Rechnung) spart {name} "
    "noch rund {value} im Jahr."
)
SUM_COOP_SOME_WORSE = "{names} würde(n) bei der einfachen Aufteilung mehr zahlen als allein."
SUM_COOP_NO_PARTNER = "Für {name} schlägt das Modell keinen Partner vor (keine Ersparnis mit den Nachbarn)."
SUM_ESTIMATES = (
    "Alle Zahlen sind Modellrechnungen. {n_data} Eingaben zum Kreis sind Schätzungen, "
    "{n_params} Modellparameter sind Annahmen; die Liste am Ende nennt sie mit Quelle."
)

ESTIMATES_INTRO = (
    "Schätzungen zum Kreis (keine amtliche Statistik verfügbar) und die Annahmen des Modells "
    "mit ihrem Standardwert und ihrer Spanne. Eigene Zahlen der Kommune lassen sich mit "
    "`workbook import` einlesen; sie ersetzen dann die Schätzungen."
)
DATA_STATUS = {"fact": "amtlich", "estimate": "Schätzung", "local": "eigene Daten"}
PARAM_STATUS = {"fact": "Fakt", "derived": "abgeleitet", "assumption": "Annahme"}
METHOD_TEXT = (
    "Berechnet mit Drehbuch Digitale Kommune {version} · Parameter-Hash {param_hash} · "
    "Daten-Hash {data_hash} · Startwert {seed}. Grunddaten: Destatis (Gemeindeverzeichnis, "
    "Stand 31.12.2018), RKI (Einwohner 31.12.2019), BKG VG250 (Grenzen)."
)

# -- the report of a Gemeinde ------------------------------------------------------------
REPORT_SUBTITLE_GEMEINDE = (
    "{gemeindetyp} {in_land}, {kreis} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "{draws} Monte-Carlo-Ziehungen je Szenario, Startwert {seed}"
)
REPORT_SUBTITLE_GEMEINDE_NO_DRAWS = (
    "{gemeindetyp} {in_land}, {kreis} · {population} Einwohner (31.12.2019) · Szenarien {scenarios} · "
    "Rechnung mit den Standardwerten (ohne Unsicherheitsband)"
)
GEMEINDE_INPUTS_NOTE = (
    "Die Gemeinde rechnet mit ihren eigenen amtlichen Zahlen, wo eine Statistik sie je Gemeinde "
    "veröffentlicht (Einwohner, Fläche, Breitband), bei der Hausarztdichte mit dem Wert ihres "
    "Mittelbereichs und sonst mit dem Wert ihres Kreises ({kreis}). Welche Zahl es ist, sagt die "
    "Spalte „Bezugsgebiet“ der Tabelle „Wo steht die Gemeinde?“ und die Liste der Schätzungen."
)
SECTION_WHERE_GEMEINDE = "Wo steht die Gemeinde?"
WHERE_INTRO_GEMEINDE = (
    "Die amtlichen Zahlen, mit denen die Modelle für diese Gemeinde rechnen, mit Bezugsgebiet, Stand "
    "und Quelle, daneben der Wert des Kreises. Der Rang im Typ zählt vom höchsten Wert an (1 = höchster "
    "Wert) unter den {peers} {in_land}; er steht nur bei Zahlen der Gemeinde oder ihres "
    "Mittelbereichs, denn ein Wert des Kreises ist für alle seine Gemeinden derselbe. Geschätzte "
    "Werte stehen nicht hier, sondern in der Liste der Schätzungen."
)
COL_ORIGIN = "Bezugsgebiet"
COL_KREIS_VALUE = "Wert des Kreises"
#: the rank among the Gemeinden of the same type in the Land (the intro names them)
COL_RANK_PEERS = "Rang im Typ"
#: the Bezugsgebiet before a row's source in the estimates table
ORIGIN_IN_METHOD = "{origin} · {method}"
#: the Bezugsgebiet of a model parameter (the same for every place)
ORIGIN_PARAMETER = "bundesweite Annahme"
#: source of a Gemeinde's broadband share moved to the end of 2020
SOURCE_MOVED = "{source}; bis Ende 2020 mit der Veränderung des Kreises fortgeschrieben (Schätzung)"
#: the first column of the cost split when the members are Gemeinden
COL_GEMEINDE = "Gemeinde"

SECTION_COMPARE_KREIS = "Die Gemeinde und ihr Kreis"
COMPARE_KREIS_INTRO = (
    "Dieselben Kennzahlen 2030 für die Gemeinde und für ihren ganzen Kreis, in einer Rechnung mit "
    "denselben Annahmen ({note}). Unterschiede kommen allein aus den Zahlen, die die Gemeinde selbst "
    "hat: Einwohner, Fläche, Breitband, Hausarztdichte des Mittelbereichs und ihr Stadt- und Gemeindetyp."
)
COMPARE_KREIS_NOTE_BANDS = "Median, in Klammern das 90-%-Band"
COMPARE_KREIS_NOTE_DEFAULT = "Standardwerte ohne Unsicherheitsband"
COMPARE_KREIS_SENTENCE = (
    "{Where} erreicht {name} 2030 einen Digitalisierungsgrad von {value}, {kreis} als Ganzes {kreis_value}."
)
COL_SCENARIO_FIGURE = "Kennzahl 2030 ({sid})"
#: the two columns of the comparison where the Gemeinde is its own Kreis (a kreisfreie Stadt) and
#: both carry the same name
COL_SAME_NAME_GEMEINDE = "{name} (Gemeinde)"
COL_SAME_NAME_KREIS = "{name} (Kreis)"

SECTION_COMPARE_TYPE = "Im Vergleich mit Gemeinden desselben Typs"
COMPARE_TYPE_INTRO = (
    "{name} ist nach dem BBSR eine {gemeindetyp} (Stadt- und Gemeindetyp, Stand 2017). Das BBSR ordnet "
    "den Typ dem Gemeindeverband zu: Auch die kleineren Mitgliedsgemeinden eines Verbands um eine Stadt "
    "zählen zu deren Typ."
)
COMPARE_TYPE_RULE = (
    " Verglichen wird mit allen {n} {peers} {in_land}. Der Rang zählt vom höchsten Wert an (1 = höchster "
    "Wert), Gemeinden ohne eigenen Wert zählen nicht mit, gleiche Werte teilen sich den besten Rang. Den "
    "Digitalisierungsgrad rechnet das Modell dafür für jede dieser Gemeinden mit den Standardwerten des "
    "Trend-Szenarios (S0), ohne Monte-Carlo-Band."
)
COMPARE_TYPE_TOO_FEW = (
    "{In_land} gibt es nur {n} {peers} (mit {name}): zu wenige für einen aussagekräftigen Rang. "
    "Die Tabelle zeigt deshalb nur die Werte."
)
COMPARE_TYPE_ALONE = (
    "{In_land} ist {name} die einzige {gemeindetyp}: Einen Vergleich mit Gemeinden desselben Typs "
    "gibt es nicht; die Tabelle zeigt nur ihre Werte."
)
COMPARE_TYPE_SENTENCE = (
    "Beim Digitalisierungsgrad 2030 (Trend, Standardwerte) steht {name} auf Rang {rank} von {n} {peers} {in_land}."
)
COL_MEDIAN_PEERS = "Median der {peers} ({n})"
COL_RANK_SHORT = "Rang"
PEER_DDI = "Digitalisierungsgrad 2030 (Trend S0, Standardwerte)"
#: fewer Gemeinden of a type in a Land than this (the Gemeinde included): no rank
MIN_PEERS = 5

SUM_DDI_RANGE_GEMEINDE = (
    "Am weitesten kommt die Gemeinde im Szenario „{best_title}“ ({best}), am wenigsten weit in "
    "„{worst_title}“ ({worst}); der Abstand beträgt {gap}."
)
SUM_ESTIMATES_GEMEINDE = (
    "Alle Zahlen sind Modellrechnungen. {n_data} Eingaben sind Schätzungen für den Kreis der Gemeinde, "
    "{n_params} Modellparameter sind Annahmen; die Liste am Ende nennt sie mit Quelle und Bezugsgebiet."
)
SUM_COMPARE_GEMEINDE = "Zum Vergleich: {kreis} als Ganzes erreicht {where} {year} {kreis_value}."
SUM_RANK_GEMEINDE = (
    " Mit den Standardwerten des Trends gerechnet steht {name} unter den {n} {peers} {in_land} auf "
    "Rang {rank}."
)
SUM_TOO_FEW_GEMEINDE = (
    " Einen Rang unter den Gemeinden desselben Typs gibt es nicht: {In_land} sind es nur {n} {peers}."
)
SUM_ALONE_GEMEINDE = " {In_land} ist {name} die einzige {gemeindetyp}: einen Rang unter Gemeinden desselben Typs gibt es nicht."
#: a Gemeinde that is its Kreis's whole area (a kreisfreie Stadt)
SUM_COMPARE_SAME_AREA = (
    "{name} ist kreisfrei: Gemeinde und Kreis sind dasselbe Gebiet. Als Kreis gerechnet (mit den Zahlen "
    "des Kreises statt der Gemeinde) ergibt sich {where} {year} {kreis_value}."
)
COMPARE_KREIS_SENTENCE_SAME_AREA = (
    "{Where} erreicht {name} 2030 einen Digitalisierungsgrad von {value}, als Kreis gerechnet {kreis_value}. "
    "{name} ist kreisfrei: Gemeinde und Kreis sind dasselbe Gebiet; die Spalten unterscheiden sich nur, "
    "wo die Gemeinde eigene Zahlen hat (Breitband, Hausarztdichte des Mittelbereichs, Stadt- und Gemeindetyp)."
)

#: a partner Gemeinde named with its population
PARTNER_WITH_POPULATION = "{name} ({population} Einwohner)"
COOP_GEMEINDE_RULE = (
    "Partner einer Gemeinde sucht das Modell unter den angrenzenden Gemeinden ihres Mittelbereichs "
    "{mittelbereich} (BBSR). Der Mittelbereich ist das Gebiet, das ein Mittelzentrum mit Schulen, "
    "Ärzten und Ämtern versorgt: Seine Gemeinden nutzen diese Einrichtungen schon gemeinsam, und ein "
    "Verbund in ihm bleibt in einem Land, sodass ein gemeinsamer Dienst (Zweckverband, "
    "öffentlich-rechtliche Vereinbarung) keine Landesgrenze überschreitet. Nur angrenzende Gemeinden "
    "schließen sich an, damit der Verbund zusammenhängt; seine Größe begrenzt dieselbe Höchstzahl "
    "der Mitglieder wie bei den Kreisen."
)
COOP_GEMEINDE_NO_MAP = (
    "Die Partner liegen im Mittelbereich {mittelbereich}; die Tabelle nennt jede Gemeinde mit ihren "
    "Einwohnern und ihrem Anteil an den Kosten."
)
METHOD_GEMEINDE = (
    " Gemeindedaten: Destatis (Gemeindeverzeichnis, Stand 31.12.2019), BBSR (Stadt- und Gemeindetypen, "
    "Mittelbereiche), Breitbandatlas (Gemeinden, Mitte 2019), INKAR (Hausärzte je Mittelbereich)."
)

# -- the overview page (00_uebersicht) of a Gemeinde -------------------------------------------
OVERVIEW_SUBTITLE_GEMEINDE = "{gemeindetyp} {in_land}, {kreis} · {population} Einwohner (31.12.2019) · {area} km²"
OVERVIEW_COMPARE_GEMEINDE = "{name} im Vergleich mit ihrem Kreis und den Gemeinden desselben Typs"
OVERVIEW_COMPARE_HELP = (
    "Der Wert der Gemeinde (mit seinem Bezugsgebiet), der Wert ihres Kreises und der Median der "
    "Gemeinden desselben BBSR-Stadt- und Gemeindetyps im Land. Ein Median steht nur bei Zahlen, die "
    "die Gemeinden selbst haben; ein Wert des Kreises gilt für alle Gemeinden des Kreises."
)
