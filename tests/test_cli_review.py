"""The review commands on the command line: a mistyped database path is refused (not created), a damaged
one is named with SQLite's own verdict, months are parsed strictly, passwords are reset."""
import subprocess

import pytest

from review_queue.review.users import authenticate
from review_queue.storage.store import Store

from .browser.support import PASSWORD, seed
from .conftest import ROOT, sozwatch_cmd


def run(*args, stdin: str | None = None):
    return subprocess.run([*sozwatch_cmd(), *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          input=stdin)


def test_users_add_on_a_missing_database_is_refused_and_creates_nothing(tmp_path):
    typo = tmp_path / "sozwach.db"
    result = run("users", "add", "erlan", "--password-stdin", "--db", str(typo), stdin="long enough pass\n")
    assert result.returncode == 1 and "database not found" in result.stderr and "sozwatch init" in result.stderr
    assert not typo.exists()
    result = run("serve", "--db", str(typo), "--port", "1")
    assert result.returncode == 1 and "database not found" in result.stderr and not typo.exists()


def test_init_creates_the_database_that_users_add_then_uses(tmp_path):
    db = tmp_path / "queue.db"
    assert run("init", "--db", str(db)).stdout.startswith("created")
    result = run("users", "add", "erlan", "--password-stdin", "--db", str(db), stdin="long enough pass\n")
    assert result.returncode == 0, result.stderr
    assert authenticate(Store(db), "erlan", "long enough pass")


def test_a_damaged_database_is_one_line_naming_the_file_and_the_integrity_check(tmp_path):
    db = tmp_path / "queue.db"
    seed(db).close()
    data = bytearray(db.read_bytes())
    data[100:4096 * 3] = b"\xff" * (4096 * 3 - 100)       # the schema page and the next ones overwritten
    db.write_bytes(bytes(data))
    for wal in (tmp_path / "queue.db-wal", tmp_path / "queue.db-shm"):
        wal.unlink(missing_ok=True)
    result = run("users", "list", "--db", str(db))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert str(db) in lines[0] and "integrity_check" in lines[0] and "unexpected error" not in lines[0]


@pytest.mark.parametrize("month", ["24-09", "2024-9", "2024-13", "1999-01", "2024-09-01"])
def test_report_refuses_a_month_that_is_not_yyyy_mm(tmp_path, month):
    db = tmp_path / "queue.db"
    Store(db).close()
    result = run("report", "--month", month, "--db", str(db))
    assert result.returncode == 2 and "2024-09" in result.stderr and not result.stdout


def test_reset_password_sets_a_new_one_and_logs_it(tmp_path):
    db = tmp_path / "queue.db"
    seed(db).close()
    result = run("users", "reset-password", "bob", "--password-stdin", "--db", str(db), stdin="another long pass\n")
    assert result.returncode == 0, result.stderr
    store = Store(db)
    assert authenticate(store, "bob", "another long pass") and not authenticate(store, "bob", PASSWORD)
    assert store.db.execute("SELECT event, client FROM auth_events").fetchall() == [("password_reset", "cli")]
    assert run("users", "reset-password", "nobody", "--password-stdin", "--db", str(db),
               stdin="another long pass\n").returncode == 1
    events = run("users", "events", "--db", str(db)).stdout.splitlines()
    assert len(events) == 1 and "password_reset" in events[0] and "bob" in events[0] and "cli" in events[0]
