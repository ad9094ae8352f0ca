"""Limits at the server's edge: no request body larger than the limit reaches a route.

A body announced larger than the limit (``Content-Length``) is answered 413 before a byte of it is
read; a body sent without a length (chunked) is counted as it arrives and cut off with a 413 at the
limit. The limit holds before any access check or form parsing, so a signed-out client cannot make the
server spool a large upload to disk.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shootprint import i18n

#: 10 MiB: a production file or a spreadsheet is well under 1 MiB; a day of tracker records a few MiB
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


def _problem(limit: int) -> bytes:
    return json.dumps(
        {
            "type": "about:blank",
            "title": "Request body too large",
            "status": 413,
            "detail": f"The request body is larger than the server's limit of {limit} bytes.",
            "problems": [
                {
                    "code": "body-too-large",
                    "location": "body",
                    "message": f"The request body is larger than the server's limit of {limit} bytes.",
                    "limit_bytes": limit,
                }
            ],
        }
    ).encode()


class BodyLimit:
    """Pure ASGI middleware: 413 for any HTTP request body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        body = _problem(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = -1
                if announced < 0 or announced > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send)


# -- documents and uploads ------------------------------------------------------------------

#: a production file has a few hundred values; 50,000 leaves room for large campaigns
MAX_DOCUMENT_VALUES = 50_000
#: a production file nests about 5 deep
MAX_DOCUMENT_DEPTH = 40
#: an XLSX template is a few hundred kB unpacked
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_MEMBERS = 500


class HostileInput(ValueError):
    """Input refused for its shape, not its content: the message names the file and the limit."""


def check_document_shape(data: object, source: str) -> None:
    """Refuse a document that expands to more than MAX_DOCUMENT_VALUES values or nests deeper than
    MAX_DOCUMENT_DEPTH: YAML aliases ("billion laughs") are counted each time they are used, as every
    later step (JSON, validation) would expand them."""
    seen = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_DOCUMENT_VALUES:
            raise HostileInput(
                i18n.Message(
                    "{source}: more than {most} values once YAML aliases are expanded; a production file is far "
                    "smaller (write each value out instead of repeating aliases)",
                    source=source,
                    most=str(MAX_DOCUMENT_VALUES),
                )
            )
        if depth > MAX_DOCUMENT_DEPTH:
            raise HostileInput(
                i18n.Message(
                    "{source}: nested more than {most} levels deep; a production file is not",
                    source=source,
                    most=str(MAX_DOCUMENT_DEPTH),
                )
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            stack.extend((k, depth + 1) for k in value if not isinstance(k, str))
        elif isinstance(value, list | tuple | set):
            stack.extend((v, depth + 1) for v in value)


def check_xlsx(content: bytes, filename: str) -> None:
    """Refuse an upload named .xlsx that is not a zip file, or that unpacks to more than
    MAX_XLSX_UNPACKED_BYTES or MAX_XLSX_MEMBERS files (a zip bomb), before anything opens it."""
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise HostileInput(
            i18n.Message(
                "{file}: not an XLSX workbook (not a zip file); upload the filled-in template, or a YAML/JSON "
                "production file",
                file=filename,
            )
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise HostileInput(
                i18n.Message(
                    "{file}: {count} files inside; an XLSX template has a few dozen",
                    file=filename,
                    count=str(len(members)),
                )
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise HostileInput(
                i18n.Message(
                    "{file}: unpacks to {size} bytes, over the limit of {most} (the template is a few hundred kB)",
                    file=filename,
                    size=str(unpacked),
                    most=str(MAX_XLSX_UNPACKED_BYTES),
                )
            )
        if "[Content_Types].xml" not in archive.namelist():
            raise HostileInput(
                i18n.Message("{file}: a zip file but not an XLSX workbook (no [Content_Types].xml)", file=filename)
            )


# -- text shown in pages --------------------------------------------------------------------

#: characters that change how the text around them is displayed or hide what it says: the bidi
#: embeddings, overrides and isolates (Trojan Source, CVE-2021-42574), zero-width joiners kept out
_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def text_problem(value: str, field: str, source: str) -> str | None:
    """Why a name shown in pages and exports is refused: control characters (other than tab and
    newline) and bidirectional controls, which would show the reader another text than the one stored."""
    import unicodedata

    for ch in value:
        code = ord(ch)
        if code in _BIDI_CONTROLS:
            return (
                f"{source}: {field}: contains the invisible direction control U+{code:04X}, which makes the text "
                "display differently from what it says; remove it"
            )
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n":
            return f"{source}: {field}: contains the control character U+{code:04X}; remove it"
    return None
