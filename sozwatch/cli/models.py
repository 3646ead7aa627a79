"""The command line: `sozwatch train`, `eval` and `models …`, thin shells over classifiers/ (training, evaluation, registry)."""
from __future__ import annotations

import json
import sys
import time

import click

from classifiers.dataset import HELDOUT_PATH, TRAIN_PATH, read_examples, realdev_path
from classifiers.registry import Registry

from .common import SozwatchError, decisions_store


def check_quality_gate(registry, version: str, role: str, force: bool = False, tolerance: float = 0.02) -> None:
    """Refuse (exit 1, naming the figures that dropped) a candidate for the active role that is worse
    than the active model (classifiers.quality_gate), unless forced."""
    if role != "active" or force:
        return
    from classifiers.quality_gate import check_promotion
    from classifiers.training import scoring_cache
    with scoring_cache():
        result = check_promotion(registry, version, tolerance, realdev=realdev_path())
    if not result.passed:
        raise SozwatchError(result.message())
    click.echo(result.message(), err=True)


@click.command("eval")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), default=str(HELDOUT_PATH), show_default=True,
              help="JSON Lines with text, labels and optional lang.")
@click.option("--model", "version", help="Model version (default: the active one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (see contracts.md).")
@click.pass_context
def eval_(ctx, data_path, version, as_json):
    """Score a model on labeled data."""
    from classifiers.evaluation import evaluate
    from classifiers.taxonomy import load_taxonomy
    examples = read_examples(data_path)
    loaded = Registry(ctx.obj.models_dir).load(version)
    report = evaluate(loaded.model.predict, examples, load_taxonomy().codes, loaded.version, detail=not as_json)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        from ..reports import format_eval
        click.echo(format_eval(report))


