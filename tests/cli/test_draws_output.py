"""Monte Carlo runs as the command line shows them: chunks with a progress bar, one draw without an
interval, too few draws warned, the central ratio and the median ratio told apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shootprint import api, scenarios
from shootprint.cli import app

PROD = """\
shootprint: 1
name: NAME
country: PT
activities:
  - {id: crew-flights, type: flight, stage: shoot, from: CDG, to: LIS, travellers: 4, return: true}
  - {id: crew-hotel, type: hotel, stage: shoot, region: PT, nights: NIGHTS}
  - {id: van, type: car, stage: shoot, distance: 12 km ± 50%}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(PROD.replace("NAME", "A").replace("NIGHTS", "8"), encoding="utf-8")
    b.write_text(PROD.replace("NAME", "B").replace("NIGHTS", "20"), encoding="utf-8")
    return a, b


def invoke(*args: object) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_chunks_are_the_draws_of_one_run(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = files
    one_fp = api.estimate_uncertain(a, samples=2500, seed=4)
    one_cmp = api.compare_uncertain([a, b], samples=2500, seed=4).uncertainty
    monkeypatch.setattr(scenarios, "CHUNK_DRAWS", 1000)
    assert scenarios.chunks(2500) == [1000, 1000, 500]
    done: list[int] = []
    fp = api.estimate_uncertain(a, samples=2500, seed=4, progress=done.append)
    assert done == [1000, 2000, 2500]
    assert fp.uncertainty["total_kgco2e"] == one_fp.uncertainty["total_kgco2e"]
    assert fp.uncertainty["lines"] == one_fp.uncertainty["lines"]
    done.clear()
    cmp = api.compare_uncertain([a, b], samples=2500, seed=4, progress=done.append).uncertainty
    assert done == [1000, 2000, 2500]
    assert cmp["totals_kgco2e"] == one_cmp["totals_kgco2e"]
    assert cmp["ratios_to_reference"] == one_cmp["ratios_to_reference"]


def test_a_large_run_shows_a_progress_bar_on_stderr(files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenarios, "CHUNK_DRAWS", 500)
    out = invoke("estimate", files[0], "--samples", "1500")
    assert out.exit_code == 0 and "Monte Carlo draws" in out.stderr and "Monte Carlo draws" not in out.stdout
    out = invoke("estimate", files[0], "--samples", "400")
    assert "Monte Carlo draws" not in out.stderr  # one chunk: no bar


def test_one_draw_prints_no_interval(files: tuple[Path, Path]) -> None:
    out = invoke("estimate", files[0], "--samples", "1")
    assert out.exit_code == 0
    block = out.stdout.split("Monte Carlo (", 1)[1].split("By category", 1)[0]
    assert "1 draw," in block and "no interval" in block and "[" not in block and "–" not in block
    assert "too-few-draws" in out.stdout
    out = invoke("compare", *files, "--samples", "1")
    block = out.stdout.split("Monte Carlo (", 1)[1]
    assert "no interval" in block and "[" not in block.replace("[5th", "") and "too few" in block


def test_too_few_draws_for_the_level_are_warned(files: tuple[Path, Path]) -> None:
    out = invoke("estimate", files[0], "--samples", "50", "--level", "0.99")
    assert "[too-few-draws]" in out.stdout and "2000" in out.stdout
    out = invoke("compare", *files, "--samples", "50", "--level", "0.99")
    assert "too few for a 99" in out.stdout
    out = invoke("estimate", files[0], "--samples", "2000", "--level", "0.99")
    assert "too-few-draws" not in out.stdout


def test_central_ratio_and_median_ratio_are_named(files: tuple[Path, Path]) -> None:
    out = invoke("compare", *files, "--samples", "300").stdout
    assert "× lowest (central values)" in out and "median ratio to A" in out
    assert "median ratio: the median of the ratios of each draw" in out
    out = invoke("compare", *files).stdout  # no draws: only the central ratio, named as such
    assert "× lowest (central values)" in out and "median ratio" not in out


def test_whatif_shows_the_same_progress_bar_on_stderr(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scenarios, "CHUNK_DRAWS", 500)
    done: list[int] = []
    chunked = api.whatif(files[0], sets={"activities.crew-hotel.nights": 4}, samples=1500, seed=2, progress=done.append)
    assert done == [500, 1000, 1500]
    out = invoke("whatif", files[0], "--set", "activities.crew-hotel.nights=4", "--samples", "1500", "--format", "json")
    assert out.exit_code == 0 and "Monte Carlo draws" in out.stderr and "Monte Carlo draws" not in out.stdout
    out = invoke("whatif", files[0], "--set", "activities.crew-hotel.nights=4", "--samples", "400")
    assert out.exit_code == 0 and "Monte Carlo draws" not in out.stderr  # one chunk: no bar
    monkeypatch.setattr(scenarios, "CHUNK_DRAWS", 10_000)
    whole = api.whatif(files[0], sets={"activities.crew-hotel.nights": 4}, samples=1500, seed=2)
    assert chunked["variants"] == whole["variants"]  # the chunks are the draws of one run
    # a lever that cannot apply leaves the production alone: its run in chunks is followed too
    done.clear()
    monkeypatch.setattr(scenarios, "CHUNK_DRAWS", 500)
    api.whatif(files[0], levers=["fewer_iterations"], samples=1000, seed=2, progress=done.append)
    assert done == [500, 1000]


def test_one_draw_json_says_there_is_no_interval(files: tuple[Path, Path]) -> None:
    """One draw: every interval keeps its keys, with low and high null and no_interval saying why,
    never low == high == median as if the value were certain; the JSON validates against its schema."""
    import json

    import jsonschema_rs

    from shootprint.results import schemas

    def intervals(node: object) -> list[dict]:
        if isinstance(node, dict):
            found = [node] if {"median", "low", "high", "level"} <= set(node) else []
            return found + [i for v in node.values() for i in intervals(v)]
        if isinstance(node, list):
            return [i for v in node for i in intervals(v)]
        return []

    for args, schema in (
        (["estimate", files[0]], "footprint.schema.json"),
        (["compare", *files], "comparison.schema.json"),
    ):
        one = json.loads(invoke(*args, "--samples", "1", "--format", "json").stdout)
        assert one["uncertainty"]["no_interval"].startswith("one draw has no interval")
        found = intervals(one["uncertainty"])
        assert len(found) >= 3
        for iv in found:
            assert set(iv) == {"median", "low", "high", "level", "no_interval"}, iv
            assert iv["low"] is None and iv["high"] is None and isinstance(iv["median"], float)
        errors = [e.message for e in jsonschema_rs.validator_for(schemas()[schema]).iter_errors(one)]
        assert not errors, errors[:3]
        two = json.loads(invoke(*args, "--samples", "2", "--format", "json").stdout)
        assert "no_interval" not in two["uncertainty"]
        for iv in intervals(two["uncertainty"]):
            assert "no_interval" not in iv and isinstance(iv["low"], float) and iv["low"] <= iv["high"]
