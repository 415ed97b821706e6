"""The output folder: atomic writes, hashes, per-report records, manifest.

Layout of ``--out``::

    index.html                  map, sortable table, run summary; links the Land pages
    manifest.json               per report: status, input hash, error ("kreise", "gemeinden")
    <ags>_<slug>.html           a Kreis report (self-contained)
    <ags>_<slug>.pdf            with --pdf
    notebooks/<ags>_<slug>.ipynb          executed notebook
    notebooks/<ags>_<slug>.failed.ipynb   partial notebook of a failed report
    meta/<ags>_<slug>.json      written last: input hash, HTML hash, key figures
    gemeinden/<land>/index.html           the Land's Gemeinde reports: map and table
    gemeinden/<land>/<ags>_<slug>.html    a Gemeinde report; notebooks/ and meta/ beside it

A report's folder (``where``: ``()`` or ``("gemeinden", "08")``, ``naming.report_dir``)
holds its HTML, PDF, ``notebooks/`` and ``meta/``, so a Land's folder is complete on its own.

Every file is written to a hidden temporary name in its folder and renamed
with ``os.replace``; a run killed at any moment leaves complete files or
temporary ones, which the next run removes. ``meta/*.json`` is the commit
mark: ``--resume`` trusts a report only when its record exists, names the
same input hash and the HTML on disk still has the recorded SHA-256.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

from ..errors import BatchError
from ..fsutil import atomic_write
from .naming import inside

TMP_MARK = ".tmp-"
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


class OutputError(BatchError):
    """Writing into the output folder failed (full disk, read-only ...)."""

    def __init__(self, message: str, *, errno_: int | None = None, file: str | None = None):
        self.errno = errno_
        super().__init__(message, file=file)


def write_options(path: Path) -> dict:
    """The ``fsutil.atomic_write`` options of a file in the output folder: the temporary name
    carries TMP_MARK, so ``--resume`` and the folder checks recognise what a killed run left
    behind; an ``OSError`` becomes an ``OutputError`` naming the file."""
    return {"prefix": f".{path.name}{TMP_MARK}{os.getpid()}-", "suffix": "",
            "on_error": lambda exc: OutputError(exc.strerror or str(exc), errno_=exc.errno, file=str(path))}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def tree_hash(root: Path, patterns: tuple[str, ...]) -> str:
    """SHA-256 over the relative names and contents of matching files under ``root``."""
    h = hashlib.sha256()
    root = Path(root)
    if not root.exists():
        return h.hexdigest()
    files = sorted({p for pat in patterns for p in root.rglob(pat)
                    if p.is_file() and "__pycache__" not in p.parts and TMP_MARK not in p.name})
    for p in files:
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def input_hash(**parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


class OutputFolder:
    def __init__(self, root: Path):
        self.root = Path(root)

    # -- set-up ------------------------------------------------------------
    def folders(self, where: tuple[str, ...] = ()) -> list[Path]:
        """A report folder and its ``notebooks/`` and ``meta/`` (checked to stay inside)."""
        base = inside(self.root, *where) if where else self.root
        return [base, base / "notebooks", base / "meta"]

    def prepare(self, wheres=((),)) -> None:
        """Create the folders (those of every report folder in ``wheres``) and prove they are
        writable, before any work starts."""
        from ..texts import batch as T

        wheres = sorted({tuple(w) for w in wheres} | {()})
        try:
            for where in wheres:
                for folder in self.folders(where):
                    folder.mkdir(parents=True, exist_ok=True)
            for where in wheres[:2]:      # the root and one Land folder: the same file system
                for folder in self.folders(where):
                    probe = folder / f".write-probe{TMP_MARK}{os.getpid()}"
                    with open(probe, "wb") as fh:
                        fh.write(b"probe")
                    probe.unlink()
        except OSError as exc:
            raise BatchError(T.NOT_WRITABLE.format(out=self.root, error=exc.strerror or exc),
                             file=str(self.root)) from None

    def check_space(self, n_reports: int, per_report: int = 1_200_000) -> None:
        import shutil

        from ..texts import batch as T

        free = shutil.disk_usage(self.root).free
        need = n_reports * per_report + 5_000_000
        if free < need:
            raise BatchError(T.NOT_ENOUGH_SPACE.format(out=self.root, free=T.fmt_bytes(free),
                                                       need=T.fmt_bytes(need)), file=str(self.root))

    def existing_wheres(self) -> list[tuple[str, ...]]:
        """The report folders on disk: the root and every ``gemeinden/<land>``."""
        from .naming import GEMEINDEN_DIR

        out: list[tuple[str, ...]] = [()]
        base = self.root / GEMEINDEN_DIR
        if base.is_dir():
            out += [(GEMEINDEN_DIR, p.name) for p in sorted(base.iterdir())
                    if p.is_dir() and len(p.name) == 2 and p.name.isascii() and p.name.isdigit()]
        return out

    def remove_leftovers(self) -> int:
        """Delete temporary files of an interrupted run; returns how many."""
        count = 0
        for folder in [f for where in self.existing_wheres() for f in self.folders(where)]:
            if not folder.is_dir():
                continue
            for p in folder.iterdir():
                if p.name.startswith(".") and TMP_MARK in p.name and p.is_file():
                    try:
                        p.unlink()
                        count += 1
                    except OSError:
                        pass
        return count

    # -- paths (``where``: the report's folder, ``naming.report_dir``) -------------
    def html(self, stem: str, where: tuple[str, ...] = ()) -> Path:
        return inside(self.root, *where, f"{stem}.html")

    def pdf(self, stem: str, where: tuple[str, ...] = ()) -> Path:
        return inside(self.root, *where, f"{stem}.pdf")

    def ipynb(self, stem: str, where: tuple[str, ...] = ()) -> Path:
        return inside(self.root, *where, "notebooks", f"{stem}.ipynb")

    def failed_ipynb(self, stem: str, where: tuple[str, ...] = ()) -> Path:
        return inside(self.root, *where, "notebooks", f"{stem}.failed.ipynb")

    def meta(self, stem: str, where: tuple[str, ...] = ()) -> Path:
        return inside(self.root, *where, "meta", f"{stem}.json")

    # -- records -----------------------------------------------------------
    def read_meta(self, stem: str, where: tuple[str, ...] = ()) -> dict | None:
        try:
            return json.loads(self.meta(stem, where).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def up_to_date(self, stem: str, in_hash: str, pdf: bool, where: tuple[str, ...] = ()) -> dict | None:
        """The stored record when the report on disk is complete and current."""
        rec = self.read_meta(stem, where)
        if not rec or rec.get("input_hash") != in_hash or rec.get("status") != "ok":
            return None
        if sha256_file(self.html(stem, where)) != rec.get("html_sha256"):
            return None
        if not self.ipynb(stem, where).is_file():
            return None
        if pdf and not self.pdf(stem, where).is_file():
            return None
        return rec

    def intact(self, rec: dict) -> bool:
        """A record of an earlier run still describes its files: the meta record on disk is the
        same and the HTML has its recorded size (cheap: no hashing)."""
        stem, where = rec.get("stem"), tuple(p for p in str(rec.get("dir") or "").split("/") if p)
        if not isinstance(stem, str) or rec.get("status") not in ("ok", "skipped", "earlier"):
            return False
        try:
            meta = self.read_meta(stem, where)
            html = self.html(stem, where)
        except BatchError:
            return False
        if not meta or meta.get("html_sha256") != rec.get("html_sha256") or meta.get("status") != "ok":
            return False
        try:
            return html.stat().st_size == rec.get("html_bytes")
        except OSError:
            return False

    @staticmethod
    def _rel(where: tuple[str, ...], *parts: str) -> str:
        return "/".join((*where, *parts))

    def write_success(self, task: dict, result: dict) -> dict:
        stem, where = task["stem"], tuple(task.get("dir") or ())
        ipynb, html, meta = self.ipynb(stem, where), self.html(stem, where), self.meta(stem, where)
        atomic_write(ipynb, result["ipynb"], **write_options(ipynb))
        atomic_write(html, result["html"], **write_options(html))
        if result.get("pdf"):
            pdf = self.pdf(stem, where)
            atomic_write(pdf, result["pdf"], **write_options(pdf))
        rec = {
            "ags": task["ags"], "name": task["name"], "stem": stem, "status": "ok",
            "input_hash": task["input_hash"], "html": self._rel(where, f"{stem}.html"),
            "html_sha256": sha256_bytes(result["html"]), "html_bytes": len(result["html"]),
            "ipynb": self._rel(where, "notebooks", f"{stem}.ipynb"),
            "pdf": self._rel(where, f"{stem}.pdf") if result.get("pdf") else None,
            "figures": result.get("figures") or {}, "figures_error": result.get("figures_error"),
        }
        if where:
            rec["dir"] = "/".join(where)
        # one small file per report, the commit mark: O(1) per report whatever the run's size
        atomic_write(meta, json.dumps(rec, sort_keys=True, indent=1).encode("utf-8"), **write_options(meta))
        try:
            self.failed_ipynb(stem, where).unlink()
        except FileNotFoundError:
            pass
        return rec

    def write_failure(self, task: dict, result: dict) -> dict:
        stem, where = task["stem"], tuple(task.get("dir") or ())
        # an older report of this place is no longer current: drop its record and files
        for path in (self.meta(stem, where), self.html(stem, where), self.ipynb(stem, where),
                     self.pdf(stem, where)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(exc.strerror or str(exc), errno_=exc.errno, file=str(path)) from None
        if result.get("ipynb"):
            failed = self.failed_ipynb(stem, where)
            atomic_write(failed, result["ipynb"], **write_options(failed))
        rec = {"ags": task["ags"], "name": task["name"], "stem": stem, "status": "failed",
               "input_hash": task["input_hash"], "error": result.get("error"),
               "failed_ipynb": self._rel(where, "notebooks", f"{stem}.failed.ipynb") if result.get("ipynb") else None}
        if where:
            rec["dir"] = "/".join(where)
        return rec

    def write_json(self, name: str, payload: dict) -> None:
        path = inside(self.root, name)
        atomic_write(path, json.dumps(payload, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8"),
                     **write_options(path))

    def write_page(self, where: tuple[str, ...], name: str, page: str) -> None:
        path = inside(self.root, *where, name)
        atomic_write(path, page.encode("utf-8"), **write_options(path))
