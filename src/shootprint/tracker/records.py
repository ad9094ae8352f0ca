"""Records of measured jobs: what one tracked job used, and the JSON Lines file that keeps them.

One record is one JSON object on one line of a ``.jsonl`` file; records are only ever appended::

    {"label": "sdxl-batch", "host": "render-01", "start": "2026-11-25T18:17:39.120000+00:00",
     "duration_s": 0.53, "energy_j": 2.12,
     "devices": [{"device": "cpu", "energy_j": 2.12, "method": "estimate", "model": "AMD EPYC",
                  "details": {"tdp_w": 8.0, "utilisation": 0.5, ...}}],
     "warnings": [{"code": "rapl-unavailable", "message": "..."}],
     "tracker_version": "0.1.0", "run_id": "5f0c..."}

Units are in the names: ``energy_j`` (joules), ``duration_s`` (seconds), ``tdp_w`` (watts).
``energy_j`` of a record is the sum of its devices' ``energy_j``; a file where it is not is refused.
The tracker only measures: no record carries an emission factor.

This module imports neither pydantic nor anything heavy at module level: it sits on the hot path of
every tracked job. Reading a file validates each line with pydantic, imported then.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from shootprint.errors import InputError
from shootprint.i18n import N_, Message, count

if TYPE_CHECKING:
    from pydantic import TypeAdapter

#: Values of ``DeviceEnergy.method``: how the energy of a device was obtained.
#: ``nvml``: NVIDIA energy counter; ``rapl``: Intel/AMD RAPL counter through powercap;
#: ``estimate``: TDP × utilisation × time; ``replay``: a recorded trace of counters;
#: ``codecarbon``: imported from a CodeCarbon ``emissions.csv``.
Method = Literal["nvml", "rapl", "estimate", "replay", "codecarbon"]
METHODS: tuple[str, ...] = ("nvml", "rapl", "estimate", "replay", "codecarbon")

#: Methods that read a hardware energy counter (live or replayed), as opposed to estimating.
COUNTER_METHODS: frozenset[str] = frozenset({"nvml", "rapl", "replay"})

#: Relative tolerance between a record's ``energy_j`` and the sum of its devices.
_TOTAL_REL_TOL = 1e-9

Detail = str | int | float


@dataclass(frozen=True, slots=True)
class TrackerWarning:
    """A fallback or anomaly, with a stable ``code`` (e.g. ``nvml-unavailable``) and a sentence."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DeviceEnergy:
    """The energy one device used during a tracked job.

    ``device`` names the device: ``gpu:<NVML index>``, ``cpu`` (all CPU packages of the host) or
    ``ram``. ``energy_j`` is in joules (≥ 0). ``method`` says how it was obtained (:data:`METHODS`).
    ``model`` is the device's model name where known. ``details`` holds what explains the number,
    names carrying units (``tdp_w``, ``utilisation``, ``cpu_s``, ``mean_power_w`` …).
    """

    device: str
    energy_j: float
    method: Method
    model: str | None = None
    details: dict[str, Detail] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (self.energy_j >= 0 and math.isfinite(self.energy_j)):
            raise ValueError(
                Message(
                    "energy_j of {device} must be finite and ≥ 0, not {given}",
                    device=self.device,
                    given=str(self.energy_j),
                )
            )
        if self.method not in METHODS:
            raise ValueError(
                Message("method {given} is not one of {accepted}", given=repr(self.method), accepted=", ".join(METHODS))
            )

    @property
    def kind(self) -> str:
        """The device kind: the part of ``device`` before ``:`` (``gpu:1`` → ``gpu``)."""
        return self.device.partition(":")[0]


