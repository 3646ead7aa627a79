"""Acceptance 2: the monthly report reproduces the September 2024 seed's counts from confirmed incidents;
the annual mode gives attack-type and perpetrator shares and the change versus the year before."""
import csv
import io
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from review_queue.reports.report import annual_report, monthly_report, render
from review_queue.review.users import add_user
from review_queue.storage.store import Store
from sozwatch.cli import cli

from .conftest import SHARED
from .fixtures.september_2024 import (CATEGORY_COUNTS, GROUP_TOTALS, ONGOING_AUGUST_CASE, SEPTEMBER_2024,
                                      confirm_event, load_september_2024)

# How the seed's English category lines name our codes.
SEED_PHRASES = {
    "interference with journalists": "A.obstruction", "detention of journalists": "A.detention",
    "unauthorized use of the image": "A.image_misuse", "attack on journalists": "A.attack",
    "threats against media": "A.threat", "refusals or restrictions": "B.info_refusal",
    "unlawful access to computer": "B.cyberattack", "closure/suspension": "B.closure_blocking",
    "denial of accreditation": "B.accreditation", "civil pre-trial": "C.civil",
    "pre-trial claim in a criminal": "C.criminal", "administrative court proceedings": "C.administrative",
}
_TEMPLATE: list[Path] = []


@pytest.fixture
def store(tmp_path) -> Store:
    """The September 2024 incidents, built once per session (argon2 and 60 decisions) and copied."""
    if not _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="sozwatch-report-")) / "report.db"
        built = Store(path)
        load_september_2024(built, add_user(built, "monitor", "correct horse battery"))
        built.close()
        _TEMPLATE.append(path)
    db = tmp_path / "report.db"
    with sqlite3.connect(_TEMPLATE[0]) as source, sqlite3.connect(db) as target:
        source.backup(target)
    return Store(db)


def seed_counts() -> dict[str, int]:
    """Per-category counts as printed in shared/seeds/000_*.txt (the September 2024 report)."""
    seeds = sorted((SHARED / "seeds").glob("000_*.txt"))
    if not seeds:
        pytest.skip("the shared seeds are not in this checkout")
    counts = {}
    for line in seeds[0].read_text(encoding="utf-8").splitlines():
        match = re.match(r"^- (\d+) (.*)", line.strip())
        if match:
            code = next(c for phrase, c in SEED_PHRASES.items() if phrase in match.group(2))
            counts[code] = int(match.group(1))
    return counts


def category_counts(report: dict) -> dict[str, int]:
    return {c["code"]: c["count"] for g in report["groups"] for c in g["categories"]}


def test_september_report_reproduces_the_seeds_counts(store):
    report = monthly_report(store, SEPTEMBER_2024)
    assert {g["code"]: g["count"] for g in report["groups"]} == GROUP_TOTALS == {"A": 19, "B": 30, "C": 9}
    assert category_counts(report) == CATEGORY_COUNTS
    # Every line the seed itself prints is reproduced exactly (the rest is our "and others" choice).
    printed = seed_counts()
    assert len(printed) == 12
    assert {code: category_counts(report)[code] for code in printed} == printed


def test_an_ongoing_case_and_a_story_with_two_articles_are_counted_once(store):
    september = category_counts(monthly_report(store, SEPTEMBER_2024))
    august = category_counts(monthly_report(store, "2024-08"))
    # The August criminal case had a hearing reported in September: counted in August only.
    assert september["C.criminal"] == 1 and august == {"C.criminal": 1}
    # Two articles about the Press.kz hack, one incident: still 6 cyberattacks, not 7.
    assert september["B.cyberattack"] == 6


def test_markdown_follows_the_seed_layout_group_line_then_categories_then_key_incidents(store):
    text = render(monthly_report(store, SEPTEMBER_2024), "md")
    lines = text.splitlines()
    group_a = next(i for i, line in enumerate(lines) if line.startswith("**19** reports"))
    assert "Violations of the rights of journalists" in lines[group_a]
    assert lines[group_a + 1].startswith("- 1 Physical attack on a journalist")   # taxonomy order
    assert lines[group_a + 4].startswith("- 2 Obstruction of a journalist")
    assert "- 7 Unauthorized use of the image" in text and "- 18 Refusal or restriction" in text
    assert text.index("**30** reports") < text.index("**9** reports") < text.index("## Key incidents")
    key = text[text.index("## Key incidents"):]
    # The most reported events first (two articles each; the graver first), then the gravest single reports.
    assert key.index("Press.kz website knocked out") < key.index("2024-09-10, Astana") < key.index("Askhat Niyazov")
    assert "(https://example.org/news/urankayeva-access-revoked)" in key


def test_csv_and_html_carry_the_same_counts(store):
    rows = list(csv.DictReader(io.StringIO(render(monthly_report(store, SEPTEMBER_2024), "csv"))))
    assert {r["code"]: int(r["count"]) for r in rows if r["section"] == "category"} == CATEGORY_COUNTS
    assert [r["code"] for r in rows if r["section"] == "month"][-1] == "2024-09"
    html = render(monthly_report(store, SEPTEMBER_2024), "html")
    assert '<li data-category="B.info_refusal"><span class="count">18</span>' in html
    assert html.count("data:image/svg+xml;base64,") == 2       # both charts embedded, no external files


def test_annual_report_shares_and_change_versus_previous_year(store):
    monitor = Store(store.path)
    from review_queue.review.users import get_user
    user = get_user(monitor, 1)
    for n in range(4):   # 2023: four incidents, two physical
        confirm_event(store, user, {**ONGOING_AUGUST_CASE, "date": f"2023-0{n + 1}-05",
                                    "attack_type": "physical" if n < 2 else "non_physical",
                                    "articles": [(f"https://example.org/2023/{n}", f"2023 case {n}")]})
    report = annual_report(store, 2024)
    assert report["total"] == 59 and report["previous_total"] == 4   # 58 September + the August case
    assert report["change_pct"] == round(100 * (59 - 4) / 4, 1)
    physical = next(r for r in report["attack_types"] if r["code"] == "physical")
    assert physical["count"] == 2 and physical["previous"] == 2 and physical["change_pct"] == 0.0
    assert physical["share_pct"] == round(100 * 2 / 59, 1)
    assert sum(r["count"] for r in report["perpetrators"]) == 59
    md = render(report, "md")
    assert "## By attack type" in md and "## By perpetrator" in md


def test_report_command(store):
    result = CliRunner().invoke(cli, ["report", "--month", "2024-09", "--format", "csv", "--db", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "category,A,A.image_misuse" in result.output
    bad = CliRunner().invoke(cli, ["report", "--month", "September", "--db", str(store.path)])
    assert bad.exit_code == 2 and "2024-09" in bad.output
