"""Legal articles in kk/ru/en wording, normalised to the taxonomy's codes; money amounts."""
import pytest

from classifiers.legal import find_amounts, find_articles

ARTICLES = [
    # Russian
    ("ч. 3 ст. 456-2 КоАП", "КоАП 456-2", "3"),
    ("по ч.1 ст.174 УК", "УК 174", "1"),
    ("ст. 274 УК РК", "УК 274", None),
    ("статьи 143 Гражданского кодекса", "ГК 143", None),
    ("по статье 73-3 КоАП РК", "КоАП 73-3", None),
    ("статьи 951 ГК РК", "ГК 951", None),
    ("по статье 419 Уголовного кодекса", "УК 419", None),
    ("части 2 статьи 194 УК РК", "УК 194", "2"),
    ("статья 667 Кодекса об административных правонарушениях", "КоАП 667", None),
    ("КоАП, ст. 434", "КоАП 434", None),
    ("в соответствии со ст. 158 УК", "УК 158", None),
    # Kazakh
    ("ӘҚБтК 456-2-бабы", "КоАП 456-2", None),
    ("ҚР ҚК 274-бабы", "УК 274", None),
    ("Қылмыстық кодекстің 274-бабы", "УК 274", None),
    ("ҚР ӘҚБтК 667-бабы бойынша", "КоАП 667", None),
    ("Азаматтық кодекстің 143-бабы", "ГК 143", None),
    ("ҚК-нің 174-бабы", "УК 174", None),
    ("ӘҚБтК 456-2-бабының 3-бөлігі", "КоАП 456-2", "3"),
    ("Қазақстан Республикасы ӘҚБтК-нің 73-3-бабы", "КоАП 73-3", None),
    ("ҚР АК 951-бабына сәйкес", "ГК 951", None),
    ("Әкімшілік құқық бұзушылық туралы кодекстің 434-бабы", "КоАП 434", None),
    # Kazakh typed without Kazakh letters
    ("АКБтК 456-2-бабы", "КоАП 456-2", None),
    ("КР КК 419-бабы", "УК 419", None),
    # English
    ("Article 456-2 of the Code of Administrative Offences", "КоАП 456-2", None),
    ("Article 274 of the Criminal Code", "УК 274", None),
    ("part 1 of Article 274 of the Criminal Code", "УК 274", "1"),
    ("under Article 434 of the Administrative Code", "КоАП 434", None),
    ("Article 143 of the Civil Code", "ГК 143", None),
    ("Criminal Code, Article 419", "УК 419", None),
    ("Art. 73-3 of the Code of Administrative Offenses", "КоАП 73-3", None),
    ("article 194 of the Penal Code", "УК 194", None),
]


@pytest.mark.parametrize("phrase, code, part", ARTICLES)
def test_article_is_found_and_normalised(phrase, code, part):
    found = find_articles(f"Суд рассмотрел дело: {phrase}, заявил адвокат.")
    assert [a["code"] for a in found] == [code]
    assert found[0].get("part") == part


def test_article_carries_its_taxonomy_category_when_it_has_one():
    (article,) = find_articles("обвинили по статье 274 УК РК")
    assert article["category"] == "C.criminal"
    (other,) = find_articles("по статье 188 УК РК")
    assert "category" not in other


def test_one_entry_per_article_in_order_of_mention():
    text = "Сначала ст. 456-2 КоАП, затем Article 274 of the Criminal Code, снова ч. 1 ст. 456-2 КоАП."
    assert [a["code"] for a in find_articles(text)] == ["КоАП 456-2", "УК 274"]


def test_numbers_without_a_code_are_not_articles():
    assert find_articles("В 2024 году 456 журналистов; статья вышла 12 марта; 274-бет") == []


@pytest.mark.parametrize("text, expected", [
    ("требует 50 млн тенге морального вреда", {"tenge": 50_000_000}),
    ("50 миллион теңге моральдық өтемақы", {"tenge": 50_000_000}),
    ("claims 10 million tenge in damages", {"tenge": 10_000_000}),
    ("a refund of 1 500 000 tenge", {"tenge": 1_500_000}),
    ("1,5 млрд тенге", {"tenge": 1_500_000_000}),
    ("оштрафовали на 50 МРП", {"mrp": 50}),
    ("100 АЕК айыппұл", {"mrp": 100}),
    ("fined 20 MCI", {"mrp": 20}),
])
def test_amounts_in_tenge_or_mrp_units(text, expected):
    (amount,) = find_amounts(text)
    assert {k: v for k, v in amount.items() if k != "text"} == expected
