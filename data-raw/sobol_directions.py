"""Build the Sobol sequence's direction numbers shipped with the package.

Input: Joe & Kuo's direction numbers ``new-joe-kuo-6.21201`` (S. Joe and F. Y. Kuo, "Constructing
Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008;
https://web.maths.unsw.edu.au/~fkuo/sobol/), in the copy SciPy ships (``scipy/stats/
_sobol_direction_numbers.npz``, arrays ``poly`` and ``vinit``), so the build needs no download.
Output: ``src/shootprint/data/sobol_directions.csv``: the first ``DIMENSIONS`` dimensions, one per
line: ``poly`` (the primitive polynomial's coefficients as an integer) and its initial direction
numbers ``m_1 … m_s`` separated by spaces. That is enough for a sensitivity analysis of up to
``DIMENSIONS / 2`` uncertain inputs (Saltelli's design uses two blocks of columns).

Licence of the direction numbers (Joe & Kuo): BSD-style, "Copyright (c) 2008, Frances Y. Kuo and
Stephen Joe. All rights reserved." with redistribution permitted provided the notice is kept; it is
written at the top of the output.

Run: ``python data-raw/sobol_directions.py``
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "shootprint" / "data" / "sobol_directions.csv"
DIMENSIONS = 1024

HEADER = """\
# Sobol sequence direction numbers: the first {n} dimensions of Joe & Kuo's new-joe-kuo-6.21201.
# S. Joe and F. Y. Kuo, Constructing Sobol sequences with better two-dimensional projections,
# SIAM J. Sci. Comput. 30, 2635-2654 (2008). https://web.maths.unsw.edu.au/~fkuo/sobol/
# Copyright (c) 2008, Frances Y. Kuo and Stephen Joe. All rights reserved. Redistribution and use
# in source and binary forms, with or without modification, are permitted provided that the
# copyright notice, this list of conditions and the disclaimer are retained; THE DATA IS PROVIDED
# "AS IS" WITHOUT WARRANTY OF ANY KIND. Built by data-raw/sobol_directions.py.
# poly,m (the polynomial's coefficients as an integer; initial direction numbers m_1 ... m_s)
"""


def main() -> None:
    spec = find_spec("scipy")
    assert spec is not None and spec.submodule_search_locations, "SciPy is needed to build the file"
    npz = Path(next(iter(spec.submodule_search_locations))) / "stats" / "_sobol_direction_numbers.npz"
    data = np.load(npz)
    poly, vinit = data["poly"], data["vinit"]
    lines = [HEADER.format(n=DIMENSIONS)]
    for d in range(DIMENSIONS):
        degree = int(poly[d]).bit_length() - 1
        m = " ".join(str(int(x)) for x in vinit[d][: max(degree, 1)])
        lines.append(f"{int(poly[d])},{m}\n")
    OUT.write_text("".join(lines), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {DIMENSIONS} dimensions")


if __name__ == "__main__":
    main()
