"""Nothing acknowledged is lost or overwritten: two editors saving the same production, writes that fail
half-way, and the audit log owners read and export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")

from ops_helpers import World, post, text_of  # noqa: E402

from shootprint.server.services import Conflict, productions  # noqa: E402
from shootprint.server.store.models import AuditEvent, Revision  # noqa: E402


def yaml_of(client: Any, world: World, pid: int) -> tuple[str, str]:
    """The YAML page's document and the revision it starts from, as the editor's browser has them."""
    page = client.get(f"/o/{world.org}/productions/{pid}/yaml")
    assert page.status_code == 200
    base = re.search(r'name="base_revision" value="(\d+)"', page.text)
    text = re.search(r'<textarea[^>]*name="document"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert base and text, page.text[:2000]
    import html

    return html.unescape(text.group(1)), base.group(1)


def with_client(text: str, client: str) -> str:
    changed = re.sub(r"^client: .*$", f"client: {client}", text, count=1, flags=re.M)
    assert changed != text
    return changed


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(world: World) -> None:
    pid = world.production("editor")
    first, second = world.client("editor"), world.client("editor2")
    text_a, base_a = yaml_of(first, world, pid)
    text_b, base_b = yaml_of(second, world, pid)
    assert base_a == base_b == "1"

    saved = post(
        first,
        f"/o/{world.org}/productions/{pid}/yaml",
        {"document": with_client(text_a, "Alpha"), "base_revision": base_a},
    )
    assert saved.status_code == 303
    late = post(
        second,
        f"/o/{world.org}/productions/{pid}/yaml",
        {"document": with_client(text_b, "Beta"), "base_revision": base_b},
    )
    assert late.status_code == 409
    assert "Someone saved this production meanwhile" in text_of(late.text)
    assert "client: Beta" in text_of(late.text)  # the second editor's text is kept on the page, not lost

    sc = world.scope("editor")
    revisions = productions.revisions(world.db, sc, pid)
    assert [r.number for r in revisions] == [2, 1]
    assert revisions[0].document["client"] == "Alpha"

    # the second editor reopens the page, redoes the change on revision 2: saved as revision 3
    text_b, base_b = yaml_of(second, world, pid)
    assert base_b == "2"
    again = post(
        second,
        f"/o/{world.org}/productions/{pid}/yaml",
        {"document": with_client(text_b, "Beta"), "base_revision": base_b},
    )
    assert again.status_code == 303
    assert [r.document.get("client") for r in productions.revisions(world.db, sc, pid)] == [
        "Beta",
        "Alpha",
        "Cosmetics brand (reference campaign)",
    ]


def test_concurrent_saves_on_one_revision_one_wins_the_others_conflict(world: World) -> None:
    """Many saves all starting from revision 1, from threads: exactly one is stored as revision 2."""
    from concurrent.futures import ThreadPoolExecutor

    pid = world.production("editor")
    sc = world.scope("editor")
    doc = productions.documents(world.db, sc, [pid])[0]

    def save(i: int) -> str:
        try:
            productions.save(world.db, sc, pid, {**doc, "client": f"client {i}"}, base_revision=1)
            return "saved"
        except Conflict:  # never a database error: the loser of a race is told, as the second editor is
            return "conflict"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(save, range(8)))
    assert outcomes.count("saved") == 1, outcomes

    # without a base revision ("save over whatever is there"), concurrent saves all land, one after another
    def save_over(i: int) -> int:
        return productions.save(world.db, sc, pid, {**doc, "client": f"over {i}"}, base_revision=None)

    with ThreadPoolExecutor(8) as pool:
        numbers_saved = sorted(pool.map(save_over, range(8)))
    assert numbers_saved == list(range(3, 11))
    with world.db.transaction() as s:
        numbers = sorted(s.scalars(sa.select(Revision.number).where(Revision.production_id == pid)))
    assert numbers == list(range(1, 11))


def test_a_write_that_fails_half_way_leaves_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save is one transaction: when its audit line cannot be written, the revision is not stored either."""
    from shootprint.server.services import audit

    pid = world.production("editor")
    sc = world.scope("editor")
    doc = productions.documents(world.db, sc, [pid])[0]
    with world.db.transaction() as s:
        events = s.scalar(sa.select(sa.func.count()).select_from(AuditEvent))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        productions.save(world.db, sc, pid, {**doc, "client": "lost"}, base_revision=1)
    monkeypatch.undo()
    summary, latest = productions.get(world.db, sc, pid)
    assert summary.revision == 1 and latest.number == 1 and latest.document["client"] != "lost"
    with world.db.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_owners_read_and_export_the_audit_log(world: World) -> None:
    pid = world.production("editor")
    editor = world.client("editor")
    post(editor, f"/o/{world.org}/productions/{pid}/trash")
    owner = world.client("owner")
    page = owner.get(f"/o/{world.org}/audit")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "production.trash" in text and "editor@example.org" in text and "production.create" in text
    assert "invite.accept" in text

    export = owner.get(f"/o/{world.org}/audit.csv")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert list(rows[0])[:6] == ["id", "time_utc", "who", "action", "target", "detail"]  # columns only grow
    assert list(rows[0])[6:] == ["via", "via_id", "via_name"]
    assert {"who": "editor@example.org", "action": "production.trash", "target": str(pid)}.items() <= next(
        r for r in rows if r["action"] == "production.trash"
    ).items()
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)

    # only this organisation's events, and only for owners
    with world.db.transaction() as s:
        org_id = world.scope().org_id
        theirs = s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.org_id != org_id))
    assert theirs
    assert len(rows) == len([r for r in rows if r["action"]])  # no other organisation's line slipped in
    for who in ("editor", "viewer"):
        assert world.client(who).get(f"/o/{world.org}/audit.csv").status_code == 403
    assert world.client("outsider").get(f"/o/{world.org}/audit").status_code == 404


