"""The ``shootprint`` command: a thin shell over :mod:`shootprint.api` and the factor table.

Built on click. Heavy modules (numpy, pint, pydantic and the production models) are imported inside
the commands that need them, so ``shootprint factors show ID`` stays fast. (typer was tried first: it
builds a pydantic adapter per option on every run, about 0.1 s, which the speed budget cannot spare.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from shootprint.errors import ShootprintError

LEVERS_HELP = (
    "NAME or NAME=VALUE (repeatable): train_instead_of_plane, local_crew, hvo_instead_of_diesel, "
    "vegetarian_catering, ai_model, compute_region, fewer_iterations."
)
PATH = click.Path(path_type=Path)
CONTEXT = {"help_option_names": ["--help", "-h"], "max_content_width": 100}


def _fail(exc: ShootprintError | str, lang: str = "en") -> NoReturn:
    details = getattr(exc, "details", None)
    text = "\n".join(p.text(lang) for p in details) if lang != "en" and details else str(exc)
    from shootprint.i18n import ERROR_PREFIX

    for line in text.splitlines():
        click.echo(f"{ERROR_PREFIX[lang]}{line}", err=True)
    sys.exit(2)


def _echo(text: str) -> None:
    click.echo(text)


# -- shared options -------------------------------------------------------------------------


def _options(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(fn: Any) -> Any:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply


factor_set_opt = click.option(
    "--factor-set", "factor_set", default=None, help="ademe (default) or desnz: which source wins."
)
overrides_opt = click.option(
    "--factors",
    "overrides",
    type=PATH,
    default=None,
    help="A CSV or YAML file of factor rows that replace or add factors.",
)
exclude_opt = click.option(
    "--exclude", "exclude", multiple=True, help="Leave a category or a line tag (e.g. training) out of totals."
)
set_opt = click.option(
    "--set", "set_", multiple=True, help="PATH=VALUE: change a field without editing the file (repeatable)."
)
MAX_SEED = 2**32 - 1  # shootprint.uncertainty.MAX_SEED (not imported here: it loads numpy)
MAX_SAMPLES = 100_000  # shootprint.calculator.MAX_SAMPLES (not imported here: it loads pydantic)
LANG_CHOICE = click.Choice(["en", "fr"])


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from shootprint.i18n import lang_from_env

    return value or lang_from_env()


lang_opt = click.option(
    "--lang",
    type=LANG_CHOICE,
    default=None,
    callback=_lang,
    help="en or fr: the language of tables, labels, warnings and errors (default: the locale's, else en).",
)


def _finite_level(ctx: click.Context, param: click.Parameter, value: float) -> float:
    import math

    if value is not None and not math.isfinite(value):
        from shootprint.i18n import gettext, lang_from_env

        lang = ctx.params.get("lang") or lang_from_env()
        raise click.BadParameter(gettext(lang, "{value} is not a number; accepted: 0.5 to 0.999", value=value))
    return value


seed_opt = click.option(
    "--seed",
    type=click.IntRange(0, MAX_SEED),
    default=0,
    show_default=True,
    help="Seed of the draws: same seed, same output.",
)
level_opt = click.option(
    "--level",
    type=click.FloatRange(0.5, 0.999),
    callback=_finite_level,
    default=0.90,
    show_default=True,
    help="Interval level, e.g. 0.90 for 5th–95th percentiles.",
)
format_opt = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="table, json or csv.",
)  # fmt: skip
data_format_opt = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table", show_default=True,
    help="table, json, csv or xlsx (xlsx needs --out).",
)  # fmt: skip
out_opt = click.option("--out", type=PATH, default=None, help="Write to this file instead of standard output.")
samples_opt = click.option(
    "--samples",
    type=click.IntRange(0, MAX_SAMPLES),
    default=0,
    show_default=True,
    help=f"Monte Carlo draws (0: central values only; at most {MAX_SAMPLES:,}).",
)


#: commands that compute once and end: Python's cyclic garbage collector is paused while they run
ONE_SHOT = frozenset(
    {
        "estimate",
        "compare",
        "sensitivity",
        "whatif",
        "breakeven",
        "diff",
        "report",
        "template",
        "import",
        "schema",
        "models",
        "factors",
        "version",
    }
)


def _argv_lang(args: Sequence[str]) -> str:
    """The language a command line asks for, known before Click parses it (its usage errors happen
    while it parses): the last ``--lang X`` / ``--lang=X`` before ``--``, else the environment's
    locale, the rule of the commands' own ``--lang``."""
    from shootprint.i18n import LANGS, lang_from_env

    asked = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            asked = args[i + 1]
        elif arg.startswith("--lang="):
            asked = arg.partition("=")[2]
    return asked if asked in LANGS else lang_from_env()


