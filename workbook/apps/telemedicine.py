"""04_telemedizin: video consultations, avoided trips/km/CO2/hours, GP gap; lockdown and cyber stress tests."""

from __future__ import annotations

import pandas as pd

from ..notebook import check_choice
from ..texts import charts as TC
from . import common as C
from .base import Block, TopicApp

DATA = ("gp_per_10k", "share_65plus", "offline_share", "settlement_type", "population_2019")
AVOIDED = ("tele.video_consults", "tele.trips_avoided", "tele.car_km_avoided", "tele.co2_avoided_t",
           "tele.patient_hours_saved", "tele.gp_hours_freed")
LOCKDOWN = ("resilience.lockdown_continuity", "resilience.lockdown_backlog_weekly")
CYBER = ("resilience.cyber_continuity", "resilience.cyber_service_days_lost", "resilience.cyber_cases_lost")

LOCKDOWN_HELP = (
    "Wie lese ich das? Angenommen, morgen käme ein Lockdown: Welcher Anteil der Verwaltungsleistungen "
    "liefe weiter? Es zählt, was online angeboten wird, wer online erreichbar ist und wer aus der "
    "Verwaltung von zu Hause arbeiten kann. Der Rückstau zeigt die Vorgänge, die je Woche liegen bleiben."
)
CYBER_HELP = (
    "Wie lese ich das? Nach einem Cyberangriff fällt die IT für einige Tage aus (Anhalt-Bitterfeld 2021: "
    "Notbetrieb nach etwa zwei Wochen) und läuft danach schrittweise wieder an. Weiter geht nur, was ein "
    "Notfallverfahren auf Papier hat: Je digitaler die Verwaltung ohne Notfallplanung, desto tiefer der Einbruch."
)


class TelemedicineApp(TopicApp):
    title = "Telemedizin und Krisenfestigkeit: {name} ({ags})"
    topics = ("divide", "digitalisation", "telemedicine", "resilience")
    param_prefixes = ("tele.", "resilience.")
    scenario_picker = True
    extra_defaults = {"focus": "S0"}

    @classmethod
    def extra_checks(cls):
        from ..params import load_scenarios

        return {"focus": lambda v: check_choice("focus", v, list(load_scenarios()))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        focus = self.extra["focus"]
        self.focus = focus if focus in self.scenario_ids else self.scenario_ids[0]

    def focus_table(self, results: pd.DataFrame, indicators) -> pd.DataFrame:
        """One scenario, the indicators over the years 2021, 2025 and 2030 (median and band)."""
        present = set(results["indicator"])
        rows = []
        for ind in indicators:
            if ind not in present:
                continue
            row = {"Kennzahl": C.indicator_label(ind)}
            for year in (2021, 2025, 2030):
                row[str(year)] = C.banded(results, ind, self.focus, year)
            rows.append(row)
        return pd.DataFrame(rows)

    def blocks(self, results: pd.DataFrame) -> list[Block]:
        prefixes = ("tele.",)
        model_tele = C.assumption_note(C.topic_keys(prefixes))
        model_res = C.assumption_note(C.topic_keys(("resilience.",)))
        data = C.data_notes(self.ags, DATA)
        sc = self.scenarios.get(self.focus)
        focus_title = f"{self.focus} {getattr(sc, 'title_de', '')}".strip()
        return [
            Block("video", C.indicator_label("tele.video_share_effective"), help=TC.FAN_HELP,
                  chart=self.fan(results, "tele.video_share_effective",
                                         percent=True),
                  notes=[model_tele, *data]),
            Block("avoided", C.indicator_label("tele.trips_avoided"), help=TC.BARS_HELP,
                  chart=self.bars(results, "tele.trips_avoided"),
                  table=C.figures_table(results, AVOIDED, self.scenario_ids),
                  notes=[model_tele, *data]),
            Block("gap", C.indicator_label("tele.gp_capacity_gap_share"), help=TC.FAN_HELP,
                  chart=self.fan(results, "tele.gp_capacity_gap_share",
                                         percent=True),
                  notes=[model_tele, *C.data_notes(self.ags, ["gp_per_10k"])]),
            Block("lockdown", "Stresstest Lockdown", help=LOCKDOWN_HELP,
                  chart=self.fan(results, "resilience.lockdown_continuity",
                                         percent=True),
                  table=self.focus_table(results, LOCKDOWN),
                  html=f"<p><small>Tabelle: Szenario {focus_title}</small></p>",
                  notes=[model_res]),
            Block("cyber", "Stresstest Cyberangriff", help=CYBER_HELP,
                  chart=self.bars(results, "resilience.cyber_continuity",
                                                  percent=True),
                  table=self.focus_table(results, CYBER),
                  html=f"<p><small>Tabelle: Szenario {focus_title}</small></p>",
                  notes=[model_res]),
        ]
