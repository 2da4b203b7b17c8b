"""``claimx text`` and ``claimx show``: one input's text as claimx reads it, and one
article with its claims marked (or, for a claims database, the site of its corpus)."""

from __future__ import annotations

import os
from pathlib import PurePath

import click

from ..claimsource import article_facts
from ..corpora import read_articles
from ..errors import InputError
from ..inputs import expand
from ..run import PipelineSpec, plural, utf8_stdout
from ..show import COLORS
from ..types import StanceMode
from .group import EXIT_FAILED, cli
from .options import (
    aliases_option,
    format_option,
    model_option,
    read_options,
    reading_options,
    stance_option,
    stderr_report,
)


@cli.command("text")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--id",
    "ids",
    metavar="ID",
    multiple=True,
    help="Only the article with this id (repeat for several).",
)
@format_option(["text", "jsonl"], default="text")
@reading_options
def text_command(
    path: str,
    ids: tuple[str, ...],
    fmt: str,
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
) -> None:
    """Print the text that the offsets of an input's claims index: the file's, a record's
    text field, or what claimx derives from a page (HTML, WARC).

    Text: one article's text exactly, with no newline added. JSON Lines: source, id and
    text of every article (or of those --id names).
    """
    report = stderr_report()
    options = read_options(input_format, text_field, id_field, encoding)
    (item,) = expand(path)
    wanted = set(ids)
    found: set[str] = set()

    def other(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return bool(wanted) and ident not in wanted

    out = utf8_stdout()
    articles = read_articles(item, options, on_problem=report.problem, skip=other)
    if fmt == "jsonl":
        import json

        for article in articles:
            found.add(article.id)
            record = {"source": article.source, "id": article.id, "text": article.text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        first = next(articles, None)
        if next(articles, None) is not None:
            raise click.UsageError(
                f"{item.label} holds more than one article; pick one with --id, or print "
                "them all with -f jsonl"
            )
        if first is not None:
            found.add(first.id)
            out.write(first.text)
    out.flush()
    for ident in sorted(wanted - found):
        report.fail(InputError(item.label, f"has no article with the id {ident!r}", "see -f jsonl"))
    report.flush()
    if report.failed:
        click.get_current_context().exit(EXIT_FAILED)


@cli.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--id",
    "article_id",
    metavar="ID",
    help="The article with this id, in an input that holds several (JSON Lines, CSV, WARC).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write one self-contained HTML page to FILE (- for stdout) instead.",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="With a database of extract --db as PATH: write the site of its corpus into DIR "
    "(new, empty, or a site claimx wrote, which is replaced).",
)
@click.option(
    "--color",
    type=click.Choice(COLORS),
    default="auto",
    show_default=True,
    help="Style the view: auto on a terminal unless NO_COLOR is set; always also into a "
    "pipe (| less -R); never: marks as characters.",
)
@click.option("--pager", is_flag=True, help="Page the view (through $PAGER, or less -R).")
@reading_options
@model_option
@stance_option
@aliases_option
def show_command(
    path: str,
    article_id: str | None,
    html_file: str | None,
    output_dir: str | None,
    color: str,
    pager: bool,
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
    model: str | None,
    stance: StanceMode,
    aliases: str | None,
) -> None:
    """Show one article with its claims marked: speakers, cues, quotes and targets, each
    claim's number beside it and a line per claim below; or, with --html, as a page.

    Given a database of extract --db as PATH, write with -o DIR a static site of its
    corpus to open offline (DIR/index.html): its quotations by reach, each with a page
    comparing every article's report; its speakers; every article as --html shows it; a
    search box.
    """
    from ..atomic import replacing
    from ..page import page
    from ..show import make_console, show

    if path != "-" and _is_database(path):
        _write_site(path, output_dir, html_file, article_id)
        return
    if output_dir is not None:
        raise click.UsageError(
            f"{path} is not a database of claimx extract --db; -o writes the site of one "
            "(for one article's page, give --html FILE)"
        )
    report = stderr_report()
    options = read_options(input_format, text_field, id_field, encoding)
    (item,) = expand(path)

    def other(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return article_id is not None and ident != article_id

    articles = read_articles(item, options, on_problem=report.problem, skip=other)
    article = next(articles, None)
    if article is not None and next(articles, None) is not None:
        raise click.UsageError(
            f"{item.label} holds more than one article; pick one with --id "
            "(claimx text -f jsonl lists their ids)"
        )
    if article is None:
        if article_id is not None:
            report.fail(
                InputError(
                    item.label,
                    f"has no article with the id {article_id!r}",
                    "claimx text -f jsonl lists the ids",
                )
            )
        elif not report.failed:
            report.fail(
                InputError(item.label, "holds no article", "check --input-format and --text-field")
            )
        report.flush()
        click.get_current_context().exit(EXIT_FAILED)
    claims = PipelineSpec(model, stance, aliases).extract(article.text)
    source = article.label or article.source
    facts = article_facts(article)  # title, outlet, date
    if html_file is not None:
        title, rest = facts.pop("title", None), list(facts.values())
        document = page(article.text, claims, source=source, title=title, facts=rest)
        opened = (
            click.open_file(html_file, "w", encoding="utf-8")
            if html_file == "-"
            else replacing(html_file, binary=False)
        )
        with opened as out:
            out.write(document)
        return
    console = make_console(utf8_stdout(), color=color)
    if pager:
        os.environ.setdefault("LESS", "-R")  # less shows the styles rather than their codes
        with console.pager(styles=True):
            show(console, article.text, claims, source=source, facts=list(facts.values()))
        return
    show(console, article.text, claims, source=source, facts=list(facts.values()))


def _is_database(path: str) -> bool:
    from ..claimsource import SQLITE_HEADER

    with open(path, "rb") as f:
        return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _write_site(
    database: str, output_dir: str | None, html_file: str | None, article_id: str | None
) -> None:
    """``claimx show DB -o DIR``: the site of a claims database."""
    from ..site import write_site

    if html_file is not None or article_id is not None:
        flag = "--html" if html_file is not None else "--id"
        raise click.UsageError(
            f"{database} is a claims database, shown as a site: give -o DIR instead of {flag}"
        )
    if output_dir is None:
        raise click.UsageError(
            f"{database} is a claims database; give -o DIR to write the site of its corpus"
        )
    site = write_site(database, output_dir)
    index = os.path.join(output_dir, "index.html")
    stderr_report().console.print(
        f"claimx: site of {plural(site.articles, 'article')} and "
        f"{plural(site.quotations, 'quotation')} in {output_dir}; open {index}"
    )
