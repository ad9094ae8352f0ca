"""Measured AI jobs through the pages: upload runs.jsonl or a CodeCarbon CSV (each record on its
own, a re-upload counted once), link a label to an AI activity, the footprint takes the measure."""

from __future__ import annotations

import json
import re
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


def _batch_ids(page: str) -> list[str]:
    import re

    return re.findall(r"/records/batches/(\d+)/trash", page)


def test_an_editor_deletes_a_batch_to_the_trash_and_restores_it(world: World):
    """A batch deleted stops counting in the footprint and every total, shows in the trash, comes
    back on restore; both are in the audit log."""
    import sqlalchemy as sa

    from shootprint.server.store.models import AuditEvent

    editor = world.client("editor")
    pid, measured, _ = _linked(world, editor)
    extra = [json.dumps(_record("r-9", label="retouch", energy_j=1.8e6))]
    assert _upload(world, editor, pid, "later.jsonl", ("\n".join(extra) + "\n").encode()).status_code == 200
    page = editor.get(f"/o/{world.org}/productions/{pid}")
    batches = page.text.split('id="record-batches"')[1].split("</table>")[0]
    assert "runs.jsonl" in batches and "later.jsonl" in batches and "Editor" in batches
    later, first = _batch_ids(page.text)  # newest first
    assert productions.footprint(world.db, _scope(world), pid)["total_kgco2e"] == pytest.approx(measured)
    # the batch that holds no linked label: the total stays, the records are gone from the count
    gone = post(editor, f"/o/{world.org}/productions/{pid}/records/batches/{later}/trash")
    assert gone.status_code == 303
    assert resources.records(world.db, _scope(world), pid)[1] == 2
    # the linked batch: the footprint no longer has its measure (a problem says so), the list neither
    assert post(editor, f"/o/{world.org}/productions/{pid}/records/batches/{first}/trash").status_code == 303
    assert resources.records(world.db, _scope(world), pid)[1] == 0
    page = editor.get(f"/o/{world.org}/productions/{pid}")
    assert "no tracker record labelled" in page.text and 'id="record-batches"' not in page.text
    trash = editor.get(f"/o/{world.org}/trash")
    rows = trash.text.split('id="trashed-records"')[1].split("</table>")[0]
    assert "runs.jsonl" in rows and "later.jsonl" in rows and "Generated with AI" in rows
    # restore: the measure counts again, everywhere
    assert post(editor, f"/o/{world.org}/trash/records/{first}/restore").status_code == 303
    assert resources.records(world.db, _scope(world), pid)[1] == 2
    page = editor.get(f"/o/{world.org}/productions/{pid}")
    from shootprint.report.document import number

    assert f'id="total">{number(measured, "en")} kg CO2e' in page.text
    assert productions.listing(world.db, _scope(world))[0].total_kgco2e == pytest.approx(measured)
    assert "later.jsonl" in editor.get(f"/o/{world.org}/trash").text.split('id="trashed-records"')[1]
    with world.db.transaction() as s:
        actions = [
            (a, t, d.get("batch"))
            for a, t, d in s.execute(sa.select(AuditEvent.action, AuditEvent.target, AuditEvent.detail))
        ]
    assert ("records.trash", str(pid), int(later)) in actions and ("records.trash", str(pid), int(first)) in actions
    assert ("records.restore", str(pid), int(first)) in actions
    # uploading the records of a deleted batch again: they count again, in the new batch
    again = _upload(world, editor, pid, "later.jsonl", ("\n".join(extra) + "\n").encode())
    assert "1 records added, 0 already there" in text_of(again.text)
    assert resources.records(world.db, _scope(world), pid)[1] == 3


