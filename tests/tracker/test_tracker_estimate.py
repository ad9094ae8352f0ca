"""The estimate: formula against hand-computed values, the TDP table's data, the host lookup."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from shootprint.errors import InputError
from shootprint.tracker.estimate import (
    DEFAULT_ROW_ID,
    EstimateSource,
    TdpRow,
    estimate_energy_j,
    host_tdp_w,
    load_tdp_table,
    lookup_tdp,
    shipped_tdp_table,
    utilisation,
)


def test_formula_by_hand() -> None:
    # 3 CPU-seconds over 2 s on 4 logical CPUs: utilisation 3 / (2 × 4) = 0.375.
    assert utilisation(cpu_s=3.0, duration_s=2.0, n_cpus=4) == pytest.approx(0.375)
    # 100 W × 0.375 × 2 s = 75 J  (= tdp_w × cpu_s / n_cpus = 100 × 3 / 4)
    assert estimate_energy_j(100.0, 0.375, 2.0) == pytest.approx(75.0)
    assert utilisation(1.0, 0.0, 4) == 0.0


def test_host_tdp_scales_by_threads() -> None:
    # EPYC 7763: 280 W for 128 threads; a 2-vCPU slice counts 2/128 of it, two sockets twice it.
    assert host_tdp_w(280.0, 128, 2) == pytest.approx(4.375)
    assert host_tdp_w(280.0, 128, 256) == pytest.approx(560.0)


def test_source_with_a_fake_cpu_clock() -> None:
    clock = iter([10.0, 11.5])  # 1.5 CPU-seconds during the window
    source = EstimateSource(tdp_w=40.0, n_cpus=8, cpu_time=lambda: next(clock), model="X")
    source.start()
    [cpu] = source.stop(duration_s=0.75).devices
    assert cpu.details["utilisation"] == pytest.approx(1.5 / (0.75 * 8))
    assert cpu.energy_j == pytest.approx(40.0 * 1.5 / 8)  # 7.5 J
    assert (cpu.device, cpu.method, cpu.model) == ("cpu", "estimate", "X")


def _raw_rows() -> list[dict[str, str]]:
    text = resources.files("shootprint.data").joinpath("cpu_tdp.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_table_every_row_sourced_and_valid() -> None:
    rows = shipped_tdp_table()
    assert len(rows) == len(_raw_rows())
    assert len({r.id for r in rows}) == len(rows)
    for row in rows:
        assert row.source.strip(), row.id
        assert row.tdp_w > 0 and row.threads > 0
    [default] = [r for r in rows if r.id == DEFAULT_ROW_ID]
    assert default.pattern == "" and "CodeCarbon" in default.source


@pytest.mark.parametrize("row", [r for r in shipped_tdp_table() if r.id != DEFAULT_ROW_ID])
def test_each_example_matches_its_row_only(row: TdpRow) -> None:
    found, warnings = lookup_tdp(row.example, shipped_tdp_table())
    assert found is row and warnings == []
    assert re.search(row.pattern, row.example, re.IGNORECASE)


@pytest.mark.parametrize(
    "model",
    ["AMD Ryzen 9 7950X3D 16-Core Processor", "Intel(R) Xeon(R) Platinum 8468V", "AMD EPYC"],
)
def test_near_misses_take_the_default_with_a_warning(model: str) -> None:
    row, warnings = lookup_tdp(model, shipped_tdp_table())
    assert row.id == DEFAULT_ROW_ID
    assert [w.code for w in warnings] == ["cpu-tdp-default"]


def test_bad_table_names_line_and_column() -> None:
    text = "id,pattern,tdp_w,threads,example,source,notes\ndefault,,-4,1,,src,\n"
    with pytest.raises(InputError, match=r"line 2, column tdp_w"):
        load_tdp_table(text, name="t.csv")
    text = "id,pattern,tdp_w,threads,example,source,notes\nx,(,4,1,,src,\n"
    with pytest.raises(InputError, match=r"column pattern.*regular expression"):
        load_tdp_table(text, name="t.csv")