#: Click's modules that translate their messages with ``from gettext import gettext as _, ngettext``
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def _forget_help_options(cmd: click.Command) -> None:
    """Drop the ``--help`` option each command keeps once made (its help text is in the language
    of the first command line that made it), so the next command line makes it in its own."""
    if getattr(cmd, "_help_option", None) is not None:
        cmd._help_option = None  # noqa: SLF001 (Click's cache, rebuilt on demand)
    for sub in getattr(cmd, "commands", {}).values():
        _forget_help_options(sub)


@contextmanager
def _click_language(lang: str, root: click.Command) -> Iterator[None]:
    """Click's own messages (usage errors, help headings) in ``lang`` while a command line runs.

    Click translates them with the standard library's global gettext; in French its modules' ``_``
    and ``ngettext`` are pointed at shootprint's catalog (Click's msgids are in it, extracted by
    ``data-raw/click_messages.py``) and restored after. English leaves Click untouched."""
    if lang == "en":
        yield
        return
    import gettext
    import importlib

    from shootprint.i18n import translations

    catalog = translations(lang)
    saved: list[tuple[Any, str, Any]] = []
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        for attr, stdlib, ours in (
            ("_", gettext.gettext, catalog.gettext),
            ("ngettext", gettext.ngettext, catalog.ngettext),
        ):
            if getattr(module, attr, None) is stdlib:
                saved.append((module, attr, stdlib))
                setattr(module, attr, ours)
    # the options Click itself gives the group (--version): their help was written at import
    helps = [(p, p.help) for p in root.params if isinstance(p, click.Option) and p.help]
    for param, text in helps:
        param.help = catalog.gettext(text)
    _forget_help_options(root)
    try:
        yield
    finally:
        for module, attr, stdlib in saved:
            setattr(module, attr, stdlib)
        for param, text in helps:
            param.help = text
        _forget_help_options(root)


