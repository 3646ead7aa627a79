"""The monthly report breaks court cases (group C) down by legal basis, as the foundation's September
2024 report does: "6 administrative court proceedings, including 3 for accusations of publishing/
disseminating false information, 2 for violations of election laws, and 1 for defamation"."""
import csv
import io
import re

import pytest

from review_queue.reports.legal_basis import ELECTION_LAW, bases_by_code, including
from review_queue.reports.report import monthly_report, render
from review_queue.review.users import add_user, get_user

from .browser.support import PASSWORD, live_server, signed_in_client
from .conftest import SHARED
from .fixtures.september_2024 import LEGAL_BASES, ONGOING_AUGUST_CASE, SEPTEMBER_2024, confirm_event
from .test_report_monthly import store  # noqa: F401  the September 2024 database

SEED_LINE = "including 3 for publication/dissemination of false information, 2 for violation of election law " \
            "and 1 for defamation"


def seed_breakdown() -> list[int]:
    """The seed's administrative breakdown, in its order: false information, election laws, defamation."""
    seeds = sorted((SHARED / "seeds").glob("000_*.txt"))
    if not seeds:
        pytest.skip("the shared seeds are not in this checkout")
    match = re.search(r"administrative court proceedings, including (\d+) for .*false information, (\d+) for "
                      r"violations of election laws, and (\d+) for defamation", seeds[0].read_text(encoding="utf-8"))
    return [int(n) for n in match.groups()]


def bases_in(report: dict) -> dict[str, dict[str, int]]:
    return {c["code"]: {b["name"]: b["count"] for b in c["bases"]}
            for g in report["groups"] for c in g["categories"] if c["bases"]}


def test_september_administrative_cases_break_down_by_legal_basis_as_in_the_seed(store):  # noqa: F811
    report = monthly_report(store, SEPTEMBER_2024)
    assert bases_in(report) == LEGAL_BASES          # civil and criminal cases cite no known article: no breakdown
    administrative = next(c for g in report["groups"] for c in g["categories"] if c["code"] == "C.administrative")
    assert [b["count"] for b in administrative["bases"]] == seed_breakdown()

    md = render(report, "md")
    assert re.search(r"^- 6 Administrative .*\(`C\.administrative`\), " + re.escape(SEED_LINE) + "$", md, re.M)
    assert "- 2 Civil" in md and "(`C.civil`)\n" in md                         # no "including" without articles
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert [(r["code"], r["name"], int(r["count"])) for r in rows if r["section"] == "legal_basis"] == [
        ("C.administrative", "publication/dissemination of false information", 3),
        ("C.administrative", ELECTION_LAW, 2), ("C.administrative", "defamation", 1)]
    assert f'<span class="legal-bases">{SEED_LINE}</span>' in render(report, "html")


def test_each_incident_counts_once_per_basis_and_unknown_articles_are_left_out(store):  # noqa: F811
    monitor = get_user(store, 1)
    october = {**ONGOING_AUGUST_CASE, "date": "2024-10-07", "categories": ["C.administrative"]}
    cases = [
        # two articles on one case, both citing 456-2: one incident, one count
        ("twice", "Суд оштрафовал блогера по ст. 456-2 КоАП.", ["C.administrative"], 2),
        ("two-bases", "Ей вменяют ст. 456-2 КоАП и статью 73-3 КоАП.", ["C.administrative"], 1),
        ("unknown", "Журналиста оштрафовали по ст. 999 КоАП.", ["C.administrative"], 1),
        # a criminal article does not explain an administrative case
        ("wrong-category", "The blogger is accused under Article 274 of the Criminal Code.", ["C.administrative"], 1),
        ("both", "Сначала ст. 274 УК, затем переквалифицировали на ст. 456-2 КоАП.", ["C.administrative", "C.criminal"], 1),
        ("no-article", "A court fined a journalist.", ["C.administrative"], 1),
    ]
    for key, text, categories, n_articles in cases:
        confirm_event(store, monitor, {**october, "key": key, "categories": categories, "text": text,
                                       "articles": [(f"https://example.org/oct/{key}/{i}", f"{key} {i}")
                                                    for i in range(n_articles)]})
    report = monthly_report(store, "2024-10")
    assert {c["code"]: c["count"] for g in report["groups"] for c in g["categories"]} == {
        "C.administrative": 6, "C.criminal": 1}
    assert bases_in(report) == {
        "C.administrative": {"publication/dissemination of false information": 3, "defamation": 1},
        "C.criminal": {"dissemination of knowingly false information": 1}}


def test_basis_names_and_phrasing():
    known = bases_by_code()
    assert known["КоАП 73-3"] == ("defamation", "C.administrative")      # taxonomy's about, without its note
    assert known["КоАП 456-2"][0] == "publication/dissemination of false information"
    assert known["КоАП 112"] == known["КоАП 122"] == (ELECTION_LAW, "C.administrative")
    assert including([]) == ""
    assert including([{"name": "defamation", "count": 1}]) == "including 1 for defamation"


def test_web_report_page_and_downloads_show_the_breakdown(store):  # noqa: F811
    add_user(store, "alice", PASSWORD, role="admin", lang="en")
    with live_server(store.path) as base:
        client = signed_in_client(base, "alice")
        page = client.get("/reports", params={"month": SEPTEMBER_2024})
        assert page.status_code == 200 and SEED_LINE in page.text
        md = client.get("/reports/download", params={"month": SEPTEMBER_2024, "format": "md"})
        assert SEED_LINE in md.text
