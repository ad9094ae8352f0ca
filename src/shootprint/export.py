"""Export every factor the package knows (ADEME elements included) as CSV or JSON."""

from __future__ import annotations

import csv
import json
from typing import IO

from shootprint.factors import FactorTable
from shootprint.output import cell_text

EXPORT_COLUMNS = (
    "id",
    "factor_set",
    "value",
    "unit",
    "uncertainty_pct",
    "uncertainty_kind",
    "low",
    "high",
    "uncertainty_reason",
    "source",
    "source_id",
    "source_url",
    "year",
    "region",
    "status",
    "licence",
    "kind",
    "alias_of",
    "category",
    "name_en",
    "name_fr",
    "notes",
)


def export_factors(table: FactorTable, fmt: str, stream: IO[str]) -> int:
    """Write every row; returns how many were written."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in table.iter_rows():
            data = row.as_dict()
            writer.writerow({k: ("" if data[k] is None else cell_text(data[k])) for k in EXPORT_COLUMNS})
            count += 1
        return count
    stream.write("[\n")
    for row in table.iter_rows():
        data = row.as_dict()
        stream.write(
            ("" if count == 0 else ",\n") + json.dumps({k: data[k] for k in EXPORT_COLUMNS}, ensure_ascii=False)
        )
        count += 1
    stream.write("\n]\n")
    return count
