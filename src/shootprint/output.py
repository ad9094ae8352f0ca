"""Writing a result file safely: every writer (CLI, reports, spreadsheets, tracker) goes through here.

* The target is never one of the command's inputs (``estimate a.yaml --out a.yaml`` is refused).
* Its extension matches what is written (``--format xlsx --out x.yaml`` is refused).
* A missing folder is created; a folder, a read-only place or a full device is an error saying so.
* The file appears whole or not at all: written to a temporary file beside it, then renamed.

Text written for spreadsheets (CSV and XLSX exports) goes through :func:`cell_text`, OWASP's rule
against formula injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is prefixed with ``'`` so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shootprint.cells import spreadsheet_safe
from shootprint.errors import InputError
from shootprint.i18n import Message, Spoken


def cell_text(value: Any) -> Any:
    """``value`` as a spreadsheet cell may hold it safely (:func:`shootprint.cells.spreadsheet_safe`
    for text; numbers and everything else are returned as they are)."""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.resolve() == b.resolve()


def _describe(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return Message("{path}: the device is full; nothing was written", path=str(path))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Message("{path}: no permission to write there; nothing was written", path=str(path))
    if exc.errno == errno.EROFS:
        return Message("{path}: the folder is on a read-only device; nothing was written", path=str(path))
    if exc.errno == errno.EISDIR:
        return Message("{path}: is a folder; give a file name", path=str(path))
    if exc.errno == errno.ENOTDIR:
        return Message("{path}: part of the path is a file, not a folder", path=str(path))
    if exc.errno == errno.ENAMETOOLONG:
        return Message("{path}…: the name is too long", path=str(path)[:80])
    return Message("{path}: cannot be written ({error})", path=str(path), error=exc.strerror or type(exc).__name__)


def check_target(path: Path, suffixes: Iterable[str] = (), inputs: Iterable[Path] = (), what: str = "") -> Path:
    """Refuse ``path`` when it is a folder, one of ``inputs`` or has another extension than
    ``suffixes`` (e.g. ``(".xlsx",)``); create its folder. Returns the path."""
    path = Path(path)
    wanted = tuple(s.lower() for s in suffixes)
    if path.is_dir():
        if wanted:
            raise InputError(
                Message("{path}: is a folder; give a file name ending in {suffix}", path=str(path), suffix=wanted[0])
            )
        raise InputError(Message("{path}: is a folder; give a file name", path=str(path)))
    if wanted and path.suffix.lower() not in wanted:
        params = {
            "path": str(path),
            "suffixes": Spoken({"en": " or ".join(wanted), "fr": " ou ".join(wanted)}),
            "suffix": wanted[0],
        }
        if what:
            raise InputError(
                Message(
                    "{path}: a {what} file is written as {suffixes}; give a name ending in {suffix}",
                    what=what,
                    **params,
                )
            )
        raise InputError(Message("{path}: a file is written as {suffixes}; give a name ending in {suffix}", **params))
    for source in inputs:
        if _same_file(path, Path(source)):
            raise InputError(
                Message(
                    "{path}: is one of the inputs; writing there would overwrite it: choose another name",
                    path=str(path),
                )
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(Message("{path}: part of the path is a file, not a folder", path=str(path))) from None
    except OSError as exc:
        raise InputError(_describe(exc, path.parent)) from None
    return path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it when the block ends without error.

    OSErrors (full device, no permission) become InputErrors saying so; the temporary file is removed.
    """
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(_describe(exc, path)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if path.exists():
            try:  # keep the permissions of the file it replaces
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            except OSError:
                pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(_describe(exc, path)) from None
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:
                pass


def write_text(
    path: Path, text: str, *, suffixes: Iterable[str] = (), inputs: Iterable[Path] = (), what: str = ""
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` safely (see the module docstring)."""
    path = check_target(path, suffixes, inputs, what)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return path


def write_with(
    path: Path,
    writer: Callable[[Path], Any],
    *,
    suffixes: Iterable[str] = (),
    inputs: Iterable[Path] = (),
    what: str = "",
) -> Path:
    """Call ``writer(temporary_path)`` and put what it wrote at ``path`` safely (binary writers:
    workbooks, PDFs)."""
    path = check_target(path, suffixes, inputs, what)
    with atomic_path(path) as tmp:
        writer(tmp)
    return path


#: the extension each text format is written with
SUFFIXES: dict[str, tuple[str, ...]] = {
    "json": (".json",),
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "table": (".txt", ".text", ".md"),
    "yaml": (".yaml", ".yml"),
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
    "jsonl": (".jsonl", ".json", ".ndjson"),
}
