"""The topic registry (workbook/topics.py) is the one list of topics: engine, charts and texts agree."""

import importlib

import pytest

from workbook import engine, topics
from workbook.texts import topics as topic_texts


def test_registry_order_and_prefixes():
    assert topics.NAMES == ("divide", "digitalisation", "telemedicine", "resilience", "cooperation")
    assert engine.TOPICS == topics.NAMES
    assert list(engine.available_topics()) == list(topics.NAMES)
    for t in topics.REGISTRY:
        mod = topics.module(t.name)
        assert mod.__name__ == t.module
        # every indicator of a topic carries its prefix
        assert mod.INDICATORS and all(name.startswith(t.prefix + ".") for name in mod.INDICATORS), t.name
        assert all(topics.topic_of(name) is t for name in mod.INDICATORS)


def test_text_labels_belong_to_registered_topics():
    unknown = [name for name in topic_texts.LABELS if topics.topic_of(name) is None]
    assert unknown == []


def test_chart_labels_come_from_the_registry():
    from workbook.charts.common import indicator_label

    assert indicator_label("ddi.index") == topics.indicators()["ddi.index"].label_de
    assert indicator_label("tele.video_consults") == topic_texts.LABELS["tele.video_consults"]


def test_a_missing_topic_module_is_an_error_not_a_smaller_result(monkeypatch):
    real = importlib.import_module

    def broken(name, *args, **kwargs):
        if name == "workbook.models.telemedicine":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(topics.importlib, "import_module", broken)
    with pytest.raises(ModuleNotFoundError, match="telemedicine"):
        engine.available_topics()
    with pytest.raises(ModuleNotFoundError, match="telemedicine"):
        engine.prepare(["05315"], "S0", 0, topics="all")
