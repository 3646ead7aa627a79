import pytest

from classifiers.taxonomy import TAXONOMY_PATH, load_taxonomy

from .conftest import SHARED


def test_project_taxonomy_is_identical_to_the_shared_contract():
    shared = SHARED / "taxonomy.yaml"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert TAXONOMY_PATH.read_bytes() == shared.read_bytes()


def test_taxonomy_has_three_groups_and_eighteen_categories():
    taxonomy = load_taxonomy()
    assert sorted(taxonomy.groups) == ["A", "B", "C"]
    assert len(taxonomy.codes) == 18
    assert {taxonomy.group_of(code) for code in taxonomy.codes} == {"A", "B", "C"}


def test_unknown_codes_are_rejected_and_none_is_accepted():
    taxonomy = load_taxonomy()
    taxonomy.validate_labels(["NONE"])
    taxonomy.validate_labels(["A.detention", "C.administrative"])
    with pytest.raises(ValueError, match="A.kidnap"):
        taxonomy.validate_labels(["A.kidnap"])
    with pytest.raises(ValueError):
        taxonomy.validate_labels([])
