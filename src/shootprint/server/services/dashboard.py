"""An organisation's year: totals by year and quarter, client, way of making, category and GHG
Protocol scope 3 category; intensity per deliverable and the AI share. Forecasts and finals are
never added together: a dashboard shows one version.

A production is dated by its creation in the application (a production file has no date of its
own). Every line carries the GHG Protocol scope 3 category of its activity type, from the mapping
``server/data/ghg_scope3.csv`` (type, category, reason), so the year exports by category for a
client's or the organisation's own inventory.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from shootprint.i18n import N_, Message
from shootprint.server.services import productions
from shootprint.server.services.errors import Invalid
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database

#: GHG Protocol Corporate Value Chain (Scope 3) Standard, the categories a production's lines fall in
SCOPE3_NAMES = {
    1: N_("Purchased goods and services"),
    2: N_("Capital goods"),
    3: N_("Fuel- and energy-related activities"),
    4: N_("Upstream transportation and distribution"),
    5: N_("Waste generated in operations"),
    6: N_("Business travel"),
}
VERSIONS = ("final", "forecast")


@cache
def scope3_mapping() -> dict[str, tuple[int, str]]:
    """Activity type → (scope 3 category, reason), from the shipped mapping."""
    text = resources.files("shootprint.server").joinpath("data/ghg_scope3.csv").read_text(encoding="utf-8")
    return {
        row["activity_type"]: (int(row["scope3_category"]), row["reason"]) for row in csv.DictReader(io.StringIO(text))
    }


@dataclass
class ProductionYear:
    id: int
    name: str
    client: str
    way: str
    year: int
    quarter: int
    total_kgco2e: float
    still_images: float
    film_seconds: float
    ai_kgco2e: float


@dataclass
class Dashboard:
    version: str
    year: int | None
    years: list[int]
    items: list[ProductionYear] = field(default_factory=list)
    by_quarter: dict[str, float] = field(default_factory=dict)
    by_client: dict[str, float] = field(default_factory=dict)
    by_way: dict[str, float] = field(default_factory=dict)
    by_category: dict[str, float] = field(default_factory=dict)
    by_scope3: dict[int, float] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def total_kgco2e(self) -> float:
        return sum(i.total_kgco2e for i in self.items)

    @property
    def ai_share(self) -> float | None:
        total = self.total_kgco2e
        return sum(i.ai_kgco2e for i in self.items) / total if total > 0 else None

    def per(self, what: str) -> float | None:
        """kg CO2e per still image or per film second, over the productions that deliver them."""
        chosen = [i for i in self.items if getattr(i, what) > 0]
        count = sum(getattr(i, what) for i in chosen)
        return sum(i.total_kgco2e for i in chosen) / count if count else None


def build(db: Database, sc: Scope, *, version: str = "final", year: int | None = None) -> Dashboard:
    if version not in VERSIONS:
        raise Invalid(N_("Version: final or forecast."))
    summaries = [s for s in productions.listing(db, sc, version=version, with_totals=False) if s.created_at]
    years = sorted({s.created_at.year for s in summaries if s.created_at}, reverse=True)
    chosen = [s for s in summaries if year is None or (s.created_at and s.created_at.year == year)]
    board = Dashboard(version, year, years)
    mapping = scope3_mapping()
    sums: dict[str, dict[Any, float]] = {k: defaultdict(float) for k in ("q", "client", "way", "cat", "s3")}
    documents = productions.documents(db, sc, [s.id for s in chosen]) if chosen else []
    over = productions.overrides(db, sc)
    digests = productions.records_digests(db, sc, [s.id for s in chosen])
    for summary, document in zip(chosen, documents, strict=True):
        assert summary.created_at is not None
        try:
            fp = productions.footprint_of(db, sc, document, over, pid=summary.id, digest=digests.get(summary.id, ""))
        except Invalid as exc:
            board.problems.append(
                Message("{name}: {problem}", name=summary.name, problem=(exc.problems or [exc.message])[0])
            )
            continue
        created = summary.created_at
        quarter = (created.month - 1) // 3 + 1
        deliverables = document.get("deliverables") or {}
        types = {str(a.get("id")): str(a.get("type")) for a in document.get("activities") or [] if isinstance(a, dict)}
        item = ProductionYear(
            summary.id,
            summary.name,
            summary.client or "",
            summary.way,
            created.year,
            quarter,
            float(fp["total_kgco2e"]),
            float(deliverables.get("still_images") or 0),
            float(deliverables.get("film_seconds") or 0),
            float(fp.get("by_category", {}).get("ai", 0.0)),
        )
        board.items.append(item)
        sums["q"][f"{created.year} Q{quarter}"] += item.total_kgco2e
        sums["client"][item.client or "—"] += item.total_kgco2e
        sums["way"][item.way] += item.total_kgco2e
        for line in fp.get("lines", []):
            kg = float(line.get("emissions_kgco2e") or 0.0)
            activity_type = types.get(str(line.get("activity_id")), "")
            scope3, reason = mapping.get(activity_type, (0, "not mapped"))
            sums["cat"][str(line.get("category"))] += kg
            sums["s3"][scope3] += kg
            board.lines.append(
                {
                    "year": created.year,
                    "quarter": quarter,
                    "production": summary.name,
                    "client": item.client,
                    "way": item.way,
                    "version": version,
                    "activity": line.get("activity_id"),
                    "activity_type": activity_type,
                    "category": line.get("category"),
                    "stage": line.get("stage"),
                    "scope3_category": scope3,
                    "scope3_name": SCOPE3_NAMES.get(scope3, "not mapped"),
                    "scope3_reason": reason,
                    "factor": line.get("factor_id"),
                    "source": line.get("source"),
                    "kgco2e": kg,
                }
            )
    board.by_quarter = dict(sorted(sums["q"].items()))
    board.by_client = dict(sorted(sums["client"].items(), key=lambda kv: -kv[1]))
    board.by_way = dict(sorted(sums["way"].items(), key=lambda kv: -kv[1]))
    board.by_category = dict(sorted(sums["cat"].items(), key=lambda kv: -kv[1]))
    board.by_scope3 = dict(sorted(sums["s3"].items()))
    return board


CSV_COLUMNS = (
    "year",
    "quarter",
    "production",
    "client",
    "way",
    "version",
    "activity",
    "activity_type",
    "category",
    "stage",
    "scope3_category",
    "scope3_name",
    "scope3_reason",
    "factor",
    "source",
    "kgco2e",
)


def lines_csv(board: Dashboard) -> str:
    """Every line of the dashboard's productions with its GHG Protocol scope 3 category."""
    from shootprint.cells import spreadsheet_safe

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in board.lines:
        writer.writerow([spreadsheet_safe(line[c]) if isinstance(line[c], str) else line[c] for c in CSV_COLUMNS])
    return out.getvalue()
