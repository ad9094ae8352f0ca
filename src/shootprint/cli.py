"""The ``shootprint`` command: a thin shell over :mod:`shootprint.api` and the factor table.

Heavy modules (numpy, pint, the production models) are imported inside the commands that need
them, so ``shootprint factors show ID`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from shootprint.errors import ShootprintError

app = typer.Typer(
    help="Carbon footprint of visual productions — shot or generated — with sources and ranges.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
factors_app = typer.Typer(help="Search, show and export emission factors.", no_args_is_help=True)
app.add_typer(factors_app, name="factors")

FactorSetOpt = Annotated[str | None, typer.Option("--factor-set", help="ademe (default) or desnz: which source wins.")]
OverridesOpt = Annotated[
    Path | None,
    typer.Option("--factors", help="A CSV or YAML file of factor rows that replace or add factors."),
]
FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv.")]
DataFormatOpt = Annotated[str, typer.Option("--format", help="table, json, csv or xlsx (xlsx needs --out).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Leave a category or a line tag (e.g. training) out of totals."),
]
SamplesOpt = Annotated[int, typer.Option("--samples", help="Monte Carlo draws (0: central values only).", min=0)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the draws: same seed, same output.")]
LevelOpt = Annotated[
    float,
    typer.Option("--level", help="Interval level, e.g. 0.90 for 5th–95th percentiles.", min=0.5, max=0.999),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="PATH=VALUE: change a field without editing the file (repeatable)."),
]


def _fail(exc: ShootprintError) -> None:
    for line in str(exc).splitlines():
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(2)


def _echo(text: str) -> None:
    typer.echo(text)


# -- factors --------------------------------------------------------------------------------


@factors_app.command("search")
def factors_search(
    text: Annotated[str, typer.Argument(help="Words to find, French or English, accents optional.")],
    unit: Annotated[str | None, typer.Option("--unit", help="Keep rows whose unit contains this.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Keep rows of this category.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include archived rows.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show at most (0: all).")] = 30,
    factor_set: FactorSetOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="en or fr: the names shown.")] = "en",
) -> None:
    """Find factors by words; valid rows first, archived ones only with --all."""
    from shootprint.factors import FactorTable

    try:
        table = FactorTable(factor_set or "ademe")
        rows = table.search(text, unit=unit, category=category, include_archived=all_, limit=limit or None)
    except ShootprintError as exc:
        _fail(exc)
        return
    if not rows:
        close = table.close_words(text)
        typer.echo(f"No factor matches {text!r}.", err=True)
        if close:
            typer.echo(f"Close words: {', '.join(close)}", err=True)
        raise typer.Exit(1)
    for row in rows:
        unc = f"±{row.uncertainty_pct:g}%" if row.uncertainty_pct is not None else row.uncertainty_kind
        flag = " [archived]" if row.archived else ""
        value = "alias→" + row.alias_of if row.alias_of else f"{row.value:.4g}"
        _echo(f"{row.id:<48} {value:>12} {row.unit:<24} {unc:<10} {row.name(lang)[:90]}{flag}")


@factors_app.command("show")
def factors_show(
    factor_id: Annotated[str, typer.Argument(help="A factor id, e.g. ademe:43741 or energy.grid.FR")],
    factor_set: FactorSetOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Everything about one factor: value, unit, uncertainty, source, posts, status, licence."""
    import json

    from shootprint.factors import FactorTable

    try:
        table = FactorTable(factor_set or "ademe")
        row = table.get(factor_id)
        resolved = table.resolve(factor_id) if row.alias_of else None
        posts = table.posts(factor_id)
    except ShootprintError as exc:
        _fail(exc)
        return
    data = row.as_dict()
    data.pop("origin")
    if resolved is not None:
        data["resolved"] = {
            "chain": list(resolved.chain),
            "value": resolved.value,
            "unit": resolved.unit,
            "source": resolved.row.source,
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
        _echo("posts:")
        for post in posts:
            _echo(f"  {post['type'] or '':<24} {post['value']:>12.6g}  {post['name_en'] or post['name_fr']}")


@factors_app.command("export")
def factors_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: standard output).")] = None,
    factor_set: FactorSetOpt = None,
) -> None:
    """Every factor the package knows, ADEME elements included."""
    from shootprint.export import export_factors
    from shootprint.factors import FactorTable

    if fmt not in ("csv", "json"):
        _fail(ShootprintError(f"--format {fmt!r}: accepted: csv, json"))
    table = FactorTable(factor_set or "ademe")
    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        export_factors(table, fmt, stream)
    finally:
        if out:
            stream.close()


# -- productions ----------------------------------------------------------------------------


