"""The output folder: atomic writes, hashes, per-report records, manifest.

Layout of ``--out``::

    index.html                  map, sortable table, run summary
    manifest.json               per-Kreis status, input hash, error
    <ags>_<slug>.html           the report (self-contained)
    <ags>_<slug>.pdf            with --pdf
    notebooks/<ags>_<slug>.ipynb          executed notebook
    notebooks/<ags>_<slug>.failed.ipynb   partial notebook of a failed report
    meta/<ags>_<slug>.json      written last: input hash, HTML hash, key figures

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
    def prepare(self) -> None:
        """Create the folders and prove they are writable, before any work starts."""
        from ..texts import batch as T

        try:
            for sub in ("", "notebooks", "meta"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
            for sub in ("", "notebooks", "meta"):
                probe = self.root / sub / f".write-probe{TMP_MARK}{os.getpid()}"
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

    def remove_leftovers(self) -> int:
        """Delete temporary files of an interrupted run; returns how many."""
        count = 0
        for sub in ("", "notebooks", "meta"):
            folder = self.root / sub
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

    # -- paths -------------------------------------------------------------
    def html(self, stem: str) -> Path:
        return inside(self.root, f"{stem}.html")

    def pdf(self, stem: str) -> Path:
        return inside(self.root, f"{stem}.pdf")

    def ipynb(self, stem: str) -> Path:
        return inside(self.root, "notebooks", f"{stem}.ipynb")

    def failed_ipynb(self, stem: str) -> Path:
        return inside(self.root, "notebooks", f"{stem}.failed.ipynb")

    def meta(self, stem: str) -> Path:
        return inside(self.root, "meta", f"{stem}.json")

    # -- records -----------------------------------------------------------
    def read_meta(self, stem: str) -> dict | None:
        try:
            return json.loads(self.meta(stem).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def up_to_date(self, stem: str, in_hash: str, pdf: bool) -> dict | None:
        """The stored record when the report on disk is complete and current."""
        rec = self.read_meta(stem)
        if not rec or rec.get("input_hash") != in_hash or rec.get("status") != "ok":
            return None
        if sha256_file(self.html(stem)) != rec.get("html_sha256"):
            return None
        if not self.ipynb(stem).is_file():
            return None
        if pdf and not self.pdf(stem).is_file():
            return None
        return rec

    def write_success(self, task: dict, result: dict) -> dict:
        stem = task["stem"]
        atomic_write(self.ipynb(stem), result["ipynb"], **write_options(self.ipynb(stem)))
        atomic_write(self.html(stem), result["html"], **write_options(self.html(stem)))
        if result.get("pdf"):
            atomic_write(self.pdf(stem), result["pdf"], **write_options(self.pdf(stem)))
        rec = {
            "ags": task["ags"], "name": task["name"], "stem": stem, "status": "ok",
            "input_hash": task["input_hash"], "html": f"{stem}.html",
            "html_sha256": sha256_bytes(result["html"]), "html_bytes": len(result["html"]),
            "ipynb": f"notebooks/{stem}.ipynb", "pdf": f"{stem}.pdf" if result.get("pdf") else None,
            "figures": result.get("figures") or {}, "figures_error": result.get("figures_error"),
        }
        atomic_write(self.meta(stem), json.dumps(rec, sort_keys=True, indent=1).encode("utf-8"),
                     **write_options(self.meta(stem)))
        try:
            self.failed_ipynb(stem).unlink()
        except FileNotFoundError:
            pass
        return rec

    def write_failure(self, task: dict, result: dict) -> dict:
        stem = task["stem"]
        # an older report of this Kreis is no longer current: drop its record and files
        for path in (self.meta(stem), self.html(stem), self.ipynb(stem), self.pdf(stem)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(exc.strerror or str(exc), errno_=exc.errno, file=str(path)) from None
        if result.get("ipynb"):
            atomic_write(self.failed_ipynb(stem), result["ipynb"], **write_options(self.failed_ipynb(stem)))
        return {"ags": task["ags"], "name": task["name"], "stem": stem, "status": "failed",
                "input_hash": task["input_hash"], "error": result.get("error"),
                "failed_ipynb": f"notebooks/{stem}.failed.ipynb" if result.get("ipynb") else None}

    def write_json(self, name: str, payload: dict) -> None:
        path = inside(self.root, name)
        atomic_write(path, json.dumps(payload, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8"),
                     **write_options(path))
