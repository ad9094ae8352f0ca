"""Units: the fast path agrees with pint; the metric tonne; errors."""

from __future__ import annotations

import itertools

import pytest

from shootprint import units


def _pint_factor(a: str, b: str) -> float:
    ureg = units.registry()
    return ureg.Quantity(1.0, a).to(b).magnitude


@pytest.mark.parametrize("dim", sorted({d for d, _ in units._ATOMS.values()}))
def test_every_fast_atom_agrees_with_pint(dim):
    atoms = [a for a, (d, _) in units._ATOMS.items() if d == dim]
    for a, b in itertools.product(atoms, repeat=2):
        assert units._fast_factor(a, b) == pytest.approx(_pint_factor(a, b), rel=1e-12), (a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("TB*hour", "TB*month"), ("kWh/TB.month", "Wh/GB.hour"), ("kgCO2e/t", "kgCO2e/kg"), ("t.km", "kg*km")],
)
def test_compound_fast_path_agrees_with_pint(a, b):
    def pint_form(unit: str) -> str:
        num, _, den = unit.replace("kgCO2e", "kg").replace(".", "*").partition("/")
        return f"({num})/({den})" if den else num

    fast = units._fast_factor(a.replace("kgCO2e", "kg"), b.replace("kgCO2e", "kg"))
    assert fast == pytest.approx(_pint_factor(pint_form(a), pint_form(b)), rel=1e-12)


def test_metric_tonne_and_no_short_ton():
    assert units.convert(1.0, "t", "kg") == 1000.0
    with pytest.raises(ValueError, match="metric tonne"):
        units.convert(1.0, "ton", "kg")


def test_incompatible_and_unknown_units():
    with pytest.raises(ValueError, match="cannot be converted"):
        units.convert(1.0, "kg", "kWh")
    with pytest.raises(ValueError):
        units.convert(1.0, "blorp", "kWh")
    assert units.convert(2.0, "mi", "km") == pytest.approx(3.218688)