def _emit(footprints: list[Any], render: Any, result: Any, fmt: str, out: Path | None) -> None:
    """Print or write a result; xlsx (and csv with --out) through the spreadsheet writers."""
    if fmt == "xlsx":
        if out is None:
            _fail(ShootprintError("--format xlsx needs --out FILE.xlsx"))
        from shootprint.spreadsheet import write_footprints_xlsx

        write_footprints_xlsx(footprints, out)  # type: ignore[arg-type]
        typer.echo(f"wrote {out}", err=True)
        return
    if fmt not in ("table", "json", "csv"):
        _fail(ShootprintError(f"--format {fmt!r}: accepted: table, json, csv, xlsx"))
    rendered = render(result, fmt)
    if out is not None:
        out.write_text(rendered + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        _echo(rendered)


def _sets(values: list[str] | None) -> dict[str, Any] | None:
    if not values:
        return None
    from shootprint.paths import parse_assignment

    return dict(parse_assignment(v) for v in values)


@app.command("estimate")
def estimate_cmd(
    file: Annotated[Path, typer.Argument(help="A production file (YAML).")],
    fmt: DataFormatOpt = "table",
    out: OutOpt = None,
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
    set_: SetOpt = None,
    samples: SamplesOpt = 0,
    seed: SeedOpt = 0,
    level: LevelOpt = 0.90,
) -> None:
    """The footprint of one production, line by line with every factor's source."""
    from shootprint import api
    from shootprint.report import text

    try:
        if samples:
            fp = api.estimate_uncertain(
                file,
                samples=samples,
                seed=seed,
                level=level,
                factor_set=factor_set,
                overrides=overrides,
                exclude=exclude or (),
                sets=_sets(set_),
            )
        else:
            fp = api.estimate(
                file,
                factor_set=factor_set,
                overrides=overrides,
                exclude=exclude or (),
                sets=_sets(set_),
            )
    except ShootprintError as exc:
        _fail(exc)
        return
    _emit([fp], text.render_footprint, fp, fmt, out)


@app.command("compare")
def compare_cmd(
    files: Annotated[list[Path], typer.Argument(help="Production files: ways of making the same deliverables.")],
    fmt: DataFormatOpt = "table",
    out: OutOpt = None,
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
    set_: SetOpt = None,
    samples: SamplesOpt = 0,
    seed: SeedOpt = 0,
    level: LevelOpt = 0.90,
) -> None:
    """Totals side by side, each total's ratio to the lowest, categories side by side."""
    from shootprint import api
    from shootprint.report import text

    try:
        if samples:
            comparison = api.compare_uncertain(
                files,
                samples=samples,
                seed=seed,
                level=level,
                factor_set=factor_set,
                overrides=overrides,
                exclude=exclude or (),
                sets=_sets(set_),
            )
        else:
            comparison = api.compare(
                files,
                factor_set=factor_set,
                overrides=overrides,
                exclude=exclude or (),
                sets=_sets(set_),
            )
    except ShootprintError as exc:
        _fail(exc)
        return
    _emit(comparison.footprints, text.render_comparison, comparison, fmt, out)


@app.command("sensitivity")
def sensitivity_cmd(
    files: Annotated[list[Path], typer.Argument(help="One production (its total) or two (their ratio).")],
    fmt: FormatOpt = "table",
    samples: Annotated[int, typer.Option("--samples", help="Sobol base sample size N (N·(D+2) runs).", min=16)] = 512,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option("--top", help="Inputs to list (0: all).")] = 15,
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
    set_: SetOpt = None,
) -> None:
    """Which inputs and factors drive a total, or the ratio of two productions (Sobol indices)."""
    from shootprint import api
    from shootprint.report import text

    if len(files) not in (1, 2):
        _fail(ShootprintError("sensitivity takes one production file (its total) or two (their ratio)"))
    try:
        result = api.sensitivity(
            files,
            base_samples=samples,
            seed=seed,
            factor_set=factor_set,
            overrides=overrides,
            exclude=exclude or (),
            sets=_sets(set_),
        )
    except ShootprintError as exc:
        _fail(exc)
        return
    _echo(text.render_sensitivity(result, fmt, top))


@app.command("whatif")
def whatif_cmd(
    file: Annotated[Path, typer.Argument(help="A production file.")],
    lever: Annotated[
        list[str] | None,
        typer.Option(
            "--lever",
            help="NAME or NAME=VALUE (repeatable): "
            + ", ".join(
                [
                    "train_instead_of_plane",
                    "local_crew",
                    "hvo_instead_of_diesel",
                    "vegetarian_catering",
                    "ai_model",
                    "compute_region",
                    "fewer_iterations",
                ]
            ),
        ),
    ] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = "table",
    samples: Annotated[
        int, typer.Option("--samples", help="Monte Carlo draws for the savings' intervals.", min=10)
    ] = 2000,
    seed: SeedOpt = 0,
    level: LevelOpt = 0.90,
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
) -> None:
    """What a change saves: --set PATH=VALUE and named levers, each with its saving and interval."""
    from shootprint import api
    from shootprint.report import text

    try:
        result = api.whatif(
            file,
            levers=lever or (),
            sets=_sets(set_),
            samples=samples,
            seed=seed,
            level=level,
            factor_set=factor_set,
            overrides=overrides,
            exclude=exclude or (),
        )
    except ShootprintError as exc:
        _fail(exc)
        return
    _echo(text.render_whatif(result, fmt))


