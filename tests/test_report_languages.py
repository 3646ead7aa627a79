"""The report in Russian and Kazakh as well as English: the same counts, the taxonomy's own ru/kk names,
Russian plural agreement after numbers, month names as the foundation writes them, and a language
that the CLI takes as --lang and the web page takes from the signed-in user."""
import csv
import io

import pytest
from click.testing import CliRunner

from classifiers.taxonomy import load_taxonomy
from review_queue.reports import report_i18n
from review_queue.reports.legal_basis import BASIS_NAMES, bases_by_code
from review_queue.reports.report import ReportError, annual_report, build_report, monthly_report, render
from review_queue.reports.report_i18n import date_label, month_label, noun, ru_plural
from review_queue.review.users import add_user, get_user
from sozwatch.cli import cli, main

from .browser.support import PASSWORD, csrf_from, live_server, signed_in_client
from .fixtures.september_2024 import (CATEGORY_COUNTS, GROUP_TOTALS, ONGOING_AUGUST_CASE, SEPTEMBER_2024,
                                      confirm_event)
from .test_report_monthly import store  # noqa: F401  the September 2024 database

TITLES = {"en": "Violations of freedom of speech in Kazakhstan, September 2024",
          "ru": "Нарушения свободы слова в Казахстане, сентябрь 2024",
          "kk": "Қазақстандағы сөз бостандығының бұзылуы, 2024 жылғы қыркүйек"}
RU_BREAKDOWN = ("в том числе 3 — публикация/распространение ложной информации, "
                "2 — нарушение избирательного законодательства и 1 — клевета")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_september_in_russian_and_kazakh_has_the_same_counts_under_the_taxonomys_names(store, lang):  # noqa: F811
    taxonomy = load_taxonomy()
    report = monthly_report(store, SEPTEMBER_2024, lang)
    assert {g["code"]: g["count"] for g in report["groups"]} == GROUP_TOTALS
    assert {c["code"]: c["count"] for g in report["groups"] for c in g["categories"]} == CATEGORY_COUNTS
    assert all(g["name"] == taxonomy.groups[g["code"]][lang] for g in report["groups"])
    assert all(c["name"] == taxonomy.categories[c["code"]][lang] for g in report["groups"] for c in g["categories"])
    assert report["title"] == TITLES[lang]

    md = render(report, "md")
    assert md.startswith(f"# {TITLES[lang]}\n")
    assert f"- 18 {taxonomy.categories['B.info_refusal'][lang]} (`B.info_refusal`)" in md
    assert f"- 7 {taxonomy.categories['A.image_misuse'][lang]} (`A.image_misuse`)" in md
    assert "Key incidents" not in md and "reports —" not in md           # no English phrase left behind
    html = render(report, "html")
    assert f'<html lang="{lang}">' in html and f"<title>{TITLES[lang]}</title>" in html
    assert '<li data-category="B.info_refusal"><span class="count">18</span>' in html
    csv_rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert {r["code"]: int(r["count"]) for r in csv_rows if r["section"] == "category"} == CATEGORY_COUNTS
    assert next(r["name"] for r in csv_rows if r["code"] == "A.threat") == taxonomy.categories["A.threat"][lang]


def test_russian_group_lines_agree_with_the_number_and_kazakh_ones_do_not_change(store):  # noqa: F811
    september = render(monthly_report(store, SEPTEMBER_2024, "ru"), "md")
    assert "**19** сообщений — Нарушения прав журналистов, СМИ и ньюсмейкеров, в том числе:" in september
    assert "**30** сообщений —" in september and "**9** сообщений —" in september
    assert "В сентябре 2024 года зафиксировано:" in september
    august = render(monthly_report(store, "2024-08", "ru"), "md")    # the one August case, group C
    assert "**1** сообщение — Досудебные" in august and "**0** сообщений — Нарушения прав" in august
    monitor = get_user(store, 1)
    for n in range(3):
        confirm_event(store, monitor, {**ONGOING_AUGUST_CASE, "key": f"y2023-{n}", "date": f"2023-0{n + 1}-05",
                                       "articles": [(f"https://example.org/2023/{n}", f"2023 case {n}")]})
    year = render(annual_report(store, 2023, "ru"), "md")
    assert "**3** сообщения — Досудебные" in year and "Всего: **3** инцидента (" in year
    assert "В 2023 году зафиксировано:" in year
    kazakh = render(annual_report(store, 2023, "kk"), "md")
    assert "**3** хабарлама —" in kazakh and "Барлығы: **3** оқиға (" in kazakh
    assert "**1** хабарлама —" in render(monthly_report(store, "2024-08", "kk"), "md")


