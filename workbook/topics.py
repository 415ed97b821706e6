"""The registry of topic models: name, indicator prefix and module, in run order.

The engine runs the topics in this order (models read earlier outputs), the
charts look indicator labels up through it and the texts' indicator labels are
checked against its prefixes. Every registered module is part of the package:
a missing one is a broken installation and raises ``ImportError``, never a
silently smaller result.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

__all__ = ["NAMES", "REGISTRY", "Topic", "indicators", "module", "modules", "topic", "topic_of"]


@dataclass(frozen=True)
class Topic:
    """A topic model: its ``name`` (``topics=`` selection), the ``prefix`` of its indicator
    names (``<prefix>.<name>``) and the module that defines ``INDICATORS`` and ``run(ctx)``."""

    name: str
    prefix: str
    module: str


REGISTRY: tuple[Topic, ...] = (
    Topic("divide", "divide", "workbook.models.divide"),
    Topic("digitalisation", "ddi", "workbook.models.digitalisation"),
    Topic("telemedicine", "tele", "workbook.models.telemedicine"),
    Topic("resilience", "resilience", "workbook.models.resilience"),
    Topic("cooperation", "coop", "workbook.models.cooperation"),
)
NAMES: tuple[str, ...] = tuple(t.name for t in REGISTRY)
_BY_NAME = {t.name: t for t in REGISTRY}
_BY_PREFIX = {t.prefix: t for t in REGISTRY}


def topic(name: str) -> Topic:
    """The registered topic ``name`` (``KeyError`` for an unregistered one)."""
    return _BY_NAME[name]


def module(name: str) -> ModuleType:
    """The module of topic ``name``; the module name comes from the registry, never from user text."""
    return importlib.import_module(_BY_NAME[name].module)


def modules() -> dict[str, ModuleType]:
    """Every topic's module, in run order."""
    return {t.name: module(t.name) for t in REGISTRY}


@cache
def indicators() -> dict:
    """Every topic's ``INDICATORS`` merged: indicator name -> ``models.base.Indicator``."""
    out: dict = {}
    for mod in modules().values():
        out.update(mod.INDICATORS)
    return out


def topic_of(indicator: str) -> Topic | None:
    """The topic whose prefix ``indicator`` carries (``ddi.index`` -> digitalisation)."""
    return _BY_PREFIX.get(str(indicator).split(".", 1)[0])
