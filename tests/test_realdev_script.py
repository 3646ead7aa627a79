"""scripts/realdev.py: the manifest keeps no text; the texts are cut again from saved search
responses by their markers and sha1, and passages that no longer turn up are dropped."""
import importlib.util
import json

import pytest

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("realdev_script", ROOT / "scripts" / "realdev.py")
realdev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(realdev)

# Project-written stand-ins for real passages.
PARTS = [
    {"id": "rd-ru-001", "lang": "ru", "labels": ["A.detention"], "note": "", "url": "https://example.kz/a",
     "query": "журналист задержан", "text": "В Уральске полиция задержала корреспондента  местного сайта у здания акимата "
                                            "и отпустила его через три часа без протокола."},
    {"id": "rd-en-001", "lang": "en", "labels": ["NONE"], "note": "ordinary news", "url": "https://example.kz/b",
     "query": "Astana weather", "text": "Snow is expected in Astana on Friday, with temperatures falling to minus "
                                       "twenty degrees by the weekend, forecasters said."},
]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(realdev, "MANIFEST", tmp_path / "manifest.jsonl")
    monkeypatch.setattr(realdev, "TEXTS", tmp_path / "texts.jsonl")
    parts = tmp_path / "parts"
    parts.mkdir()
    for lang in ("ru", "en"):
        (parts / f"{lang}.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n"
                                                     for p in PARTS if p["lang"] == lang), encoding="utf-8")
    realdev.build(parts)
    return tmp_path


def test_the_manifest_holds_markers_and_hashes_but_no_text(folder):
    rows = realdev.read_jsonl(folder / "manifest.jsonl")
    assert [r["id"] for r in rows] == ["rd-ru-001", "rd-en-001"]   # parts read kk, ru, en
    for row in rows:
        assert "text" not in row
        assert len(row["first_words"].split()) == 6 and len(row["last_words"].split()) == 6
    texts = {r["id"]: r for r in realdev.read_jsonl(folder / "texts.jsonl")}
    assert texts["rd-ru-001"]["text"].startswith("В Уральске полиция задержала корреспондента местного")  # spaces collapsed
    assert set(texts["rd-en-001"]) == {"id", "text", "lang", "labels"}


def test_rebuild_cuts_each_passage_from_its_saved_response_and_drops_the_missing(folder, capsys):
    expected = {r["id"]: r for r in realdev.read_jsonl(folder / "texts.jsonl")}
    responses = folder / "responses"
    responses.mkdir()
    page = "Menu Home News\n" + PARTS[0]["text"].replace(" ", "\n", 3) + "\nRead also: other stories"
    (responses / "q1.json").write_text(json.dumps({"query": PARTS[0]["query"], "results": [
        {"address": "https://example.kz/other", "excerpt": PARTS[1]["text"]},     # right text, wrong page
        {"address": PARTS[0]["url"], "excerpt": page}]}), encoding="utf-8")
    (folder / "texts.jsonl").unlink()
    realdev.rebuild(responses)
    rebuilt = realdev.read_jsonl(folder / "texts.jsonl")
    assert rebuilt == [expected["rd-ru-001"]]
    assert "dropped rd-en-001" in capsys.readouterr().err


def test_a_changed_passage_fails_its_sha1_and_is_dropped(folder):
    responses = folder / "responses"
    responses.mkdir()
    changed = PARTS[0]["text"].replace("три", "четыре")
    (responses / "q1.json").write_text(json.dumps({"results": [{"address": PARTS[0]["url"], "excerpt": changed}]}))
    realdev.rebuild(responses)
    assert realdev.read_jsonl(folder / "texts.jsonl") == []
