"""Report: the foundation's monthly and annual counts, computed from confirmed incidents.

Counting rules (as the Adil Soz reports state them):
- the unit is the incident, not the article: several confirmed articles joined to one
  incident count once;
- an incident belongs to the month of its date (the event; the confirmation time when
  the monitor gave none), so an ongoing case that keeps producing articles is counted
  once, in the month it started, never again in later months;
- an incident counts once in each category it carries and once in each group those
  categories fall in (group line = incidents with any category of that group);
- under each court-case category (group C), "including N for <legal basis>": incidents by the
  basis of the legal articles their confirmed articles cite (legal_basis.py), each incident once
  per basis; one citing two bases counts under both, one citing no known article under none.

`monthly_report` / `annual_report` return plain dicts; `render_markdown`, `render_csv`
and `render_html` turn them into the three output formats. A report has a language (`lang`: en, ru
or kk; report_i18n.py): the dict carries names in it (taxonomy, attack types, legal bases) and the
renderers take its fixed phrases from report_i18n; codes, CSV columns and section names stay English.
"""
from __future__ import annotations

import base64
import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from classifiers.priority import severity_of
from classifiers.taxonomy import load_taxonomy

from . import report_i18n
from ..i18n import category_name
from ..rendering import as_sentence, markdown_link, markdown_text, safe_link
from ..review.extracted import INCIDENT_KINDS
from ..review.incidents import incident_articles
from ..storage.store import Store
from .export import incident_records
from .legal_basis import basis_name, in_breakdown, incident_bases, including

TEMPLATES = Path(__file__).with_name("templates")   # the report document; the web app's page includes its body
KEY_INCIDENTS = 6
TREND_MONTHS = 12
FORMATS = ("md", "html", "csv")


MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
YEARS = (2000, 2100)