@app.command("breakeven")
def breakeven_cmd(
    file_a: Annotated[Path, typer.Argument(help="The production whose input varies.")],
    file_b: Annotated[Path, typer.Argument(help="The production it is set against.")],
    vary: Annotated[
        str,
        typer.Option("--vary", help="Path of the input in A, e.g. activities.key-visuals.iterations"),
    ],
    fmt: FormatOpt = "table",
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
) -> None:
    """The value of one input of A at which A emits as much as B."""
    from shootprint import api
    from shootprint.report import text

    try:
        result = api.breakeven(
            file_a,
            file_b,
            vary=vary,
            factor_set=factor_set,
            overrides=overrides,
            exclude=exclude or (),
        )
    except ShootprintError as exc:
        _fail(exc)
        return
    _echo(text.render_breakeven(result, fmt))


@app.command("diff")
def diff_cmd(
    forecast: Annotated[Path, typer.Argument(help="The forecast production file.")],
    final: Annotated[Path, typer.Argument(help="The final production file.")],
    fmt: FormatOpt = "table",
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
) -> None:
    """Forecast against final, line by line, with each change's share of the total change."""
    from shootprint import api
    from shootprint.report import text

    try:
        result = api.diff(forecast, final, factor_set=factor_set, overrides=overrides)
    except ShootprintError as exc:
        _fail(exc)
        return
    _echo(text.render_diff(result, fmt))


@app.command(
    "track",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def track_cmd(
    ctx: typer.Context,
    label: Annotated[str, typer.Option("--label", help="Name of the job, matched by productions.")],
    out: Annotated[Path, typer.Option("--out", help="JSON-lines file the record is appended to.")] = Path("runs.jsonl"),
) -> None:
    """Measure the energy of a command: shootprint track --label NAME --out runs.jsonl -- CMD …"""
    from shootprint.tracker.cli import track_command

    argv = list(ctx.args)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        _fail(ShootprintError("track: give the command to run after --"))
    raise typer.Exit(track_command(label, out, argv))


@app.command("report")
def report_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Production files: one, or several ways of making the same deliverables.")
    ],
    out: Annotated[Path, typer.Option("--out", help="report.html (one self-contained file) or report.pdf.")],
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "en",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo draws for the intervals.", min=100)] = 2000,
    seed: SeedOpt = 0,
    factor_set: FactorSetOpt = None,
    overrides: OverridesOpt = None,
    exclude: ExcludeOpt = None,
) -> None:
    """A report a client can read: summary with intervals, charts, equivalences, methodology."""
    from shootprint.report.document import write_report

    try:
        path = write_report(
            list(files),
            out,
            lang=lang,
            samples=samples,
            seed=seed,
            factor_set=factor_set,
            overrides=overrides,
            exclude=tuple(exclude or ()),
        )
    except ShootprintError as exc:
        _fail(exc)
        return
    typer.echo(f"wrote {path}", err=True)


@app.command("template")
def template_cmd(
    out: Annotated[Path, typer.Option("--out", help="The XLSX template to write.")] = Path("shootprint-template.xlsx"),
    lang: Annotated[str, typer.Option("--lang", help="fr or en: the headers.")] = "en",
) -> None:
    """Write an XLSX data-collection template: one sheet per category, units stated, drop-downs."""
    from shootprint.spreadsheet import write_template

    try:
        path = write_template(out, lang)
    except ShootprintError as exc:
        _fail(exc)
        return
    typer.echo(f"wrote {path}", err=True)


@app.command("import")
def import_cmd(
    workbook: Annotated[Path, typer.Argument(help="A filled template (.xlsx).")],
    out: OutOpt = None,
) -> None:
    """Turn a filled XLSX template into a production file (errors name sheet, row and column)."""
    from shootprint.spreadsheet import workbook_to_yaml

    try:
        text_ = workbook_to_yaml(workbook)
    except ShootprintError as exc:
        _fail(exc)
        return
    if out is not None:
        out.write_text(text_, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text_, nl=False)


@app.command("schema")
def schema_cmd(
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: standard output).")] = None,
) -> None:
    """The JSON Schema of the production file (what editors and forms validate against)."""
    import json

    from shootprint.production import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


@app.command("version")
def version_cmd() -> None:
    """Code and data versions."""
    from shootprint import __version__
    from shootprint.factors import FactorTable

    _echo(f"shootprint {__version__} (data {FactorTable().data_version()})")


def main() -> None:
    try:
        app()
    except ShootprintError as exc:  # raised outside a command's own handler
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
