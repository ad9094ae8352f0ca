"""Measured AI jobs through the pages: upload runs.jsonl or a CodeCarbon CSV (each record on its
own, a re-upload counted once), link a label to an AI activity, the footprint takes the measure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from server_helpers import World, csrf_of, post, text_of, users_id

from shootprint.server.services import compute, productions, resources
from shootprint.server.services.organisations import scope

ROOT = Path(__file__).resolve().parents[2]
CODECARBON = ROOT / "tests" / "tracker" / "data" / "codecarbon_emissions.csv"


def _record(run_id: str, label: str = "hero-visuals", energy_j: float = 7.2e6) -> dict:
    return {
        "label": label, "host": "render-01", "start": "2026-11-25T18:17:39+00:00", "duration_s": 1800.0,
        "energy_j": energy_j,
        "devices": [{"device": "gpu:0", "energy_j": energy_j, "method": "nvml", "model": "L4", "details": {}}],
        "warnings": [], "tracker_version": "0.1.0", "run_id": run_id,
    }  # fmt: skip


def _jsonl() -> bytes:
    bad_schema = _record("r-3")
    bad_schema["energy_j"] = -1
    lines = [
        json.dumps(_record("r-1")),
        "{not json",
        json.dumps(_record("r-2", energy_j=3.6e6)),
        json.dumps(bad_schema),
    ]
    return ("\n".join(lines) + "\n").encode()


def _production(world: World, client) -> int:
    response = post(client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": "ai-generated"})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").split("/")[-1])


def _upload(world: World, client, pid: int, name: str, content: bytes):
    return client.post(
        f"/o/{world.org}/productions/{pid}/records",
        data={"csrf_token": csrf_of(client)},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


def _scope(world: World):
    return scope(world.db, users_id(world.db, "editor@example.org"), world.org)


def test_upload_keeps_the_good_records_names_the_bad_lines_and_counts_once(world: World):
    client = world.client("editor")
    pid = _production(world, client)
    first = _upload(world, client, pid, "runs.jsonl", _jsonl())
    assert first.status_code == 200, first.text
    text = text_of(first.text)
    assert "2 records added, 0 already there, 2 refused." in text
    assert "line 2: runs.jsonl: not JSON" in text
    assert "line 4: runs.jsonl:" in text and "energy_j" in text
    again = _upload(world, client, pid, "runs.jsonl", _jsonl())
    assert "0 records added, 2 already there, 2 refused." in text_of(again.text)
    _, count, energy_j, _ = resources.records(world.db, _scope(world), pid)
    assert count == 2 and energy_j == pytest.approx(7.2e6 + 3.6e6)
    row = again.text.split('id="measured-records"')[1].split("</table>")[0]
    assert "<td>hero-visuals</td>" in row and '<td class="num">2</td>' in row  # two records of the label
    assert '<td class="num">3.00</td>' in row and "not linked" in row  # 7.2 MJ + 3.6 MJ = 3 kWh


def test_codecarbon_csv_upload_counts_once(world: World):
    client = world.client("editor")
    pid = _production(world, client)
    first = _upload(world, client, pid, "emissions.csv", CODECARBON.read_bytes())
    assert first.status_code == 200, first.text
    _, count, _, _ = resources.records(world.db, _scope(world), pid)
    assert count >= 1
    assert f"{count} records added, 0 already there" in text_of(first.text)
    again = _upload(world, client, pid, "emissions.csv", CODECARBON.read_bytes())
    assert f"0 records added, {count} already there" in text_of(again.text)
    assert resources.records(world.db, _scope(world), pid)[1] == count


def test_link_makes_the_footprint_use_the_measured_energy(world: World):
    client = world.client("editor")
    pid = _production(world, client)
    assert _upload(world, client, pid, "runs.jsonl", _jsonl()).status_code == 200
    estimated = productions.footprint(world.db, _scope(world), pid)
    linked = post(
        client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "key-visuals", "label": "hero-visuals"}
    )
    assert linked.status_code == 303, linked.text
    _, rev = productions.get(world.db, _scope(world), pid)
    assert next(a for a in rev.document["activities"] if a["id"] == "key-visuals")["measured"] == "hero-visuals"
    objects = resources.record_objects(world.db, _scope(world), pid)
    expected = compute.estimate(rev.document, records=objects)
    line = next(x for x in expected["lines"] if x["activity_id"] == "key-visuals")
    assert line["quantity_status"] == "measured"
    assert expected["total_kgco2e"] != pytest.approx(estimated["total_kgco2e"])
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert f"{expected['total_kgco2e']:,.0f}" in page.text
    assert 'class="badge">measured<' in page.text
    # unlink: back to the estimate
    post(client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "key-visuals", "label": ""})
    _, rev = productions.get(world.db, _scope(world), pid)
    assert "measured" not in next(a for a in rev.document["activities"] if a["id"] == "key-visuals")


def test_bad_uploads_and_links_are_refused_with_the_reason(world: World):
    client = world.client("editor")
    pid = _production(world, client)
    big = _upload(world, client, pid, "runs.jsonl", b"{" * 5_000_001)
    assert big.status_code == 422 and "larger than 5 MB" in big.text
    binary = _upload(world, client, pid, "runs.jsonl", b"\xff\xfe\x00")
    assert binary.status_code == 422 and "not a UTF-8 text file" in binary.text
    _upload(world, client, pid, "runs.jsonl", _jsonl())
    not_ai = post(
        client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "edit", "label": "hero-visuals"}
    )
    assert not_ai.status_code == 422 and "not an AI activity" in not_ai.text
    no_label = post(client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "key-visuals", "label": "x"})
    assert no_label.status_code == 422 and "no record labelled" in no_label.text


def test_viewers_see_the_records_but_cannot_upload(world: World):
    editor = world.client("editor")
    pid = _production(world, editor)
    _upload(world, editor, pid, "runs.jsonl", _jsonl())
    viewer = world.client("viewer")
    page = viewer.get(f"/o/{world.org}/productions/{pid}")
    assert "hero-visuals" in page.text and 'name="file"' not in page.text
    assert _upload(world, viewer, pid, "runs.jsonl", _jsonl()).status_code == 403


def _linked(world: World, client) -> tuple[int, float, float]:
    """A production whose AI activity is measured by uploaded records: (id, its total with the
    records, its total from the estimate alone)."""
    pid = _production(world, client)
    assert _upload(world, client, pid, "runs.jsonl", _jsonl()).status_code == 200
    estimated = productions.footprint(world.db, _scope(world), pid)["total_kgco2e"]
    linked = post(
        client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "key-visuals", "label": "hero-visuals"}
    )
    assert linked.status_code == 303, linked.text
    _, rev = productions.get(world.db, _scope(world), pid)
    objects = resources.record_objects(world.db, _scope(world), pid)
    measured = compute.estimate(rev.document, records=objects)["total_kgco2e"]
    assert measured != pytest.approx(estimated, rel=1e-3)
    return pid, measured, estimated


def test_every_total_of_a_production_counts_its_measured_records(world: World):
    """The production page, the list, the dashboard and its CSV, the CSV export and the report all
    show the same total: the one with the measured records."""
    from shootprint.report.document import number

    client = world.client("editor")
    pid, measured, estimated = _linked(world, client)
    shown = number(measured, "en")
    assert shown != number(estimated, "en")
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert f'id="total">{shown} kg CO2e' in page.text
    listing = client.get(f"/o/{world.org}/productions")
    row = listing.text.split(f'/productions/{pid}"')[1].split("</tr>")[0]
    assert f'<td class="num">{shown}</td>' in row
    assert productions.listing(world.db, _scope(world))[0].total_kgco2e == pytest.approx(measured)
    board = client.get(f"/o/{world.org}/dashboard?version=forecast")
    assert board.status_code == 200 and shown in board.text
    lines = client.get(f"/o/{world.org}/dashboard.csv?version=forecast").text.splitlines()
    header = lines[0].split(",")
    kg = [float(line.split(",")[header.index("kgco2e")]) for line in lines[1:]]
    assert sum(kg) == pytest.approx(measured, rel=1e-9)
    export = client.get(f"/o/{world.org}/productions/{pid}/download?format=csv")
    assert export.status_code == 200
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(export.text)))
    column = next(c for c in rows[0] if c.startswith("emissions_kgco2e") or c == "kgco2e")
    assert sum(float(r[column]) for r in rows if r[column]) == pytest.approx(measured, rel=1e-6)
    report = client.get(f"/o/{world.org}/productions/{pid}/download?format=html&lang=en")
    assert report.status_code == 200 and shown in report.text and number(estimated, "en") not in report.text


def test_the_comparison_and_the_share_link_count_the_measured_records(world: World):
    from shootprint.report.document import number
    from shootprint.server.services import decisions, shares

    client = world.client("editor")
    pid, measured, _ = _linked(world, client)
    other = _production(world, client)
    _, result = decisions.comparison(world.db, _scope(world), [pid, other], samples=200, seed=0, threads=1)
    assert result["scenarios"][0]["total_kgco2e"] == pytest.approx(measured)
    compared = client.get(f"/o/{world.org}/compare?p={pid}&p={other}&samples=200")
    assert compared.status_code == 200 and number(measured, "en") in compared.text
    token = shares.create(world.db, _scope(world), [pid])
    shared = world.client().get(f"/s/{token}")
    assert f"{number(measured, 'en')} kg CO2e" in shared.text
