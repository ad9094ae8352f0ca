"""Hostile input through the application's own forms: each is answered with a clear 413 or 422, and
nothing is stored. A Hypothesis run throws arbitrary uploads and form fields at the same endpoints."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import sqlalchemy as sa

pytest.importorskip("fastapi")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from ops_helpers import World, build_world, post, text_of  # noqa: E402

from shootprint.server.app import create_app  # noqa: E402
from shootprint.server.services import productions  # noqa: E402
from shootprint.server.settings import Settings  # noqa: E402
from shootprint.server.store.models import Production, Revision  # noqa: E402

BOMB = "name: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
DEEP = "name: deep\nactivities:\n" + "".join("  " * (i + 1) + "- \n" for i in range(60))


def stored(world: World) -> tuple[int, int]:
    with world.db.transaction() as s:
        return (
            int(s.scalar(sa.select(sa.func.count()).select_from(Production)) or 0),
            int(s.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0),
        )


def upload(client: Any, org: str, filename: str, content: bytes, **form: str) -> Any:
    return client.post(
        f"/o/{org}/productions/new",
        data={"start": "upload", "csrf_token": client.cookies["sp_csrf"], **form},
        files={"file": (filename, content, "application/octet-stream")},
        follow_redirects=False,
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


HOSTILE_UPLOADS = [
    ("bomb.yaml", BOMB.encode(), "aliases"),
    ("deep.yaml", DEEP.encode(), "nested"),
    ("flow.json", ("[" * 5000 + "]" * 5000).encode(), "malformed YAML"),
    ("photo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a UTF-8 text file"),
    ("template.xlsx", b"name: not a workbook\n", "not an XLSX workbook"),
    ("archive.xlsx", _zip({"hello.txt": b"hi"}), "not an XLSX workbook"),
    (
        "bomb.xlsx",
        _zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)}),
        "unpacks to",
    ),
    ("zip-named.yaml", _zip({"hello.txt": b"hi"}), "not an XLSX workbook"),
    ("list.yaml", b"- just\n- a list\n", "expected a production"),
]


@pytest.mark.parametrize(("filename", "content", "says"), HOSTILE_UPLOADS, ids=[h[0] for h in HOSTILE_UPLOADS])
def test_hostile_uploads_are_refused_and_nothing_is_stored(
    world: World, filename: str, content: bytes, says: str
) -> None:
    client = world.client("editor")
    before = stored(world)
    answer = upload(client, world.org, filename, content)
    assert answer.status_code == 422, answer.text[:500]
    text = text_of(answer.text)
    assert says in text and filename in text, text[:1000]
    assert stored(world) == before


@pytest.mark.parametrize(("text", "says"), [(BOMB, "aliases"), (DEEP, "nested")], ids=["bomb", "deep"])
def test_hostile_yaml_edits_are_refused_and_nothing_is_stored(world: World, text: str, says: str) -> None:
    pid = world.production("editor")
    client = world.client("editor")
    before = stored(world)
    answer = post(client, f"/o/{world.org}/productions/{pid}/yaml", {"document": text, "base_revision": "1"})
    assert answer.status_code == 422
    assert says in text_of(answer.text)
    assert stored(world) == before


def test_bodies_over_the_limit_are_413_before_anything_is_read(new_database: Any) -> None:
    app = create_app(Settings(database_url=new_database(), max_body_bytes=64 * 1024))
    try:
        world = build_world(app)
        client = world.client("editor")
        before = stored(world)
        big = b"name: big\n" + b"# padding\n" * 10_000
        answer = upload(client, world.org, "big.yaml", big)
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        assert "65536 bytes" in answer.json()["detail"]
        assert answer.headers["x-frame-options"] == "DENY"  # security headers on the 413 too
        signin = client.post("/signin", data={"email": "x" * 70_000, "password": "p"})
        assert signin.status_code == 413
        assert stored(world) == before
        assert upload(client, world.org, "small.yaml", b"name: [unclosed\n").status_code == 422
    finally:
        app.state.db.dispose()


def test_the_body_limit_comes_from_the_environment() -> None:
    assert Settings.from_env({"SHOOTPRINT_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048
    assert Settings.from_env({}).max_body_bytes == 10 * 1024 * 1024
    for bad in ("ten", "-1", "0"):
        with pytest.raises(ValueError, match="SHOOTPRINT_MAX_BODY_BYTES"):
            Settings.from_env({"SHOOTPRINT_MAX_BODY_BYTES": bad})


@pytest.mark.parametrize(
    ("name", "says"),
    [("Shoot\u202egnp.exe", "U+202E"), ("Tournage\u2066Paris", "U+2066"), ("Bell\x07", "U+0007")],
    ids=["override", "isolate", "control"],
)
def test_names_that_would_display_another_text_are_refused(world: World, name: str, says: str) -> None:
    client = world.client("editor")
    before = stored(world)
    answer = post(
        client, f"/o/{world.org}/productions/new", {"start": "reference", "reference": "studio-paris", "name": name}
    )
    assert answer.status_code == 422
    assert says in text_of(answer.text)
    assert stored(world) == before


def test_markup_in_names_is_shown_as_text_never_run(world: World) -> None:
    name = '<script>alert(1)</script><img src=x onerror=alert(2)> "Été" \u00e9\u0301 \U0001f3ac'
    client = world.client("editor")
    answer = post(
        client,
        f"/o/{world.org}/productions/new",
        {"start": "reference", "reference": "studio-paris", "name": name, "client": '=HYPERLINK("http://x")'},
    )
    assert answer.status_code == 303
    for url in (answer.headers["location"], f"/o/{world.org}/productions"):
        page = client.get(url)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


# -- fuzz -----------------------------------------------------------------------------------------

NAMES = st.one_of(
    st.sampled_from(
        ["p.yaml", "p.yml", "p.json", "p.xlsx", "p", ".xlsx", "p.YAML", "../../etc/passwd", "p\u202e.yaml"]
    ),
    st.text(min_size=0, max_size=40),
)
CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([h[1] for h in HOSTILE_UPLOADS[:6]] + [b"name: ok\nactivities: []\n", b"{}", b"null"]),
)
FIELD = st.text(max_size=300)


@pytest.fixture
def fuzz_world(ops_app: Any) -> World:
    return build_world(ops_app)


def test_fuzz_uploads_and_forms_never_fail_the_server(fuzz_world: World) -> None:
    """Arbitrary files, names and form fields: every answer is a page (2xx/3xx) or a 4xx, never a 5xx,
    and a production is stored only when the answer says it was created."""
    world = fuzz_world
    client = world.client("editor")
    pid = productions.create(world.db, world.scope("editor"), productions.reference_document("studio-paris"))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        filename=NAMES,
        content=CONTENT,
        name=FIELD,
        client_name=FIELD,
        document=st.one_of(FIELD, CONTENT.map(lambda b: b.decode("utf-8", "replace"))),
        base=st.one_of(st.just("1"), FIELD),
        start=st.sampled_from(["upload", "reference", "blank", "", "nonsense"]),
    )
    def attempt(
        filename: str, content: bytes, name: str, client_name: str, document: str, base: str, start: str
    ) -> None:
        before = stored(world)
        created = client.post(
            f"/o/{world.org}/productions/new",
            data={"start": start, "name": name, "client": client_name, "csrf_token": client.cookies["sp_csrf"]},
            files={"file": (filename, content, "application/octet-stream")},
            follow_redirects=False,
        )
        assert created.status_code < 500, created.text[:500]
        after = stored(world)
        assert (after[0] == before[0] + 1) == (created.status_code == 303), (created.status_code, before, after)
        edited = post(client, f"/o/{world.org}/productions/{pid}/yaml", {"document": document, "base_revision": base})
        assert edited.status_code < 500, edited.text[:500]
        signin = client.post(
            "/signin", data={"email": name, "password": document, "csrf_token": client.cookies["sp_csrf"]}
        )
        assert signin.status_code < 500, signin.text[:500]
        if signin.status_code == 303:  # cannot happen with these values; keep the client signed in as editor
            raise AssertionError(f"signed in as {name!r}")

    attempt()