@dataclass(frozen=True, slots=True)
class Record:
    """One tracked job: when, how long, and the energy of each device.

    ``start`` is timezone-aware (UTC for records the tracker writes). ``duration_s`` is the wall
    time of the job in seconds. ``energy_j`` is the total over ``devices`` in joules. ``host`` is
    the host name, ``None`` where unknown (imports). ``run_id`` identifies the record (a UUID for
    records the tracker writes, CodeCarbon's ``run_id`` for imports).
    """

    label: str
    host: str | None
    start: datetime
    duration_s: float
    devices: tuple[DeviceEnergy, ...]
    energy_j: float
    warnings: tuple[TrackerWarning, ...] = ()
    tracker_version: str = ""
    run_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    """What the job produced, where an integration counted it (``generations``,
    ``denoising_steps`` …); empty for a plain command. Written only when not empty."""

    def __post_init__(self) -> None:
        if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in self.counts.values()):
            raise ValueError(Message("counts must be whole numbers ≥ 0, not {given}", given=str(self.counts)))
        if self.start.tzinfo is None:
            raise ValueError(Message("start must carry a time zone (ISO 8601 with an offset)"))
        if not (self.duration_s >= 0 and math.isfinite(self.duration_s)):
            raise ValueError(Message("duration_s must be finite and ≥ 0, not {given}", given=str(self.duration_s)))
        total_j = math.fsum(d.energy_j for d in self.devices)
        if not math.isclose(self.energy_j, total_j, rel_tol=_TOTAL_REL_TOL, abs_tol=1e-9):
            raise ValueError(
                Message(
                    "energy_j {given} is not the sum of the devices' energy_j ({total})",
                    given=str(self.energy_j),
                    total=str(total_j),
                )
            )

    def device_energy_j(self, kind: str, methods: Collection[str] | None = None) -> float:
        """Energy in J of the devices of one ``kind`` (``gpu``, ``cpu``, ``ram``).

        With ``methods``, only devices measured by one of them count, e.g.
        ``record.device_energy_j("cpu", COUNTER_METHODS)`` is 0 when the CPU was only estimated.
        """
        return math.fsum(
            d.energy_j for d in self.devices if d.kind == kind and (methods is None or d.method in methods)
        )

    def has(self, kind: str, methods: Collection[str] | None = None) -> bool:
        """Whether the record has a device of ``kind`` (measured by one of ``methods`` if given)."""
        return any(d.kind == kind and (methods is None or d.method in methods) for d in self.devices)


def make_record(
    *,
    label: str,
    host: str | None,
    start: datetime,
    duration_s: float,
    devices: Iterable[DeviceEnergy],
    warnings: Iterable[TrackerWarning] = (),
    tracker_version: str,
    run_id: str | None,
    counts: dict[str, int] | None = None,
) -> Record:
    """Build a :class:`Record` whose ``energy_j`` is the sum of its devices (J)."""
    devices_t = tuple(devices)
    return Record(
        label=label,
        host=host,
        start=start,
        duration_s=duration_s,
        devices=devices_t,
        energy_j=math.fsum(d.energy_j for d in devices_t),
        warnings=tuple(warnings),
        tracker_version=tracker_version,
        run_id=run_id,
        counts=dict(counts or {}),
    )


def record_to_dict(record: Record) -> dict[str, Any]:
    """The JSON-ready form of a record (``start`` as ISO 8601 with its offset)."""
    out: dict[str, Any] = {
        "label": record.label,
        "host": record.host,
        "start": record.start.isoformat(),
        "duration_s": record.duration_s,
        "energy_j": record.energy_j,
        "devices": [
            {
                "device": d.device,
                "energy_j": d.energy_j,
                "method": d.method,
                "model": d.model,
                "details": d.details,
            }
            for d in record.devices
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in record.warnings],
        "tracker_version": record.tracker_version,
        "run_id": record.run_id,
    }
    if record.counts:
        out["counts"] = dict(record.counts)
    return out


def record_to_json(record: Record) -> str:
    """One JSON line (no trailing newline); NaN and infinities are refused."""
    return json.dumps(record_to_dict(record), ensure_ascii=False, allow_nan=False)


def append_record(path: str | Path, record: Record) -> None:
    """Append ``record`` as one line to the JSON Lines file at ``path`` (created if missing).

    The line is written with a single ``write`` call on a file opened for appending, so records of
    concurrent jobs do not interleave within a line on POSIX file systems.
    """
    line = record_to_json(record) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
    except OSError as err:
        raise InputError(
            Message("{path}: cannot append the record: {error}", path=str(path), error=str(err.strerror or err))
        ) from err


@cache
def _record_adapter() -> TypeAdapter[Record]:
    from pydantic import TypeAdapter

    return TypeAdapter(Record)


