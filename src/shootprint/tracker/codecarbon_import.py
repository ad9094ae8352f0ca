"""Records from a CodeCarbon ``emissions.csv``, so jobs measured with CodeCarbon count as measured.

Only CodeCarbon's energy columns are read, never its emissions (shootprint applies its own
factors). Columns (CodeCarbon 3.x, ``codecarbon/output_methods/emissions_data.py``, class
``EmissionsData``; the same in its per-task files):

* ``cpu_energy``, ``gpu_energy``, ``ram_energy``, ``energy_consumed`` — kWh, each already
  multiplied by ``pue`` (CodeCarbon's ``_do_measurements`` applies the PUE to every device). The
  import divides by ``pue`` to get the IT energy the tracker records, and warns
  (``codecarbon-pue-removed``) when it was not 1; ``energy_consumed`` must equal the sum of the
  three, or the file is refused.
* ``duration`` — s; ``timestamp`` — the *end* of the run, local time without an offset
  (``datetime.now().strftime("%Y-%m-%dT%H:%M:%S")``), so ``start = timestamp − duration``, read in
  ``tz`` if given, else in this machine's time zone with a ``codecarbon-local-time`` warning.
* ``project_name`` — the label unless ``label`` is given; ``run_id`` — the record's ``run_id``;
  ``cpu_model``, ``gpu_model``, ``gpu_count``, ``cpu_power``/``gpu_power``/``ram_power`` (W),
  ``tracking_mode``, ``codecarbon_version`` — details, where present.

Each device is recorded with method ``codecarbon``: CodeCarbon's CPU figure may come from RAPL or
from its own TDP estimate, and its CSV does not say which.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from shootprint.errors import InputError
from shootprint.i18n import Message
from shootprint.tracker.records import DeviceEnergy, Record, TrackerWarning, make_record

#: Joules per kilowatt-hour (3.6e6 = 1000 W × 3600 s).
J_PER_KWH = 1000.0 * 3600.0

REQUIRED_COLUMNS = (
    "timestamp",
    "project_name",
    "duration",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
)


class _Row:
    """One CSV row with typed getters that collect problems naming file, line and column."""

    def __init__(self, raw: dict[str, str | None], where: str, problems: list[str]) -> None:
        self.raw = raw
        self.where = where
        self.problems = problems

    def text(self, column: str) -> str:
        return (self.raw.get(column) or "").strip()

    def number(self, column: str, *, default: float | None = None) -> float:
        value = self.text(column)
        if value == "" and default is not None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number >= 0):
            self.problems.append(
                Message(
                    "{where}, column {column}: {given} is not a number ≥ 0.",
                    where=self.where,
                    column=column,
                    given=repr(value),
                )
            )
            return 0.0
        return number


def import_codecarbon_csv(path: str | Path, *, label: str | None = None, tz: tzinfo | None = None) -> list[Record]:
    """Read each row of a CodeCarbon ``emissions.csv`` as a :class:`Record` (method ``codecarbon``).

    ``label`` replaces ``project_name`` as every record's label; ``tz`` is the time zone the
    file's ``timestamp`` was written in (CodeCarbon writes local time without an offset). Raises
    :class:`InputError` naming the file, line and column of every problem.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:  # Excel saves a BOM
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            raws = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(
            Message("{path}: cannot read the CodeCarbon CSV: {error}", path=str(path), error=str(err))
        ) from err
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            Message(
                "{path}: not a CodeCarbon emissions file: column(s) {missing} missing (expected {expected}).",
                path=str(path),
                missing=", ".join(missing),
                expected=", ".join(REQUIRED_COLUMNS),
            )
        )
    problems: list[str] = []
    records = [
        _record(_Row(raw, Message("{path}, line {line}", path=str(path), line=str(lineno)), problems), label, tz)
        for lineno, raw in enumerate(raws, start=2)
    ]
    if problems:
        raise InputError(problems)
    return [r for r in records if r is not None]


def _record(row: _Row, label: str | None, tz: tzinfo | None) -> Record | None:
    n_problems = len(row.problems)
    warnings: list[TrackerWarning] = []
    name = label if label is not None else row.text("project_name")
    if not name:
        row.problems.append(Message("{where}, column project_name: empty, and no label was given.", where=row.where))
    duration_s = row.number("duration")
    pue = row.number("pue", default=1.0)
    if pue <= 0:
        row.problems.append(Message("{where}, column pue: must be > 0.", where=row.where))
        pue = 1.0
    cpu_kwh = row.number("cpu_energy")
    gpu_kwh = row.number("gpu_energy", default=0.0)  # empty where CodeCarbon saw no GPU
    ram_kwh = row.number("ram_energy")
    total_kwh = row.number("energy_consumed")
    if not math.isclose(total_kwh, cpu_kwh + gpu_kwh + ram_kwh, rel_tol=1e-6, abs_tol=1e-12):
        row.problems.append(
            Message(
                "{where}, column energy_consumed: {total} kWh is not the sum of cpu_energy, gpu_energy and "
                "ram_energy ({sum} kWh).",
                where=row.where,
                total=str(total_kwh),
                sum=str(cpu_kwh + gpu_kwh + ram_kwh),
            )
        )
    stamp = row.text("timestamp")
    try:
        end = datetime.fromisoformat(stamp)
    except ValueError:
        row.problems.append(
            Message("{where}, column timestamp: {given} is not ISO 8601.", where=row.where, given=repr(stamp))
        )
        end = datetime.now(UTC)
    if len(row.problems) > n_problems:
        return None

    if end.tzinfo is None:
        if tz is not None:
            end = end.replace(tzinfo=tz)
        else:
            end = end.astimezone()  # naive → this machine's local time zone
            warnings.append(
                TrackerWarning(
                    "codecarbon-local-time",
                    f"timestamp {stamp} has no offset; read as local time of this machine "
                    f"({end.tzname()}). Pass tz= if the file was written elsewhere.",
                )
            )
    start = (end - timedelta(seconds=duration_s)).astimezone(UTC)
    if pue != 1.0:
        warnings.append(
            TrackerWarning(
                "codecarbon-pue-removed",
                f"CodeCarbon multiplied every energy by pue={pue:g}; divided back to IT energy.",
            )
        )

    def power_w(column: str) -> dict[str, str | int | float]:
        return {"mean_power_w": row.number(column) / pue} if row.text(column) else {}

    common: dict[str, str | int | float] = {"pue": pue}
    if row.text("tracking_mode"):
        common["tracking_mode"] = row.text("tracking_mode")
    devices = [
        DeviceEnergy(
            "cpu",
            cpu_kwh * J_PER_KWH / pue,
            "codecarbon",
            model=row.text("cpu_model") or None,
            details={**common, **power_w("cpu_power")},
        )
    ]
    gpu_count = row.number("gpu_count", default=0.0)
    if gpu_kwh > 0 or gpu_count > 0:
        devices.append(
            DeviceEnergy(
                "gpu",
                gpu_kwh * J_PER_KWH / pue,
                "codecarbon",
                model=row.text("gpu_model") or None,
                details={**common, "gpu_count": int(gpu_count), **power_w("gpu_power")},
            )
        )
    devices.append(
        DeviceEnergy(
            "ram",
            ram_kwh * J_PER_KWH / pue,
            "codecarbon",
            details={**common, **power_w("ram_power")},
        )
    )
    version = row.text("codecarbon_version")
    return make_record(
        label=name,
        host=None,
        start=start,
        duration_s=duration_s,
        devices=devices,
        warnings=warnings,
        tracker_version=f"codecarbon {version}" if version else "codecarbon",
        run_id=row.text("run_id") or None,
    )
