"""docs/web.md: the examples of measured records it shows are uploaded through the page and sent to
the REST API as the page shows them, and the answers are the ones it quotes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from server_helpers import World, csrf_of, post, text_of, users_id

from shootprint.server.services import organisations, productions, record_uploads, resources, tokens

PAGE = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def _block(kind: str) -> str:
    """The fenced block of the page whose info string is ``kind`` (indentation removed)."""
    found = re.search(rf"^( *)```{re.escape(kind)}\n(.*?)^\1```", PAGE.read_text(encoding="utf-8"), re.S | re.M)
    assert found, f"docs/web.md has no ```{kind} block"
    indent = len(found.group(1))
    return "\n".join(line[indent:] for line in found.group(2).splitlines())


def _production(world: World, client) -> int:
    response = post(client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": "ai-generated"})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").split("/")[-1])


def test_the_documented_upload_and_link_do_what_the_page_says(world: World):
    client = world.client("editor")
    pid = _production(world, client)
    runs = _block("json runs.jsonl")
    assert len(runs.splitlines()) == 2
    answer = client.post(
        f"/o/{world.org}/productions/{pid}/records",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("runs.jsonl", (runs + "\n").encode(), "application/octet-stream")},
    )
    assert answer.status_code == 200
    assert _block("text").strip() in text_of(answer.text)
    again = client.post(
        f"/o/{world.org}/productions/{pid}/records",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("runs.jsonl", (runs + "\n").encode(), "application/octet-stream")},
    )
    assert "0 records added, 2 already there, 0 refused." in text_of(again.text)  # "adds nothing"
    kwh = sum(json.loads(line)["energy_j"] for line in runs.splitlines()) / 3.6e6
    assert kwh == 0.75  # "0.5 kWh and 0.25 kWh"
    linked = post(
        client, f"/o/{world.org}/productions/{pid}/records/link", {"activity": "key-visuals", "label": "hero-visuals"}
    )
    assert linked.status_code == 303
    page = client.get(f"/o/{world.org}/productions/{pid}")
    assert 'class="badge">measured<' in page.text and "Received in" in page.text


def test_the_documented_api_request_gets_the_documented_answer(world: World):
    owner = organisations.scope(world.db, users_id(world.db, "owner@example.org"), world.org)
    pid = productions.create(world.db, owner, productions.reference_document("ai-generated"))
    _, secret = tokens.create(world.db, owner, "render farm", ["records"])
    head, body = _block("http").split("\n\n", 1)
    request_line, *header_lines = head.splitlines()
    method, path = request_line.split()
    headers = dict(line.split(": ", 1) for line in header_lines)
    assert method == "POST" and path == "/api/v1/productions/12/records"
    headers["Authorization"] = f"Bearer {secret}"  # the page's "sp_…" stands for a real token
    client = world.client()
    response = client.post(path.replace("/12/", f"/{pid}/"), content=body.encode(), headers=headers)
    assert response.status_code == 200, response.text
    documented = json.loads(_block("json answer"))
    batch_id = response.json()["batch_id"]  # the page's 7 stands for the id the database gives
    assert isinstance(batch_id, int) and documented["batch_id"] == 7
    assert response.json() == {**documented, "batch_id": batch_id}
    assert [b.id for b in record_uploads.batches(world.db, owner, pid)] == [batch_id]
    retry = client.post(path.replace("/12/", f"/{pid}/"), content=body.encode(), headers=headers)
    assert retry.json() == response.json() and retry.headers.get("idempotent-replayed") == "true"
    assert resources.records(world.db, owner, pid)[1] == 1  # "a retry never counts it twice"

    assert [b.source for b in record_uploads.batches(world.db, owner, pid)] == ["REST API"]
