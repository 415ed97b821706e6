"""ipywidgets panels built from parameter records, and the pickers of the apps.

A browser (JupyterLab or a Voila visitor) can set any widget trait over the
websocket, including a slider's ``max`` and a value far out of range or of the
wrong type. Nothing read from a widget reaches a model unchecked:
:meth:`ParameterPanel.values` returns every value validated and clamped in
Python to the parameter record's own range, NaN and infinities fall back to the
default, and tampered ``min``/``max``/``step`` traits are restored.
"""

from __future__ import annotations

import asyncio
import html
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as W
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle

from .ags import kreis_or_none
from .texts import apps as T
from .texts import places

LEVER_ORDER = ("kommune", "bund_land", "markt")
BADGE_COLOURS = {"fact": "#1b5e20", "derived": "#0d47a1", "assumption": "#8a4b00"}


# -- records ---------------------------------------------------------------------

def _get(record: Any, name: str, default: Any = None) -> Any:
    """Read a field of a parameter record (object with attributes or a mapping)."""
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _records(params: Any, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """key -> record from a ParameterSet, a mapping or an iterable of records."""
    if isinstance(params, Mapping) or (hasattr(params, "keys") and hasattr(params, "__getitem__")):
        all_keys = list(params.keys())
        items = {k: params[k] for k in all_keys}
    else:
        items = {}
        for rec in params:
            items[_get(rec, "key")] = rec
    if keys is None:
        return items
    missing = [k for k in keys if k not in items]
    if missing:
        from .errors import ParameterError

        raise ParameterError(f"unbekannte Parameter {missing}; bekannt sind z. B. {sorted(items)[:5]}",
                             key=missing[0])
    return {k: items[k] for k in keys}


def reference_text(record: Any) -> str:
    """'Title, Publisher Year' of a record's reference."""
    ref = _get(record, "reference") or {}
    parts = [str(_get(ref, "title") or "").strip()]
    tail = " ".join(str(x) for x in (_get(ref, "publisher"), _get(ref, "year")) if x not in (None, ""))
    if tail:
        parts.append(tail)
    return ", ".join(p for p in parts if p)


def status_label(status: str) -> str:
    return T.STATUS_BADGES.get(status, (status, ""))[0]


def badge_html(status: str) -> str:
    label, title = T.STATUS_BADGES.get(status, (status, ""))
    colour = BADGE_COLOURS.get(status, "#444")
    return (f'<span title="{html.escape(title)}" style="border:1px solid {colour};color:{colour};'
            f'border-radius:3px;padding:0 4px;font-size:85%;margin-left:6px">{html.escape(label)}</span>')


def source_note(record: Any) -> str:
    """'Quelle: <reference> · Annahme' for a parameter record (plain text)."""
    return T.SOURCE_LINE.format(source=reference_text(record)) + T.NOTE_SEP + status_label(
        str(_get(record, "status", "")))


def _fmt(value: float, step: float | None = None) -> str:
    try:
        from .texts import fmt_number
    except ImportError:  # texts package not there yet: plain de-DE fallback
        fmt_number = None
    decimals = _decimals(step) if step else 2
    if fmt_number is not None:
        try:
            return fmt_number(value, decimals)
        except TypeError:
            return fmt_number(value)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


#: units of calendar years: a value reads 2025 (no separator, no decimals, no unit)
YEAR_UNITS = {"Jahr", "year"}


def _unit_text(unit: str) -> str:
    """The German text after a lever's value: '' for '1' and years, 'pro Jahr' for '1/Jahr', '€' for 'EUR'."""
    if unit in ("", "1") or unit in YEAR_UNITS:
        return ""
    from .texts import unit_suffix

    text = unit_suffix(unit)
    return text[2:] if text.startswith("1 ") else text


def value_text(value: float, step: float | None, unit: str) -> str:
    """A lever's value as a council member reads it: '2025', '0,35 pro Jahr', '120 €'."""
    unit = str(unit or "")
    if unit in YEAR_UNITS:
        return str(int(round(float(value))))
    suffix = _unit_text(unit)
    text = _fmt(value, step)
    return f"{text} {suffix}" if suffix else text


def _decimals(step: float) -> int:
    if step <= 0 or not math.isfinite(step):
        return 2
    text = f"{step:.10f}".rstrip("0")
    return max(0, len(text.split(".")[1])) if "." in text else 0


def clean_value(record: Any, raw: Any) -> tuple[float, str | None]:
    """The value a model may use for ``raw``, and a German note if it was changed.

    Wrong type, NaN or infinity -> the record's default; outside [min, max] ->
    clamped to the nearer bound.
    """
    default = float(_get(record, "default"))
    lo, hi = float(_get(record, "min", default)), float(_get(record, "max", default))
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real):
        return default, T.VALUE_REJECTED.format(value=raw, default=_fmt(default))
    value = float(raw)
    if not math.isfinite(value):
        return default, T.VALUE_REJECTED.format(value=raw, default=_fmt(default))
    clamped = min(max(value, lo), hi)
    if clamped != value:
        return clamped, T.VALUE_CLAMPED.format(value=_fmt(value), clamped=_fmt(clamped))
    return value, None


