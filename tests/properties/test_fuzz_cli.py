"""Fuzzing the command line: productions, ``--set`` values, option values and workbook cells from
Hypothesis never produce a traceback, only results or errors (exit status 0, 1 or 2).

The default run is small, so the suite stays fast (25 examples per test, shared by the commands a
test covers; a tenth of that for the heavy ones: sensitivity, whatif, report). Setting
``SHOOTPRINT_FUZZ_EXAMPLES=N`` gives every command N examples of its own, the heavy ones included;
the full run asks 10,000 examples per command:

    SHOOTPRINT_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q tests/properties/test_fuzz_cli.py

(``SHOOTPRINT_FUZZ_COUNT_FILE=counts.txt`` also writes one line per command run, to count them:
``sort counts.txt | uniq -c``; ``-k whatif`` and the like run one command's examples alone.)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shootprint.cli import app

#: examples per command when SHOOTPRINT_FUZZ_EXAMPLES is set; unset, the suite's small default run
ASKED = os.environ.get("SHOOTPRINT_FUZZ_EXAMPLES")
EXAMPLES = int(ASKED or "25")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # the default run is the same every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def each(commands: int, heavy: bool = False) -> settings:
    """Settings for one command of a test covering ``commands``: the examples asked per command, or
    in the default run an equal share of the test's (a tenth for a heavy one)."""
    if ASKED:
        return settings(FUZZ, max_examples=EXAMPLES)
    share = max(3, EXAMPLES // 10) if heavy else EXAMPLES
    return settings(FUZZ, max_examples=max(2, share // commands))


WORK = Path(tempfile.mkdtemp(prefix="shootprint-fuzz-"))

# values a stranger may write in any field: numbers at the edges, notations, junk, formulas, nesting
NUMBERS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 1e308, -1e308, 5e-324, 2**63, 10**401]),
)
NOTATIONS = st.sampled_from(
    [
        "12 km", "12 km ± 10%", "12 km ± 200%", "1e5000 km", "2 day", "2 jours", "3 heures", "2 To", "$crew",
        "3 * $crew", "$crew / 0", "$a * $b", "$a + 1", "12,5 km", "1,000 km", "nan", ".inf", "-3 kg", "12 ton",
        "12 degC", "=cmd|' /C calc'!A0", "@SUM(A1)", "CDG", "Paris, FR", "48.85, 2.35", "XX", "", " ", "∞",
        "日本", "x" * 300,
    ]
)  # fmt: skip
TEXT = st.text(max_size=40)
SCALARS = st.one_of(NUMBERS, NOTATIONS, TEXT, st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["value", "low", "high", "unit", "pct", "param", "city", "country", "iata", "x"]), inner, max_size=4)
    ),
    max_leaves=8,
)  # fmt: skip

TYPES = ["flight", "train", "car", "hotel", "meal", "generator", "workstation", "render", "text_to_image",
         "text_to_video", "freight", "waste", "spend", "storage", "data_transfer", "nope"]  # fmt: skip
FIELDS = ["from", "to", "distance", "travellers", "return", "nights", "rooms", "count", "kind", "hours", "fuel",
          "volume", "kept", "iterations", "model", "hosting", "region", "mass", "amount", "category", "measured",
          "label", "factor", "stream", "treatment", "power", "months", "x"]  # fmt: skip
STAGES = st.sampled_from(["pre-production", "shoot", "post-production", "later"])


@st.composite
def activities(draw: Any) -> dict[str, Any]:
    act: dict[str, Any] = {
        "id": draw(st.one_of(st.sampled_from(["a", "b", "crew-flights"]), TEXT)),
        "type": draw(st.sampled_from(TYPES)),
        "stage": draw(STAGES),
    }
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        act[field] = draw(VALUES)
    return act