def test_the_audit_export_cannot_run_a_formula(world: World) -> None:
    sc = world.scope("owner")
    doc = productions.reference_document("studio-paris")
    productions.create(world.db, sc, {**doc, "name": '=HYPERLINK("http://evil.example","x")'})
    from shootprint.server.services import audit

    with world.db.transaction() as s:
        audit.record(s, "test.formula", user_id=None, org_id=sc.org_id, target="=1+1", note="@SUM(A1)")
    rows = list(csv.DictReader(io.StringIO(world.client("owner").get(f"/o/{world.org}/audit.csv").text)))
    line = next(r for r in rows if r["action"] == "test.formula")
    assert line["target"] == "'=1+1"
    assert not line["detail"].startswith(("=", "+", "-", "@"))


def test_each_audit_line_says_which_session_or_token_it_came_through(world: World) -> None:
    """Who, what, when, and through which web session (its public id, never the cookie nor what the
    database keys sessions by) or API token (its id and name), on the page and in the CSV."""
    from shootprint.server import security
    from shootprint.server.services import tokens

    pid = world.production("editor")
    editor = world.client("editor")
    cookie = editor.cookies["sp_session"]
    public_id = security.session_public_id(security.token_hash(cookie))
    assert post(editor, f"/o/{world.org}/productions/{pid}/trash").status_code == 303

    token_id, secret = tokens.create(world.db, world.scope("owner"), "CI uploads", ["read", "write"])
    api = world.client()
    api.headers["Authorization"] = f"Bearer {secret}"
    assert api.post(f"/api/v1/productions/{pid}/restore").status_code == 200

    with world.db.transaction() as s:
        events = s.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        by_action = {e.action: e for e in events}  # the latest of each action
        trash, restore = by_action["production.trash"], by_action["production.untrash"]
        assert (trash.via_kind, trash.via_id, trash.via_name) == ("session", public_id, "")
        assert (restore.via_kind, restore.via_id, restore.via_name) == ("token", str(token_id), "CI uploads")
        sign_in = [e for e in events if e.action == "sign_in" and e.via_id == public_id]
        assert len(sign_in) == 1 and sign_in[0].target == "editor@example.org"
        # the action made by the service layer directly (no request) says it came through neither
        assert by_action["production.create"].via_kind == ""
        stored = [(e.via_id, e.via_name, str(e.detail)) for e in events]
    assert not [row for row in stored if cookie in str(row) or security.token_hash(cookie) in str(row)]

    owner = world.client("owner")
    page = owner.get(f"/o/{world.org}/audit")
    text = text_of(page.text)
    assert f"web session {public_id}" in text and f"API token {token_id} (CI uploads)" in text
    export = owner.get(f"/o/{world.org}/audit.csv").text
    rows = list(csv.DictReader(io.StringIO(export)))
    line = next(r for r in rows if r["action"] == "production.untrash")
    assert (line["via"], line["via_id"], line["via_name"]) == ("token", str(token_id), "CI uploads")
    line = next(r for r in rows if r["action"] == "production.trash")
    assert (line["via"], line["via_id"]) == ("session", public_id)
    for shown in (page.text, export):
        assert cookie not in shown and security.token_hash(cookie) not in shown and secret not in shown

    # signing out is recorded against the session that ends
    post(editor, "/signout")
    with world.db.transaction() as s:
        out = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "sign_out")).all()
    assert [(e.via_kind, e.via_id) for e in out] == [("session", public_id)]