class ReportError(ValueError):
    """A malformed month, year or language."""


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """YYYY-MM exactly, 2000-01 to 2100-12: `24-09` or `2024-9` is a typo, not September of year 24."""
        match = MONTH_RE.fullmatch(text or "")
        if not match or not YEARS[0] <= int(match.group(1)) <= YEARS[1]:
            raise ReportError(f"month must look like 2024-09 (years {YEARS[0]}-{YEARS[1]}), got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return self.label_in("en")

    def label_in(self, lang: str) -> str:
        return report_i18n.month_label(lang, self.year, self.month)

    def shifted(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)


def incident_month(incident: dict) -> str:
    """YYYY-MM of the incident's date, or of its creation when the monitor gave no date."""
    return (incident.get("date") or incident.get("created_at") or "")[:7]


def confirmed_incidents(store: Store) -> list[dict]:
    """Every incident with at least one confirmed article (the export's records), with its month."""
    return [{**incident, "month": incident_month(incident)} for incident in incident_records(store)]


def latest_month(store: Store) -> str | None:
    """YYYY-MM of the latest month with a confirmed incident (the report page opens on it), or None."""
    months = [incident["month"] for incident in confirmed_incidents(store) if MONTH_RE.fullmatch(incident["month"])]
    return max(months, default=None)


def with_legal_bases(store: Store, incidents: list[dict]) -> list[dict]:
    """The incidents with `legal_bases` ({category: [basis]}, legal_basis.py); only those in the
    breakdown group have their texts read, so a report reads the texts of its own period's cases only."""
    out = []
    for incident in incidents:
        bases = {}
        if any(map(in_breakdown, incident["categories"])):
            rows = store.db.execute_returning_dicts(
                "SELECT a.title, a.text FROM review_items r JOIN articles a ON a.id = r.article_id "
                "WHERE r.incident_id = ? AND r.status = 'confirmed'", [incident["incident_id"]])
            bases = incident_bases([f"{row['title'] or ''}\n{row['text'] or ''}" for row in rows],
                                   incident["categories"])
        out.append({**incident, "legal_bases": bases})
    return out


# -- counting ----------------------------------------------------------------
def group_counts(incidents: list[dict]) -> dict[str, dict]:
    """{group: {"count": incidents in the group, "categories": {code: incidents}}} in taxonomy order."""
    taxonomy = load_taxonomy()
    per_code: Counter = Counter()
    per_group: Counter = Counter()
    for incident in incidents:
        codes = set(incident["categories"])
        per_code.update(codes)
        per_group.update({taxonomy.group_of(code) for code in codes})
    return {group: {"count": per_group[group],
                    "categories": {code: per_code[code] for code in taxonomy.codes
                                   if taxonomy.group_of(code) == group and per_code[code]}}
            for group in taxonomy.groups}


def basis_counts(incidents: list[dict], lang: str = "en") -> dict[str, list[dict]]:
    """{category: [{"name": basis, "count": incidents}], most frequent first} from `legal_bases`; ties in
    the order of the English names, so every language lists the bases in the same order."""
    per_category: dict[str, Counter] = defaultdict(Counter)
    for incident in incidents:
        for code, bases in (incident.get("legal_bases") or {}).items():
            per_category[code].update(set(bases))
    return {code: [{"name": basis_name(name, lang), "count": n}
                   for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
            for code, counter in per_category.items()}


def _groups_block(incidents: list[dict], previous: list[dict] | None = None, lang: str = "en") -> list[dict]:
    now, before = group_counts(incidents), group_counts(previous or [])
    bases = basis_counts(incidents, lang)
    block = []
    for group, counts in now.items():
        block.append({
            "code": group, "name": report_i18n.group_name(lang, group), "count": counts["count"],
            "previous": before[group]["count"] if previous is not None else None,
            "change_pct": change_pct(counts["count"], before[group]["count"]) if previous is not None else None,
            "categories": [{"code": code, "name": category_name(lang, code), "count": n,
                            "bases": bases.get(code, []), "including": including(bases.get(code, []), lang)}
                           for code, n in counts["categories"].items()],
        })
    return block


def change_pct(now: int, before: int) -> float | None:
    """Percentage change against the previous period; None when there was nothing before."""
    return round(100.0 * (now - before) / before, 1) if before else None


def shares(incidents: list[dict], field: str, names: dict[str, str], previous: list[dict]) -> list[dict]:
    """Counts and shares (% of all incidents) of one attribute (attack_type, perpetrator), with the
    previous year's count and the change; incidents without the attribute are shown as 'unspecified'
    (`names`, report_i18n.attribute_names, names it last)."""
    now = Counter(incident.get(field) or "unspecified" for incident in incidents)
    before = Counter(incident.get(field) or "unspecified" for incident in previous)
    total = len(incidents)
    rows = []
    for code, name in names.items():
        if not now[code] and not before[code]:
            continue
        rows.append({"code": code, "name": name, "count": now[code],
                     "share_pct": round(100.0 * now[code] / total, 1) if total else 0.0,
                     "previous": before[code], "change_pct": change_pct(now[code], before[code])})
    return rows


def key_incidents(store: Store, incidents: list[dict], limit: int = KEY_INCIDENTS, lang: str = "en") -> list[dict]:
    """The month's key events: the most reported first (articles joined), then the gravest, then by date."""
    ranked = sorted(incidents, key=lambda i: (-len(i["item_ids"]), -severity_of(i["categories"]),
                                              i.get("date") or "", i["incident_id"]))
    return [{**incident, "category_names": [category_name(lang, c) for c in incident["categories"]],
             "victims_line": as_sentence(incident["victims"]),
             # the confirmed outlets, state bodies, amounts and legal articles, each kind named
             "extracted_lines": [(report_i18n.text(lang, "extracted_" + kind), as_sentence(incident[kind]))
                                 for kind in INCIDENT_KINDS if incident.get(kind)],
             "articles": [{**a, "link": safe_link(a["url"])} for a in incident_articles(store, incident["incident_id"])]}
            for incident in ranked[:limit]]


def monthly_trend(incidents: list[dict], last: Month, months: int = TREND_MONTHS) -> list[dict]:
    """Incident counts for the `months` months ending with `last`, oldest first."""
    per_month = Counter(incident["month"] for incident in incidents)
    keys = [last.shifted(-offset).key for offset in range(months - 1, -1, -1)]
    return [{"month": key, "count": per_month[key]} for key in keys]


# -- the two reports -----------------------------------------------------------
def _check_lang(lang: str) -> str:
    if lang not in report_i18n.LANGUAGES:
        raise ReportError(f"language must be one of {', '.join(report_i18n.LANGUAGES)}, got {lang!r}")
    return lang


def monthly_report(store: Store, month: str, lang: str = report_i18n.DEFAULT_LANG) -> dict:
    period, lang = Month.parse(month), _check_lang(lang)
    incidents = confirmed_incidents(store)
    in_month = with_legal_bases(store, [i for i in incidents if i["month"] == period.key])
    return {
        "kind": "month", "lang": lang, "period": period.key, "label": period.label_in(lang),
        "title": report_i18n.text(lang, "title_month", label=period.label_in(lang)),
        "recorded": report_i18n.text(lang, "recorded", when=report_i18n.period_in(lang, period.year, period.month)),
        "total": len(in_month), "groups": _groups_block(in_month, lang=lang),
        "key_incidents": key_incidents(store, in_month, lang=lang),
        "trend": monthly_trend(incidents, period), "note": report_i18n.text(lang, "note"),
    }


def annual_report(store: Store, year: int, lang: str = report_i18n.DEFAULT_LANG) -> dict:
    lang = _check_lang(lang)
    incidents = confirmed_incidents(store)
    this_year = with_legal_bases(store, [i for i in incidents if i["month"][:4] == f"{year:04d}"])
    last_year = [i for i in incidents if i["month"][:4] == f"{year - 1:04d}"]
    return {
        "kind": "year", "lang": lang, "period": str(year), "label": str(year),
        "title": report_i18n.text(lang, "title_year", year=year),
        "recorded": report_i18n.text(lang, "recorded", when=report_i18n.period_in(lang, year)),
        "total": len(this_year), "previous_total": len(last_year),
        "change_pct": change_pct(len(this_year), len(last_year)),
        "groups": _groups_block(this_year, last_year, lang),
        "attack_types": shares(this_year, "attack_type", report_i18n.attribute_names(lang, "attack_type"), last_year),
        "perpetrators": shares(this_year, "perpetrator", report_i18n.attribute_names(lang, "perpetrator"), last_year),
        "key_incidents": key_incidents(store, this_year, lang=lang),
        "trend": monthly_trend(incidents, Month(year, 12)), "note": report_i18n.text(lang, "note"),
    }


def build_report(store: Store, month: str | None = None, year: int | None = None,
                 lang: str = report_i18n.DEFAULT_LANG) -> dict:
    if bool(month) == bool(year):
        raise ReportError("give either a month (2024-09) or a year (2024)")
    if year and not YEARS[0] <= year <= YEARS[1]:
        raise ReportError(f"year must be {YEARS[0]}-{YEARS[1]}, got {year}")
    return monthly_report(store, month, lang) if month else annual_report(store, year, lang)


# -- charts ---------------------------------------------------------------------
def _figure_svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def chart_svgs(report: dict) -> dict[str, str]:
    """Two SVG charts: incidents by category, and incidents per month over the trend window."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    plt.rcParams["svg.hashsalt"] = "sozwatch"   # stable element ids: the same report, the same file

    from matplotlib.ticker import MaxNLocator

    # Bars named in the report's language (taxonomy names), coloured by group (the code's first letter).
    rows = [(c["code"], c["name"], c["count"]) for g in report["groups"] for c in g["categories"]]
    colours = {"A": "#b5443b", "B": "#3b6fb5", "C": "#8a6d1f"}
    fig, ax = plt.subplots(figsize=(7, 0.32 * max(len(rows), 3) + 0.8))
    ax.barh([name for _, name, _ in rows][::-1], [n for _, _, n in rows][::-1],
            color=[colours.get(code[0], "#777") for code, _, _ in rows][::-1])
    for y, (_, _, n) in enumerate(rows[::-1]):
        ax.text(n, y, f" {n}", va="center", fontsize=8)
    # Counts are whole incidents, and an empty month keeps a 0…1 axis (not −0.05…0.05).
    ax.set_xlim(0, max([n for _, _, n in rows] + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    text = report_i18n.template_helpers(report.get("lang", report_i18n.DEFAULT_LANG))["rt"]
    ax.set_xlabel(text("col_incidents"))
    ax.set_title(f"{text('chart_categories')}, {report['period']}")
    ax.spines[["top", "right"]].set_visible(False)
    by_category = _figure_svg(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 2.6))
    months = [row["month"] for row in report["trend"]]
    ax.bar(months, [row["count"] for row in report["trend"]], color="#3b6fb5")
    ax.set_ylim(0, max([row["count"] for row in report["trend"]] + [1]) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(text("chart_trend"))
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    trend = _figure_svg(fig)
    plt.close(fig)
    return {"by_category": by_category, "trend": trend}


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# -- renderings -------------------------------------------------------------------
def render_markdown(report: dict) -> str:
    lang = report.get("lang", report_i18n.DEFAULT_LANG)
    helpers = report_i18n.template_helpers(lang)   # the same phrases as the HTML template
    text, noun, pct, date_label = helpers["rt"], helpers["noun"], helpers["pct"], helpers["date_label"]
    lines = [f"# {report['title']}", "", f"{report['recorded']}:", ""]
    for group in report["groups"]:
        change = ""
        if group["previous"] is not None:
            change = f" ({text('vs_previous', change=pct(group['change_pct']), previous=group['previous'])})"
        lines.append(f"**{group['count']}** {noun('report', group['count'])} — {group['name']}{change}, "
                     f"{text('including_colon')}")
        lines += [f"- {c['count']} {c['name']} (`{c['code']}`)" + (f", {c['including']}" if c["including"] else "")
                  for c in group["categories"]]
        lines.append("")
    if report["kind"] == "year":
        lines += [f"{text('total')}: **{report['total']}** {noun('incident', report['total'])} "
                  f"({text('vs_previous', change=pct(report['change_pct']), previous=report['previous_total'])}).", ""]
        columns = " | ".join(text(key) for key in ("col_incidents", "col_share", "col_previous_year", "col_change"))
        for title, key in (("by_attack_type", "attack_types"), ("by_perpetrator", "perpetrators")):
            lines += [f"## {text(title)}", "", f"| | {columns} |", "|---|---|---|---|---|"]
            lines += [f"| {r['name']} | {r['count']} | {r['share_pct']:.0f}% | {r['previous']} | "
                      f"{pct(r['change_pct'])} |" for r in report[key]]
            lines.append("")
    lines += [f"## {text('key_incidents')}", ""]
    # Place, victims, notes and titles come from monitors and crawled pages: escaped, links http(s) only.
    for incident in report["key_incidents"]:
        place = f", {markdown_text(incident['place'])}" if incident.get("place") else ""
        victims = f" _{markdown_text(incident['victims_line'])}_" if incident["victims_line"] else ""
        extracted = "".join(f" {name}: {markdown_text(line)}" for name, line in incident["extracted_lines"])
        lines.append(f"- **{date_label(incident.get('date'))}{place}** — {'; '.join(incident['category_names'])}."
                     f"{victims}{extracted} {markdown_text(incident.get('notes'))}".rstrip())
        lines += [f"  - {markdown_link(a['title'], a['url'])}"
                  + (f" ({markdown_text(a['source'])})" if a.get("source") else "") for a in incident["articles"]]
    lines += ["", f"## {text('per_month')}", "", f"| {text('col_month')} | {text('col_incidents')} |", "|---|---|"]
    lines += [f"| {row['month']} | {row['count']} |" for row in report["trend"]]
    lines += ["", f"_{report['note']}_", ""]
    return "\n".join(lines)


CSV_COLUMNS = ["section", "group", "code", "name", "count", "share_pct", "previous", "change_pct"]


def render_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for group in report["groups"]:
        writer.writerow({"section": "group", "group": group["code"], "code": group["code"], "name": group["name"],
                         "count": group["count"], "previous": group["previous"], "change_pct": group["change_pct"]})
        for c in group["categories"]:
            writer.writerow({"section": "category", "group": group["code"], **c})
            for basis in c["bases"]:   # code: the category the basis is under; name: the basis
                writer.writerow({"section": "legal_basis", "group": group["code"], "code": c["code"], **basis})
    for key in ("attack_types", "perpetrators"):
        for row in report.get(key, []):
            writer.writerow({"section": key[:-1], **row})
    for row in report["trend"]:
        writer.writerow({"section": "month", "code": row["month"], "count": row["count"]})
    return buffer.getvalue()


def report_environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def report_context(report: dict) -> dict:
    charts = chart_svgs(report)
    return {"report": report, "charts": {name: svg_data_uri(svg) for name, svg in charts.items()},
            **report_i18n.template_helpers(report.get("lang", report_i18n.DEFAULT_LANG))}


def render_html(report: dict) -> str:
    """A standalone HTML document (charts embedded as SVG data URIs, no external files)."""
    return report_environment().get_template("report_document.html").render(**report_context(report))


def render(report: dict, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ReportError(f"format must be one of {FORMATS}")
    return {"md": render_markdown, "csv": render_csv, "html": render_html}[fmt](report)