@st.composite
def productions(draw: Any) -> dict[str, Any]:
    prod: dict[str, Any] = {"shootprint": draw(st.sampled_from([1, 2, "1"])), "name": draw(st.one_of(TEXT, VALUES))}
    if draw(st.booleans()):
        prod["shoot_days"] = draw(VALUES)
    if draw(st.booleans()):
        prod["deliverables"] = {"still_images": draw(VALUES), "film_seconds": draw(VALUES)}
    if draw(st.booleans()):
        prod["parameters"] = draw(st.dictionaries(st.sampled_from(["crew", "a", "b", "days"]), VALUES, max_size=3))
    if draw(st.booleans()):
        prod["country"] = draw(st.one_of(st.sampled_from(["FR", "PT", "XX", "France"]), TEXT))
    prod["activities"] = draw(st.lists(activities(), max_size=4))
    return prod


#: a file that gets one line per command run (its name), to count a long run's examples per command
COUNT_FILE = os.environ.get("SHOOTPRINT_FUZZ_COUNT_FILE")


def run(*args: str) -> int:
    if COUNT_FILE:
        with open(COUNT_FILE, "a", encoding="utf-8") as counts:
            counts.write((args[0] if args[0] != "factors" else f"factors {args[1]}") + "\n")
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"traceback for shootprint {' '.join(a[:80] for a in args)}") from exc
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output[-500:])
    return result.exit_code


def _file(data: Any, name: str = "p.yaml") -> Path:
    path = WORK / name
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, OverflowError):
        text = repr(data)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


VALID = _file(
    {
        "shootprint": 1,
        "name": "fuzz",
        "country": "FR",
        "parameters": {"crew": 4},
        "activities": [
            {
                "id": "crew-flights",
                "type": "flight",
                "stage": "shoot",
                "from": "CDG",
                "to": "LIS",
                "travellers": "$crew",
            },
            {"id": "hotel", "type": "hotel", "stage": "shoot", "nights": 8, "region": "PT"},
        ],
    },
    "valid.yaml",
)


@FUZZ
@given(productions())
def test_estimate_any_production(data: dict[str, Any]) -> None:
    run("estimate", str(_file(data)), "--format", "json")


@FUZZ
@given(st.text(max_size=200))
def test_estimate_any_text(text: str) -> None:
    path = WORK / "t.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    run("estimate", str(path))


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(["activities.crew-flights.travellers", "activities.hotel.nights", "parameters.crew",
                                 "shoot_days", "deliverables.still_images", "activities.x.y", "name", "activities"]),
                TEXT,
            ),
            st.one_of(NOTATIONS, TEXT, NUMBERS.map(str)),
        ),
        min_size=1,
        max_size=3,
    )
)  # fmt: skip
def test_set_any_value(sets: list[tuple[str, str]]) -> None:
    args = [a for path, value in sets for a in ("--set", f"{path}={value}")]
    run("estimate", str(VALID), *args)


OPTION_VALUES = st.one_of(TEXT, NUMBERS.map(str), st.sampled_from(["nan", "-1", "0", "1", "1e9", "xml", "xx", ""]))


@pytest.mark.parametrize("command", ["estimate", "compare"])
@each(2)
@given(
    option=st.sampled_from(["--level", "--seed", "--samples", "--exclude", "--format", "--factor-set"]),
    value=OPTION_VALUES,
)
def test_production_options_any_value(command: str, option: str, value: str) -> None:
    run(command, str(VALID), option, value)


OTHER_OPTIONS = [
    ["whatif", str(VALID), "--samples", "20", "--lever"], ["factors", "search", "--limit"],
    ["factors", "search", "--lang"], ["factors", "show", "energy.grid.FR", "--format"], ["factors", "search"],
    ["factors", "show"], ["sensitivity", str(VALID), "--samples", "16", "--seed"],
]  # fmt: skip


OTHER_IDS = ["whatif --lever", "factors search --limit", "factors search --lang", "factors show --format",
             "factors search QUERY", "factors show ID", "sensitivity --seed"]  # fmt: skip


@pytest.mark.parametrize("prefix", OTHER_OPTIONS, ids=OTHER_IDS)
@each(len(OTHER_OPTIONS))
@given(value=OPTION_VALUES)
def test_other_options_any_value(prefix: list[str], value: str) -> None:
    if prefix[:2] == ["factors", "search"] and prefix[-1] in ("--limit", "--lang"):
        run(*prefix, value, "electricite")
    else:
        run(*prefix, value)


