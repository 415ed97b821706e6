"""Offline rendering: static SVG/HTML and the offline JupyterChart, in-place updates."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from workbook import charts, display
from workbook.errors import WorkbookError


def table(scale: float = 1.0, scenarios=("S0", "S1")):
    rows = []
    for j, s in enumerate(scenarios):
        for y in range(2021, 2031):
            for q, d in {"p5": -0.05, "p25": -0.02, "p50": 0.0, "p75": 0.02, "p95": 0.05}.items():
                rows.append((s, "05315", "ddi.index", "1", y, scale * (0.3 + 0.03 * (j + 1) * (y - 2021)) + d, q))
    df = pd.DataFrame(rows, columns=["scenario", "ags", "indicator", "unit", "year", "value", "quantile"])
    df.attrs.update(seed=1, draws=200)
    return df


LABELS = {"S0": "S0 Trend", "S1": "S1 Strategie", "S2": "S2 Arbeit"}


def fan(df, scenarios=None):
    return charts.fan_chart(df, labels=LABELS, scenarios=scenarios)


@pytest.fixture(scope="module")
def fan_html():
    return display.static_html(fan(table()))


def test_static_html_is_inline_svg_without_script_or_url(fan_html):
    assert fan_html.startswith('<figure class="wb-chart"')
    assert "<svg" in fan_html and "</svg>" in fan_html
    assert "<script" not in fan_html.lower()
    assert "http" not in fan_html  # not even the SVG namespace
    assert "@import" not in fan_html and "@font-face" not in fan_html
    # every url() points inside the page
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", fan_html))
    # German number form on the axis
    assert "70 %" in fan_html or "60 %" in fan_html
    assert 'aria-label="ddi.index: Entwicklung 2021–2030"' in fan_html or "Entwicklung 2021–2030" in fan_html


def test_static_output_is_deterministic():
    a = display.static_html(fan(table()))
    # a warm kernel builds other charts in between (Altair counts views)
    charts.scenario_bars_2030(table(), labels=LABELS).to_dict()
    fan(table(scenarios=("S0", "S1", "S2"))).to_dict()
    display._svg_cache.clear()
    b = display.static_html(fan(table()))
    assert a == b


def test_ids_are_prefixed_per_chart():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><clipPath id="clip1"></clipPath><g clip-path="url(#clip1)"/></svg>'
    out = display.svg_html(svg)
    ident = re.search(r'id="([^"]+)"', out).group(1)
    assert ident.endswith("-clip1") and ident != "clip1"
    assert f"url(#{ident})" in out and "http" not in out
    other = display.svg_html(svg.replace("<g ", "<g data-x='1' "))
    assert re.search(r'id="([^"]+)"', other).group(1) != ident  # another chart, other prefix


def test_static_refuses_external_urls():
    with pytest.raises(WorkbookError, match="externe Adresse"):
        display.svg_html('<svg><image href="https://cdn.example.org/x.png"/></svg>')
    url_chart = alt.Chart(alt.UrlData("https://example.org/data.csv")).mark_point().encode(x="a:Q")
    with pytest.raises(WorkbookError, match="nicht gezeichnet"):
        display.to_svg(url_chart)


def test_chart_with_rows_and_a_url_layer_is_refused():
    """The compiled-once path (rows put into a cached Vega spec) blocks URL data too."""
    rows = alt.Chart(pd.DataFrame({"a": [1.0, 2.0]})).mark_point().encode(x="a:Q")
    remote = alt.Chart(alt.UrlData("https://example.org/data.csv")).mark_line().encode(x="a:Q")
    spec = display.chart_spec(alt.layer(rows, remote))
    assert spec.get("datasets")
    with pytest.raises(WorkbookError, match="nicht gezeichnet"):
        display._convert_svg(display._spec_json(spec))


def test_compiled_vega_is_reused_and_draws_what_vega_lite_draws():
    import vl_convert as vlc

    display._svg_cache.clear()
    display._vega_cache.clear()
    specs = [display.chart_spec(fan(table(scale))) for scale in (1.0, 1.1, 0.9)]
    specs.append(display.chart_spec(charts.scenario_bars_2030(table(), labels=LABELS)))
    for spec in specs:
        whole = vlc.vegalite_to_svg(json.loads(display._spec_json(spec)), allowed_base_urls=[])
        assert display._svg_of_spec(spec) == whole
    assert len(display._vega_cache) == 2          # one compile per chart structure, not per Kreis
    assert all(v is not None for v in display._vega_cache.values())


def test_rows_that_cannot_be_put_back_are_compiled_with_the_chart():
    empty_inline = {"datasets": {"d": [{"a": 1}]}, "layer": [
        {"data": {"name": "d"}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}},
        {"data": {"values": []}, "mark": "rule", "encoding": {"x": {"field": "a", "type": "quantitative"}}}]}
    skeleton, rows = display._rows_apart(empty_inline)
    assert display._compiled(skeleton, rows) is None          # an empty source that is no dataset
    assert "<svg" in display._convert_svg(display._spec_json(empty_inline))
    assert display._rows_apart({"datasets": {"d": "a,b\n1,2"}, "mark": "point"}) is None   # not records


def test_show_static_returns_html_display_object():
    obj = display.show(fan(table()), interactive=False)
    bundle = obj._repr_html_()
    assert "<svg" in bundle and "<script" not in bundle
    with pytest.raises(WorkbookError, match="interactive muss True oder False"):
        display.show(fan(table()), interactive="ja")


def test_spec_dict_gets_locale():
    spec = {"mark": "point", "data": {"values": [{"a": 1234.5}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    out = display.chart_spec(spec)
    assert out["config"]["locale"]["number"]["decimal"] == ","
    assert "config" not in spec  # input untouched


def test_jupyterchart_is_offline_and_loads_nothing_from_a_cdn():
    widget = display.show(fan(table()), interactive=True)
    assert isinstance(widget, alt.JupyterChart)
    assert alt.JupyterChart._is_offline
    esm = widget._esm if isinstance(widget._esm, str) else str(widget._esm)
    assert len(esm) > 100_000  # the bundled vega, not the 8 KB CDN loader
    assert not display._CDN_IMPORT_RE.search(esm)
    assert "esm.sh" not in esm and "cdn.jsdelivr" not in esm and "unpkg.com" not in esm
    assert widget.spec["config"]["locale"]["number"]["thousands"] == "."
    spec_text = json.dumps({k: v for k, v in widget.spec.items() if k != "$schema"})
    assert "http" not in spec_text


def test_live_chart_sends_only_changed_data():
    live = display.LiveChart(fan, table(), data_updates=True)
    widget = live.widget
    first_spec = widget.spec
    assert live.update(table(scale=1.1)) == "data"
    updates = widget._py_to_js_updates
    assert len(updates) == 1 and updates[0]["namespace"] == "data" and updates[0]["scope"] == []
    assert updates[0]["name"] in first_spec["datasets"]  # addressed by the name the view knows
    medians = {r["Median"] for r in updates[0]["value"]}
    assert "92,4 %" in medians  # S1 in 2030 at scale 1.1: 1.1 * (0.3 + 0.06 * 9) = 0.924
    assert widget.spec == first_spec  # no re-embed
    assert live.update(table(scale=1.1)) == "none"
    # another scenario set changes the scales: the spec is replaced
    assert live.update(table(scenarios=("S0", "S1", "S2"))) == "spec"
    assert len(widget.spec["vconcat"][0]["layer"]) == 4
    assert live.updates == 3


def test_live_chart_refresh_after_data_updates():
    live = display.LiveChart(fan, table(), data_updates=True)
    widget = live.widget
    live.update(table(scale=0.9))
    assert live._stale
    live.refresh()
    assert not live._stale
    assert widget.spec["datasets"] == live.spec["datasets"]


def test_live_chart_sends_the_full_spec_by_default():
    live = display.LiveChart(fan, table())
    widget = live.widget
    assert live.update(table(scale=1.1)) == "spec"
    assert widget.spec["datasets"] == live.spec["datasets"] and not live._stale
    assert live.update(table(scale=1.1)) == "none"


def test_live_chart_same_template_update_skips_the_validating_to_dict(monkeypatch):
    live = display.LiveChart(fan, table())
    widget = live.widget
    calls = []
    original = alt.TopLevelMixin.to_dict

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("validate", True))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(alt.TopLevelMixin, "to_dict", counting)
    assert live.update(table(scale=1.1)) == "spec"       # same template, other rows
    assert True not in calls                              # no schema validation on a lever move
    assert widget.spec == live.spec
    medians = {r["Median"] for rows in widget.spec["datasets"].values() for r in rows if "Median" in r}
    assert "92,4 %" in medians
    # other scenarios change the template: the widget gets the chart (params, selections) again
    assert live.update(table(scenarios=("S0", "S1", "S2"))) == "spec"
    assert len(widget.spec["vconcat"][0]["layer"]) == 4
    assert widget.chart is live.chart


def test_live_chart_static_mode_and_errors():
    live = display.LiveChart(fan, table(), interactive=False)
    assert live.update(table(scale=1.2)) == "static"
    assert "<svg" in live.static()._repr_html_()
    with pytest.raises(WorkbookError, match="kein Widget"):
        _ = live.widget
    with pytest.raises(WorkbookError, match="Funktion"):
        display.LiveChart("fan")
    # a factory error leaves the chart as it was
    live = display.LiveChart(fan, table())
    before = live.spec
    with pytest.raises(WorkbookError, match="column 'value'"):
        live.update(table().drop(columns=["value"]))
    assert live.spec == before


def test_external_urls_helper():
    assert display.external_urls('<a href="https://x.org/a">') == ["https://x.org/a"]
    assert display.external_urls('<svg xmlns="http://www.w3.org/2000/svg">', allow_namespaces=True) == []
    assert display.external_urls("//cdn.example.com/vega.js") == ["//cdn.example.com/vega.js"]


@pytest.mark.browser
def test_data_update_reaches_the_vega_view_in_a_browser(tmp_path):
    """The JupyterChart front end applies a data update as a Vega changeset on
    the dataset of that name (altair/jupyter/js/index.js, setDataValue). Do the
    same in Debian's chromium with vl-convert's bundle: the named dataset must
    exist at the root of the compiled view and the axes must follow the data."""
    import os

    import vl_convert as vlc

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian chromium not installed (make browser)")
    live = display.LiveChart(fan, table(), data_updates=True)
    widget = live.widget
    assert live.update(table(scale=1.1)) == "data"
    update = widget._py_to_js_updates[0]
    page_html = ("<html><body><div id='vis'></div><script>" + vlc.javascript_bundle()
                 + "</script></body></html>")
    (tmp_path / "page.html").write_text(page_html, encoding="utf-8")
    script = """async ([spec, name, values]) => {
        const api = await vegaEmbed('#vis', spec, {renderer: 'svg', actions: false});
        const view = api.view;
        const before = document.querySelector('#vis svg').outerHTML;
        const dataset = view._runtime.data[name];
        const changeset = view.changeset().remove(() => true).insert(values);
        dataset.modified = true;
        view.pulse(dataset.input, changeset);
        await view.runAsync();
        const rows = view.data(name);
        return {before, n: rows.length,
                medians: rows.map(r => r.Median), svg: document.querySelector('#vis svg').outerHTML};
    }"""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((tmp_path / "page.html").as_uri())
            out = page.evaluate(script, [widget.spec, update["name"], update["value"]])
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith("file://")] == []  # nothing from the network
    assert out["n"] == 20
    assert "92,4 %" in out["medians"]  # S1 in 2030 at scale 1.1: 1.1 * 0.84

    def top_tick(svg):
        return max(int(t) for t in re.findall(r">(\d+) %<", svg))
    assert top_tick(out["svg"]) > top_tick(out["before"])  # the y axis followed the new data


def test_hostile_labels_are_escaped_in_static_output():
    df = pd.DataFrame({"year": [2021, 2022], "value": [0.1, 0.2],
                       "group": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']})
    chart = charts.line_by_group(df, unit="share", chart_title="</svg><script>alert(2)</script>",
                                 estimate="<b>fett</b> & mehr")
    out = display.static_html(chart)
    assert "<script" not in out.lower() and "<img" not in out.lower() and "<b>" not in out
    assert "&lt;script&gt;alert(1)" in out
    assert 'aria-label="&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in out


def test_templated_chart_spec_equals_altair_to_dict():
    """The spec a builder's chart carries (structure built once, rows swapped) is what Altair itself writes."""
    first = fan(table())
    again = fan(table(scale=1.1))                 # the same structure, other rows: from the template
    for chart in (first, again):
        fast = display.chart_spec(chart)
        slow = chart.to_dict(validate=True)       # validated against the Vega-Lite schema too
        assert json.dumps(fast, sort_keys=True) == json.dumps(slow, sort_keys=True)
    assert display.chart_spec(first)["datasets"] != display.chart_spec(again)["datasets"]
    bars = charts.scenario_bars_2030(table(scale=1.2), labels=LABELS)
    assert json.dumps(display.chart_spec(bars), sort_keys=True) == json.dumps(bars.to_dict(), sort_keys=True)


