"""Entry points: human-readable renderings of the figures the commands compute."""
from __future__ import annotations


def _table(rows: list[list], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _prf_rows(per_category: dict) -> list[list]:
    return [[code, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", m["support"]]
            for code, m in per_category.items()]


def format_eval(report: dict) -> str:
    rel, cats = report["relevance"], report["categories"]
    parts = [
        f"model {report['model_version']}  n={report['n']}  {report['docs_per_second']} docs/s",
        f"relevance: P {rel['precision']:.3f}  R {rel['recall']:.3f}  F1 {rel['f1']:.3f}  (support {rel['support']})",
        f"categories: micro-F1 {cats['micro_f1']:.3f}  macro-F1 {cats['macro_f1']:.3f}",
        "",
        _table(_prf_rows(cats["per_category"]), ["category", "P", "R", "F1", "support"]),
    ]
    for lang, block in report["per_language"].items():
        r, c = block["relevance"], block["categories"]
        parts += ["", f"[{lang}] n={block['n']}  relevance P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}  "
                      f"categories micro-F1 {c['micro_f1']:.3f} macro-F1 {c['macro_f1']:.3f}"]
        if "per_category" in c:
            parts.append(_table(_prf_rows(c["per_category"]), ["category", "P", "R", "F1", "support"]))
    return "\n".join(parts)
