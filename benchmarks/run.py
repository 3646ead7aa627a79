"""The benchmark runner behind `make bench`: crawl throughput end to end against a generated local
site (benchmarks/site.py: ordinary news with a tenth of the pages about media; with the classify
stage, and with --no-classify; and the worst case, a site where every page is about media, with the
classify stage), the same pages through trafilatura alone and
through a bare Scrapy spider that only fetches and extracts (the stack's floor), where an article's
time goes (benchmarks/profile_article.py), `sozwatch --help` start-up, classification speed, the
review UI's latency with 100,000 items, and the peak memory of each. Prints a table and writes JSON.

    .venv/bin/python benchmarks/run.py [--articles 2000] [--media-articles 500] [--out benchmarks/results.json] [--skip NAME]…

Each measurement runs in its own child process, so its peak memory (ru_maxrss from wait4) is its
own. The site is served by a separate process on 127.0.0.1 and counts in no figure. Crawls run
with politeness off (no delay, 16 requests in parallel): they measure the pipeline, not the wait.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
BENCH = ROOT / "benchmarks"
FAST_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
              "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "SOZWATCH_PROGRESS": "off", "LOG_LEVEL": "WARNING"}
STEPS = ("trafilatura_only", "bare_spider", "crawl_no_classify", "crawl_full", "crawl_full_all_media", "cli_help",
         "profile", "classification", "review_ui")


def run_child(args: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run a command; its wall time, exit code, output and peak RSS (MiB) of that process alone."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # CPU seconds (its own and its reaped children's, all threads): on a shared machine the wall
        # time says how busy the machine was, this says what the work cost
        return {"rc": proc.returncode, "seconds": round(wall, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "stdout": out.read(), "stderr": err.read()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def crawl(tmp: Path, sources: Path, classify: bool, timeout: float, name: str) -> dict:
    db = tmp / f"{name}.db"
    args = [PY, "-m", "sozwatch.cli", "--db", str(db), "crawl", "--sources", str(sources)]
    if not classify:
        args.append("--no-classify")
    for name, value in FAST_CRAWL.items():
        args += ["-s", f"{name}={value}"]
    r = run_child(args, timeout)
    match = re.search(r"fetched (\d+) pages; stored (\d+) new articles.*?(\d+) queued", r["stdout"])
    if r["rc"] != 0 or not match:
        raise RuntimeError(f"crawl failed (rc {r['rc']}): {r['stderr'][-2000:]}")
    pages, stored, queued = map(int, match.groups())
    return {"pages": pages, "articles": stored, "queued": queued, "seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
            "cpu_ms_per_article": round(1000 * r["cpu_seconds"] / max(1, stored), 1),
            "pages_per_s": round(pages / r["seconds"], 2), "articles_per_s": round(stored / r["seconds"], 2),
            "peak_rss_mib": r["peak_rss_mib"]}


TRAFILATURA_ONLY = """
import json, sys, time
from pathlib import Path
import trafilatura
pages = sorted(Path(sys.argv[1]).glob("*.html"))
bodies = [p.read_bytes() for p in pages]
started = time.perf_counter()
ok = 0
for body in bodies:   # the same call and options crawler/extract.py makes, nothing around it
    doc = trafilatura.bare_extraction(body.decode("utf-8"), with_metadata=True, include_comments=False)
    ok += bool(doc is not None and (doc.text or "").strip())