@pytest.fixture(scope="module")
def template() -> Path:
    from shootprint.spreadsheet import write_template

    return write_template(WORK / "template.xlsx")


CELL_VALUES = st.one_of(NOTATIONS, TEXT, st.integers(min_value=-(10**20), max_value=10**20), st.floats(), st.booleans())


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 12), st.integers(1, 10), CELL_VALUES), max_size=8))
def test_import_any_workbook_cells(template: Path, cells: list[tuple[int, int, int, Any]]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(template)
    for sheet, row, col, value in cells:
        ws = wb.worksheets[sheet % len(wb.worksheets)]
        from openpyxl.utils.exceptions import IllegalCharacterError

        try:
            ws.cell(row, col, value)
        except (ValueError, TypeError, IllegalCharacterError):  # characters a workbook cannot hold
            continue
    path = WORK / "w.xlsx"
    wb.save(path)
    run("import", str(path))


# -- every other command ------------------------------------------------------------------------
# a test covering several commands runs once per command; in the default run they share the test's
# examples, and the heavy ones (sensitivity, whatif, report) run a tenth of them


HEAVY = each(1, heavy=True)
PATHS = st.one_of(
    st.sampled_from(
        ["activities.crew-flights.travellers", "activities.hotel.nights", "parameters.crew", "shoot_days",
         "activities.a.distance", "activities.b.count", "name", "activities", "activities.hotel", "parameters",
         "deliverables.still_images", "country"]
    ),
    TEXT,
)  # fmt: skip


@pytest.mark.parametrize("command", ["compare", "diff"])
@each(2)
@given(data=productions(), reverse=st.booleans())
def test_compare_and_diff_any_production(command: str, data: dict[str, Any], reverse: bool) -> None:
    other = str(_file(data))
    pair = [other, str(VALID)] if reverse else [str(VALID), other]
    if command == "compare":
        run("compare", *pair, "--samples", "20")
    else:
        run("diff", *pair)


@FUZZ
@given(st.one_of(productions(), st.just(None)), PATHS)
def test_breakeven_any_production_and_path(data: dict[str, Any] | None, vary: str) -> None:
    other = str(_file(data)) if data is not None else str(VALID)
    run("breakeven", str(VALID), other, "--vary", vary)
    run("breakeven", other, str(VALID), "--vary", vary)


@pytest.mark.parametrize("command", ["sensitivity", "whatif"])
@each(2, heavy=True)
@given(data=productions())
def test_sensitivity_and_whatif_any_production(command: str, data: dict[str, Any]) -> None:
    path = str(_file(data))
    if command == "sensitivity":
        run("sensitivity", path, "--samples", "16")
    else:
        run("whatif", path, "--samples", "20", "--lever", "train_instead_of_plane", "--lever", "local_crew")


@HEAVY
@given(productions())
def test_report_any_production(data: dict[str, Any]) -> None:
    run("report", str(_file(data)), "--out", str(WORK / "r.html"), "--samples", "100")


SAFE_NAME = TEXT.map(lambda t: "".join(c for c in t if c.isalnum() or c in "._-")[:40] or "x")


@pytest.mark.parametrize("command", ["template", "schema", "models", "factors export", "version", "track"])
@each(6)
@given(value=OPTION_VALUES, name=SAFE_NAME)
def test_output_commands_any_option(command: str, value: str, name: str) -> None:
    out = WORK / "out"
    out.mkdir(exist_ok=True)
    if command == "template":
        run("template", "--lang", value, "--out", str(out / f"{name}.xlsx"))
        run("template", "--out", str(out / name))
    elif command == "schema":
        run("schema", "--out", str(out / name))
    elif command == "models":
        run("models", "--kind", value)
        run("models", "--format", value)
    elif command == "factors export":
        run("factors", "export", "--format", value, "--out", str(out / name))
    elif command == "version":
        run("version")
    else:  # the label is free text; the record goes to a file in the work folder
        run("track", "--label", value or "x", "--out", str(out / f"{name}.jsonl"), "--", sys.executable, "-c", "pass")