class _App(click.Group):
    """The ``shootprint`` group: Click's own messages in the language the command line asks for."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        with _click_language(_argv_lang(sys.argv[1:] if args is None else list(args)), self):
            return super().main(args, *rest, **kwargs)


@click.group(cls=_App, context_settings=CONTEXT, no_args_is_help=True)
@click.version_option(package_name="shootprint", message="shootprint %(version)s")
@click.pass_context
def app(ctx: click.Context) -> None:
    """Carbon footprint of visual productions — shot or generated — with sources and ranges."""
    if ctx.invoked_subcommand in ONE_SHOT:
        _pause_gc(ctx)


def _pause_gc(ctx: click.Context) -> None:
    """Pause the cyclic garbage collector until the command ends (reference counting still frees
    what is no longer used). A command's imports, models and report layout make hundreds of
    thousands of objects that live until it ends; the collector went through them again and
    again: 0.02-0.05 s of a compare, 0.05 s of a sensitivity, 0.7-1.2 s of a PDF report, about a
    sixth of a 100-production compare --samples, for no memory back (the same peak with it
    paused). The server, the tracker and the database commands keep it."""
    import gc

    if gc.isenabled():
        gc.disable()
        ctx.call_on_close(gc.enable)


@app.group("factors", no_args_is_help=True)
def factors_app() -> None:
    """Search, show and export emission factors."""


# -- factors --------------------------------------------------------------------------------


@factors_app.command("search")
@click.argument("text")
@click.option("--unit", default=None, help="Keep rows whose unit contains this.")
@click.option("--category", default=None, help="Keep rows of this category.")
@click.option("--all", "all_", is_flag=True, help="Include archived rows.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=30, show_default=True, help="Rows to show at most (0: all)."
)
@factor_set_opt
@lang_opt
def factors_search(
    text: str, unit: str | None, category: str | None, all_: bool, limit: int, factor_set: str | None, lang: str
) -> None:
    """Find factors by words (French or English, accents optional); valid rows first, archived ones only
    with --all."""
    from shootprint.factors import FactorTable

    try:
        table = FactorTable(factor_set or "ademe")
        rows = table.search(text, unit=unit, category=category, include_archived=all_, limit=limit or None)
    except ShootprintError as exc:
        _fail(exc, lang)
    if not rows:
        from shootprint.i18n import gettext

        close = table.close_words(text)
        click.echo(gettext(lang, "No factor matches {query}.", query=repr(text[:80])), err=True)
        if close:
            click.echo(gettext(lang, "Close words: {words}", words=", ".join(close)), err=True)
        sys.exit(1)
    for row in rows:
        unc = f"±{row.uncertainty_pct:g}%" if row.uncertainty_pct is not None else row.uncertainty_kind
        flag = (" [archivé]" if lang == "fr" else " [archived]") if row.archived else ""
        value = "alias→" + row.alias_of if row.alias_of else f"{row.value:.4g}"
        _echo(f"{row.id:<48} {value:>12} {row.unit:<24} {unc:<10} {row.name(lang)[:90]}{flag}")


@factors_app.command("show")
@click.argument("factor_id")
@factor_set_opt
@format_opt
@lang_opt
def factors_show(factor_id: str, factor_set: str | None, fmt: str, lang: str) -> None:
    """Everything about one factor (e.g. ademe:43741, energy.grid.FR): value, unit, uncertainty, source,
    posts, status, licence."""
    import json

    from shootprint.factors import FactorTable

    try:
        table = FactorTable(factor_set or "ademe")
        row = table.get(factor_id)
        resolved = table.resolve(factor_id) if row.alias_of else None
        posts = table.posts(factor_id)
    except ShootprintError as exc:
        _fail(exc, lang)
    data = row.as_dict()
    data.pop("origin")
    if resolved is not None:
        data["resolved"] = {
            "chain": list(resolved.chain),
            "value": resolved.value,
            "unit": resolved.unit,
            "source": resolved.row.source,
            "licence": resolved.row.licence,
        }
    if posts:
        data["posts"] = posts
    if fmt == "json":
        _echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, val in data.items():
        if val in ("", None) or key == "posts":
            continue
        _echo(f"{key:<20} {val}")
    if posts:
        _echo("postes :" if lang == "fr" else "posts:")
        for post in posts:
            name = (post["name_fr"] or post["name_en"]) if lang == "fr" else (post["name_en"] or post["name_fr"])
            _echo(f"  {post['type'] or '':<24} {post['value']:>12.6g}  {name}")


@factors_app.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True, help="csv or json."
)
@click.option("--out", type=PATH, default=None, help="File to write (default: standard output).")
@factor_set_opt
def factors_export(fmt: str, out: Path | None, factor_set: str | None) -> None:
    """Every factor the package knows, ADEME elements included."""
    from shootprint.export import export_factors
    from shootprint.factors import FactorTable
    from shootprint.output import write_with

    table = FactorTable(factor_set or "ademe")
    if out is None:
        export_factors(table, fmt, sys.stdout)
        return

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as stream:
            export_factors(table, fmt, stream)

    try:
        write_with(out, write, suffixes=(f".{fmt}",))
    except ShootprintError as exc:
        _fail(exc)


# -- productions ----------------------------------------------------------------------------


def _wrote(path: Path | str, lang: str = "en") -> None:
    """``wrote FILE`` on standard error, in ``lang``."""
    from shootprint.i18n import gettext

    click.echo(gettext(lang, "wrote {path}", path=str(path)), err=True)


def _check_out(out: Path | None, fmt: str, inputs: list[Path | None], lang: str = "en") -> None:
    """Before any computation: --out is not an input, has the format's extension, can be made."""
    if out is None:
        if fmt == "xlsx":
            from shootprint.i18n import gettext

            _fail(gettext(lang, "--format xlsx needs --out FILE.xlsx"), lang)
        return
    from shootprint.output import SUFFIXES, check_target

    try:
        check_target(out, SUFFIXES.get(fmt, ()) if fmt != "table" else (), [p for p in inputs if p], fmt.upper())
    except ShootprintError as exc:
        _fail(exc, lang)


