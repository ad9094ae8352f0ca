"""Sobol sensitivity indices in numpy: Saltelli's design on a Sobol sequence, Saltelli's first-order
and Jansen's total-order estimators, bootstrap confidence intervals.

The estimators are those of SALib's ``sobol.analyze`` without second order (Saltelli et al. 2010,
"Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index", Computer Physics Communications 181, 259–270, table 2 (b) and (f)):

* S1_i = mean(f(B) · (f(A_B^i) − f(A))) / V
* ST_i = mean((f(A) − f(A_B^i))²) / 2V

with V the variance of the outputs of A and B together, A and B two independent blocks of ``n``
points of the unit hypercube and A_B^i the rows of A with column i taken from B: ``n · (d + 2)``
evaluations. The points are a Sobol sequence in ``2d`` dimensions (Joe & Kuo's direction numbers,
shipped in ``data/sobol_directions.csv``) with a random digital shift drawn from ``seed``, so the
design stays a low-discrepancy net and a seed gives the same indices everywhere. Confidence
intervals: 95 % half-widths, 1.96 × the standard deviation of the estimators over bootstrap
resamples of the ``n`` rows.

Pure numpy: no SciPy or pandas import, so a command that asks for a sensitivity starts quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from shootprint.i18n import Message

BITS = 30  # bits of each coordinate (2^30 points at most)
Z_95 = 1.959963984540054  # standard normal 97.5th percentile: a 95 % interval's half-width in σ


@cache
def _direction_lines() -> tuple[str, ...]:
    """The lines of the shipped direction numbers, one a dimension (read as numbers when used: a
    design uses the first tens of the ~1,000)."""
    text = resources.files("shootprint.data").joinpath("sobol_directions.csv").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def _direction(d: int) -> tuple[int, tuple[int, ...]]:
    """The primitive polynomial and initial direction numbers of dimension ``d``."""
    poly, _, m = _direction_lines()[d].partition(",")
    return int(poly), tuple(int(x) for x in m.split())


def max_dimensions() -> int:
    """The most dimensions the shipped direction numbers give a Sobol sequence."""
    return len(_direction_lines())


def _direction_matrix(dims: int) -> np.ndarray:
    """``v[d, j]``: the direction numbers of dimension ``d``, bit ``j``, scaled to ``BITS`` bits."""
    if dims > max_dimensions():
        raise ValueError(
            Message(
                "{dims} dimensions: the Sobol direction numbers shipped cover {most}",
                dims=str(dims),
                most=str(max_dimensions()),
            )
        )
    v = np.zeros((dims, BITS), dtype=np.uint64)
    v[0, :] = 1
    for d in range(1, dims):
        poly, m_init = _direction(d)
        s = poly.bit_length() - 1
        row = [0] * BITS
        row[:s] = m_init[:s]
        for j in range(s, BITS):
            new = row[j - s]
            pow2 = 1
            for k in range(s):
                pow2 <<= 1
                if (poly >> (s - 1 - k)) & 1:
                    new ^= pow2 * row[j - k - 1]
            row[j] = new
        v[d, :] = row
    shifts = np.array([1 << (BITS - 1 - j) for j in range(BITS)], dtype=np.uint64)
    return v * shifts[None, :]


def sobol_points(n: int, dims: int, seed: int | None = 0, skip: int = 0) -> np.ndarray:
    """``n`` points of the ``dims``-dimensional Sobol sequence in (0, 1), from index ``skip``.

    ``seed`` draws a random digital shift (one XOR mask per dimension; None: no shift). Point ``i``
    is the XOR of the direction numbers of the bits set in its Gray code.
    """
    v = _direction_matrix(dims)
    index = np.arange(skip, skip + n, dtype=np.uint64)
    gray = index ^ (index >> np.uint64(1))
    x = np.zeros((n, dims), dtype=np.uint64)
    for j in range(BITS):
        bit = ((gray >> np.uint64(j)) & np.uint64(1)).astype(bool)
        if not bit.any():
            continue
        x[bit] ^= v[:, j]
    if seed is not None:
        rng = np.random.default_rng(seed)
        x ^= rng.integers(0, 1 << BITS, size=dims, dtype=np.uint64)
    # the centre of each cell: never exactly 0 or 1
    return (x.astype(np.float64) + 0.5) / float(1 << BITS)


def saltelli_design(n: int, d: int, seed: int = 0) -> np.ndarray:
    """The ``n · (d + 2)`` rows to evaluate: A (n rows), then A_B^1 … A_B^d, then B.

    A and B are the two halves of a ``2d``-dimensional Sobol sequence (the first point, the origin
    before the shift, is skipped, as SALib does); past the shipped direction numbers the columns
    are pseudo-random uniforms drawn from ``seed``.
    """
    total = 2 * d
    sobol_dims = min(total, max_dimensions())
    base = sobol_points(n, sobol_dims, seed=seed, skip=1)
    if sobol_dims < total:
        rng = np.random.default_rng([seed, 1])
        base = np.hstack([base, rng.random((n, total - sobol_dims))])
    a, b = base[:, :d], base[:, d:]
    # column-major: a model reads the design an input (a column) at a time, each column contiguous
    out = np.empty((n * (d + 2), d), order="F")
    out[:n] = a
    for i in range(d):
        out[n * (i + 1) : n * (i + 2)] = a
        out[n * (i + 1) : n * (i + 2), i] = b[:, i]
    out[n * (d + 1) :] = b
    return out


@dataclass(frozen=True)
class Indices:
    """First-order and total indices of each input, with 95 % confidence half-widths."""

    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray


def _split(y: np.ndarray, n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ya = y[:n]
    yab = y[n : n * (d + 1)].reshape(d, n).T  # column i: f(A_B^i)
    yb = y[n * (d + 1) :]
    return ya, yab, yb


def _estimate(
    ya: np.ndarray, yab: np.ndarray, yb: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST over the rows. ``rows`` (resamples × n row numbers): the indices of each bootstrap
    resample instead, their terms gathered from those computed once per row (the same numbers as
    computing them on the resampled rows, bit for bit)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = yab - ya[:, None]  # (a - b)² == (b - a)² exactly: one difference serves both
        first, total = yb[:, None] * diff, diff**2
        if rows is not None:
            ya, yb, first, total = ya[rows], yb[rows], first[rows], total[rows]
        var = np.var(np.concatenate([ya, yb], axis=-1), axis=-1)[..., None]
        return np.mean(first, axis=-2) / var, 0.5 * np.mean(total, axis=-2) / var


def analyze(y: np.ndarray, d: int, seed: int = 0, resamples: int = 100) -> Indices:
    """The indices of outputs ``y`` evaluated on :func:`saltelli_design` rows for ``d`` inputs."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or len(y) % (d + 2):
        raise ValueError(Message("expected n·(d+2) outputs for d={d}, got {shape}", d=str(d), shape=str(y.shape)))
    n = len(y) // (d + 2)
    std = float(np.std(y))
    y = (y - float(np.mean(y))) / (std if std > 0 else 1.0)
    ya, yab, yb = _split(y, n, d)
    s1, st = _estimate(ya, yab, yb)
    rng = np.random.default_rng(seed)
    b1, bt = _estimate(ya, yab, yb, rng.integers(0, n, size=(resamples, n)))
    return Indices(s1, Z_95 * np.std(b1, axis=0, ddof=1), st, Z_95 * np.std(bt, axis=0, ddof=1))


def indices(model: Callable[[np.ndarray], np.ndarray], d: int, n: int, seed: int = 0) -> tuple[Indices, np.ndarray]:
    """Sample, evaluate ``model`` on every row at once, analyse: the indices and the design used."""
    x = saltelli_design(n, d, seed)
    return analyze(model(x), d, seed), x
