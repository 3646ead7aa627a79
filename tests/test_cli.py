"""The command line: errors are one clear line and an exit code, never a traceback."""
import json
import os
import subprocess
import sys

from .conftest import ROOT, sozwatch_cmd


def run(*args, cwd=ROOT):
    return subprocess.run([*sozwatch_cmd(), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_missing_sources_file_is_one_line_and_exit_2(tmp_path):
    result = run("--db", str(tmp_path / "x.db"), "crawl", "--sources", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "sources file not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_sources_file_names_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - title: no name here\n")
    result = run("crawl", "--sources", str(bad))
    assert result.returncode == 2 and "has no 'name'" in result.stderr


def test_a_setting_given_a_value_of_the_wrong_kind_is_one_line_and_exit_2(tmp_path):
    for setting, said in (("SOZWATCH_EXTRACT_PROCESSES=two", "SOZWATCH_EXTRACT_PROCESSES takes a whole number, got 'two'"),
                          ("DOWNLOAD_DELAY=fast", "DOWNLOAD_DELAY takes a number, got 'fast'"),
                          ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY takes true or false, got 'maybe'")):
        result = run("--db", str(tmp_path / "x.db"), "crawl", "--sources", str(tmp_path / "s.yaml"), "-s", setting)
        assert result.returncode == 2 and said in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_wrong_flag_is_a_usage_error():
    result = run("queue", "list", "--colour", "red")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


def test_unknown_category_filter_is_refused(tmp_path):
    result = run("queue", "list", "--category", "A.kidnap", "--db", str(tmp_path / "q.db"))
    assert result.returncode == 2 and "A.kidnap" in result.stderr


def test_queue_list_on_a_missing_database_says_how_to_make_one(tmp_path):
    result = run("queue", "list", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1 and "database not found" in result.stderr


def test_eval_rejects_unknown_codes_naming_the_line(tmp_path):
    data = tmp_path / "eval.jsonl"
    data.write_text(json.dumps({"text": "a", "labels": ["NONE"]}) + "\n" +
                    json.dumps({"text": "b", "labels": ["A.kidnap"]}) + "\n")
    result = run("eval", "--data", str(data), "--json")
    assert result.returncode == 2
    assert f"{data}:2" in result.stderr and "A.kidnap" in result.stderr


def test_the_installed_command_finds_every_stage_from_any_folder(tmp_path):
    """The packages come from the installation (pyproject's package list), not from the checkout
    being the current folder: `make demo` runs the stages from wherever the user stands."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import sozwatch.cli, crawler.pipelines, workers.classify, classifiers.understand, review_queue.web.app"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
