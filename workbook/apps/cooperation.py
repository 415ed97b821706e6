"""03_regionale_kooperation: partners on a map, cost vs cluster size, fair split, per-service savings."""

from __future__ import annotations

import pandas as pd

from ..texts import apps as TA
from ..texts import charts as TC
from ..texts import data as TD
from ..texts import fmt_eur, fmt_int, fmt_percent
from ..texts import topics as TT
from . import common as C
from .base import Block, FocusApp

DATA = ("population_2019", "land_name")
FIGURES = ("coop.cluster_size", "coop.cost_alone_eur", "coop.cost_shared_eur", "coop.saving_eur",
           "coop.saving_share")


_PLANS: dict[tuple, pd.DataFrame] = {}


def _cluster_plan(kreise: pd.DataFrame, neighbours, values: dict[str, float]) -> pd.DataFrame:
    """``models.cooperation.plan_clusters`` for all Kreise, kept per (Kreis columns it reads, coop.* values):
    the same for every Kreis of a batch."""
    import hashlib

    from ..models.cooperation import plan_clusters

    cols = ["ags", "land_ags"] + [c for c in ("population_2019", "population_2018") if c in kreise.columns]
    digest = hashlib.sha1(pd.util.hash_pandas_object(kreise[cols], index=False).to_numpy().tobytes()).hexdigest()
    key = (digest, tuple(sorted((k, v) for k, v in values.items() if k.startswith("coop."))))
    if key not in _PLANS:
        if len(_PLANS) > 8:
            _PLANS.clear()
        _PLANS[key] = plan_clusters(kreise, neighbours(), values)
    return _PLANS[key]


_GEMEINDE_PLANS: dict[tuple, pd.DataFrame] = {}


def _gemeinde_cluster_plan(area: str, values: dict[str, float]) -> pd.DataFrame:
    """``models.cooperation.gemeinde_plan_table`` for the Gemeinden of one Mittelbereich (the rule the
    engine prices), kept per area and ``coop.*`` values."""
    from ..data import load_gemeinde_neighbours, load_gemeinden
    from ..models.cooperation import gemeinde_plan_table

    key = (area, tuple(sorted((k, v) for k, v in values.items() if k.startswith("coop."))))
    if key not in _GEMEINDE_PLANS:
        if len(_GEMEINDE_PLANS) > 64:
            _GEMEINDE_PLANS.clear()
        _GEMEINDE_PLANS[key] = gemeinde_plan_table(load_gemeinden(), load_gemeinde_neighbours(), values, [area])
    return _GEMEINDE_PLANS[key]


def _gemeinde_table(members: list[str]) -> pd.DataFrame:
    """The member Gemeinden as ``fair_split`` reads them: ags, name, land_ags, land_name, population_2019."""
    from ..data.places import places_of

    places = places_of(members)
    return pd.DataFrame({"ags": places["ags"].astype(str).to_numpy(), "name": places["name"].astype(str).to_numpy(),
                         "land_ags": places["land_ags"].astype(str).to_numpy(),
                         "land_name": [str(C.kreis_row(str(k))["land_name"]) for k in places["kreis_ags"]],
                         "population_2019": places["population_2019"].to_numpy(dtype=float)})


def gemeinde_partners(ags: str, values: dict[str, float], area: str) -> pd.DataFrame:
    """The suggested cluster of the Gemeinde ``ags`` with each member's share: neighbouring
    Gemeinden of its Mittelbereich ``area`` (``models.cooperation.gemeinde_plan_table``: the rule and
    why there), split by ``models.cooperation.fair_split``."""
    from ..models import cooperation as M

    plan = _gemeinde_cluster_plan(area, values)
    cluster = plan.loc[plan["ags"] == ags, "cluster"].iloc[0]
    members = plan.loc[plan["cluster"] == cluster, "ags"].astype(str).tolist()
    # every member of a cluster shows the same split: computed once per cluster and values
    from ..data import kreise_version

    key = (tuple(members), tuple(sorted((k, v) for k, v in values.items() if k.startswith("coop."))),
           kreise_version())
    split = _GEMEINDE_SPLITS.get(key)
    if split is None:
        split = M.fair_split(members, _gemeinde_table(members), values)
        if len(_GEMEINDE_SPLITS) > 64:
            _GEMEINDE_SPLITS.clear()
        _GEMEINDE_SPLITS[key] = split
    out = split.copy()
    out.attrs["chosen"] = ags
    return out


_GEMEINDE_SPLITS: dict[tuple, pd.DataFrame] = {}


