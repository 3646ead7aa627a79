"""`sozwatch train` tells an operator how far it got on a terminal, and stays quiet under cron."""
from __future__ import annotations

import io

from sozwatch.cli.models import TrainProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_training_progress_names_the_step_and_the_time_left_on_a_terminal():
    terminal = Terminal()
    progress = TrainProgress(terminal)
    progress("embedding", 0, 100)
    progress("embedding", 50, 100)
    progress("folds", 3, 40)
    progress.close()
    shown = terminal.getvalue()
    assert "training: embedding 50/100, about" in shown and "left" in shown
    assert "training: folds 3/40" in shown and shown.endswith("\n")


def test_training_progress_writes_nothing_under_cron():
    log = io.StringIO()   # not a terminal
    progress = TrainProgress(log)
    progress("embedding", 50, 100)
    assert progress.close().endswith(" s") and log.getvalue() == ""
