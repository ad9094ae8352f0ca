"""Bad input: every error of a file in one run, each naming the file, the field path and what is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from shootprint.api import estimate
from shootprint.errors import InputError
from shootprint.files import load_production


def _write(tmp_path: Path, text: str, name: str = "prod.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        estimate(path)
    for problem in err.value.problems:
        assert problem.startswith(str(path)), problem
    return err.value.problems


HEAD = "name: test\ncountry: FR\nactivities:\n"


def test_unknown_field_names_path_accepted_and_close_match(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh, enrgy: 3}\n")
    (problem,) = _problems(path)
    assert "activities.power.enrgy: unknown field" in problem
    assert "accepted:" in problem and "did you mean energy" in problem


def test_unknown_top_level_field(tmp_path):
    path = _write(tmp_path, "name: t\nshoot_dayz: 3\n")
    (problem,) = _problems(path)
    assert "shoot_dayz: unknown field" in problem and "shoot_days" in problem


def test_wrong_unit(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kg}\n")
    (problem,) = _problems(path)
    assert "activities.power.energy" in problem and "cannot be converted to 'kWh'" in problem


def test_unknown_unit(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 blorps}\n")
    (problem,) = _problems(path)
    assert "activities.power.energy" in problem and "unit" in problem


def test_missing_unit(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5}\n")
    (problem,) = _problems(path)
    assert "activities.power.energy" in problem and "missing unit" in problem and "5 kWh" in problem


def test_short_ton_refused(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 ton}\n")
    (problem,) = _problems(path)
    assert "metric tonne" in problem


def test_negative_quantity(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: -5 kWh}\n")
    (problem,) = _problems(path)
    assert "activities.power.energy" in problem and "must not be negative" in problem


def test_unknown_activity_type_lists_types(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: x, type: electricty, stage: shoot}\n")
    (problem,) = _problems(path)
    assert "activities.x.type" in problem and "did you mean electricity" in problem


def test_unknown_stage(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: filming, energy: 5 kWh}\n")
    (problem,) = _problems(path)
    assert "activities.power.stage" in problem and "pre-production" in problem


def test_unknown_factor_id_with_close_matches(tmp_path):
    path = _write(
        tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh, factor: energy.grid.FRR}\n"
    )
    (problem,) = _problems(path)
    assert "activities.power.factor" in problem and "energy.grid.FR" in problem


def test_pinned_factor_of_the_wrong_unit(tmp_path):
    # ademe:43741 is a flight factor per passenger.km: not a grid factor
    path = _write(
        tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh, factor: 'ademe:43741'}\n"
    )
    (problem,) = _problems(path)
    assert "activities.power.factor" in problem and "kgCO2e/kWh" in problem


def test_unknown_parameter(tmp_path):
    path = _write(
        tmp_path,
        "name: t\nparameters: {kwh: 5 kWh}\nactivities:\n"
        "  - {id: power, type: electricity, stage: shoot, energy: $kwhh}\n",
    )
    (problem,) = _problems(path)
    assert "activities.power.energy: unknown parameter $kwhh" in problem and "did you mean kwh" in problem


def test_duplicate_ids(tmp_path):
    act = "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh}\n"
    (problem,) = _problems(_write(tmp_path, HEAD + act + act))
    assert "activities.power.id: used twice" in problem


def test_every_error_reported_in_one_run(tmp_path):
    path = _write(
        tmp_path,
        HEAD
        + "  - {id: a, type: electricity, stage: shoot, energy: -5 kWh}\n"
        + "  - {id: b, type: electricity, stage: shoot, energy: 5 kg}\n"
        + "  - {id: c, type: electricity, stage: shoot, energy: 5 kWh, colour: red}\n",
    )
    problems = _problems(path)
    assert len(problems) == 3
    assert [p.split(": ")[1].split(".")[1] for p in problems] == ["a", "b", "c"]


def test_malformed_yaml_gives_line_and_column(tmp_path):
    path = _write(tmp_path, "name: t\nactivities: [\n  - {id: a\n")
    (problem,) = _problems(path)
    assert "malformed YAML at line" in problem


def test_empty_file(tmp_path):
    (problem,) = _problems(_write(tmp_path, "\n\n"))
    assert "the file is empty" in problem


def test_not_a_mapping(tmp_path):
    (problem,) = _problems(_write(tmp_path, "- a\n- b\n"))
    assert "expected a mapping at the top" in problem


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_production(tmp_path / "nope.yaml")


def test_parameter_propagates_to_every_line(tmp_path):
    text = (
        "name: t\ncountry: FR\nparameters: {kwh: 10 kWh}\nactivities:\n"
        "  - {id: a, type: electricity, stage: shoot, energy: $kwh}\n"
        "  - {id: b, type: electricity, stage: shoot, energy: $kwh * 2}\n"
    )
    path = _write(tmp_path, text)
    fp = estimate(path)
    assert [line.quantity_status for line in fp.lines] == ["parameter", "parameter"]
    fp2 = estimate(path, sets={"parameters.kwh": 20})
    assert fp2.total_kgco2e == pytest.approx(2 * fp.total_kgco2e)
    assert fp2.lines[1].quantity == pytest.approx(40)


def test_unknown_region(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh, region: ZZ}\n")
    (problem,) = _problems(path)
    assert "activities.power.region" in problem and "ISO 3166-1 alpha-2" in problem


def test_region_by_name_is_converted(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: 5 kWh, region: France}\n")
    assert estimate(path).lines[0].factor_id == "energy.grid.FR"


def test_unknown_place_names_the_field_and_close_matches(tmp_path):
    path = _write(tmp_path, HEAD + "  - {id: crew, type: flight, stage: shoot, from: CDG, to: 'Marseile, FR'}\n")
    (problem,) = _problems(path)
    assert "activities.crew.to" in problem and "Marseille" in problem


def test_reference_errors_come_with_validation_errors(tmp_path):
    path = _write(
        tmp_path,
        "name: t\nparameters: {crew: 3, km: 'abc', dist: '12 furlongz'}\nactivities:\n"
        "  - {id: a, type: electricity, stage: shoot, energy: 5}\n"
        "  - {id: b, type: hotel, stage: shoot, nights: $crw, region: FR}\n",
    )
    problems = " | ".join(_problems(path))
    assert "parameter km" in problems and "parameter dist" in problems
    assert "activities.a.energy" in problems and "missing unit" in problems
    assert "activities.b.nights: unknown parameter $crw" in problems


def test_negative_through_a_parameter_multiplier(tmp_path):
    path = _write(
        tmp_path,
        "name: t\nparameters: {crew: 3}\nactivities:\n  - {id: h, type: hotel, stage: shoot, nights: '$crew * -2'}\n",
    )
    (problem,) = _problems(path)
    assert "activities.h.nights" in problem and "must not be negative" in problem


@pytest.mark.parametrize(
    ("written", "expected"),
    [("1,000 km", "ambiguous"), ("12 km ± -10%", "positive")],
)
def test_quantities_refused(tmp_path, written, expected):
    path = _write(tmp_path, HEAD + f"  - {{id: t, type: train, stage: shoot, kind: tgv, distance: '{written}'}}\n")
    (problem,) = _problems(path)
    assert "activities.t.distance" in problem and expected in problem


def test_french_decimal_comma_and_unit_without_space(tmp_path):
    path = _write(
        tmp_path,
        "name: t\ncountry: FR\nparameters: {d: 100km}\nactivities:\n"
        "  - {id: a, type: train, stage: shoot, kind: tgv, distance: '12,5 km'}\n"
        "  - {id: b, type: train, stage: shoot, kind: tgv, distance: $d}\n",
    )
    fp = estimate(path)
    assert [line.quantity for line in fp.lines] == [pytest.approx(12.5), pytest.approx(100)]


@pytest.mark.parametrize("written", [".nan", ".inf"])
def test_non_finite_counts_refused(tmp_path, written):
    path = _write(tmp_path, HEAD + f"  - {{id: h, type: hotel, stage: shoot, nights: {written}}}\n")
    (problem,) = _problems(path)
    assert "activities.h.nights" in problem and "finite" in problem


def test_set_errors_come_with_the_files_errors(tmp_path):
    from shootprint.files import load_production

    path = _write(tmp_path, HEAD + "  - {id: power, type: electricity, stage: shoot, energy: -5 kWh}\n")
    with pytest.raises(InputError) as err:
        load_production(path, {"activities.nope.energy": 3, "parameters.x": 1})
    text = " | ".join(err.value.problems)
    assert "no activity with id 'nope'" in text and "no parameter 'x'" in text and "must not be negative" in text
