"""Check HTML the way a browser reads it (html5lib, the WHATWG parsing algorithm).

:func:`html_problems` lists what makes a page differ from what its author
wrote: every parse error (a self-closed ``<a/>``, an end tag with no open
element, a ``<style>`` inside a ``<style>`` ...) and every paragraph, table,
figure, section or heading that the parser put inside an ``<a>`` (which is
what a browser does with an unclosed link: the rest of the page becomes
clickable). SVG ``<a>`` around map shapes is SVG, not HTML, and is not
counted. Used by the session check in ``conftest.py`` and by
``test_html_valid.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"
# what must never sit inside a link (block content of the report and the index page)
BLOCKS = ("p", "table", "figure", "section", "div", "main", "ul", "ol", "pre",
          "h1", "h2", "h3", "h4", "h5", "h6")


def html_problems(data: bytes | str, name: str = "<html>") -> list[str]:
    """Human-readable problems of one page; empty when a browser reads it as written."""
    import html5lib

    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    doc = parser.parse(data.encode("utf-8") if isinstance(data, str) else data)
    problems = []
    for (line, col), code, info in parser.errors:
        detail = ", ".join(f"{k}={v}" for k, v in sorted((info or {}).items()))
        problems.append(f"{name}:{line}:{col}: parse error {code}" + (f" ({detail})" if detail else ""))
    links = list(doc.iter(XHTML + "a"))
    for link in links:
        inside = sorted({el.tag[len(XHTML):] for el in link.iter()
                         if isinstance(el.tag, str) and el.tag[len(XHTML):] in BLOCKS})
        if inside:
            problems.append(f"{name}: <a href={link.get('href')!r}> contains {', '.join(inside)}")
    # A link left open is also re-opened by the parser around the text of every later paragraph,
    # cell or list item (the "reconstruction of active formatting elements"): more HTML links
    # after parsing than <a> tags in the markup.
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    written = len(_A_TAG.findall(_RAW.sub("", text))) - _svg_links(doc)
    if len(links) > written:
        seen: dict = {}
        for link in links:
            seen.setdefault(link.get("href"), []).append(link)
        clones = [(href, els) for href, els in seen.items() if len(els) > 1]
        where = "; ".join(f"<a href={href!r}> {len(els)} times, e.g. around "
                          f"{' '.join(''.join(els[1].itertext()).split())[:60]!r}" for href, els in clones[:3])
        problems.append(f"{name}: {len(links) - written} "
                        f"link(s) re-opened by the parser around later content: {where}")
    return problems


_RAW = re.compile(r"<!--.*?-->|<(script|style|title|textarea)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_A_TAG = re.compile(r"<a[\s>/]", re.IGNORECASE)


def _svg_links(doc) -> int:
    return sum(1 for _ in doc.iter("{http://www.w3.org/2000/svg}a"))


DOCTYPE = b"<!doctype html"


def documents(root: Path):
    """``(path, key)`` of every HTML document under ``root``: a ``*.html`` file that starts with
    ``<!DOCTYPE html>`` (a byte-order mark and blanks before it allowed); ``key`` is path, size and
    modification time, so a file rewritten later is checked again."""
    for path in sorted(Path(root).rglob("*.html")):
        try:
            st = path.stat()
            if not path.is_file():
                continue
            with path.open("rb") as fh:
                head = fh.read(64)
        except OSError:
            continue
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(DOCTYPE):
            yield path, (str(path), st.st_size, st.st_mtime_ns)


def check_documents(root: Path, seen: dict | None = None) -> list[str]:
    """Problems of every HTML document under ``root``; ``seen`` caches the documents already
    checked (by their key), so each version of a file is parsed once."""
    seen = {} if seen is None else seen
    found = []
    for path, key in documents(root):
        if key not in seen:
            try:
                seen[key] = html_problems(path.read_bytes(), str(path))
            except OSError:
                continue
        found += seen[key]
    return found
