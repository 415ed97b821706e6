"""The workbook's one Altair theme ("drehbuch") and its fixed colours.

Registered and enabled on import with ``alt.theme.register`` (not the
deprecated ``alt.themes``). It sets the de-DE number and time locale from
vl-convert, so axes read ``1.234,5`` in SVG, PNG and JupyterChart alike.

Colours come from the Okabe-Ito palette (safe for the common colour-vision
deficiencies); every scenario also has its own dash pattern so that lines stay
apart in greyscale print. S0..S5 keep their colour in every chart; user
scenarios take the further colours in order.
"""

from __future__ import annotations

import copy
import functools

import altair as alt

THEME_NAME = "drehbuch"
#: Liberation Sans has Arial's metrics, so text measured here (vl-convert) fits where
#: Arial draws it; vl-convert also measures it faster than DejaVu Sans (about a fifth
#: of a static chart's time goes to measuring text)
FONT = "Liberation Sans, Arial, sans-serif"
TEXT_COLOR = "#1a1a1a"
MUTED_COLOR = "#595959"     # 7:1 contrast on white
GRID_COLOR = "#e3e3e3"
BACKGROUND = "#ffffff"
HIGHLIGHT_COLOR = "#000000"
NO_VALUE_COLOR = "#d9d9d9"

#: fixed scenario colours (Okabe-Ito); S0 "Trend" is the neutral reference.
SCENARIO_COLORS: dict[str, str] = {
    "S0": "#555555",   # grey: counterfactual
    "S1": "#0072B2",   # blue
    "S2": "#E69F00",   # orange
    "S3": "#009E73",   # bluish green
    "S4": "#CC79A7",   # reddish purple
    "S5": "#D55E00",   # vermillion
}
#: colours for user scenarios, in order of appearance.
USER_COLORS: tuple[str, ...] = ("#56B4E9", "#8B4513", "#000000", "#7570B3")

#: dash patterns: solid for S0, then patterns that differ in rhythm, not only length.
SCENARIO_DASHES: dict[str, list[int]] = {
    "S0": [1, 0],
    "S1": [10, 4],
    "S2": [2, 3],
    "S3": [10, 3, 2, 3],
    "S4": [6, 6],
    "S5": [14, 3, 3, 3, 3, 3],
}
USER_DASHES: tuple[list[int], ...] = ([1, 0], [4, 2, 1, 2], [12, 2], [3, 6])

#: categorical palette for groups that are not scenarios (age groups, services...).
CATEGORY_COLORS: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#555555", "#8B4513",
)
CATEGORY_DASHES: tuple[list[int], ...] = (
    [1, 0], [10, 4], [2, 3], [10, 3, 2, 3], [6, 6], [14, 3, 3, 3, 3, 3], [4, 2, 1, 2], [12, 2],
)

#: lever groups of the parameter records (tornado chart)
LEVER_COLORS: dict[str, str] = {
    "kommune": "#0072B2",
    "bund_land": "#E69F00",
    "markt": "#777777",
}

#: sequential scheme for maps: monotonic lightness, readable in greyscale
SEQUENTIAL_SCHEME = "viridis"


def scenario_colors(ids) -> list[str]:
    """Colours for scenario ids in the given order: S0..S5 fixed, others in turn."""
    out, k = [], 0
    for sid in ids:
        if sid in SCENARIO_COLORS:
            out.append(SCENARIO_COLORS[sid])
        else:
            out.append(USER_COLORS[k % len(USER_COLORS)])
            k += 1
    return out


def scenario_dashes(ids) -> list[list[int]]:
    """Dash patterns for scenario ids, as :func:`scenario_colors`."""
    out, k = [], 0
    for sid in ids:
        if sid in SCENARIO_DASHES:
            out.append(list(SCENARIO_DASHES[sid]))
        else:
            out.append(list(USER_DASHES[k % len(USER_DASHES)]))
            k += 1
    return out


@functools.lru_cache(maxsize=1)
def _locale() -> dict:
    from ..fonts import converter

    vlc = converter()
    return {
        "number": vlc.get_format_locale("de-DE"),
        "time": vlc.get_time_format_locale("de-DE"),
    }


def locale() -> dict:
    """The de-DE d3 locale (number and time), compiled once per process."""
    return copy.deepcopy(_locale())


def theme_config() -> dict:
    """The theme as a plain dict (``{"config": {...}}``)."""
    axis = {
        "labelFont": FONT, "titleFont": FONT,
        "labelFontSize": 13, "titleFontSize": 14, "titleFontWeight": "normal",
        "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR,
        "gridColor": GRID_COLOR, "domainColor": MUTED_COLOR, "tickColor": MUTED_COLOR,
        # no pixel limits on labels: Vega truncates by measuring the text again and
        # again, which made vl-convert 3x slower; builders shorten long labels instead
        "labelLimit": 0,
    }
    return {
        "config": {
            "locale": locale(),
            "background": BACKGROUND,
            "font": FONT,
            "padding": 8,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {
                "font": FONT, "fontSize": 18, "fontWeight": "bold", "color": TEXT_COLOR,
                "subtitleFont": FONT, "subtitleFontSize": 13, "subtitleColor": MUTED_COLOR,
                "anchor": "start", "offset": 10,
            },
            "axis": axis,
            "axisX": {"labelAngle": 0},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "labelLimit": 0,
                       "titleFontSize": 14, "labelColor": TEXT_COLOR},
            "legend": {
                "labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13,
                "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR, "symbolStrokeWidth": 3,
                # titles too: the default of 180 px cut 'Einsparung im Verbund (in %)' to '(in …'
                "symbolSize": 220, "labelLimit": 0, "titleLimit": 0, "orient": "bottom", "direction": "vertical",
                "columns": 2,
            },
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "text": {"font": FONT, "fontSize": 13, "color": TEXT_COLOR},
            "range": {"category": list(CATEGORY_COLORS)},
        }
    }


@alt.theme.register(THEME_NAME, enable=True)
def drehbuch_theme() -> alt.theme.ThemeConfig:
    """The one theme of the workbook (de-DE locale, accessible colours)."""
    return alt.theme.ThemeConfig(**theme_config())


def ensure_theme() -> None:
    """Enable the theme again if some other code switched it off (warm kernels)."""
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