def test_russian_plural_forms():
    forms = ("сообщение", "сообщения", "сообщений")
    assert {n: ru_plural(n, forms) for n in (1, 21, 101, 1001)} == {n: "сообщение" for n in (1, 21, 101, 1001)}
    assert {n: ru_plural(n, forms) for n in (2, 3, 4, 22, 34, 102)} == {n: "сообщения" for n in (2, 3, 4, 22, 34, 102)}
    assert {n: ru_plural(n, forms) for n in (0, 5, 9, 11, 12, 14, 19, 20, 111, 112)} == {
        n: "сообщений" for n in (0, 5, 9, 11, 12, 14, 19, 20, 111, 112)}
    assert noun("kk", "report", 19) == noun("kk", "report", 1) == "хабарлама"
    assert noun("en", "incident", 1) == "incidents"          # the English report never agreed; unchanged


def test_month_names_and_dates_as_the_foundation_writes_them():
    assert [month_label("ru", 2024, m) for m in (1, 5, 9, 12)] == ["январь 2024", "май 2024", "сентябрь 2024",
                                                                   "декабрь 2024"]
    assert month_label("kk", 2024, 9) == "2024 жылғы қыркүйек" and month_label("en", 2024, 9) == "September 2024"
    assert date_label("ru", "2024-12-21") == "21 декабря 2024"
    assert date_label("kk", "2024-09-10") == "2024 жылғы 10 қыркүйек"
    assert date_label("en", "2024-09-10") == "2024-09-10"              # English keeps ISO dates, as before
    assert date_label("ru", None) == "без даты" and date_label("ru", "soon") == "soon"


def test_group_c_breakdown_names_the_legal_bases_in_russian_and_kazakh(store):  # noqa: F811
    report = monthly_report(store, SEPTEMBER_2024, "ru")
    administrative = next(c for g in report["groups"] for c in g["categories"] if c["code"] == "C.administrative")
    assert administrative["including"] == RU_BREAKDOWN
    assert f"(`C.administrative`), {RU_BREAKDOWN}\n" in render(report, "md")
    assert f'<span class="legal-bases">{RU_BREAKDOWN}</span>' in render(report, "html")
    kazakh = monthly_report(store, SEPTEMBER_2024, "kk")
    bases = next(c["bases"] for g in kazakh["groups"] for c in g["categories"] if c["code"] == "C.administrative")
    assert bases == [{"name": "жалған ақпаратты жариялау/тарату", "count": 3},
                     {"name": "сайлау туралы заңнаманы бұзу", "count": 2}, {"name": "жала жабу", "count": 1}]


def test_every_basis_attack_type_and_perpetrator_has_russian_and_kazakh_names():
    for basis, _ in bases_by_code().values():
        assert BASIS_NAMES[basis]["ru"] and BASIS_NAMES[basis]["kk"], basis
    for field in ("attack_type", "perpetrator"):
        english = report_i18n.attribute_names("en", field)
        for lang in ("ru", "kk"):
            names = report_i18n.attribute_names(lang, field)
            assert list(names) == list(english) and not set(names.values()) & set(english.values()), (field, lang)


def test_annual_report_in_russian_names_attack_types_and_perpetrators(store):  # noqa: F811
    report = annual_report(store, 2024, "ru")
    assert report["title"] == "Атаки на медиаработников в Казахстане в 2024 году"
    md = render(report, "md")
    assert "## По типу атак" in md and "## По исполнителям" in md
    assert "| Физические нападения и угрозы жизни, свободе и здоровью | 2 | 3% | 0 | н/д |" in md
    assert sum(r["count"] for r in report["perpetrators"]) == report["total"] == 59


