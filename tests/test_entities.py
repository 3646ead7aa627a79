"""Victims, outlets, state bodies, places and amounts in all three languages."""
from classifiers.entities import find_entities


def test_russian_entities_with_natasha_person_names():
    found = find_entities("Корреспондента «Уральской недели» Айгерим Сапарову задержала полиция Атырау. "
                          "Акимат требует с редакции 5 млн тенге.", "ru")
    assert any("Сапаров" in v for v in found["victims"])
    assert "Uralskaya Nedelya" in found["outlets"]
    assert {"police", "akimat"} <= set(found["state_bodies"])
    assert "Atyrau" in found["places"]
    assert found["amounts"][0]["tenge"] == 5_000_000


def test_kazakh_entities_with_and_without_kazakh_letters():
    found = find_entities("Қарағанды облысында полиция тілші Данияр Сейтқали ұстады. "
                          "Әкімдік «Азаттық» радиосының сұрағына жауап бермеді. Айыппұл 50 АЕК.", "kk")
    assert "Данияр Сейтқали" in found["victims"]
    assert "Azattyq" in found["outlets"]
    assert {"police", "akimat"} <= set(found["state_bodies"])
    assert "Karaganda" in found["places"]
    assert found["amounts"][0]["mrp"] == 50
    assert "Karaganda" in find_entities("Караганды облысында блогер усталды", "kk")["places"]


def test_english_entities():
    found = find_entities('Police in Shymkent detained journalist Daniyar Seitkali of the outlet "Qala TV"; '
                          "the prosecutor's office asked for a fine of 50 MRP.", "en")
    assert found["victims"] == ["Daniyar Seitkali"]
    assert "Qala TV" in found["outlets"]
    assert {"police", "prosecutor's office"} <= set(found["state_bodies"])
    assert found["places"] == ["Shymkent"]


def test_nothing_found_gives_an_empty_dict():
    assert find_entities("The weather was fine.", "en") == {}
