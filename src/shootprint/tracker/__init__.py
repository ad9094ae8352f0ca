"""Measure the energy of a job (an AI generation, a render): it measures, it never applies factors.

::

    from shootprint.tracker import track, tracked, read_records, match_records

    with track("sdxl-batch", out="runs.jsonl") as t:
        generate()
    t.record.energy_j                      # J over every device measured

    shootprint track --label sdxl-batch --out runs.jsonl -- python generate.py

How each device is measured (the method is in every record, every fallback leaves a warning):

* NVIDIA GPUs — NVML's total-energy counter (mJ), difference of two readings (:mod:`.nvml`);
* CPU — RAPL package counters through powercap (µJ), wrap-around handled (:mod:`.rapl`), else
  ``tdp_w × utilisation × duration_s`` with ``utilisation = cpu_s / (duration_s × n_cpus)``
  (:mod:`.estimate`, TDP from ``data/cpu_tdp.csv``);
* a recorded trace of counters for tests (:mod:`.replay`); CodeCarbon CSVs
  (:mod:`.codecarbon_import`).

Importing this package imports neither numpy, pint nor pynvml (NVML loads on the first job).
"""

from shootprint.tracker.codecarbon_import import import_codecarbon_csv
from shootprint.tracker.estimate import EstimateSource
from shootprint.tracker.nvml import NvmlSource
from shootprint.tracker.rapl import RaplSource
from shootprint.tracker.records import (
    COUNTER_METHODS,
    METHODS,
    DeviceEnergy,
    Record,
    TrackerWarning,
    append_record,
    match_records,
    read_records,
)
from shootprint.tracker.replay import ReplaySource
from shootprint.tracker.sources import Measured, PowerSource, Selection, select_sources
from shootprint.tracker.tracking import TrackedFunction, Tracker, track, tracked, tracker_version

__all__ = [
    "COUNTER_METHODS",
    "METHODS",
    "DeviceEnergy",
    "EstimateSource",
    "Measured",
    "NvmlSource",
    "PowerSource",
    "RaplSource",
    "Record",
    "ReplaySource",
    "Selection",
    "TrackedFunction",
    "Tracker",
    "TrackerWarning",
    "append_record",
    "import_codecarbon_csv",
    "match_records",
    "read_records",
    "select_sources",
    "track",
    "tracked",
    "tracker_version",
]