class Debouncer:
    """Call ``func`` at once for a single change, and once more at the end of a burst.

    Leading and trailing edge: a trigger with no call in the last ``delay``
    seconds runs ``func`` at once (a click or a key press on a slider gets its
    answer without waiting); triggers that follow within ``delay`` (a slider
    being dragged) are merged into one call ``delay`` seconds after the last of
    them. Inside a running event loop (a Jupyter or Voila kernel) the trailing
    call is scheduled on the loop; with no loop (plain Python, tests) every
    trigger runs at once.
    """

    def __init__(self, func: Callable[[], None], delay: float = 0.15):
        self.func = func
        self.delay = delay
        self._handle = None
        self._last: float | None = None   # loop time when the last call ended

    def __call__(self, *_: Any) -> None:
        busy = self._handle is not None
        if busy:
            self._handle.cancel()
            self._handle = None
        if self.delay <= 0:
            self.func()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.func()
            return
        quiet = self._last is None or loop.time() - self._last >= self.delay
        if quiet and not busy:
            self._fire()
        else:
            self._handle = loop.call_later(self.delay, self._fire)

    def _fire(self) -> None:
        self._handle = None
        try:
            self.func()
        finally:
            try:
                self._last = asyncio.get_running_loop().time()
            except RuntimeError:
                self._last = None

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def flush(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._fire()


# -- the parameter panel ------------------------------------------------------------

def _step(rec: Any) -> float:
    """A lever's slider step: the record's, else a hundredth of its range."""
    default = float(_get(rec, "default"))
    lo, hi = float(_get(rec, "min", default)), float(_get(rec, "max", default))
    return float(_get(rec, "step") or ((hi - lo) / 100 if hi > lo else 1.0))


class _LazySliders(Mapping):
    """``panel.sliders``: every lever's key; asking for a slider builds its group's rows."""

    def __init__(self, panel: ParameterPanel):
        self._panel = panel

    def __getitem__(self, key: str) -> W.FloatSlider:
        if key not in self._panel.records:
            raise KeyError(key)
        return self._panel._slider(key)

    def __iter__(self):
        return iter(self._panel.records)

    def __len__(self) -> int:
        return len(self._panel.records)


class ParameterPanel:
    """One slider per parameter record, grouped by who controls the lever.

    ``panel.widget`` is displayable; ``panel.values()`` gives the validated
    values; ``panel.observe(callback)`` calls ``callback(values)`` debounced.
    """

    def __init__(self, params: Any, keys: Iterable[str] | None = None,
                 values: Mapping[str, float] | None = None, debounce: float = 0.15,
                 title: str | None = None):
        self.records = _records(params, list(keys) if keys is not None else None)
        #: key -> slider; a collapsed group's sliders are built when the group is first
        #: opened (or a slider of it is asked for): a dashboard starts with the widgets of
        #: the open group only, which makes its first paint faster
        self.sliders: Mapping[str, W.FloatSlider] = _LazySliders(self)
        self.readouts: dict[str, W.HTML] = {}
        self.notes: dict[str, str] = {}
        self._built: dict[str, W.FloatSlider] = {}
        #: values of levers whose slider is not built yet (clamped like a slider's)
        self._pending: dict[str, float] = {k: float(_get(r, "default")) for k, r in self.records.items()}
        self._callbacks: list[Callable[[dict[str, float]], None]] = []
        self._debouncer = Debouncer(self._notify, debounce)
        self._restoring = False
        self._keys_by_group: dict[str, list[str]] = {}
        for key, rec in self.records.items():
            self._keys_by_group.setdefault(self._group(rec), []).append(key)
        self.reset_button = W.Button(description=T.RESET_ALL, layout=W.Layout(width="auto"))
        self.reset_button.on_click(lambda _: self.reset())
        groups = [g for g in (*LEVER_ORDER, "other") if g in self._keys_by_group]
        self._boxes = {g: W.VBox([]) for g in groups}
        self.accordion = W.Accordion(children=[self._boxes[g] for g in groups])
        for i, g in enumerate(groups):
            self.accordion.set_title(i, T.LEVER_GROUPS.get(g, T.LEVER_GROUP_OTHER)
                                     + f" ({len(self._keys_by_group[g])})")
        self.groups = groups
        self.accordion.observe(self._on_open, names="selected_index")
        if groups:
            self.accordion.selected_index = 0
            self._build_group(groups[0])
        self.widget = W.VBox([
            W.HTML(f"<b>{html.escape(title or T.PANEL_TITLE)}</b><br>"
                   f"<small>{html.escape(T.PANEL_HINT)}</small>"),
            self.accordion, self.reset_button,
        ], layout=W.Layout(min_width="min(320px, 100%)"))
        if values:
            self.set_values(values)

    @staticmethod
    def _group(rec: Any) -> str:
        lever = _get(rec, "lever")
        return lever if lever in LEVER_ORDER else "other"

    def _on_open(self, change: Any) -> None:
        index = change["new"]
        if isinstance(index, int) and 0 <= index < len(self.groups):
            self._build_group(self.groups[index])

    def _build_group(self, group: str) -> None:
        box = self._boxes[group]
        if box.children:
            return
        box.children = [self._row(key, self.records[key]) for key in self._keys_by_group[group]]

    def _slider(self, key: str) -> W.FloatSlider:
        if key not in self._built:
            self._build_group(self._group(self.records[key]))
        return self._built[key]

    def _row(self, key: str, rec: Any) -> W.Widget:
        default = float(_get(rec, "default"))
        lo, hi = float(_get(rec, "min", default)), float(_get(rec, "max", default))
        step = _step(rec)
        unit = str(_get(rec, "unit", "") or "")
        shared = self._shared()
        value = self._pending.pop(key, default)
        slider = W.FloatSlider(value=value, min=lo, max=hi, step=step, readout=False,
                               continuous_update=False, description="", layout=shared["slider"],
                               style=shared["slider_style"], tooltip=str(_get(rec, "label_de", key)))
        slider.add_class("wb-param")
        slider.add_class("wb-param-" + re.sub(r"[^a-z0-9]+", "-", key.lower()))
        readout = W.HTML(self._readout(value, step, unit, default), layout=shared["plain"],
                         style=shared["html_style"])
        reset = W.Button(description=T.RESET_ONE_SYMBOL, tooltip=T.RESET_ONE_TOOLTIP.format(default=value_text(default, step, unit)),
                         layout=shared["button"], style=shared["button_style"])
        reset.add_class("wb-reset")
        reset.on_click(lambda _b, k=key: self.reset([k]))
        slider.observe(lambda ch, k=key: self._on_value(k, ch), names="value")
        slider.observe(lambda ch, k=key: self._guard(k), names=["min", "max", "step"])
        self._built[key] = slider
        self.readouts[key] = readout
        label = html.escape(str(_get(rec, "label_de", key)))
        explain = html.escape(str(_get(rec, "explain_de", "") or ""))
        range_note = T.RANGE_NOTE.format(lo=value_text(lo, step, unit if unit in YEAR_UNITS else ""),
                                         hi=value_text(hi, step, unit), default=value_text(default, step, unit))
        head = (f"<b>{label}</b>{badge_html(str(_get(rec, 'status', '')))}"
                f"<details><summary><small>{html.escape(T.LEVER_HELP)}</small></summary>"
                f"<small>{explain}<br><i>{html.escape(range_note)}</i><br>"
                f"{html.escape(T.SOURCE_LINE.format(source=reference_text(rec)))}<br>"
                f"<span class='wb-tech-name'>{html.escape(T.LEVER_TECH_NAME.format(key=key))}</span>"
                f"</small></details>")
        # five widgets per lever, sharing their layout and style models (a dashboard
        # with 50 levers stays light to load)
        controls = W.HBox([slider, readout, reset], layout=shared["plain"])
        controls.add_class("wb-lever-row")
        return W.VBox([W.HTML(head, layout=shared["plain"], style=shared["html_style"]), controls],
                      layout=shared["row"])

    def _shared(self) -> dict[str, W.Widget]:
        if not hasattr(self, "_shared_models"):
            self._shared_models = {
                "slider": W.Layout(width="auto", min_width="110px", max_width="240px"), "plain": W.Layout(), "button": W.Layout(width="44px", min_width="44px"),
                "row": W.Layout(margin="0 0 8px 0"), "slider_style": W.SliderStyle(),
                "html_style": HTMLStyle(), "button_style": W.ButtonStyle(),
            }
        return self._shared_models

    def _readout(self, value: float, step: float, unit: str, default: float) -> str:
        mark = "" if value == default else " ●"
        return (f"<span style='min-width:90px;display:inline-block'>"
                f"{html.escape(value_text(value, step, unit), quote=False)}{mark}</span>")

    # -- hostile clients ----------------------------------------------------------
    def _guard(self, key: str) -> None:
        """Restore min/max/step of a slider to its record (a client may change them)."""
        if self._restoring:
            return
        rec, slider = self.records[key], self._built[key]
        default = float(_get(rec, "default"))
        lo, hi = float(_get(rec, "min", default)), float(_get(rec, "max", default))
        step = _step(rec)
        if (slider.min, slider.max, slider.step) == (lo, hi, step):
            return
        self._restoring = True
        try:
            with slider.hold_trait_notifications():
                if slider.max < lo:
                    slider.max = hi
                slider.min = lo
                slider.max = hi
                slider.step = step
        finally:
            self._restoring = False
        self._on_value(key, None)

    def _on_value(self, key: str, _change: Any) -> None:
        rec, slider = self.records[key], self._built[key]
        value, note = clean_value(rec, slider.value)
        if note:
            self.notes[key] = note
        else:
            self.notes.pop(key, None)
        raw = slider.value
        if not (isinstance(raw, numbers.Real) and raw == value):  # show what the model uses
            was = self._restoring
            self._restoring = True
            try:
                slider.value = value
            finally:
                self._restoring = was
        unit = str(_get(rec, "unit", "") or "")
        self.readouts[key].value = self._readout(value, slider.step if slider.step > 0 else 0.01,
                                                 unit, float(_get(rec, "default")))
        if not self._restoring:
            self._debouncer()

    # -- public API -------------------------------------------------------------------
    def values(self) -> dict[str, float]:
        """Every parameter's value, validated and clamped to the record's range."""
        out = {}
        for key, rec in self.records.items():
            slider = self._built.get(key)
            out[key], _ = clean_value(rec, slider.value if slider is not None else self._pending[key])
        return out

    def overrides(self) -> dict[str, float]:
        """Only the values that differ from the records' defaults."""
        return {k: v for k, v in self.values().items() if v != float(_get(self.records[k], "default"))}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Set sliders from a mapping (clamped); unknown keys are refused."""
        from .errors import ParameterError

        unknown = [k for k in values if k not in self.records]
        if unknown:
            raise ParameterError(f"unbekannter Parameter; bekannt: {', '.join(sorted(self.records))}",
                                 key=unknown[0])
        self._restoring = True
        try:
            for key, raw in values.items():
                value, _ = clean_value(self.records[key], raw)
                if key in self._built:
                    self._built[key].value = value
                    self._on_value(key, None)
                else:               # its group is still collapsed: the slider starts there
                    self._pending[key] = value
        finally:
            self._restoring = False
        self._debouncer()

    def reset(self, keys: Iterable[str] | None = None) -> None:
        keys = list(self.records) if keys is None else list(keys)
        self.set_values({k: float(_get(self.records[k], "default")) for k in keys})

    def observe(self, callback: Callable[[dict[str, float]], None]) -> None:
        """Call ``callback(values)`` after changes (debounced)."""
        self._callbacks.append(callback)

    def flush(self) -> None:
        """Run a pending debounced notification now."""
        self._debouncer.flush()

    def _notify(self) -> None:
        values = self.values()
        for cb in list(self._callbacks):
            cb(values)

    def changed_text(self) -> str:
        """German one-liner naming the changed assumptions."""
        changed = self.overrides()
        if not changed:
            return T.ASSUMPTIONS_DEFAULT
        items = []
        for key, value in changed.items():
            rec = self.records[key]
            unit = str(_get(rec, "unit", "") or "")
            items.append(f"{_get(rec, 'label_de', key)} = {value_text(value, _step(rec), unit)}")
        return T.ASSUMPTIONS_CHANGED.format(items="; ".join(items))


# -- pickers -------------------------------------------------------------------------

class KreisPicker(W.VBox):
    """Search a Kreis by name or AGS (Combobox over all 401); ``.ags`` is always valid."""

    ags = traitlets.Unicode("05315")

    def __init__(self, ags: str = "05315", kreise=None, **kwargs):
        if kreise is None:
            from .data import load_kreise

            kreise = load_kreise()
        self._names = dict(zip(kreise["ags"], kreise["name"]))
        self._info = {row.ags: row for row in kreise.itertuples(index=False)}
        # one label and one German order for every list of Kreise (workbook.texts.places)
        kinds = kreise["kreis_type"] if "kreis_type" in kreise else [""] * len(kreise)
        self._labels = places.place_labels(zip(kreise["ags"], kreise["name"], kinds))
        self._options = {places.option_label(self._labels[a], a): a for a in places.sorted_places(self._labels)}
        if ags not in self._names:
            from .errors import SelectionError

            raise SelectionError(T.PARAM_AGS_UNKNOWN.format(value=ags, hint=""), key="ags")
        self.combo = W.Combobox(value=self._label(ags), options=list(self._options),
                                placeholder=T.KREIS_PLACEHOLDER, description=T.KREIS_LABEL,
                                ensure_option=False, continuous_update=False,
                                layout=W.Layout(width="auto"))
        self.combo.add_class("wb-kreis-picker")
        self.combo.add_class("wb-picker")
        self.message = W.HTML(self._describe(ags))
        super().__init__(children=[self.combo, self.message], **kwargs)
        self.ags = ags
        self.combo.observe(self._on_text, names="value")

    def _label(self, ags: str) -> str:
        return places.option_label(self._labels[ags], ags)

    def _describe(self, ags: str) -> str:
        row = self._info[ags]
        return "<small>" + html.escape(T.KREIS_CHOSEN.format(
            name=row.name, ags=ags, kreis_type=getattr(row, "kreis_type", ""),
            land=getattr(row, "land_name", ""))) + "</small>"

    def resolve(self, text: Any) -> str | None:
        """AGS for a typed text (option label, AGS or unique name fragment) or None."""
        if not isinstance(text, str):
            return None
        text = text.strip()[:100]
        if not text:
            return None
        if text in self._options:
            return self._options[text]
        m = re.search(r"\(([0-9]{4,5})\)\s*$", text)
        if m and kreis_or_none(m.group(1)) in self._names:
            return kreis_or_none(m.group(1))
        if kreis_or_none(text) is not None:          # the AGS rule: workbook.ags
            return kreis_or_none(text) if kreis_or_none(text) in self._names else None
        exact = [a for a, n in self._labels.items() if n.casefold() == text.casefold()] or \
            [a for a, n in self._names.items() if n.casefold() == text.casefold()]
        if len(exact) == 1:
            return exact[0]
        hits = [a for a, n in self._names.items() if text.casefold() in n.casefold()]
        return hits[0] if len(hits) == 1 else None

    def _on_text(self, change: Any) -> None:
        ags = self.resolve(change["new"])
        if ags is None:
            if isinstance(change["new"], str) and not change["new"].strip():
                return
            self.message.value = "<small style='color:#b00020'>" + html.escape(T.KREIS_UNKNOWN.format(
                value=str(change["new"])[:40], name=self._names[self.ags], ags=self.ags), quote=False) + "</small>"
            return
        self.message.value = self._describe(ags)
        if ags != self.ags:
            self.ags = ags

    @traitlets.validate("ags")
    def _valid_ags(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in self._names:
            raise traitlets.TraitError(T.PARAM_AGS_UNKNOWN.format(value=value, hint=""))
        return value

    @traitlets.observe("ags")
    def _sync_combo(self, change: Any) -> None:
        new = change["new"]
        label = self._label(new)
        if hasattr(self, "combo") and self.combo.value != label:
            self.combo.value = label
            self.message.value = self._describe(new)

    @property
    def name(self) -> str:
        return self._names[self.ags]


class ScenarioPicker(W.VBox):
    """Dropdown over the scenarios (S0..S5, optionally 'alle'); ``.scenario`` is always valid."""

    scenario = traitlets.Unicode("S0")

    def __init__(self, scenarios: Mapping[str, Any] | None = None, value: str = "S0",
                 allow_all: bool = False, description: str | None = None, **kwargs):
        if scenarios is None:
            from .params import load_scenarios

            scenarios = load_scenarios()
        self.scenarios = dict(scenarios)
        from .texts.scenarios import SHORT_TITLES

        def short(sid: str, sc: Any) -> str:
            title = str(_get(sc, "title_de", sid))
            return SHORT_TITLES.get(title, title)

        options = [(f"{sid} · {short(sid, sc)}", sid) for sid, sc in self.scenarios.items()]
        if allow_all:
            options.insert(0, (T.SCENARIO_ALL, "all"))
        self._ids = [o[1] for o in options]
        if value not in self._ids:
            from .errors import ScenarioError

            raise ScenarioError(T.PARAM_SCENARIO_UNKNOWN.format(value=value, known=", ".join(self._ids)),
                                key="scenario")
        self.dropdown = W.Dropdown(options=options, value=value,
                                   description=description or T.SCENARIO_LABEL,
                                   layout=W.Layout(width="auto"))
        self.dropdown.add_class("wb-scenario-picker")
        self.dropdown.add_class("wb-picker")
        self.narrative = W.HTML()
        super().__init__(children=[self.dropdown, self.narrative], **kwargs)
        self.scenario = value
        self._show_narrative(value)
        self.dropdown.observe(self._on_pick, names="value")

    @traitlets.validate("scenario")
    def _valid_scenario(self, proposal: Any) -> str:
        value = proposal["value"]
        if hasattr(self, "_ids") and value not in self._ids:
            raise traitlets.TraitError(T.PARAM_SCENARIO_UNKNOWN.format(value=value, known=", ".join(self._ids)))
        return value

    def _show_narrative(self, sid: str) -> None:
        sc = self.scenarios.get(sid)
        if sc is None:
            self.narrative.value = ""
            return
        text = _get(sc, "narrative_de", "") or ""
        src = _get(sc, "source_de", "") or ""
        # folded: on a phone the story would push the first chart off the screen
        self.narrative.value = (f"<details class='wb-narrative'><summary><small>"
                                f"{html.escape(T.SCENARIO_STORY.format(scenario=sid, title=_get(sc, 'title_de', sid)))}"
                                "</small></summary>"
                                f"<small>{html.escape(str(text))}"
                                + (f"<br><i>{html.escape(T.SOURCE_LINE.format(source=src))}</i>" if src else "")
                                + "</small></details>")

    def _on_pick(self, change: Any) -> None:
        new = change["new"]
        if new not in self._ids:
            self.dropdown.value = self.scenario
            return
        self.scenario = new
        self._show_narrative(new)

    @property
    def selected(self) -> list[str]:
        """The scenario ids the selection stands for."""
        return list(self.scenarios) if self.scenario == "all" else [self.scenario]
