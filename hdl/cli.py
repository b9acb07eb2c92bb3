"""The `hdl` command.  Start-up stays light: heavy modules load inside commands."""

from __future__ import annotations

import os
import sys

import click

from . import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hdl")
def main():
    """hdl: run, check and convert HDevelop programs without HALCON."""


def _print_error(error) -> None:
    click.echo(error.format(), err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--proc-path", "proc_paths", multiple=True, type=click.Path(file_okay=False),
              help="Directory with external procedures (.hdvp/.hdpl); repeatable.")
@click.option("--no-cache", is_flag=True, help="Parse again even if the file is unchanged.")
def check(files, proc_paths, no_cache):
    """Parse programs and procedure files; print each syntax error as file:line:col."""
    from .errors import HdlSyntaxError, HdlSyntaxErrors
    from .loader import load_file

    failed = False
    names = list(files)
    for directory in proc_paths:  # the procedures a program may call are checked too
        try:
            entries = sorted(os.listdir(directory))
        except OSError as exc:
            click.echo(f"{directory}: cannot read: {exc.strerror or exc}", err=True)
            failed = True
            continue
        names.extend(os.path.join(directory, e) for e in entries
                     if e.lower().endswith((".hdvp", ".hdpl")))
    for name in names:
        try:
            load_file(name, use_cache=not no_cache)
        except HdlSyntaxErrors as exc:
            failed = True
            for error in exc.errors:
                _print_error(error)
        except HdlSyntaxError as exc:
            failed = True
            _print_error(exc)
        except OSError as exc:
            failed = True
            click.echo(f"{name}: cannot read: {exc.strerror or exc}", err=True)
    sys.exit(1 if failed else 0)


TEXT_SUFFIXES = (".hds", ".txt")
XML_SUFFIXES = (".hdev", ".hdvp", ".hdpl", ".xml")


@main.command()
@click.argument("input_file", metavar="IN", type=click.Path(dir_okay=False))
@click.argument("output_file", metavar="OUT", type=click.Path(dir_okay=False))
@click.option("--to", "target", type=click.Choice(["xml", "text"]),
              help="Output format (default: from OUT's name: .hdev/.hdvp/.hdpl → xml, "
                   ".hds/.txt → text; otherwise the other format than IN's).")
@click.option("--check/--no-check", default=True,
              help="Parse the code before writing (default) so a broken program is not converted silently.")
def convert(input_file, output_file, target, check):
    """Convert between HDevelop XML (.hdev/.hdvp/.hdpl) and hdl's text format."""
    from .errors import HdlSyntaxError, HdlSyntaxErrors
    from .formats import read_source, save_source
    from .loader import parse_file_source

    try:
        source = read_source(input_file)
        if check:
            parse_file_source(source)
        if target is None:
            lower = output_file.lower()
            if lower.endswith(XML_SUFFIXES):
                target = "xml"
            elif lower.endswith(TEXT_SUFFIXES):
                target = "text"
            else:
                target = "text" if source.format == "xml" else "xml"
        save_source(source, output_file, target)
    except HdlSyntaxErrors as exc:
        for error in exc.errors:
            _print_error(error)
        sys.exit(1)
    except HdlSyntaxError as exc:
        _print_error(exc)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"{exc.filename or input_file}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"{input_file} ({source.format}) -> {output_file} ({target})")


if __name__ == "__main__":  # pragma: no cover
    main()
