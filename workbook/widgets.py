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

from .texts import apps as T
from .texts import fmt_int

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

class PlacePicker(W.VBox):
    """Find a Kreis or Gemeinde by name or key; ``.ags`` is always a place of the index.

    A search box, not a list of 11,200 options: each keystroke searches the index in Python
    (:class:`workbook.place_search.PlaceIndex`, umlaut-insensitive, German order) and shows the
    best few matches as buttons; a click on one, or Enter on a text that names one place (its key,
    its label, a unique name), chooses it. Only the matches travel to the browser. A pasted
    option label (``"Cham (09372)"``) chooses at once. The place is only ever set from the index
    (a button stands for the key Python gave it), never from what the browser sends.
    """

    ags = traitlets.Unicode("05315")

    def __init__(self, ags: str = "05315", kreise=None, *, places=None, index=None,
                 limit: int = 8, **kwargs):
        from . import place_search

        if index is None:
            if places is not None:
                index = place_search.PlaceIndex.from_tables(places, kreise)
            elif kreise is not None:
                index = place_search.PlaceIndex.from_tables(kreise)
            else:
                index = place_search.place_index()
        self.index = index
        self.limit = max(1, int(limit))
        if ags not in index:
            from .errors import SelectionError

            raise SelectionError(T.PARAM_AGS_UNKNOWN.format(value=ags, hint=""), key="ags")
        self.search = W.Text(value=self._label(ags), placeholder=T.PLACE_PLACEHOLDER,
                             description=T.PLACE_LABEL, continuous_update=True,
                             layout=W.Layout(width="auto"))
        for cls in ("wb-place-picker", "wb-kreis-picker", "wb-picker"):
            self.search.add_class(cls)
        #: the name the tests and older code use for the text box
        self.combo = self.search
        self._hit_layout = W.Layout(width="auto", max_width="100%", height="auto", margin="0 0 2px 0")
        self._hit_style = W.ButtonStyle()
        self._buttons = [self._hit_button() for _ in range(self.limit)]
        self._button_ags: dict[int, str] = {}
        self.hits = W.VBox([])
        self.hits.add_class("wb-place-hits")
        self.count = W.HTML()
        self.message = W.HTML(self._describe(ags))
        super().__init__(children=[self.search, self.hits, self.count, self.message], **kwargs)
        self.ags = ags
        self.search.observe(self._on_text, names="value")
        self.search.on_msg(self._on_msg)

    # -- widgets -------------------------------------------------------------------------
    def _hit_button(self) -> W.Button:
        b = W.Button(layout=self._hit_layout, style=self._hit_style)
        b.add_class("wb-place-hit")
        b.on_click(self._on_hit)
        return b

    def _label(self, ags: str) -> str:
        return self.index.get(ags).option

    def _describe(self, ags: str) -> str:
        p = self.index.get(ags)
        if p.is_gemeinde:
            text = T.PLACE_CHOSEN_GEMEINDE.format(label=p.label, ags=p.ags, land=p.land_name,
                                                  population=fmt_int(p.population or 0))
        else:
            text = T.PLACE_CHOSEN_KREIS.format(label=p.label, ags=p.ags, kind=p.kind, land=p.land_name)
        return "<small>" + html.escape(text.replace(" ·  · ", " · ").strip(" ·"), quote=False) + "</small>"

    @staticmethod
    def hit_text(place: Any) -> str:
        """The text of a search hit: a Kreis with its kind, a Gemeinde with its population."""
        if place.is_gemeinde:
            return T.PLACE_HIT_GEMEINDE.format(option=place.option, population=fmt_int(place.population or 0))
        return T.PLACE_HIT_KREIS.format(option=place.option, kind=place.kind) if place.kind else place.option

    def _warn(self, text: str) -> None:
        self.message.value = "<small style='color:#b00020'>" + html.escape(text, quote=False) + "</small>"

    def _show_hits(self, places: list[Any], total: int) -> None:
        shown = []
        self._button_ags = {}
        for button, place in zip(self._buttons, places):
            text = self.hit_text(place)
            if button.description != text:
                button.description = text
                button.tooltip = text
            self._button_ags[id(button)] = place.ags
            shown.append(button)
        if list(self.hits.children) != shown:
            self.hits.children = shown
        if total == 0:
            count = ""
        elif total > len(shown):
            count = T.PLACE_HITS_MORE.format(shown=len(shown), count=fmt_int(total))
        else:
            count = T.PLACE_HITS.format(count=fmt_int(total))
        value = f"<small>{html.escape(count)}</small>" if count else ""
        if self.count.value != value:
            self.count.value = value

    def _clear_hits(self) -> None:
        self._show_hits([], 0)

    # -- events --------------------------------------------------------------------------
    def resolve(self, text: Any) -> str | None:
        """The key of the one place a typed text names (option label, key, label, unique name) or None."""
        return self.index.resolve(text)

    def _on_text(self, change: Any) -> None:
        text = change["new"]
        if not isinstance(text, str):
            return
        if text == self._label(self.ags):
            self._clear_hits()
            return
        if len(text) > 200:                 # a client may send anything: not a search
            self._clear_hits()
            self._warn(T.PLACE_UNKNOWN.format(value=text[:40], current=self._label(self.ags)))
            return
        pasted = self.index.by_option.get(text.strip())
        if pasted is not None:              # an option label (from a list, a link, a test): chosen at once
            self.choose(pasted)
            return
        hits, total = self.index.search(text, limit=self.limit)
        self._show_hits(hits, total)
        if text.strip() and total == 0:
            self._warn(T.PLACE_UNKNOWN.format(value=text[:40], current=self._label(self.ags)))
        else:
            self.message.value = self._describe(self.ags)

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            self.submit()

    def submit(self, text: Any = None) -> str | None:
        """Enter in the search box: choose the place the text names; returns its key or None."""
        text = self.search.value if text is None else text
        ags = self.resolve(text)
        if ags is None:
            if isinstance(text, str) and text.strip():
                _hits, total = self.index.search(text, limit=1)
                value = text[:40]
                self._warn(T.PLACE_AMBIGUOUS.format(value=value) if total else
                           T.PLACE_UNKNOWN.format(value=value, current=self._label(self.ags)))
            return None
        self.choose(ags)
        return ags

    def _on_hit(self, button: W.Button) -> None:
        ags = self._button_ags.get(id(button))
        if ags is not None:
            self.choose(ags)

    def choose(self, ags: str) -> None:
        """Make ``ags`` (a key of the index) the current place and show it in the box."""
        self.ags = ags                  # validated: a key of the index
        label = self._label(ags)
        if self.search.value != label:
            self.search.value = label
        self._clear_hits()
        self.message.value = self._describe(ags)

    @traitlets.validate("ags")
    def _valid_ags(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in self.index:
            raise traitlets.TraitError(T.PARAM_AGS_UNKNOWN.format(value=value, hint=""))
        return value

    @traitlets.observe("ags")
    def _sync_search(self, change: Any) -> None:
        new = change["new"]
        if hasattr(self, "search"):
            label = self._label(new)
            if self.search.value != label:
                self.search.value = label
            self._clear_hits()
            self.message.value = self._describe(new)

    @property
    def name(self) -> str:
        return self.index.get(self.ags).name

    @property
    def place(self) -> Any:
        """The current place (``workbook.place_search.Place``)."""
        return self.index.get(self.ags)


#: the picker's former name (it found Kreise only)
KreisPicker = PlacePicker


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