def _emit(
    footprints: list[Any],
    render: Any,
    result: Any,
    fmt: str,
    out: Path | None,
    inputs: tuple[Path | None, ...] | list[Path | None] = (),
    lang: str = "en",
) -> None:
    """Print or write a result; xlsx (and csv with --out) through the spreadsheet writers."""
    from shootprint.output import SUFFIXES, write_text

    real_inputs = [p for p in inputs if p]
    try:
        if fmt == "xlsx":
            if out is None:
                _check_out(out, fmt, [], lang)
                return
            from shootprint.spreadsheet import write_footprints_xlsx

            write_footprints_xlsx(footprints, out, inputs=real_inputs)
            _wrote(out, lang)
            return
        rendered = render(result, fmt)
        if out is not None:
            write_text(
                out, rendered + "\n", suffixes=SUFFIXES.get(fmt, ()) if fmt != "table" else (), inputs=real_inputs
            )
            _wrote(out, lang)
        else:
            _echo(rendered)
    except ShootprintError as exc:
        _fail(exc, lang)


class _DrawsBar:
    """A progress bar on standard error for a Monte Carlo run computed in chunks (shown from the
    first chunk on: a run of one chunk shows none)."""

    def __init__(self, total: int, lang: str = "en") -> None:
        self.total, self.done, self.lang = total, 0, lang
        self.bar: Any = None

    def __call__(self, done: int) -> None:
        if self.bar is None:
            from shootprint.i18n import gettext

            label = gettext(self.lang, "Monte Carlo draws")
            self.bar = click.progressbar(length=self.total, label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _sets(values: tuple[str, ...]) -> dict[str, Any] | None:
    if not values:
        return None
    from shootprint.paths import parse_assignment

    return dict(parse_assignment(v) for v in values)


production_opts = _options(factor_set_opt, overrides_opt, exclude_opt, set_opt)


@app.command("estimate")
@click.argument("file", type=PATH)
@data_format_opt
@out_opt
@production_opts
@samples_opt
@seed_opt
@level_opt
@lang_opt
def estimate_cmd(
    file: Path,
    fmt: str,
    out: Path | None,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
    set_: tuple[str, ...],
    samples: int,
    seed: int,
    level: float,
    lang: str,
) -> None:
    """The footprint of one production, line by line with every factor's source."""
    from shootprint import api
    from shootprint.report import text

    _check_out(out, fmt, [file, overrides], lang)
    try:
        common: dict[str, Any] = dict(factor_set=factor_set, overrides=overrides, exclude=exclude, sets=_sets(set_))
        if samples:
            bar = _DrawsBar(samples, lang)
            try:
                fp = api.estimate_uncertain(file, samples=samples, seed=seed, level=level, progress=bar, **common)
            finally:
                bar.close()
        else:
            fp = api.estimate(file, **common)
    except ShootprintError as exc:
        _fail(exc, lang)
    _emit([fp], lambda r, f: text.render_footprint(r, f, lang), fp, fmt, out, [file, overrides], lang)


@app.command("compare")
@click.argument("files", type=PATH, nargs=-1, required=True)
@data_format_opt
@out_opt
@click.option(
    "--lines",
    "per_line",
    is_flag=True,
    help="With --format csv: one row per line of every production, with its factors.",
)
@production_opts
@samples_opt
@seed_opt
@level_opt
@lang_opt
def compare_cmd(
    files: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    per_line: bool,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
    set_: tuple[str, ...],
    samples: int,
    seed: int,
    level: float,
    lang: str,
) -> None:
    """Totals side by side, each total's ratio to the lowest, categories side by side (FILES: ways of
    making the same deliverables)."""
    from shootprint import api
    from shootprint.report import text

    _check_out(out, fmt, [*files, overrides], lang)
    try:
        common: dict[str, Any] = dict(factor_set=factor_set, overrides=overrides, exclude=exclude, sets=_sets(set_))
        if samples:
            bar = _DrawsBar(samples, lang)
            try:
                comparison = api.compare_uncertain(
                    list(files), samples=samples, seed=seed, level=level, progress=bar, **common
                )
            finally:
                bar.close()
        else:
            comparison = api.compare(list(files), **common)
    except ShootprintError as exc:
        _fail(exc, lang)
    if per_line and fmt == "csv":
        _emit(
            comparison.footprints, lambda fps, _fmt: text.render_lines_csv(fps, lang), comparison.footprints, fmt,
            out, [*files, overrides], lang,
        )  # fmt: skip
        return
    _emit(
        comparison.footprints, lambda r, f: text.render_comparison(r, f, lang), comparison, fmt, out,
        [*files, overrides], lang,
    )  # fmt: skip


@app.command("sensitivity")
@click.argument("files", type=PATH, nargs=-1, required=True)
@format_opt
@click.option(
    "--samples",
    type=click.IntRange(min=16),
    default=512,
    show_default=True,
    help="Sobol base sample size N (N·(D+2) runs).",
)
@seed_opt
@click.option("--top", type=int, default=15, show_default=True, help="Inputs to list (0: all).")
@production_opts
@lang_opt
def sensitivity_cmd(
    files: tuple[Path, ...],
    fmt: str,
    samples: int,
    seed: int,
    top: int,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
    set_: tuple[str, ...],
    lang: str,
) -> None:
    """Which inputs and factors drive a total (one FILE) or the ratio of two productions (two FILES):
    Sobol indices."""
    from shootprint import api
    from shootprint.report import text

    if len(files) not in (1, 2):
        from shootprint.i18n import gettext

        _fail(gettext(lang, "sensitivity takes one production file (its total) or two (their ratio)"), lang)
    try:
        result = api.sensitivity(
            list(files), base_samples=samples, seed=seed, factor_set=factor_set, overrides=overrides,
            exclude=exclude, sets=_sets(set_),
        )  # fmt: skip
    except ShootprintError as exc:
        _fail(exc, lang)
    _echo(text.render_sensitivity(result, fmt, top, lang))


@app.command("whatif")
@click.argument("file", type=PATH)
@click.option("--lever", "levers", multiple=True, help=LEVERS_HELP)
@set_opt
@format_opt
@click.option(
    "--samples",
    type=click.IntRange(min=10),
    default=2000,
    show_default=True,
    help="Monte Carlo draws for the savings' intervals.",
)
@seed_opt
@level_opt
@factor_set_opt
@overrides_opt
@exclude_opt
@lang_opt
def whatif_cmd(
    file: Path,
    levers: tuple[str, ...],
    set_: tuple[str, ...],
    fmt: str,
    samples: int,
    seed: int,
    level: float,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
    lang: str,
) -> None:
    """What a change saves: --set PATH=VALUE and named levers, each with its saving and interval."""
    from shootprint import api
    from shootprint.report import text

    bar = _DrawsBar(samples, lang)  # a large run: a progress bar on standard error, as estimate and compare
    try:
        try:
            result = api.whatif(
                file, levers=levers, sets=_sets(set_), samples=samples, seed=seed, level=level,
                factor_set=factor_set, overrides=overrides, exclude=exclude, progress=bar,
            )  # fmt: skip
        finally:
            bar.close()
    except ShootprintError as exc:
        _fail(exc, lang)
    _echo(text.render_whatif(result, fmt, lang))


@app.command("breakeven")
@click.argument("file_a", type=PATH)
@click.argument("file_b", type=PATH)
@click.option("--vary", required=True, help="Path of the input in A, e.g. activities.key-visuals.iterations")
@format_opt
@factor_set_opt
@overrides_opt
@exclude_opt
@lang_opt
def breakeven_cmd(
    file_a: Path,
    file_b: Path,
    vary: str,
    fmt: str,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
    lang: str,
) -> None:
    """The value of one input of FILE_A at which it emits as much as FILE_B."""
    from shootprint import api
    from shootprint.report import text

    try:
        result = api.breakeven(file_a, file_b, vary=vary, factor_set=factor_set, overrides=overrides, exclude=exclude)
    except ShootprintError as exc:
        _fail(exc, lang)
    _echo(text.render_breakeven(result, fmt, lang))


@app.command("diff")
@click.argument("forecast", type=PATH)
@click.argument("final", type=PATH)
@format_opt
@factor_set_opt
@overrides_opt
@lang_opt
def diff_cmd(forecast: Path, final: Path, fmt: str, factor_set: str | None, overrides: Path | None, lang: str) -> None:
    """FORECAST against FINAL, line by line, with each change's share of the total change."""
    from shootprint import api
    from shootprint.report import text

    try:
        result = api.diff(forecast, final, factor_set=factor_set, overrides=overrides)
    except ShootprintError as exc:
        _fail(exc, lang)
    _echo(text.render_diff(result, fmt, lang))


@app.command("track", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--label", required=True, help="Name of the job, matched by productions.")
@click.option(
    "--out", type=PATH, default=Path("runs.jsonl"), show_default=True, help="JSON-lines file the record is appended to."
)
@click.option(
    "--push",
    "push_url",
    default=None,
    metavar="URL",
    help="Also send the record to this shootprint server (needs --production); spooled when unreachable.",
)
@click.option("--production", default=None, metavar="ID", help="Id of the production on the --push server.")
@click.option(
    "--token",
    default=None,
    envvar="SHOOTPRINT_TOKEN",
    help="API token with the records scope (default: $SHOOTPRINT_TOKEN).",
)
@click.option(
    "--spool",
    type=PATH,
    default=None,
    help="File of records waiting to be sent (default: $SHOOTPRINT_SPOOL, else the user's data folder).",
)
@lang_opt
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def track_cmd(
    label: str,
    out: Path,
    push_url: str | None,
    production: str | None,
    token: str | None,
    spool: Path | None,
    lang: str,
    command: tuple[str, ...],
) -> None:
    """Measure the energy of a command: shootprint track --label NAME --out runs.jsonl -- CMD …

    With --push URL --production ID the record is also sent to a shootprint server as the job
    ends (retried, spooled to a local file when the server cannot be reached, sent on the next
    run); the exit status is always the command's.
    """
    from shootprint.i18n import gettext
    from shootprint.tracker.cli import error_text, track_command

    argv = list(command)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        _fail(gettext(lang, "track: give the command to run after --"), lang)
    try:
        code = track_command(
            label, out, argv, push=push_url, production=production, token=token, spool=spool, lang=lang
        )
    except ShootprintError as exc:
        from shootprint.i18n import ERROR_PREFIX

        for line in error_text(exc, lang).splitlines():
            click.echo(f"{ERROR_PREFIX[lang]}{line}", err=True)
        sys.exit(getattr(exc, "exit_status", 2))  # 127: the command could not be run
    sys.exit(code)


@app.command("push")
@click.argument("file", type=PATH)
@click.option("--server", "server_url", required=True, envvar="SHOOTPRINT_URL", metavar="URL",
              help="The shootprint server (default: $SHOOTPRINT_URL).")  # fmt: skip
@click.option("--token", default=None, envvar="SHOOTPRINT_TOKEN", help="API token with the write scope (default: $SHOOTPRINT_TOKEN).")  # fmt: skip
@click.option("--production", "production_id", default=None, metavar="ID",
              help="Replace this production with a new revision (default: create a new one).")  # fmt: skip
@click.option("--etag", default=None, help="With --production: the revision the file starts from (refused if stale).")
@lang_opt
def push_cmd(
    file: Path, server_url: str, token: str | None, production_id: str | None, etag: str | None, lang: str
) -> None:
    """Create a production on a server from FILE, or update one (--production ID); prints its id.

    The records files the production names (records:) are sent as the production's measured
    records (each batch once, whatever the retries); the stored document keeps no file paths.
    """
    import json

    from shootprint.client import ApiError, Client
    from shootprint.files import load_records, read_file
    from shootprint.i18n import N_, gettext
    from shootprint.production import validate
    from shootprint.tracker.records import record_to_dict

    try:
        document = read_file(file)
        production = validate(document, str(file))  # the file's own problems first, named by file and field
        records = [record_to_dict(r) for r in load_records(production, file.parent)]
    except ShootprintError as exc:
        _fail(exc, lang)
    document.pop("records", None)
    document = json.loads(json.dumps(document, default=str))  # YAML dates and times as their text
    try:
        with Client(server_url, token) as api:
            if production_id is None:
                res = api.create_production(document)
                done = N_("created production {id} (ETag {etag}) from {file}")
            else:
                current = etag or api.get_production(production_id).etag
                res = api.replace_production(production_id, document, etag=current)
                done = N_("updated production {id} (ETag {etag}) from {file}")
            answer = api.push_records(res.id, records) if records else None
    except ApiError as exc:
        _fail(f"{file}: {exc.text(lang)}", lang)
    click.echo(gettext(lang, done, id=res.id, etag=res.etag, file=str(file)), err=True)
    if answer is not None:
        click.echo(
            gettext(
                lang,
                "records: {accepted} accepted, {duplicates} already there, {refused} refused",
                accepted=answer.get("accepted", 0),
                duplicates=answer.get("duplicates", 0),
                refused=len(answer.get("rejected", [])),
            ),
            err=True,
        )
    click.echo(res.id)


@app.command("report")
@click.argument("files", type=PATH, nargs=-1, required=True)
@click.option("--out", type=PATH, required=True, help="report.html (one self-contained file) or report.pdf.")
@lang_opt
@click.option(
    "--samples",
    type=click.IntRange(min=100),
    default=2000,
    show_default=True,
    help="Monte Carlo draws for the intervals.",
)
@seed_opt
@factor_set_opt
@overrides_opt
@exclude_opt
def report_cmd(
    files: tuple[Path, ...],
    out: Path,
    lang: str,
    samples: int,
    seed: int,
    factor_set: str | None,
    overrides: Path | None,
    exclude: tuple[str, ...],
) -> None:
    """A report a client can read: summary with intervals, charts, equivalences, methodology."""
    from shootprint.report.document import write_report

    try:
        path = write_report(
            list(files), out, lang=lang, samples=samples, seed=seed, factor_set=factor_set,
            overrides=overrides, exclude=exclude,
        )  # fmt: skip
    except ShootprintError as exc:
        _fail(exc, lang)
    _wrote(path, lang)


@app.command("template")
@click.option(
    "--out", type=PATH, default=Path("shootprint-template.xlsx"), show_default=True, help="The XLSX template to write."
)
@click.option("--lang", type=LANG_CHOICE, default="en", show_default=True, help="fr or en: the headers.")
def template_cmd(out: Path, lang: str) -> None:
    """Write an XLSX data-collection template: one sheet per category, units stated, drop-downs."""
    from shootprint.spreadsheet import write_template

    try:
        path = write_template(out, lang)
    except ShootprintError as exc:
        _fail(exc, lang)
    _wrote(path, lang)


@app.command("import")
@click.argument("workbook", type=PATH)
@out_opt
@lang_opt
def import_cmd(workbook: Path, out: Path | None, lang: str) -> None:
    """Turn a filled XLSX template (WORKBOOK) into a production file (errors name sheet, row and column)."""
    from shootprint.i18n import Message
    from shootprint.output import check_target, write_text
    from shootprint.spreadsheet import workbook_to_yaml

    try:
        if out is not None:
            check_target(out, (".yaml", ".yml"), [workbook], Message("production"))
        text_ = workbook_to_yaml(workbook)
        if out is not None:
            write_text(out, text_, suffixes=(".yaml", ".yml"), inputs=[workbook], what=Message("production"))
    except ShootprintError as exc:
        _fail(exc, lang)
    if out is not None:
        _wrote(out, lang)
    else:
        click.echo(text_, nl=False)


@app.command("schema")
@click.option("--out", type=PATH, default=None, help="File to write (default: standard output).")
def schema_cmd(out: Path | None) -> None:
    """The JSON Schema of the production file (what editors and forms validate against)."""
    import json

    from shootprint.output import write_text
    from shootprint.production import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out:
        try:
            write_text(out, text, suffixes=(".json",), what="JSON Schema")
        except ShootprintError as exc:
            _fail(exc)
    else:
        click.echo(text, nl=False)


@app.command("models")
@click.option("--kind", default=None, help="image, video, upscale, video_upscale or llm: only these.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@lang_opt
def models_cmd(kind: str | None, fmt: str, lang: str) -> None:
    """The AI model profiles an AI activity's model: accepts, with their aliases and providers."""
    import json

    from shootprint.categories.ai import model_table

    profiles = list(model_table())
    kinds = sorted({p.kind for p in profiles})
    if kind is not None and kind not in kinds:
        from shootprint.i18n import gettext

        _fail(
            gettext(lang, "--kind {kind}: accepted: {accepted}", kind=repr(kind[:40]), accepted=", ".join(kinds)), lang
        )
    rows = [p for p in profiles if kind is None or p.kind == kind]
    if fmt == "json":
        data = [
            {
                "name": p.name, "kind": p.kind, "class": p.cls, "is_class": p.is_class, "provider": p.provider,
                "hosting": p.hosting, "aliases": list(p.aliases), "energy_id": p.energy_id, "source": p.source,
            }
            for p in rows
        ]  # fmt: skip
        _echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for p in rows:
        aliases = ", ".join(p.aliases)
        flag = (" (classe)" if lang == "fr" else " (class)") if p.is_class else ""
        _echo(f"{p.name + flag:<32} {p.kind:<14} {p.provider or '-':<12} {p.hosting:<6} {aliases}")


@app.command("version")
def version_cmd() -> None:
    """Code and data versions."""
    from shootprint import __version__
    from shootprint.factors import FactorTable

    _echo(f"shootprint {__version__} (data {FactorTable().data_version()})")


# the web application's commands (shootprint serve, shootprint db upgrade); they need the server extra
from shootprint.server.cli import admin as _admin_group  # noqa: E402
from shootprint.server.cli import db as _db_group  # noqa: E402
from shootprint.server.cli import serve as _serve_command  # noqa: E402

app.add_command(_serve_command)
app.add_command(_db_group)
app.add_command(_admin_group)


def main() -> None:
    try:
        app(prog_name="shootprint")
    except ShootprintError as exc:  # raised outside a command's own handler
        _fail(exc)


if __name__ == "__main__":
    main()