def test_an_unknown_language_is_refused(store):  # noqa: F811
    with pytest.raises(ReportError, match="ru, kk, en"):
        build_report(store, month=SEPTEMBER_2024, lang="de")


def test_report_command_takes_a_language(store):  # noqa: F811
    ru = CliRunner().invoke(cli, ["report", "--month", "2024-09", "--lang", "ru", "--db", str(store.path)])
    assert ru.exit_code == 0, ru.output
    assert ru.output.startswith(f"# {TITLES['ru']}\n") and "**30** сообщений" in ru.output
    kk = CliRunner().invoke(cli, ["report", "--month", "2024-09", "--lang", "kk", "--format", "csv",
                                  "--db", str(store.path)])
    assert kk.exit_code == 0, kk.output
    assert kk.output.startswith("section,group,code,name,count,")           # machine-readable columns stay English
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(kk.output)) if r["section"] == "category"}
    assert (rows["A.image_misuse"]["name"], rows["A.image_misuse"]["count"]) == (
        load_taxonomy().categories["A.image_misuse"]["kk"], "7")
    default = CliRunner().invoke(cli, ["report", "--month", "2024-09", "--db", str(store.path)])
    assert default.output.startswith(f"# {TITLES['en']}\n")


def test_report_command_refuses_an_unknown_language_in_one_line(store, capsys):  # noqa: F811
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--month", "2024-09", "--lang", "de", "--db", str(store.path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--lang" in err and "'de'" in err and "Traceback" not in err


def test_web_report_page_charts_and_downloads_follow_the_users_language(store):  # noqa: F811
    add_user(store, "ivan", PASSWORD, lang="ru")
    add_user(store, "aigerim", PASSWORD, lang="kk")
    add_user(store, "alice", PASSWORD, role="admin", lang="en")
    with live_server(store.path) as base:
        ivan = signed_in_client(base, "ivan")
        page = ivan.get("/reports", params={"month": SEPTEMBER_2024})
        assert page.status_code == 200 and f"<h1>{TITLES['ru']}</h1>" in page.text
        assert "сообщений — Нарушения прав журналистов" in page.text and RU_BREAKDOWN in page.text
        assert "Месяц <input" in page.text and ">Показать</button>" in page.text
        md = ivan.get("/reports/download", params={"month": SEPTEMBER_2024, "format": "md"})
        assert md.text.startswith(f"# {TITLES['ru']}\n")
        assert 'filename="sozwatch-report-2024-09-ru.md"' in md.headers["content-disposition"]
        html = ivan.get("/reports/download", params={"month": SEPTEMBER_2024, "format": "html"})
        assert '<html lang="ru">' in html.text
        chart = ivan.get("/reports/chart/trend.svg", params={"month": SEPTEMBER_2024})
        assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")

        aigerim = signed_in_client(base, "aigerim")
        assert f"<h1>{TITLES['kk']}</h1>" in aigerim.get("/reports", params={"month": SEPTEMBER_2024}).text
        alice = signed_in_client(base, "alice")
        assert f"<h1>{TITLES['en']}</h1>" in alice.get("/reports", params={"month": SEPTEMBER_2024}).text

        # Switching the interface language switches the report with it.
        token = csrf_from(ivan.get("/queue").text)
        ivan.post("/settings/language", data={"csrf_token": token, "lang": "kk", "back": "/queue"})
        assert f"<h1>{TITLES['kk']}</h1>" in ivan.get("/reports", params={"month": SEPTEMBER_2024}).text
        csv_download = ivan.get("/reports/download", params={"month": SEPTEMBER_2024, "format": "csv"})
        assert csv_download.text.startswith("\ufeffsection,group,code") and "хабарлама" not in csv_download.text
        assert load_taxonomy().groups["A"]["kk"] in csv_download.text
