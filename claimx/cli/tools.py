"""``claimx info`` and ``claimx evaluate``: the pipeline claimx runs, and its scores
against hand-annotated articles."""

from __future__ import annotations

from typing import Any

import click

from .. import __version__, progress
from .group import cli
from .options import format_option, jobs_option, model_option


@cli.command()
@model_option
@format_option(["text", "json"], default="text")
def info(model: str | None, fmt: str) -> None:
    """Show the pipeline claimx runs: base model, components, stance model and versions."""
    import json
    from importlib import metadata

    from .. import api

    nlp = api.load(model)
    stance = getattr(nlp.get_pipe("claimx"), "stance_model", None)
    meta = stance.meta if stance is not None else {}
    details: dict[str, Any] = {
        "claimx": __version__,
        "spacy": metadata.version("spacy"),
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
        "model_version": nlp.meta.get("version"),
        "pipeline": list(nlp.pipe_names),
        "stance_model": meta.get("name"),
        "stance_model_version": meta.get("version"),
    }
    if fmt == "json":
        click.echo(json.dumps(details, indent=2))
        return
    click.echo(f"claimx    {details['claimx']}")
    click.echo(f"spaCy     {details['spacy']}")
    click.echo(f"model     {details['model']} {details['model_version']}")
    click.echo(f"pipeline  {', '.join(details['pipeline'])}")
    if stance is None:
        click.echo("stance    rules only")
    else:
        click.echo(f"stance    {meta.get('name')} {meta.get('version')}")


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@format_option(["table", "json"], default="table")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.5,
    show_default=True,
    help="Least content overlap (token Dice) for a claim to match a gold claim.",
)
@jobs_option
@model_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def evaluate(
    gold: str, fmt: str, threshold: float, jobs: int, model: str | None, quiet: bool
) -> None:
    """Score claimx against hand-annotated articles (JSON Lines: id, text, claims).

    Prints precision, recall and F1 for claims (content and speaker right), content and
    exact content, speaker and cue accuracy, by kind; the metric is defined in
    claimx.evaluate.
    """
    import json

    from rich.console import Console

    from .. import api
    from .. import evaluate as evaluation

    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    articles = evaluation.read_gold(gold)
    api.load(model)  # a missing model fails here, before the progress bar
    show_progress = not quiet and console.is_terminal
    with progress.bar(console, len(articles), show_progress) as advance:
        report = evaluation.evaluate(
            articles,
            model=model,
            n_process=jobs,
            threshold=threshold,
            progress=advance,
            gold_file=gold,
        )
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    out = Console(highlight=False)
    for table in evaluation.render_tables(report):
        out.print(table)
