"""Factors in the browser: search, detail, organisation overrides applied and marked in results."""

from __future__ import annotations

from server_helpers import World, post, users_id

from shootprint.server.services import compute, organisations, productions

STUDIO_FACTOR = "energy.studio.large.kwh_per_day"
#: a row the reference studio uses (its energy is computed from the floor area, not the per-day lump)
STUDIO_AREA = "energy.studio.large.area_m2"


def test_search_and_detail(world: World):
    client = world.client("viewer")
    page = client.get(f"/o/{world.org}/factors?q=studio")
    assert page.status_code == 200 and STUDIO_FACTOR in page.text
    detail = client.get(f"/o/{world.org}/factors/detail?id={STUDIO_FACTOR}")
    assert detail.status_code == 200 and "shootprint judgement" in detail.text  # its source
    assert client.get(f"/o/{world.org}/factors/detail?id=no.such.factor").status_code == 422


def test_an_owner_overrides_a_factor_and_results_mark_it(world: World):
    owner = world.client("owner")
    sc = organisations.scope(world.db, users_id(world.db, "owner@example.org"), world.org)
    pid = productions.create(world.db, sc, productions.reference_document("studio-paris"))
    before = productions.footprint(world.db, sc, pid)["total_kgco2e"]
    form = {
        "factor_id": STUDIO_AREA,
        "value": "1000",
        "unit": "m2",
        "uncertainty_pct": "10",
        "source": "studio floor plan, 2025",
        "reason": "the floor area of the stage we hire",
    }
    bad = post(owner, f"/o/{world.org}/factors/overrides", {**form, "value": "lots"})
    assert bad.status_code == 422 and "value: expected a number" in bad.text and 'value="studio floor plan' in bad.text
    wrong_unit = post(owner, f"/o/{world.org}/factors/overrides", {**form, "unit": "kg"})
    assert wrong_unit.status_code == 422
    assert post(owner, f"/o/{world.org}/factors/overrides", form).status_code == 303
    listing = owner.get(f"/o/{world.org}/factors")
    assert "studio floor plan, 2025" in listing.text and "Owner" in listing.text
    after = productions.footprint(world.db, sc, pid)
    expected = compute.estimate(
        productions.reference_document("studio-paris"),
        [compute.Override(STUDIO_AREA, 1000.0, "m2", 10.0, form["source"], form["reason"])],
    )
    assert after["total_kgco2e"] == expected["total_kgco2e"] != before
    page = owner.get(f"/o/{world.org}/productions/{pid}")
    assert "badge override" in page.text
    editor = world.client("editor")
    assert post(editor, f"/o/{world.org}/factors/overrides", form).status_code == 403
    oid = listing.text.split("/factors/overrides/")[1].split("/")[0]
    assert post(owner, f"/o/{world.org}/factors/overrides/{oid}/delete").status_code == 303
    assert productions.footprint(world.db, sc, pid)["total_kgco2e"] == before