@pytest.mark.parametrize("role", ["viewer", "editor", "owner", "outsider", None])
def test_who_may_delete_and_restore_a_batch(world: World, role: str | None):
    """Editors and owners delete and restore; a viewer, another organisation and a visitor signed
    out cannot, and nothing changes."""
    editor = world.client("editor")
    pid = _production(world, editor)
    _upload(world, editor, pid, "runs.jsonl", _jsonl())
    _upload(world, editor, pid, "more.jsonl", (json.dumps(_record("r-7")) + "\n").encode())
    more, first = _batch_ids(editor.get(f"/o/{world.org}/productions/{pid}").text)
    assert post(editor, f"/o/{world.org}/productions/{pid}/records/batches/{more}/trash").status_code == 303
    client = world.client(role)
    trash = post(client, f"/o/{world.org}/productions/{pid}/records/batches/{first}/trash")
    restore = post(client, f"/o/{world.org}/trash/records/{more}/restore")
    count = resources.records(world.db, _scope(world), pid)[1]
    if role in ("editor", "owner"):
        assert trash.status_code == 303 and restore.status_code == 303
        assert count == 1  # the first batch (2 records) in the trash, the other (1) back
    else:
        want = {"viewer": 403, "outsider": 404, None: 303}[role]
        assert trash.status_code == want and restore.status_code == want
        if role is None:
            assert trash.headers["location"].startswith("/signin")
        assert count == 2  # nothing changed
    viewer_page = world.client("viewer").get(f"/o/{world.org}/productions/{pid}")
    assert "/records/batches/" not in viewer_page.text  # no delete button for a viewer


def test_a_production_fed_batch_by_batch_shows_its_batches_a_page_at_a_time(world: World):
    """As ``shootprint track --push`` feeds it: one batch per job. The page lists the 20 newest with
    how many there are in all, and links (plain links, no script) to the older ones."""
    editor = world.client("editor")
    pid = _production(world, editor)
    sc = _scope(world)
    for i in range(45):
        resources.ingest(
            world.db, sc, pid, key=f"push-{i}", req_hash=f"h{i}",
            validated=resources.validate_records([_record(f"job-{i}", label=f"job-{i:02d}")]), token_id=None,
        )  # fmt: skip
    url = f"/o/{world.org}/productions/{pid}"

    def shown(page: str) -> list[str]:
        table = page.split('id="record-batches"')[1].split("</table>")[0]
        return re.findall(r"<td>(job-\d\d)</td>", table)

    first = editor.get(url)
    assert first.status_code == 200
    assert shown(first.text) == [f"job-{i:02d}" for i in range(44, 24, -1)]  # the 20 newest, newest first
    assert len(_batch_ids(first.text)) == 20
    count = text_of(first.text.split('id="batches-count"')[1].split("</p>")[0])
    assert "1–20 of 45" in count
    nav = first.text.split('id="batch-pages"')[1].split("</nav>")[0]
    assert f'href="{url}?batches=2#batches-h"' in nav and f'href="{url}?batches=3#batches-h"' in nav
    assert "?batches=1" not in nav  # no way to newer ones from the newest

    second = editor.get(url + "?batches=2")
    assert shown(second.text) == [f"job-{i:02d}" for i in range(24, 4, -1)]
    nav = second.text.split('id="batch-pages"')[1].split("</nav>")[0]
    assert f"{url}?batches=1#" in nav and f"{url}?batches=3#" in nav
    last = editor.get(url + "?batches=3")
    assert shown(last.text) == [f"job-{i:02d}" for i in range(4, -1, -1)]
    assert "41–45 of 45" in text_of(last.text.split('id="batches-count"')[1].split("</p>")[0])
    assert shown(editor.get(url + "?batches=99").text) == shown(last.text)  # past the end: the last page
    assert shown(editor.get(url + "?batches=x").text) == shown(first.text)  # not a number: the first

    # the batch a click deletes leaves the count, and a few batches need no pages
    newest = _batch_ids(first.text)[0]
    assert post(editor, f"{url}/records/batches/{newest}/trash").status_code == 303
    assert "1–20 of 44" in text_of(editor.get(url).text)
    other = _production(world, editor)
    for name in ("a.jsonl", "b.jsonl", "c.jsonl"):
        assert _upload(world, editor, other, name, json.dumps(_record(name)).encode()).status_code == 200
    few = editor.get(f"/o/{world.org}/productions/{other}")
    assert len(_batch_ids(few.text)) == 3
    assert 'id="batches-count"' not in few.text and 'id="batch-pages"' not in few.text