class CooperationApp(FocusApp):
    title = TA.TITLE_COOPERATION
    topics = "all"
    param_prefixes = ("coop.",)
    focus_default = "S4"

    # -- model calls (cached per Kreis, focus and levers) --------------------------------
    def partners(self) -> pd.DataFrame:
        """The suggested cluster of the Kreis with each member's share (``models.cooperation.suggest_partners``,
        with the Germany-wide cluster plan computed once per data and ``coop.*`` values, not per Kreis)."""
        from ..models import cooperation as M

        key = ("partners", self.ags, self.focus, tuple(sorted(self.overrides.items())))
        if key not in self._cache and self.is_gemeinde:
            # a Gemeinde: the neighbouring Gemeinden of its Mittelbereich (models.cooperation.gemeinde_plan_table)
            self._cache[key] = gemeinde_partners(self.ags, M._scalar_values(self.focus_values()), self.area())
        if key not in self._cache:
            from ..data import load_kreise, load_neighbours

            values = M._scalar_values(self.focus_values())
            kreise = load_kreise()
            plan = _cluster_plan(kreise, load_neighbours, values)
            cluster = plan.loc[plan["ags"] == self.ags, "cluster"].iloc[0]
            members = plan.loc[plan["cluster"] == cluster, "ags"].tolist()
            out = M.fair_split(members, kreise, values)
            out.attrs["chosen"] = self.ags
            self._cache[key] = out
        return self._cache[key]

    def area(self) -> str:
        """A Gemeinde's cooperation area: its Mittelbereich (its Kreis where it has none)."""
        row = C.place_row(self.ags)
        key = row.get("mittelbereich_key")
        return str(key) if isinstance(key, str) and key else str(row["kreis_ags"])

    def partner_names(self) -> list[str]:
        """The suggested partners (without the chosen place); Gemeinden named with their population."""
        from ..texts import report as R

        df = self.partners()
        if not self.is_gemeinde:
            return [n for a, n in zip(df["ags"], df["name"]) if a != self.ags]
        return [R.PARTNER_WITH_POPULATION.format(name=n, population=fmt_int(p))
                for a, n, p in zip(df["ags"], df["name"], df["population"]) if a != self.ags]

    def rule_text(self) -> str:
        """Why a Gemeinde's partners come from its Mittelbereich ('' for a Kreis)."""
        from ..texts import report as R

        if not self.is_gemeinde:
            return ""
        row = C.place_row(self.ags)
        name = row.get("mittelbereich_name")
        return R.COOP_GEMEINDE_RULE.format(mittelbereich=name if isinstance(name, str) and name else self.area())

    def split_table(self) -> pd.DataFrame:
        df = self.partners()
        from ..texts import report as R

        out = pd.DataFrame({
            R.COL_GEMEINDE if self.is_gemeinde else TT.COOP_COLUMNS["name"]: df["name"],
            TT.COOP_COLUMNS["population"]: df["population"].map(fmt_int),
            TT.COOP_COLUMNS["cost_alone_eur"]: df["cost_alone_eur"].map(fmt_eur),
            TT.COOP_COLUMNS["pay_simple_eur"]: df["pay_simple_eur"].map(fmt_eur),
            TT.COOP_COLUMNS["pays_more"]: df["pays_more"].map(lambda b: TA.YES if b else TA.NO),
            TT.COOP_COLUMNS["pay_fair_eur"]: df["pay_fair_eur"].map(fmt_eur),
            TT.COOP_COLUMNS["saving_eur"]: df["saving_eur"].map(fmt_eur),
            TT.COOP_COLUMNS["saving_share"]: df["saving_share"].map(lambda v: fmt_percent(v, 1)),
        })
        return out

    def services(self) -> pd.DataFrame:
        from ..models.cooperation import service_table

        df = service_table(self.partners().attrs.get("saving_eur", 0.0), values=self.focus_values())
        return pd.DataFrame({
            TT.SERVICE_COLUMNS["service"]: df["service"],
            TT.SERVICE_COLUMNS["shareability"]: df["shareability"].map(lambda v: fmt_percent(v, 0)),
            TT.SERVICE_COLUMNS["expected_saving_eur"]: df["expected_saving_eur"].map(fmt_eur),
        })

    def summary(self) -> dict:
        """Partners (names, without the chosen Kreis), cluster saving and who pays more (for the report)."""
        df = self.partners()
        sc = self.scenarios.get(self.focus)
        return {
            "scenario_title": getattr(sc, "title_de", self.focus),
            "partners": self.partner_names(),
            "saving_eur": float(df["saving_eur"].sum()),
            "pays_more": [n for n, more in zip(df["name"], df["pays_more"]) if more],
        }

    # -- charts ------------------------------------------------------------------------
    def partner_map(self, interactive: bool = True):
        """The partners on the map of the Kreise of the Land; for a Gemeinde, on the map of the Gemeinden."""
        from ..charts.maps import kreis_map
        from ..data import load_kreise

        df = self.partners()
        if self.is_gemeinde:
            return self.gemeinde_partner_map(df)
        k = load_kreise()
        land = str(k.loc[k["ags"] == self.ags, "land_ags"].iloc[0])
        savings = dict(zip(df["ags"], df["saving_share"]))
        cols = ["ags", "name", "land_name"] + [c for c in ("lon", "lat") if c in k.columns]
        values = k[cols].assign(saving=k["ags"].map(savings))
        return kreis_map(values, "saving", highlight=self.ags, land=land, label=TA.COOP_MAP_LABEL,
                         percent=True, width=420, place_labels=list(df["ags"]),
                         estimate=TA.COOP_MAP_ESTIMATE,
                         source=TA.COOP_MAP_SOURCE.format(neighbours=TD.READER_NEIGHBOURS,
                                                  population=C.reader_source("population_2019")))

    def gemeinde_partner_map(self, df: pd.DataFrame):
        """The partners of a Gemeinde on the map of the Gemeinden of their Kreise (saving share)."""
        from ..charts.maps import gemeinde_map
        from .area import area_name, gemeinde_values

        kreise = sorted({str(a)[:5] for a in df["ags"]} | {self.ags[:5]})
        values = gemeinde_values(kreise)
        values = values.assign(saving=values["ags"].map(dict(zip(df["ags"], df["saving_share"]))))
        return gemeinde_map(values, "saving", kreise=kreise, highlight=self.ags, label=TA.COOP_MAP_LABEL,
                            area_name=area_name(self.ags, kreise), percent=True, width=420,
                            place_labels=list(df["ags"]), estimate=TA.COOP_MAP_ESTIMATE,
                            source=TA.COOP_MAP_SOURCE.format(neighbours=TA.COOP_READER_NEIGHBOURS_GEMEINDE,
                                                             population=C.reader_source("population_2019")))

    def cost_chart(self):
        from ..charts.generic import cost_curve
        from ..models.cooperation import cost_curve as model_curve

        row = C.place_row(self.ags)
        curve = model_curve(float(row["population_2019"]), values=self.focus_values(), max_members=24)
        alone = float(curve["cost_alone_eur"].iloc[0])
        optimum = int(round(curve.attrs.get("optimal_size", 0))) or None
        return cost_curve(curve, alone=alone, optimum=optimum,
                          estimate=TA.COOP_COST_ESTIMATE)

    def blocks(self, results: pd.DataFrame) -> list[Block]:
        model = C.assumption_note(C.topic_keys(("coop.",)))
        data = C.data_notes(self.ags, ["population_2019"])
        df = self.partners()
        note = df.attrs.get("note_de")
        sc = self.scenarios.get(self.focus)
        focus_title = f"{self.focus} {getattr(sc, 'title_de', '')}".strip()
        import html as _html

        partners = self.partner_names()
        saving = float(df["saving_eur"].sum())
        rule = self.rule_text()
        rule_html = f"<p><small>{_html.escape(rule, quote=False)}</small></p>" if rule else ""
        gemeinde = self.is_gemeinde
        partner_help = TA.COOP_PARTNER_HELP_GEMEINDE if gemeinde else TA.COOP_PARTNER_HELP
        if partners and saving > 0.5:
            partner_block = Block(
                "partners", TA.COOP_PARTNERS_BLOCK.format(scenario=focus_title), help=partner_help,
                chart=self.chart_for(results, [], self.partner_map, "map", self.ags, self.focus,
                                     tuple(sorted(self.overrides.items()))),
                html="<p>" + _html.escape(TA.COOP_PARTNERS.format(partners="; ".join(partners),
                                                                   saving=fmt_eur(saving)), quote=False) + "</p>"
                + rule_html,
                notes=[model, *data])
        else:   # no cluster saves anything: a sentence, not a one-colour map with a '0 %' legend
            partner_block = Block(
                "partners", TA.COOP_PARTNERS_BLOCK.format(scenario=focus_title), help=partner_help,
                html="<p class='wb-no-saving'>" + _html.escape(
                    (TA.COOP_NO_SAVING_GEMEINDE if gemeinde else TA.COOP_NO_SAVING).format(
                    name=self.kreis_name, scenario=focus_title), quote=False) + "</p>" + rule_html,
                notes=[model, *data])
        return [
            partner_block,
            Block("cost", TC.COST_TITLE, help=TC.COST_HELP, chart=self.chart_for(
                results, [], self.cost_chart, "cost", self.ags, self.focus, tuple(sorted(self.overrides.items()))),
                  notes=[model, *data]),
            Block("split", TC.SPLIT_TITLE, help=TA.COOP_SPLIT_HELP, table=self.split_table(),
                  html=f"<p style='color:#b00020'>{note}</p>" if note else "", notes=[model, *data]),
            Block("services", TA.COOP_SERVICES_BLOCK, help=TA.COOP_SERVICE_HELP, table=self.services(),
                  notes=[model]),
            Block("saving", C.indicator_label("coop.saving_eur"), help=TC.BARS_HELP,
                  chart=self.bars(results, "coop.saving_eur"),
                  table=C.figures_table(results, FIGURES, self.scenario_ids),
                  notes=[model]),
        ]
