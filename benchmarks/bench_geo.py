"""Cost of a first place lookup in a fresh process: import shootprint.geo, read its data, locate.

Prints the median wall time, over 7 fresh processes, of::

    python -c "from shootprint.geo import locate; locate('CDG'); locate('Marseille, FR')"

minus the median of a bare ``python -c pass``, in milliseconds.  Bytecode is cached in a
temporary folder (``PYTHONPYCACHEPREFIX``) after a warm-up run, as it is for an installed package,
so compiling the sources is not counted.

Run with the project's interpreter::

    python benchmarks/bench_geo.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7
LOOKUP = "from shootprint.geo import locate; locate('CDG'); locate('Marseille, FR')"
IMPORT_ONLY = "import shootprint.geo"


def median_ms(code: str, env: dict[str, str]) -> float:
    """Median wall time of ``python -c code`` over ``RUNS`` fresh processes, in ms."""
    subprocess.run([sys.executable, "-c", code], env=env, check=True)  # warm-up, caches bytecode
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
        bare = median_ms("pass", env)
        imported = median_ms(IMPORT_ONLY, env)
        lookup = median_ms(LOOKUP, env)
    print(f"python -c pass:                 {bare:7.1f} ms (median of {RUNS})")
    print(f"import shootprint.geo:          {imported - bare:7.1f} ms over bare python")
    print(f"locate('CDG'), ('Marseille, FR'): {lookup - bare:5.1f} ms over bare python")


if __name__ == "__main__":
    main()
