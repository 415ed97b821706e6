"""The fonts vl-convert measures and draws chart text with, set once per process.

vl-convert lays out every chart itself (text widths decide where axes, legends and the next
panel go). It takes its fonts from the system when the system has them and otherwise from the
copies it carries. vl-convert 1.9 reads a system font file again for every glyph it measures:
Debian's Liberation Sans 1.07 (``fonts-liberation``, which chromium brings) was opened about
800 times per chart, 45-50 ms CPU a chart, the largest part of a Gemeinde report
(``docs/batch.md``, "Fonts"). Its own Liberation Sans 2.x is kept in memory: 27-33 ms.

So :func:`converter` points vl-convert at ``templates/fonts/vl-convert-fonts.conf`` before its
first conversion in the process: only DejaVu from the system (the glyphs vl-convert's own
fonts lack), the theme's Liberation Sans always vl-convert's own. Charts are then laid out the
same whether or not a machine has ``fonts-liberation``; the report charts measured came out
byte-identical to those laid out with Debian's 1.07 (31 charts), which measures a few rarer
characters differently (the middle dot, the capital sharp s, some arrows and sub-/superscripts).
The setting applies for vl-convert's font database, loaded at its first conversion: the
variable ``FONTCONFIG_FILE`` is set for that conversion only and restored afterwards, so other
programs the process starts see the user's own. Where vl-convert had already converted a chart
in this process before (another library called it first), its fonts stay as they were.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import ModuleType

CONFIG = Path(__file__).resolve().parent / "templates" / "fonts" / "vl-convert-fonts.conf"

#: a chart with one text mark: converting it makes vl-convert load its font database
_PROBE = {
    "$schema": "https://vega.github.io/schema/vega/v5.json", "width": 10, "height": 10,
    "marks": [{"type": "text", "encode": {"enter": {"text": {"value": "Ag"}, "font": {"value": "Liberation Sans"}}}}],
}

_lock = threading.Lock()
_ready = False


def converter() -> ModuleType:
    """``vl_convert``, with its fonts set (once per process, thread-safe)."""
    global _ready
    import vl_convert

    if not _ready:
        with _lock:
            if not _ready:
                _load_fonts(vl_convert)
                _ready = True
    return vl_convert


def _load_fonts(vlc: ModuleType) -> None:
    if not CONFIG.is_file():    # a broken install: vl-convert's defaults, slower but right
        return
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(CONFIG)
    try:
        vlc.vega_to_svg(_PROBE, allowed_base_urls=[])
    except Exception:  # noqa: BLE001 - the first real conversion reports its own error
        pass
    finally:
        if before is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = before
