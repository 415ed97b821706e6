"""German texts of the four topic models: digital divide, cooperation, telemedicine, resilience.

``LABELS`` holds the indicator labels (``Indicator.label_de``); ``SUMMARY``
one plain-language paragraph per model for dashboards and reports;
``COOP_*`` the headers of the cooperation tables built for notebooks.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # digital divide
    "divide.online_share": "Anteil der Einwohner ab 14 Jahren, die online sind",
    "divide.online_share_65plus": "Anteil der Einwohner ab 65 Jahren, die online sind",
    "divide.offliners": "Offliner ab 14 Jahren (Personen)",
    "divide.offliners_65plus": "Offliner ab 65 Jahren (Personen)",
    "divide.new_onliners_training": "Zusätzlich online durch Schulungen (Personen)",
    "divide.training_cost_eur": "Kosten des Schulungsprogramms im Jahr",
    "divide.cost_per_new_onliner_eur": "Kosten je zusätzlich dauerhaft online gebrachter Person",
    "divide.pupil_devices_needed": "Benötigte Geräte für Schülerinnen und Schüler ohne eigenes Gerät",
    "divide.pupil_devices_cost_eur": "Kosten der Geräte für Schülerinnen und Schüler (einmalig)",
    # regional cooperation
    "coop.cluster_size": "Mitglieder im vorgeschlagenen Kooperationsverbund",
    "coop.cost_alone_eur": "Kosten des Dienstes im Alleinbetrieb im Jahr",
    "coop.cost_shared_eur": "Kostenanteil im Verbund im Jahr (faire Aufteilung)",
    "coop.saving_eur": "Einsparung durch Kooperation im Jahr",
    "coop.saving_share": "Einsparung durch Kooperation (Anteil an den Alleinkosten)",
    # telemedicine
    "tele.gp_demand_contacts": "Hausarztkontakte im Jahr (Bedarf)",
    "tele.video_share_effective": "Anteil der Hausarztkontakte per Video",
    "tele.video_consults": "Videosprechstunden im Jahr",
    "tele.trips_avoided": "Vermiedene Wege zur Hausarztpraxis im Jahr",
    "tele.car_km_avoided": "Vermiedene Pkw-Kilometer im Jahr",
    "tele.co2_avoided_t": "Vermiedenes CO₂ im Jahr (Tonnen)",
    "tele.patient_hours_saved": "Gesparte Patientenzeit im Jahr (Stunden)",
    "tele.gp_capacity_gap_share": "Hausärztliche Versorgungslücke (Anteil des Bedarfs)",
    "tele.gp_hours_freed": "Freiwerdende Arztstunden durch Video im Jahr",
    # crisis resilience
    "resilience.lockdown_continuity": "Lockdown: weiterlaufender Anteil der Verwaltungsleistungen",
    "resilience.lockdown_backlog_weekly": "Lockdown: Rückstau an Vorgängen je Woche",
    "resilience.cyber_continuity": "Cyberangriff: Leistungsfähigkeit im Angriffszeitraum",
    "resilience.cyber_service_days_lost": "Cyberangriff: verlorene Leistungstage (Volllast-Äquivalent)",
    "resilience.cyber_cases_lost": "Cyberangriff: ausgefallene oder verschobene Vorgänge",
}

SUMMARY: dict[str, str] = {
    "divide": (
        "Digitale Spaltung: Wer heute offline ist, ist meist älter als 70. Mit jedem Jahr rücken "
        "jüngere, meist schon digitale Jahrgänge nach, und ein Teil der Offliner geht von sich aus "
        "online. Schulungen für Menschen ab 65 erreichen vor allem die motivierten Offliner (laut "
        "D21 knapp ein Viertel); Leihgeräte und ein Internetanschluss entscheiden, ob sie online "
        "bleiben. Das Modell zeigt Offliner, Online-Anteile und die Kosten je zusätzlich online "
        "gebrachter Person."
    ),
    "coop": (
        "Regionale Kooperation: Ein gemeinsam betriebener Dienst spart Fixkosten, kostet aber "
        "Abstimmung, Migration und einen Aufschlag für das gemeinsame System. Das Modell sucht "
        "Partner unter den Nachbarkreisen im selben Land, teilt die Kosten fair auf (Fixkosten zu "
        "gleichen Teilen, der Rest nach Einwohnern) und zeigt, wer ohne Ausgleich mehr zahlen "
        "würde als allein."
    ),
    "tele": (
        "Telemedizin: Videosprechstunden ersetzen einen Teil der Wege zur Hausarztpraxis. Sie "
        "wirken dort am meisten, wo die Wege lang sind, bleiben aber begrenzt, weil die ältesten "
        "Patientinnen und Patienten am häufigsten zum Arzt gehen und am seltensten online sind; "
        "abgerechnet werden dürfen höchstens 30 % der Fälle. Gesparte Zeit und Zugang zählen "
        "mehr als das vermiedene CO₂."
    ),
    "resilience": (
        "Krisenfestigkeit: Im Lockdown läuft weiter, was online geht und wen die Verwaltung "
        "online erreicht, sowie was Beschäftigte von zu Hause erledigen können. Bei einem "
        "Cyberangriff ist es umgekehrt: Je digitaler die Verwaltung, desto mehr hängt an "
        "Notfallverfahren auf Papier und an der Zeit bis zum Wiederanlauf."
    ),
}

COOP_COLUMNS: dict[str, str] = {
    "ags": "AGS",
    "name": "Kreis",
    "land_name": "Land",
    "population": "Einwohner",
    "cost_alone_eur": "Kosten allein (€/Jahr)",
    "pay_simple_eur": "Anteil einfache Aufteilung (€/Jahr)",
    "pays_more": "zahlt ohne Ausgleich mehr als allein",
    "pay_fair_eur": "Anteil mit Ausgleich (€/Jahr)",
    "saving_eur": "Einsparung (€/Jahr)",
    "saving_share": "Einsparung (Anteil)",
}

COOP_CURVE_COLUMNS: dict[str, str] = {
    "members": "Mitglieder",
    "cost_alone_eur": "Summe Alleinkosten (€/Jahr)",
    "cost_shared_eur": "Kosten im Verbund (€/Jahr)",
    "saving_eur": "Einsparung (€/Jahr)",
    "cost_per_member_eur": "Kosten je Mitglied (€/Jahr)",
}

SERVICES: dict[str, str] = {
    "registry_office": "Standesamt",
    "it": "IT",
    "procurement": "Beschaffung",
    "hr": "Personal",
    "finance": "Finanzen",
}

SERVICE_COLUMNS: dict[str, str] = {
    "service": "Leistung",
    "shareability": "Anteil der Kommunen, die die Leistung für teilbar halten",
    "expected_saving_eur": "Erwartete Einsparung (€/Jahr, Schätzung)",
}

NO_FAIR_SPLIT = ("Kein fairer Ausgleich möglich: Der Verbund kostet mehr als alle Mitglieder allein; "
                 "mindestens ein Mitglied zahlt mehr als allein.")