seconds = time.perf_counter() - started
print(json.dumps({"pages": len(bodies), "extracted": ok, "seconds": round(seconds, 2)}))
"""


def serve_site(site: Path) -> tuple[str, subprocess.Popen]:
    """Serve a generated site from its own process; its base URL and the process."""
    from benchmarks.site import write_sitemap
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    write_sitemap(site, base)
    server = subprocess.Popen([PY, str(BENCH / "site.py"), "--serve", str(site), "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    server.stdout.readline()   # "serving"
    return base, server


def sources_file(path: Path, base: str) -> Path:
    path.write_text(f"sources:\n  - name: bench\n    languages: [ru, kk, en]\n"
                    f"    sitemaps: [\"{base}/sitemap.xml\"]\n    concurrency: 8\n    delay: 0\n")
    return path


def trafilatura_only(site: Path, timeout: float) -> dict:
    r = run_child([PY, "-c", TRAFILATURA_ONLY, str(site / "news")], timeout)
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    result = json.loads(r["stdout"].strip().splitlines()[-1])
    result.update(pages_per_s=round(result["pages"] / result["seconds"], 2), peak_rss_mib=r["peak_rss_mib"],
                  seconds_with_startup=r["seconds"])
    return result


def bare_spider(base: str, timeout: float) -> dict:
    r = run_child([PY, "-m", "benchmarks.bare_spider", f"{base}/sitemap.xml"], timeout)
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    result = json.loads(r["stdout"].strip().splitlines()[-1])
    result.update(pages_per_s=round(result["pages"] / r["seconds"], 2), seconds_with_startup=r["seconds"],
                  peak_rss_mib=r["peak_rss_mib"], cpu_ms_per_page=round(1000 * r["cpu_seconds"] / max(1, result["pages"]), 1))
    return result


def cli_help(timeout: float, runs: int = 5) -> dict:
    """Wall time of `sozwatch --help` (the CLI's start-up), the median of `runs`."""
    times = []
    for _ in range(runs):
        r = run_child([PY, "-m", "sozwatch.cli", "--help"], timeout)
        if r["rc"] != 0:
            raise RuntimeError(r["stderr"][-2000:])
        times.append(r["seconds"])
    return {"runs": runs, "median_seconds": sorted(times)[runs // 2], "seconds": times}


def script_report(script: str, args: list[str], timeout: float) -> tuple[dict, dict]:
    """Run one of the benchmarks/ scripts that write their figures with --out; (its JSON, the run)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        r = run_child([PY, str(BENCH / script), *args, "--out", str(out)], timeout)
        if r["rc"] != 0:
            raise RuntimeError(r["stderr"][-2000:])
        return json.loads(out.read_text()), r


def profile(n: int, timeout: float) -> dict:
    return script_report("profile_article.py", ["--articles", str(n)], timeout)[0]


def load() -> str:
    """What else ran: the load averages when a step ended (this machine may be shared)."""
    try:
        return " / ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def classification(timeout: float, n: int) -> dict:
    """docs/s and peak memory per classifier backend from benchmarks/classify.py (the classifier's
    own benchmark: realistic 1,500-3,500-character articles through the whole Understander path),
    on `n` documents; without that script, from `sozwatch eval --json` on the held-out split."""
    script = BENCH / "classify.py"
    if script.exists():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "classify.json"
            c = run_child([PY, str(script), "--n", str(n), "--out", str(out)], timeout)
            report = json.loads(out.read_text()) if out.exists() else _last_json(c["stdout"])
        if c["rc"] != 0 or not report:
            raise RuntimeError(f"benchmarks/classify.py failed (rc {c['rc']}): {c['stderr'][-1500:]}")
        backends = [{"backend": b.get("backend"), "model_version": b.get("model_version"),
                     "docs_per_s": b.get("docs_per_second"), "peak_rss_mib": b.get("peak_rss_mb"),
                     "mean_chars": b.get("mean_chars")} for b in report.get("results", [])]
        return {"source": "benchmarks/classify.py", "docs": n, "seconds": c["seconds"], "backends": backends,
                "docs_per_s": backends[0]["docs_per_s"] if backends else None,
                "model_version": backends[0]["model_version"] if backends else "?",
                "peak_rss_mib": max((b["peak_rss_mib"] or 0) for b in backends) if backends else None,
                "raw": report}
    r = run_child([PY, "-m", "sozwatch.cli", "eval", "--json"], timeout)
    if r["rc"] != 0:
        raise RuntimeError(r["stderr"][-2000:])
    report = json.loads(r["stdout"].strip().splitlines()[-1])
    return {"source": "sozwatch eval --json (held-out split)", "docs": report["n"],
            "docs_per_s": report["docs_per_second"], "model_version": report["model_version"],
            "seconds": r["seconds"], "peak_rss_mib": r["peak_rss_mib"],
            "backends": [{"backend": "active", "model_version": report["model_version"],
                          "docs_per_s": report["docs_per_second"], "peak_rss_mib": r["peak_rss_mib"]}]}


def _last_json(text: str):
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def review_ui(items: int, timeout: float) -> dict:
    report, r = script_report("review_ui.py", ["--items", str(items)], timeout)
    return {"items": report["items"], "load_seconds": report["load_seconds"], "pages": report["pages"],
            "seconds": r["seconds"], "peak_rss_mib": r["peak_rss_mib"]}


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        mem = f"{int(open('/proc/meminfo').readline().split()[1]) // 1024 // 1024} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "platform": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--media-articles", type=int, default=500,
                        help="pages of the worst-case site (every page about media: ~6 articles/s, so fewer)")
    parser.add_argument("--review-items", type=int, default=100_000)
    parser.add_argument("--profile-articles", type=int, default=300)
    parser.add_argument("--classify-docs", type=int, default=150,
                        help="documents per backend for benchmarks/classify.py (its own default, 1,000, takes minutes)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--skip", action="append", default=[], choices=STEPS)
    parser.add_argument("--timeout", type=float, default=540, help="seconds allowed to each step")
    args = parser.parse_args()
    results: dict = {"machine": machine(), "articles": args.articles}
    failed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        from benchmarks.site import generate
        site = generate(tmp / "site", args.articles)
        base, server = serve_site(site)
        sources = sources_file(tmp / "sources.yaml", base)
        # the worst case: every page about media, so nearly every one takes the model's costly path
        media_site = generate(tmp / "media_site", args.media_articles, domain_share=1.0)
        media_base, media_server = serve_site(media_site)
        media_sources = sources_file(tmp / "media_sources.yaml", media_base)
        try:
            for step in STEPS:
                if step in args.skip:
                    continue
                print(f"bench: {step} …", file=sys.stderr, flush=True)
                step_started = time.perf_counter()
                try:
                    if step == "bare_spider":
                        results[step] = bare_spider(base, args.timeout)
                    elif step == "cli_help":
                        results[step] = cli_help(args.timeout)
                    elif step == "profile":
                        results[step] = profile(args.profile_articles, args.timeout)
                    elif step == "crawl_no_classify":
                        results[step] = crawl(tmp, sources, classify=False, timeout=args.timeout, name=step)
                    elif step == "crawl_full":
                        results[step] = crawl(tmp, sources, classify=True, timeout=args.timeout, name=step)
                    elif step == "crawl_full_all_media":
                        results[step] = crawl(tmp, media_sources, classify=True, timeout=args.timeout, name=step)
                    elif step == "trafilatura_only":
                        results[step] = trafilatura_only(site, args.timeout)
                    elif step == "classification":
                        results[step] = classification(args.timeout, args.classify_docs)
                    elif step == "review_ui":
                        results[step] = review_ui(args.review_items, args.timeout)
                except Exception as exc:  # noqa: BLE001 - one failing step must not lose the others' figures
                    results[step] = {"error": f"{type(exc).__name__}: {str(exc).strip()[-500:]}"}
                    failed.append(step)
                results[step]["load_after"] = load()
                print(f"bench: {step} done in {time.perf_counter() - step_started:.0f} s", file=sys.stderr, flush=True)
        finally:
            for process in (server, media_server):
                process.kill()
                process.wait()
    reference = results.get("trafilatura_only", {}).get("pages_per_s")
    floor = results.get("bare_spider", {}).get("pages_per_s")
    for step in ("crawl_no_classify", "crawl_full", "crawl_full_all_media"):
        if "articles_per_s" in results.get(step, {}) and reference:
            results[step]["ratio_to_trafilatura"] = round(results[step]["articles_per_s"] / reference, 3)
        if "articles_per_s" in results.get(step, {}) and floor:
            results[step]["ratio_to_bare_spider"] = round(results[step]["articles_per_s"] / floor, 3)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    print(f"written to {args.out}")
    for step in failed:
        print(f"bench: {step} FAILED: {results[step]['error']}", file=sys.stderr)
    return 1 if failed else 0


def print_table(r: dict) -> None:
    m = r["machine"]
    print(f"\nsozwatch benchmarks: {m['cpus']} CPUs ({m['cpu']}), {m['memory']}, Python {m['python']}, "
          f"SQLite {m['sqlite']}; {r['articles']} pages; {r['total_seconds']} s in all")
    print(f"{'measurement':<46} {'throughput':>22} {'vs bare spider':>15} {'peak MiB':>9} {'CPU ms/page':>11} "
          f"{'load after':>16}")
    r = {k: v for k, v in r.items() if not (isinstance(v, dict) and "error" in v)}
    for step, label in (("crawl_full", "crawl with the classify stage"), ("crawl_no_classify", "crawl, --no-classify"),
                        ("crawl_full_all_media", "worst case: every page about media")):
        if step in r:
            c = r[step]
            print(f"{label + ' (' + str(c['articles']) + ' articles)':<46} {c['pages_per_s']:>7} p/s "
                  f"{c['articles_per_s']:>6} a/s {c.get('ratio_to_bare_spider', '-'):>15} {c['peak_rss_mib']:>9} "
                  f"{c['cpu_ms_per_article']:>11} {c['load_after']:>16}")
    if "bare_spider" in r:
        b = r["bare_spider"]
        print(f"{'bare Scrapy spider + trafilatura (the floor)':<46} {b['pages_per_s']:>16} p/s {1.0:>15} "
              f"{b['peak_rss_mib']:>9} {b['cpu_ms_per_page']:>11} {b['load_after']:>16}")
    if "trafilatura_only" in r:
        t = r["trafilatura_only"]
        print(f"{'trafilatura alone, same pages':<46} {t['pages_per_s']:>16} p/s {'':>15} "
              f"{t['peak_rss_mib']:>9} {'':>11} {t['load_after']:>16}")
    if "cli_help" in r:
        h = r["cli_help"]
        print(f"{'sozwatch --help (median of ' + str(h['runs']) + ')':<46} {h['median_seconds']:>20} s "
              f"{'':>15} {'':>9} {'':>11} {h['load_after']:>16}")
    if "classification" in r:
        for b in r["classification"]["backends"]:
            print(f"{'classification, ' + str(b['backend']) + ' (' + str(b['model_version']) + ')':<46} "
                  f"{b['docs_per_s']:>14} docs/s {'':>15} {b['peak_rss_mib']:>9}")
    if "profile" in r:
        p = r["profile"]
        print(f"\nwhere an article's time goes ({p['articles']} articles, {p['candidates']} candidates, "
              f"batches of {p['batch']}; ms per article)")
        for row in p["steps"]:
            print(f"  {row['step']:<70} {row['stage']:<9} {row['ms_per_article']:>8} {row['cpu_ms_per_article']:>8} CPU")
        for stage, ms in p["ms_per_article_by_stage"].items():
            print(f"  {'total, ' + stage + ' stage':<70} {stage:<9} {ms['ms_per_article']:>8} "
                  f"{ms['cpu_ms_per_article']:>8} CPU")
    if "review_ui" in r:
        u = r["review_ui"]
        print(f"{'review UI, ' + format(u['items'], ',') + ' items (median / p95 ms)':<46} {'':>22} {'':>15} "
              f"{u['peak_rss_mib']:>9}")
        for name, page in u["pages"].items():
            print(f"  {name:<44} {page['median_ms']:>10} / {page['p95_ms']:<9}")


if __name__ == "__main__":
    sys.exit(main())
