"""The place picker and the start page's search over all 11,200 places (401 Kreise, 10,799 Gemeinden).

Figures (warm process unless said; indicative on a shared 2-core machine):

- ``index_cold_ms``: ``place_search.place_index()`` in a fresh process, data files parsed
  (``load_places``) and the index built; ``index_build_ms``: the index alone from the tables;
- ``picker_first_ms`` / ``picker_next_ms``: building a ``PlacePicker`` (first in the process,
  then with the index cached);
- ``keystroke_p50_ms`` / ``_p95_ms`` / ``_max_ms``: one keystroke in the search box (the Text's
  value change: the search, up to 8 hit buttons and the count line updated), over the prefixes of
  typed words ("T", "Tü", ... "Tübingen", "08416041", "neustadt marburg", "berg");
  ``search_p50_ms`` / ``_max_ms``: ``PlaceIndex.search`` alone for the same texts;
- ``picker_state_bytes``: JSON of the picker's widget states as the browser first receives them
  (Text, hit buttons, count and message); ``combobox_401_state_bytes``: the former Kreis
  Combobox with its 401 options, for comparison; ``combobox_11200_state_bytes``: what a
  Combobox with every place as option would send;
- ``keystroke_msg_bytes_p50`` / ``_max``: bytes of the widget messages the kernel sends for one
  keystroke (captured at ``Widget._send``);
- ``start_page_bytes`` / ``start_page_search_bytes``: the dashboards' start page as rendered
  (401 Kreis options) and with a search of 582 matches (20 listed); ``start_search_ms``;
- ``gemeinde_map_bytes_<ags>``: the JSON spec of the overview map of a Gemeinde (its Kreis's
  Gemeinden: Tübingen 15, Bitburg-Prüm area 234; Köln with its neighbouring Kreise).

    .venv/bin/python benchmarks/bench_places.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("Tübingen", "08416041", "neustadt marburg", "berg", "Hildburghausen")
MAP_PLACES = ("08416041", "07232201", "05315000")


def _prefixes() -> list[str]:
    return [w[:i] for w in WORDS for i in range(1, len(w) + 1)]


def _state_bytes(widgets) -> int:
    return sum(len(json.dumps(w.get_state(), default=str)) for w in widgets)


def _cold_index_ms() -> float:
    code = ("import time; t=time.perf_counter(); from workbook.place_search import place_index; "
            "place_index(); print((time.perf_counter()-t)*1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run() -> dict:
    import ipywidgets as W

    from workbook.data import load_kreise
    from workbook.data.places import load_places
    from workbook.place_search import PlaceIndex, place_index
    from workbook.texts import places as P
    from workbook.widgets import PlacePicker

    out: dict[str, float] = {"index_cold_ms": round(_cold_index_ms(), 1)}
    places, kreise = load_places(), load_kreise()
    t0 = time.perf_counter()
    PlaceIndex.from_tables(places, kreise)
    out["index_build_ms"] = round((time.perf_counter() - t0) * 1000, 1)

    t0 = time.perf_counter()
    picker = PlacePicker("05315")
    out["picker_first_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        PlacePicker("16069")
        times.append((time.perf_counter() - t0) * 1000)
    out["picker_next_ms"] = round(statistics.median(times), 2)
    out["picker_state_bytes"] = _state_bytes([picker, picker.search, picker.hits, picker.count, picker.message,
                                              *picker._buttons])

    labels = P.place_labels(zip(kreise["ags"], kreise["name"], kreise["kreis_type"]))
    combo = W.Combobox(options=[P.option_label(labels[a], a) for a in P.sorted_places(labels)])
    out["combobox_401_state_bytes"] = _state_bytes([combo])
    everything = W.Combobox(options=[p.option for p in place_index().places])
    out["combobox_11200_state_bytes"] = _state_bytes([everything])

    sent: list[int] = []
    original = W.Widget._send

    def capture(self, msg, buffers=None):
        sent.append(len(json.dumps(msg, default=str)))
        return original(self, msg, buffers)

    keystrokes, msg_bytes = [], []
    W.Widget._send = capture          # type: ignore[method-assign]
    try:
        for text in _prefixes():
            sent.clear()
            t0 = time.perf_counter()
            picker.search.value = text
            keystrokes.append((time.perf_counter() - t0) * 1000)
            msg_bytes.append(sum(sent))
    finally:
        W.Widget._send = original     # type: ignore[method-assign]
    out["keystrokes"] = len(keystrokes)
    out["keystroke_p50_ms"] = round(statistics.median(keystrokes), 2)
    out["keystroke_p95_ms"] = round(_pct(keystrokes, 0.95), 2)
    out["keystroke_max_ms"] = round(max(keystrokes), 2)
    out["keystroke_msg_bytes_p50"] = int(statistics.median(msg_bytes))
    out["keystroke_msg_bytes_max"] = max(msg_bytes)
    index = place_index()
    searches = []
    for text in _prefixes():
        t0 = time.perf_counter()
        index.search(text)
        searches.append((time.perf_counter() - t0) * 1000)
    out["search_p50_ms"] = round(statistics.median(searches), 2)
    out["search_max_ms"] = round(max(searches), 2)

    out.update(_start_page())
    out.update(_maps())
    return out


def _start_page() -> dict:
    import jinja2

    from workbook.dashboard import TEMPLATE_DIR, kreis_choices
    from workbook.dashboard.kreise import group_by_land, search_places
    from workbook.texts import dashboard as T

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    kreise = kreis_choices()
    page = env.get_template("start.html.j2")
    common = {"base_url": "/", "t": T, "dashboards": dict(T.DASHBOARDS), "kreise": kreise,
              "lands": group_by_land(kreise), "chosen": None, "notice": None, "default": None}
    plain = page.render(**common)
    t0 = time.perf_counter()
    hits, total = search_places("berg")
    ms = (time.perf_counter() - t0) * 1000
    searched = page.render(**common, search={"query": "berg", "hits": hits, "total": total})
    return {"start_page_bytes": len(plain.encode()), "start_page_search_bytes": len(searched.encode()),
            "start_search_ms": round(ms, 2)}


def _maps() -> dict:
    from workbook.apps.area import gemeinde_map_for
    from workbook.apps.base import resolve_chart

    out = {}
    for ags in MAP_PLACES:
        t0 = time.perf_counter()
        spec = resolve_chart(gemeinde_map_for(ags, "gigabit_share", label="Gigabit", percent=True)).to_dict()
        out[f"gemeinde_map_ms_{ags}"] = round((time.perf_counter() - t0) * 1000, 1)
        out[f"gemeinde_map_bytes_{ags}"] = len(json.dumps(spec, separators=(",", ":")))
    return out


if __name__ == "__main__":
    import os

    figures = run()
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    for key, value in figures.items():
        print(f"{key:34s} {value}")