class TrainProgress:
    """Training's progress for an operator: on a terminal one line rewritten in place ("folds 12/40,
    about 3 min left", the time left from the pace of the current step); under cron nothing, the
    command's summary line says it all."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.shown = stream.isatty()
        self.started = time.monotonic()
        self.step, self.step_started = "", self.started

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if step != self.step:
            self.step, self.step_started = step, now
        if not self.shown:
            return
        left = ""
        if 0 < done < total:
            seconds = (now - self.step_started) / done * (total - done)
            left = f", about {seconds / 60:.0f} min left" if seconds >= 90 else f", about {seconds:.0f} s left"
        self.stream.write(f"\rtraining: {step} {done}/{total}{left}".ljust(60))
        self.stream.flush()

    def close(self) -> str:
        """End the progress line; returns the elapsed time for the summary."""
        if self.shown:
            self.stream.write("\n")
        elapsed = time.monotonic() - self.started
        return f"{elapsed / 60:.1f} min" if elapsed >= 90 else f"{elapsed:.0f} s"


@click.command()
@click.option("--backend", type=click.Choice(["sklearn", "transformers"]), default="sklearn", show_default=True)
@click.option("--no-embeddings", is_flag=True, help="sklearn: train the TF-IDF-only model (the fallback).")
@click.option("--model-path", type=click.Path(file_okay=False, exists=True),
              help="transformers: a local model directory (e.g. xlm-roberta-base) to fine-tune.")
@click.option("--epochs", type=click.IntRange(1, 100), default=3, show_default=True, help="transformers only.")
@click.option("--promote", "promote_as", type=click.Choice(["active", "fallback"]), help="Promote the new version.")
@click.option("--with-decisions/--no-decisions", default=True, show_default=True,
              help="sklearn: add the review queue's confirmed and rejected decisions (review_queue.learning.training_data).")
@click.option("--db", "db_flag", type=click.Path(dir_okay=False), help="SQLite database with the decisions.")
@click.pass_context
def train(ctx, backend, no_embeddings, model_path, epochs, promote_as, with_decisions, db_flag):
    """Train a model version on the shipped training split (plus monitors' decisions); score it on the
    held-out split (and on held-out confirmed items)."""
    registry = Registry(ctx.obj.models_dir)
    train_set, heldout = read_examples(TRAIN_PATH), read_examples(HELDOUT_PATH)
    progress = TrainProgress()
    if backend == "transformers":
        if not model_path:
            raise click.BadParameter("the transformers backend needs --model-path DIR", param_hint="--model-path")
        from classifiers.transformer_model import train_transformer_version
        version = train_transformer_version(train_set, heldout, registry, model_path, epochs=epochs)
    else:
        from review_queue.learning.training_data import train_with_decisions
        version = train_with_decisions(decisions_store(ctx, db_flag) if with_decisions else None, registry,
                                       train_set, heldout, use_embeddings=False if no_embeddings else None,
                                       progress=progress)
    elapsed = progress.close()
    metrics = registry.card(version)["heldout_metrics"]
    click.echo(f"trained {version} in {elapsed}: held-out relevance F1 {metrics['relevance']['f1']:.3f}, "
               f"category micro-F1 {metrics['categories']['micro_f1']:.3f}")
    if realdev := realdev_path():   # measured once the model exists: never trained or tuned on
        from classifiers.quality_gate import REALDEV, record_evaluation
        from classifiers.training import scoring_cache
        with scoring_cache():
            metrics = record_evaluation(registry, version, REALDEV, read_examples(realdev))["metrics"]
        click.echo(f"real-text development set: relevance F1 {metrics['relevance']['f1']:.3f}, "
                   f"category micro-F1 {metrics['categories']['micro_f1']:.3f}")
    if promote_as:
        check_quality_gate(registry, version, promote_as)
        registry.promote(version, promote_as)
        click.echo(f"{version} is now the {promote_as} model")


@click.group()
def models():
    """List, inspect, promote and roll back model versions."""

@models.command("list")
@click.pass_context
def models_list(ctx):
    registry = Registry(ctx.obj.models_dir)
    roles = registry.roles()
    for version in registry.versions():
        card = registry.card(version)
        metrics = card.get("heldout_metrics") or {}
        f1 = metrics.get("categories", {}).get("micro_f1")
        click.echo(f"{version:<30} {roles.get(version, ''):<9} {card.get('backend', 'sklearn'):<13}"
                   f"micro-F1 {f1 if f1 is not None else '-'}")

@models.command("show")
@click.argument("version", required=False)
@click.option("--json", "as_json", is_flag=True, help="The whole card.json instead of card.md.")
@click.pass_context
def models_show(ctx, version, as_json):
    registry = Registry(ctx.obj.models_dir)
    version = version or registry.active_version()
    if not version:
        raise SozwatchError("no active model")
    card = registry.card(version)
    if as_json:
        click.echo(json.dumps(card, indent=2, ensure_ascii=False))
    else:
        from classifiers.model_card import card_markdown
        click.echo(card_markdown(card))

@models.command("promote")
@click.argument("version")
@click.option("--as", "role", type=click.Choice(["active", "fallback"]), default="active", show_default=True)
@click.option("--force", is_flag=True, help="Promote even if the quality gate refuses the candidate.")
@click.option("--tolerance", type=click.FloatRange(0, 1), default=0.02, show_default=True,
              help="How far a quality-gate figure may drop below the active model's.")
@click.pass_context
def models_promote(ctx, version, role, force, tolerance):
    """Make VERSION the active (or fallback) model; to active only through the quality gate."""
    registry = Registry(ctx.obj.models_dir)
    check_quality_gate(registry, version, role, force=force, tolerance=tolerance)
    registry.promote(version, role)
    click.echo(f"{version} is now the {role} model")

@models.command("rollback")
@click.option("--as", "role", type=click.Choice(["active", "fallback"]), default="active", show_default=True)
@click.pass_context
def models_rollback(ctx, role):
    """Give the role back to the version that held it before the latest promotion."""
    version = Registry(ctx.obj.models_dir).rollback(role)
    click.echo(f"rolled back: {version} is now the {role} model")
