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
              help="Directory with external procedures (.hdvp/.hdpl/.hds); repeatable.")
@click.option("--strict", is_flag=True, help="Exit 1 when a call names no known operator or procedure.")
@click.option("--no-cache", is_flag=True, help="Parse again even if the file is unchanged.")
def check(files, proc_paths, strict, no_cache):
    """Parse programs and procedure files; print each syntax error as file:line:col.

    Every call is also resolved: a name that is no operator, no local
    procedure and no procedure on the procedure path is reported as a
    warning (an error with --strict).
    """
    from .errors import HdlSyntaxError, HdlSyntaxErrors
    from .loader import load_file

    failed = False
    unknown_found = False
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
            loaded = load_file(name, use_cache=not no_cache)
            from .program import Program
            unknown = Program(loaded, list(proc_paths)).check()
        except HdlSyntaxErrors as exc:
            failed = True
            for error in exc.errors:
                _print_error(error)
            continue
        except HdlSyntaxError as exc:
            failed = True
            _print_error(exc)
            continue
        except OSError as exc:
            failed = True
            click.echo(f"{name}: cannot read: {exc.strerror or exc}", err=True)
            continue
        for callee, line in sorted(unknown.items(), key=lambda item: item[1]):
            unknown_found = True
            click.echo(f"{name}:{line}: unknown operator or procedure '{callee}'", err=True)
    sys.exit(1 if failed or (strict and unknown_found) else 0)


def _parse_setting(text: str):
    """NAME=VALUE: a number when VALUE reads as an HDevelop integer or real literal, the
    string itself when it is a quoted HDevelop string ('…'), else VALUE as it is."""
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise click.BadParameter(f"expected NAME=VALUE, got {text!r}", param_hint="--set")
    from . import nodes
    from .errors import HdlSyntaxError
    from .parser import parse_line
    try:
        stmt = parse_line("X := " + value)
        expr = stmt.value
        sign = 1
        if isinstance(expr, nodes.Unary) and expr.op == "-":
            sign, expr = -1, expr.operand
        if isinstance(expr, nodes.Const) and not isinstance(expr.value, str) and value.strip() \
                not in ("true", "false"):
            return name, sign * expr.value
        if isinstance(expr, nodes.Const) and sign == 1 and value.strip().startswith("'"):
            return name, expr.value  # an HDevelop string literal: 'C:/data' is C:/data
    except HdlSyntaxError:
        pass
    return name, value


@main.command()
@click.argument("program", type=click.Path(dir_okay=False))
@click.option("--proc-path", "proc_paths", multiple=True, type=click.Path(file_okay=False),
              help="Directory with external procedures; repeatable.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Give main a variable before it starts (numbers stay numbers); repeatable.")
@click.option("--dump-vars", type=click.Path(dir_okay=False),
              help="Write main's variables at the end of the run to this JSON file.")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error as well.")
@click.option("--display-dir", type=click.Path(file_okay=False),
              help="Save a PNG of each open graphics window at stop (), when it is closed and "
                   "at the end of the run into this directory.")
def run(program, proc_paths, settings, dump_vars, debug, display_dir):
    """Run an HDevelop program (.hdev XML or hdl text, told apart by content)."""
    import json

    from .errors import HdlError, HdlSyntaxErrors
    from .loader import load_file
    from .program import Program

    variables = dict(_parse_setting(s) for s in settings)
    try:
        loaded = load_file(program)
        runner = Program(loaded, list(proc_paths))
        if display_dir:
            from .display import attach, finish
            attach(runner.context, display_dir)
            try:
                result = runner.run(variables)
            finally:
                finish(runner.context)
        else:
            result = runner.run(variables)
    except HdlSyntaxErrors as exc:
        for error in exc.errors:
            _print_error(error)
        sys.exit(1)
    except HdlError as exc:
        if debug:
            import traceback
            traceback.print_exception(exc.__cause__ or exc)
        _print_error(exc)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"{exc.filename or program}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    if dump_vars:
        from .atomic import atomic_write_text
        from .dump import to_json
        data = {name: to_json(value) for name, value in result.items()}
        try:
            atomic_write_text(dump_vars, json.dumps(data, indent=1, allow_nan=True) + "\n")
        except OSError as exc:
            click.echo(f"{dump_vars}: cannot write the variables: {exc.strerror or exc}", err=True)
            sys.exit(1)


@main.command()
@click.argument("pattern", required=False, default="")
@click.option("--proc-path", "proc_paths", multiple=True, type=click.Path(file_okay=False))
def ops(pattern, proc_paths):
    """List operators and procedures (with signatures) whose name contains PATTERN (or matches a glob)."""
    from fnmatch import fnmatchcase

    from .registry import REGISTRY
    from .procedure_path import procedure_catalogue

    def matches(name: str) -> bool:  # a glob when it has wildcards, else a substring
        return fnmatchcase(name, pattern) if any(c in pattern for c in "*?[") else pattern in name

    for name in REGISTRY.names():
        if matches(name):
            click.echo(REGISTRY.get(name).signature())
    for name, entry in procedure_catalogue(list(proc_paths)):
        if matches(name):
            click.echo(entry.source.interface.signature(name) + f"    [procedure: {entry.loaded.path}]")


@main.command()
@click.argument("name")
@click.option("--proc-path", "proc_paths", multiple=True, type=click.Path(file_okay=False))
def doc(name, proc_paths):
    """Print the signature and documentation of an operator or procedure."""
    from .registry import REGISTRY
    from .procedure_path import procedure_catalogue

    op = REGISTRY.get(name)
    if op is not None:
        click.echo(op.help_text())
        return
    for proc_name, entry in procedure_catalogue(list(proc_paths)):
        if proc_name == name:
            click.echo(entry.help_text())
            return
    click.echo(f"unknown operator or procedure '{name}'", err=True)
    sys.exit(1)


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


@main.command()
@click.argument("program", required=False, type=click.Path(dir_okay=False))
@click.option("--proc-path", "proc_paths", multiple=True, type=click.Path(file_okay=False),
              help="Directory with external procedures; repeatable.")
def repl(program, proc_paths):
    """Interactive HDevelop: type statements, inspect variables, stop and go on.

    With PROGRAM, its procedures can be called at the prompt and `:run`
    runs its main; `:help` lists the commands.
    """
    from .repl import main as repl_main

    sys.exit(repl_main(program, list(proc_paths)))


if __name__ == "__main__":  # pragma: no cover
    main()
