"""The shipped data files: where they are, their sha256 against data/sources.yml, a parse cache.

    data_dir()            the folder of the shipped files
    load_sources()        data/sources.yml (packages, files with sha256)
    read_verified(name)   the bytes of a file whose sha256 matches sources.yml
    verify_hashes()       {file: sha256} of every listed file
    data_hash()           sha256 of kreise.csv (goes into result metadata)
    cached(name, sig, build), clear_cache()   the parse cache, keyed by file signatures
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import yaml

from .. import paths
from ..errors import DataError
from ..snapshot import file_signature
from ..texts import data as T

KREISE_FILE = "kreise.csv"
BOUNDARIES_FILE = "kreise.geojson"
LAENDER_FILE = "laender.geojson"
NEIGHBOURS_FILE = "neighbours.csv"
AGE_FILE = "kreise_age.csv"
BROADBAND_FILE = "broadband_history.csv"
GEMEINDEN_FILE = "gemeinden.csv"
GEMEINDE_BOUNDARIES_DIR = "gemeinden"                 # gemeinden/<land_ags>.geojson
GEMEINDE_NEIGHBOURS_FILE = "gemeinden_neighbours.csv"
GEMEINDE_SUCCESSORS_FILE = "gemeinden_successors.csv"
SOURCES_FILE = "sources.yml"

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, object]] = {}


# -- locations ----------------------------------------------------------------------

def data_dir() -> Path:
    return paths.DATA_DIR


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


#: (path, mtime, size) of a file, (path, None, None) when it is missing; once per page render
signature = file_signature


def cached(name: str, signature: tuple, build):
    with _lock:
        hit = _cache.get(name)
        if hit is not None and hit[0] == signature:
            return hit[1]
    value = build()
    with _lock:
        _cache[name] = (signature, value)
    return value


def clear_cache() -> None:
    """Forget every parsed file (tests; after replacing data files)."""
    with _lock:
        _cache.clear()


# -- provenance and hashes ---------------------------------------------------------------

def load_sources() -> dict:
    """data/sources.yml as a dict (packages, files)."""
    path = data_dir() / SOURCES_FILE

    def build():
        if not path.exists():
            raise DataError(T.FILE_MISSING, file=rel(path))
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DataError(T.SOURCES_CORRUPT.format(error=str(exc).splitlines()[0]), file=rel(path)) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("files"), dict):
            raise DataError(T.SOURCES_CORRUPT.format(error="no 'files' mapping"), file=rel(path))
        return doc

    return cached("sources", signature(path), build)


def read_verified(name: str) -> bytes:
    """The bytes of a data file whose sha256 matches data/sources.yml."""
    path = data_dir() / name
    sources = load_sources()
    entry = sources["files"].get(name)
    if entry is None:
        raise DataError(T.NOT_IN_SOURCES, file=rel(data_dir() / SOURCES_FILE), key=name)
    if not path.exists():
        raise DataError(T.FILE_MISSING, file=rel(path))
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry.get("sha256"):
        raise DataError(T.HASH_MISMATCH.format(expected=entry.get("sha256"), actual=digest), file=rel(path))
    return raw


def verify_hashes() -> dict[str, str]:
    """Check every file listed in sources.yml; return {file: sha256}. Raises DataError."""
    return {name: hashlib.sha256(read_verified(name)).hexdigest() for name in sorted(load_sources()["files"])}


def data_hash() -> str:
    """sha256 of the shipped kreise.csv (goes into result metadata)."""
    return load_sources()["files"][KREISE_FILE]["sha256"]
