"""Entry points: run the classify stage: in this process, as several worker processes, or beside a crawl.

Every form runs the same loop (workers/classify.py); a worker process is `sozwatch classify`
itself, so what it does is what an operator can run by hand.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:   # the worker opens the database and the model: imported when a command runs it
    from workers.classify import Counts


class ClassifyError(RuntimeError):
    """A classify worker process failed: the message is its error line, `exit_code` its exit status."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def worker_command(config: Config, mode: str = "--until-empty") -> list[str]:
    """The command line of one worker process (`mode`: --until-empty, --follow or --follow-stdin)
    that prints its counts as JSON when it ends."""
    return [sys.executable, "-m", "sozwatch.cli", "--db", str(config.db), "--models-dir", str(config.models_dir),
            "--log-level", config.log_level, "classify", "--workers", "1", "--batch-size", str(config.classify_batch),
            mode, "--json"]


def worker_env() -> dict:
    """A worker's environment: e5's OpenMP threads sleep when idle instead of spinning (measured on
    2 shared cores: 167 instead of 192 ms of CPU per embedded text, and no cycles taken from the
    crawl beside it); an operator's own OMP_WAIT_POLICY wins."""
    return {"OMP_WAIT_POLICY": "PASSIVE", **os.environ}


def _counts_of(process: subprocess.Popen) -> Counts:
    out, _ = process.communicate()
    if process.returncode != 0:   # its error line is already on our stderr (inherited)
        raise ClassifyError(f"a classify worker failed (exit {process.returncode}; see its message above)")
    return _parse_counts(out)


def _parse_counts(out: str) -> Counts:
    from workers.classify import Counts
    return Counts(**json.loads(out.strip().splitlines()[-1]))


def run_classify(config: Config, workers: int = 1, follow: bool = False) -> Counts:
    """Classify pending articles: in this process (`workers` 1) or in that many worker processes;
    until none is pending, or (`follow`) until stopped. Returns the counts of all of them."""
    from workers.classify import ClassifyWorker, Counts
    if workers == 1:
        return ClassifyWorker(config.db, config.models_dir, batch_size=config.classify_batch,
                              lease_seconds=config.classify_lease).run(follow=follow)
    mode = "--follow" if follow else "--until-empty"
    processes = [subprocess.Popen(worker_command(config, mode), stdout=subprocess.PIPE, text=True, env=worker_env())
                 for _ in range(workers)]
    total = Counts()
    try:
        for process in processes:
            total.add(_counts_of(process))
    finally:   # Ctrl-C or one failing: the others finish their batch and stop
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait()
    return total


class BesideCrawl:
    """The classify stage in its own process while a crawl runs in this one (the reactor never waits
    for the model). Starting waits until the worker has loaded the model, so a missing or broken
    model stops the crawl before it fetches anything (ClassifyError with the worker's message).
    `finish` tells it the crawl is over, waits while it drains what is left and returns its counts."""

    def __init__(self, config: Config):
        # it follows while its stdin is open: closing it says "the crawl is over", and if this
        # process dies the worker still drains and stops
        self.process = subprocess.Popen(worker_command(config, "--follow-stdin"), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env())
        if not self.process.stdout.readline().startswith("ready"):
            err = self.process.communicate()[1].strip().splitlines() or [f"exit {self.process.wait()}"]
            raise ClassifyError(err[-1].removeprefix("sozwatch: "), self.process.returncode or 1)
        # from now on its log lines (warnings, one per batch) reach the operator with the crawl's
        self._relay = threading.Thread(target=self._relay_stderr, daemon=True)
        self._relay.start()

    def _relay_stderr(self) -> None:
        for line in self.process.stderr:
            sys.stderr.write(line)

    def finish(self) -> Counts:
        self.process.stdin.close()   # the crawl is over
        out = self.process.stdout.read()
        self.process.wait()
        self._relay.join()
        if self.process.returncode != 0:
            raise ClassifyError(f"the classify worker failed (exit {self.process.returncode}; see its message above)")
        return _parse_counts(out)

    def stop(self) -> None:
        """The crawl failed: let the worker finish its batch and go; what is left stays pending."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait()
