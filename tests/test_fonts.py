"""vl-convert's fonts (workbook.fonts): set at the first conversion of a process, the same charts
whatever fonts the machine offers, and the user's FONTCONFIG_FILE left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from workbook import fonts

# an axis whose labels are made of middle dots: their widths set where the second
# panel starts, and Debian's Liberation Sans 1.07 measures "·" narrower than vl-convert's own 2.x
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "config": {"font": "Liberation Sans"},     # the theme's (charts.theme.FONT)
    "hconcat": [
        {"data": {"values": [{"k": "········································", "v": 1}, {"k": "CO₂ · m²", "v": 2}]},
         "mark": "bar", "encoding": {"y": {"field": "k", "type": "nominal"}, "x": {"field": "v", "type": "quantitative"}}},
        {"data": {"values": [{"k": "b", "v": 1}]},
         "mark": "bar", "encoding": {"y": {"field": "k", "type": "nominal"}, "x": {"field": "v", "type": "quantitative"}}},
    ],
}

_SCRIPT = textwrap.dedent("""
    import json, os, sys
    spec = json.loads(sys.argv[1])
    if sys.argv[2] == "raw":
        import vl_convert as vlc
    else:
        from workbook.fonts import converter
        vlc = converter()
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    print(json.dumps({"svg": svg, "env": os.environ.get("FONTCONFIG_FILE")}))
""")


def _convert(mode: str, fontconfig: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = fontconfig
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(SPEC), mode], env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_the_shipped_configuration_exists_and_names_only_dejavu():
    text = fonts.CONFIG.read_text(encoding="utf-8")
    dirs = [line.strip()[5:-6] for line in text.splitlines() if line.strip().startswith("<dir>")]
    assert dirs and all("dejavu" in d for d in dirs)


@pytest.mark.slow
def test_charts_are_laid_out_with_the_workbooks_fonts_whatever_the_user_set(tmp_path):
    system = tmp_path / "system.conf"     # every system font, Liberation Sans 1.07 where installed
    system.write_text('<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts</dir></fontconfig>')
    expected = _convert("raw", str(fonts.CONFIG))            # vl-convert started on our fonts
    for user_setting in (None, str(system)):
        got = _convert("workbook", user_setting)
        assert got["svg"] == expected["svg"]
        assert got["env"] == user_setting                     # the user's variable is back


@pytest.mark.slow
def test_without_the_setting_system_liberation_sans_lays_the_chart_out_differently(tmp_path):
    """The test above can fail: where the system has Debian's Liberation Sans, vl-convert left to
    itself measures the dots narrower and places the second panel elsewhere."""
    if not any("Liberation" in f for _, _, files in os.walk("/usr/share/fonts") for f in files):
        pytest.skip("no system Liberation Sans on this machine")
    system = tmp_path / "system.conf"
    system.write_text('<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts</dir></fontconfig>')
    assert _convert("raw", str(system))["svg"] != _convert("raw", str(fonts.CONFIG))["svg"]