def read_records(path: str | Path) -> list[Record]:
    """Read every record of a JSON Lines file written by the tracker.

    Blank lines are skipped. Every bad line is reported at once, each problem naming the file,
    the line and the field; :class:`~shootprint.errors.InputError` is raised if there is any.
    """
    from pydantic import ValidationError

    _check_records_path(Path(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(
            Message("{path}: not a UTF-8 text file; expected JSON Lines written by shootprint track", path=str(path))
        ) from None
    except OSError as err:
        raise InputError(_unreadable(path, err)) from None
    adapter = _record_adapter()
    records: list[Record] = []
    problems: list[str] = []
    bad_lines = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(problems) >= MAX_PROBLEMS:
            bad_lines += 1
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(
                Message(
                    "{path}, line {line}: not a JSON object ({error}).",
                    path=str(path),
                    line=str(lineno),
                    error=_json_said(err),
                )
            )
            continue
        try:
            records.append(adapter.validate_python(obj))
        except ValidationError as err:
            for e in err.errors():
                where = ".".join(str(p) for p in e["loc"]) or "record"
                problems.append(
                    Message(
                        "{path}, line {line}, field {field}: {error}.",
                        path=str(path),
                        line=str(lineno),
                        field=where,
                        error=_said(e),
                    )
                )
    if problems:
        if bad_lines:
            problems.append(
                Message(
                    "{path}: {count} more lines not checked after {most} problems: is it a JSON Lines file written "
                    "by shootprint track?",
                    path=str(path),
                    count=count(bad_lines),
                    most=str(MAX_PROBLEMS),
                )
            )
        raise InputError(problems)
    return records


def _check_records_path(path: Path) -> None:
    """A folder, a device or a pipe is named as such (never "not found"); a huge file is refused."""
    import os
    import stat

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(Message("{path}: records file not found", path=str(path))) from None
    except OSError as err:
        raise InputError(_unreadable(path, err)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            Message(
                "{path}: is a folder; expected a records file (JSON Lines written by shootprint track)", path=str(path)
            )
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            Message("{path}: not a regular file (a device or a pipe?); expected a records file", path=str(path))
        )
    if info.st_size > MAX_RECORDS_BYTES:
        raise InputError(
            Message(
                "{path}: {size} bytes; a records file may hold at most {most}",
                path=str(path),
                size=count(info.st_size),
                most=count(MAX_RECORDS_BYTES),
            )
        )


def _unreadable(path: Path | str, err: OSError) -> Message:
    return Message("{path}: cannot read the records file: {error}", path=str(path), error=str(err.strerror or err))


def _said(error: Any) -> str:
    """A pydantic error's message in every language: the core's Message where a validator raised one,
    else pydantic's English with its French from the catalog."""
    from shootprint.problems import pydantic_said

    return pydantic_said(error)


#: the json module's error messages, as the catalog says them (its other messages stay as they are)
_JSON_ERRORS = {
    "Expecting value": N_("a value is expected"),
    "Expecting ':' delimiter": N_("a ':' is expected"),
    "Expecting ',' delimiter": N_("a ',' is expected"),
    "Extra data": N_("text after the end of the object"),
    "Unterminated string starting at": N_("a text is not closed"),
    "Expecting property name enclosed in double quotes": N_("a field name in double quotes is expected"),
    "Invalid \\escape": N_("an invalid escape (\\) in a text"),
    "Invalid control character at": N_("a control character inside a text"),
}


def _json_said(err: json.JSONDecodeError) -> str:
    """The json module's message (English) with its French from the catalog, and the column."""
    from shootprint.i18n import Spoken, gettext

    known = _JSON_ERRORS.get(err.msg)
    if known is None:
        return err.msg
    return Spoken(
        {
            "en": f"{err.msg}, column {err.colno}",
            "fr": gettext("fr", "{error}, column {column}", error=gettext("fr", known), column=err.colno),
        }
    )


#: problems reported for one records file at most (a file that is not JSON Lines has one per line)
MAX_PROBLEMS = 20
#: a records file holds a line per tracked job: 100 MB is far beyond any real one
MAX_RECORDS_BYTES = 100_000_000


def records_from_data(objects: Iterable[Any], source: str = "records") -> list[Record]:
    """Records from data (``runs.jsonl`` objects, e.g. an API body); every bad one named at once."""
    from pydantic import ValidationError

    adapter = _record_adapter()
    records: list[Record] = []
    problems: list[str] = []
    for index, obj in enumerate(objects):
        if isinstance(obj, Record):
            records.append(obj)
            continue
        try:
            records.append(adapter.validate_python(obj))
        except ValidationError as err:
            for e in err.errors():
                where = ".".join(str(p) for p in e["loc"]) or "record"
                problems.append(
                    Message(
                        "{source}[{index}], field {field}: {error}.",
                        source=source,
                        index=str(index),
                        field=where,
                        error=_said(e),
                    )
                )
    if problems:
        raise InputError(problems)
    return records


def match_records(records: Iterable[Record], label: str) -> list[Record]:
    """The records whose label is exactly ``label``, in file order (an empty list if none)."""
    return [r for r in records if r.label == label]


def validate_csv_rows(text: str, model: Any, name: str) -> tuple[list[Any], list[str]]:
    """Each row of a CSV table validated by a pydantic ``model``: (valid rows, problems).

    Every problem names the table, the line and the column, so a table is fixed in one pass.
    """
    import csv

    from pydantic import ValidationError

    rows: list[Any] = []
    problems: list[str] = []
    for lineno, raw in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            rows.append(model.model_validate(raw))
        except ValidationError as err:
            for e in err.errors():
                col = ".".join(str(p) for p in e["loc"]) or "row"
                problems.append(
                    Message(
                        "{name}, line {line}, column {column}: {error}.",
                        name=name,
                        line=str(lineno),
                        column=col,
                        error=_said(e),
                    )
                )
    return rows, problems