def test_static_figure_writes_title_and_footnote_as_html():
    out = display.static_html(charts.fan_chart(table(), labels=LABELS, selectable=False))
    svg = out[out.index("<svg"):out.index("</svg>")]
    assert "Entwicklung 2021–2030" in out and "Entwicklung 2021–2030" not in svg
    assert "Modellrechnung" in out and "Modellrechnung" not in svg
    assert out.index("wb-chart-title") < out.index("<svg") < out.index("wb-chart-note")
    # a chart without footnote keeps its plot whole
    plain = display.static_html(charts.fan_chart(table(), labels=LABELS, note=False, selectable=False))
    assert "wb-chart-note" not in plain and "<svg" in plain
    # with a legend selection (top-level parameters) the chart is drawn whole
    whole = display.static_html(fan(table()))
    assert "wb-chart-note" not in whole and "Modellrechnung" in whole[whole.index("<svg"):]


# -- charts drawn by the page (workbook batch --charts script) ---------------------------------------
def _spec_of(figure: str) -> dict:
    m = re.search(r'<script type="application/json" class="wb-vega-spec">(.*?)</script>', figure, re.S)
    assert m, figure[:300]
    return json.loads(m.group(1))


def test_script_mode_figure_holds_the_vega_spec_instead_of_svg(monkeypatch, fan_html):
    from workbook.texts.charts import CHART_SCRIPT_PENDING

    monkeypatch.setenv(display.STATIC_CHARTS_ENV, "script")
    out = display.static_html(fan(table()))
    assert "<svg" not in out and out.count("wb-vega-spec") == 1
    assert f'<div class="wb-vega">{CHART_SCRIPT_PENDING}</div>' in out
    # the HTML around the drawing (title, subtitle, footnote, label) is the SVG figure's
    drop = re.compile(r'<div class="wb-vega">.*?</script>|<svg.*?</svg>', re.S)
    assert drop.sub("", out) == drop.sub("", fan_html)
    spec = _spec_of(out)
    assert "$schema" not in spec and "http" not in json.dumps(spec)
    rows = [v for d in spec["data"] for v in d.get("values", [])]
    years = {(r["Szenario"], r["Jahr"]) for r in rows if "Median" in r}     # the rows of the table, in the spec
    assert years == {(s, y) for s in ("S0 Trend", "S1 Strategie") for y in range(2021, 2031)}
    assert spec["config"]["locale"]["number"]["decimal"] == ","          # German numbers in the browser too
    assert out == display.static_html(fan(table()))                      # same chart, same bytes
    other = _spec_of(display.static_html(fan(table(scale=1.1))))
    assert other != spec and {k: v for k, v in other.items() if k != "data"} == {
        k: v for k, v in spec.items() if k != "data"}                    # one compiled skeleton, other rows


def test_script_mode_spec_cannot_close_its_element(monkeypatch):
    monkeypatch.setenv(display.STATIC_CHARTS_ENV, "script")
    df = pd.DataFrame({"year": [2021, 2022], "value": [0.1, 0.2],
                       "group": ["</script><script>alert(1)</script>", "<!-- & -->"]})
    out = display.static_html(charts.line_by_group(df, unit="share", chart_title="Titel"))
    body = out[out.index('class="wb-vega-spec">') + len('class="wb-vega-spec">'):]
    assert body.index("</script>") == len(body) - len("</script></figure>")     # only its own end tag
    assert "<" not in body[:-len("</script></figure>")] and "&" not in body[:-len("</script></figure>")]
    texts = json.dumps(_spec_of(out), ensure_ascii=False)
    assert "</script><script>alert(1)</script>" in texts and "<!-- & -->" in texts   # the labels unchanged


def test_bad_chart_mode_named(monkeypatch):
    monkeypatch.setenv(display.STATIC_CHARTS_ENV, "png")
    with pytest.raises(WorkbookError, match=r"WORKBOOK_STATIC_CHARTS='png'.*svg oder script"):
        display.static_html(fan(table()))
