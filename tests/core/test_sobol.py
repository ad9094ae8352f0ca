"""The numpy Sobol sensitivity analysis: the sequence, the design, the estimators.

Checked against the Ishigami function's exact indices (Ishigami & Homma 1990; Saltelli et al.,
Global Sensitivity Analysis: The Primer, 2008), against SciPy's Sobol sequence and against SALib's
estimators on the same design.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from shootprint import sobol

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    z = -math.pi + 2 * math.pi * x
    return np.sin(z[:, 0]) + A * np.sin(z[:, 1]) ** 2 + B * z[:, 2] ** 4 * np.sin(z[:, 0])


def ishigami_exact() -> tuple[list[float], list[float]]:
    v = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def test_ishigami_indices_match_the_analytic_values():
    found, x = sobol.indices(ishigami, 3, 4096, seed=1)
    s1, st = ishigami_exact()
    assert x.shape == (4096 * 5, 3)
    assert found.S1 == pytest.approx(s1, abs=0.02)
    assert found.ST == pytest.approx(st, abs=0.02)
    # the 95 % intervals are honest: each holds the exact value, and none is wider than 0.1
    for got, conf, exact in ((found.S1, found.S1_conf, s1), (found.ST, found.ST_conf, st)):
        assert np.all(np.abs(got - np.asarray(exact)) <= conf)
        assert np.all((conf > 0) & (conf < 0.1))


def test_the_sequence_is_sobols():
    qmc = pytest.importorskip("scipy.stats").qmc
    ours = sobol.sobol_points(512, 24, seed=None)
    theirs = qmc.Sobol(24, scramble=False).random(512)
    # the same points, each moved to the centre of its 2^-30 cell (never exactly 0)
    assert np.max(np.abs(ours - theirs)) < 2**-30
    assert np.all((ours > 0) & (ours < 1))


def test_a_seed_shifts_the_points_and_keeps_them_a_net():
    a = sobol.sobol_points(256, 6, seed=3)
    b = sobol.sobol_points(256, 6, seed=4)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, sobol.sobol_points(256, 6, seed=3))
    # a digital shift keeps the net: each of the 256 cells of width 1/256 holds exactly one point
    for points in (a, b):
        for j in range(6):
            counts = np.bincount((points[:, j] * 256).astype(int), minlength=256)
            assert np.all(counts == 1)


def test_more_inputs_than_the_direction_numbers_still_give_a_design():
    d = sobol.max_dimensions() // 2 + 3
    x = sobol.saltelli_design(8, d, seed=0)
    assert x.shape == (8 * (d + 2), d)
    assert np.all((x > 0) & (x < 1))


def test_the_design_changes_one_column_per_block():
    n, d = 16, 4
    x = sobol.saltelli_design(n, d, seed=2)
    a, b = x[:n], x[-n:]
    for i in range(d):
        ab = x[n * (i + 1) : n * (i + 2)]
        np.testing.assert_array_equal(ab[:, i], b[:, i])
        np.testing.assert_array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))


def test_the_estimators_are_salibs():
    salib = pytest.importorskip("SALib.analyze.sobol")
    n, d = 1024, 3
    x = sobol.saltelli_design(n, d, seed=5)
    y = ishigami(x)
    ours = sobol.analyze(y, d, seed=5)
    # SALib reads the same runs interleaved: for each row, A, A_B^1 … A_B^d, B
    blocks = y.reshape(d + 2, n)
    interleaved = blocks.T.reshape(-1)
    problem = {"num_vars": d, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * d}
    theirs = salib.analyze(problem, interleaved, calc_second_order=False, seed=5)
    np.testing.assert_allclose(ours.S1, theirs["S1"], atol=1e-12)
    np.testing.assert_allclose(ours.ST, theirs["ST"], atol=1e-12)
    # bootstrap resamples differ: the intervals agree in size, not digit for digit
    np.testing.assert_allclose(ours.S1_conf, theirs["S1_conf"], rtol=0.5)
    np.testing.assert_allclose(ours.ST_conf, theirs["ST_conf"], rtol=0.5)


def test_outputs_that_do_not_fit_the_design_are_refused():
    with pytest.raises(ValueError, match=r"n·\(d\+2\)"):
        sobol.analyze(np.zeros(7), 3)


def test_normal_quantiles_need_no_scipy_and_match_it():
    special = pytest.importorskip("scipy.special")
    from shootprint.uncertainty import normal_ppf

    u = np.concatenate(
        [np.geomspace(1e-300, 1e-3, 200), np.linspace(1e-3, 1 - 1e-3, 2001), 1 - np.geomspace(1e-3, 1e-15, 50)]
    )
    np.testing.assert_allclose(normal_ppf(u), special.ndtri(u), rtol=1e-13, atol=1e-13)
    assert list(normal_ppf(np.array([0.0, 1.0]))) == [-math.inf, math.inf]
