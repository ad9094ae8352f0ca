"""The organisation's year: totals by period, client and way, scope 3 categories, the CSV."""

from __future__ import annotations

import csv
import io

from server_helpers import World, users_id

from shootprint.categories import registry
from shootprint.server.services import compute, dashboard, organisations, productions


def test_every_activity_type_has_a_scope3_category_with_a_reason():
    mapping = dashboard.scope3_mapping()
    assert set(mapping) == set(registry())
    for type_name, (category, reason) in mapping.items():
        assert category in dashboard.SCOPE3_NAMES and reason.strip(), type_name


def test_dashboard_keeps_forecast_and_final_apart_and_exports_by_scope3(world: World):
    sc = organisations.scope(world.db, users_id(world.db, "editor@example.org"), world.org)
    studio = productions.create(world.db, sc, productions.reference_document("studio-paris"))
    productions.create(world.db, sc, productions.reference_document("ai-generated"))
    final = productions.make_final(world.db, sc, studio)
    assert final
    client = world.client("viewer")
    forecast_total = sum(
        compute.estimate(productions.reference_document(k))["total_kgco2e"] for k in ("studio-paris", "ai-generated")
    )
    page = client.get(f"/o/{world.org}/dashboard?version=forecast")
    assert page.status_code == 200
    assert f"{forecast_total:,.0f} kg CO2e" in page.text
    assert "Business travel" in page.text and "Purchased goods and services" in page.text
    final_page = client.get(f"/o/{world.org}/dashboard")
    studio_total = compute.estimate(productions.reference_document("studio-paris"))["total_kgco2e"]
    assert f'id="dash-total">{studio_total:,.0f} kg CO2e' in final_page.text  # the final only
    exported = client.get(f"/o/{world.org}/dashboard.csv?version=forecast")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert abs(sum(float(r["kgco2e"]) for r in rows) - forecast_total) < 1e-6 * forecast_total
    waste = [r for r in rows if r["activity_type"] == "waste"]
    assert waste and all(r["scope3_category"] == "5" for r in waste)
    assert client.get(f"/o/{world.org}/dashboard?version=draft").status_code == 422
